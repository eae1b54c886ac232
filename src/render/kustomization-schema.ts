import {UserError} from '../model/errors.js'
import {isObject, type JsonValue} from '../model/json.js'

// kustomize decodes kustomization.yaml strictly (unknown fields and wrong types are errors), so a
// small type schema checks the same things here and names the offending field.

export type FieldType =
  | 'string'
  | 'bool'
  | 'int'
  | 'stringList'
  | 'stringMap'
  | 'boolMap'
  | 'any'
  | {object: Record<string, FieldType>; open?: boolean}
  | {list: FieldType}

const fieldSpec: FieldType = {object: {group: 'string', version: 'string', kind: 'string', path: 'string', create: 'bool'}}
const selector: FieldType = {
  object: {group: 'string', version: 'string', kind: 'string', name: 'string', namespace: 'string', labelSelector: 'string', annotationSelector: 'string'},
}
const generatorOptions: FieldType = {object: {labels: 'stringMap', annotations: 'stringMap', disableNameSuffixHash: 'bool', immutable: 'bool'}}
const generatorArgs = {
  namespace: 'string',
  name: 'string',
  behavior: 'string',
  literals: 'stringList',
  files: 'stringList',
  envs: 'stringList',
  env: 'string',
  options: generatorOptions,
} as const satisfies Record<string, FieldType>
const patch: FieldType = {object: {path: 'string', patch: 'string', target: selector, options: 'boolMap'}}
const replacementOptions: FieldType = {object: {delimiter: 'string', index: 'int', encoding: 'string', create: 'bool'}}
/** One replacement (kustomize's types.Replacement); files of replacements reuse it (see replacements-load.ts). */
export const replacementSchema = {
  source: {object: {group: 'string', version: 'string', kind: 'string', name: 'string', namespace: 'string', fieldPath: 'string', options: replacementOptions}},
  targets: {list: {object: {select: selector, reject: {list: selector}, fieldPaths: 'stringList', options: replacementOptions}}},
} as const satisfies Record<string, FieldType>
const varSchema: FieldType = {
  object: {
    name: 'string',
    objref: {object: {apiVersion: 'string', group: 'string', version: 'string', kind: 'string', name: 'string', namespace: 'string'}},
    fieldref: {object: {fieldPath: 'string'}},
  },
}

export const kustomizationSchema: Record<string, FieldType> = {
  apiVersion: 'string',
  kind: 'string',
  metadata: {object: {name: 'string', namespace: 'string', labels: 'stringMap', annotations: 'stringMap'}, open: true},
  openapi: 'stringMap',
  namePrefix: 'string',
  nameSuffix: 'string',
  namespace: 'string',
  commonLabels: 'stringMap',
  labels: {list: {object: {pairs: 'stringMap', includeSelectors: 'bool', includeTemplates: 'bool', fields: {list: fieldSpec}}}},
  commonAnnotations: 'stringMap',
  patchesStrategicMerge: 'stringList',
  patchesJson6902: {list: patch},
  patches: {list: patch},
  images: {list: {object: {name: 'string', newName: 'string', tagSuffix: 'string', newTag: 'string', digest: 'string'}}},
  imageTags: {list: {object: {name: 'string', newName: 'string', tagSuffix: 'string', newTag: 'string', digest: 'string'}}},
  replacements: {list: {object: {...replacementSchema, path: 'string'}}},
  replicas: {list: {object: {name: 'string', count: 'int'}}},
  vars: {list: varSchema},
  sortOptions: {object: {order: 'string', legacySortOptions: {object: {orderFirst: 'stringList', orderLast: 'stringList'}}}},
  resources: 'stringList',
  components: 'stringList',
  crds: 'stringList',
  bases: 'stringList',
  configMapGenerator: {list: {object: generatorArgs}},
  secretGenerator: {list: {object: {...generatorArgs, type: 'string'}}},
  helmGlobals: 'any',
  helmCharts: {list: 'any'},
  helmChartInflationGenerator: {list: 'any'},
  generatorOptions,
  configurations: 'stringList',
  generators: 'stringList',
  transformers: 'stringList',
  validators: 'stringList',
  buildMetadata: 'stringList',
}

function typeName(v: JsonValue): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'list'
  if (isObject(v)) return 'map'
  return typeof v === 'number' ? 'number' : typeof v
}

function expected(t: FieldType): string {
  if (typeof t === 'string') {
    return {string: 'a string', bool: 'true or false', int: 'an integer', stringList: 'a list of strings', stringMap: 'a map of strings', boolMap: 'a map of booleans', any: 'any value'}[t]
  }
  return 'object' in t ? 'a map' : 'a list'
}

/** Checks `value` against `t`; throws a UserError naming `file` and the field path. null counts as absent, as in Go. */
export function checkField(value: JsonValue, t: FieldType, field: string, file: string): void {
  if (value === null || t === 'any') return
  const fail = (why?: string) => {
    throw new UserError(
      `invalid Kustomization: field ${field} must be ${expected(t)}, found ${why ?? typeName(value)}`,
      {file, field},
      'Fix the field to the expected type (quote values such as yes, no, on, off or numbers that must stay strings).',
    )
  }
  if (typeof t === 'string') {
    switch (t) {
      case 'string':
        if (typeof value !== 'string') fail()
        return
      case 'bool':
        if (typeof value !== 'boolean') fail()
        return
      case 'int':
        if (typeof value !== 'number' || !Number.isInteger(value)) fail()
        return
      case 'stringList':
        if (!Array.isArray(value)) fail()
        ;(value as JsonValue[]).forEach((v, i) => {
          if (typeof v !== 'string') fail(`${typeName(v)} at index ${i}`)
        })
        return
      case 'stringMap':
      case 'boolMap': {
        if (!isObject(value)) fail()
        const want = t === 'stringMap' ? 'string' : 'boolean'
        for (const [k, v] of Object.entries(value as object)) {
          if (v !== null && typeof v !== want) fail(`${typeName(v as JsonValue)} for key ${JSON.stringify(k)}`)
        }
        return
      }
    }
  }
  if ('list' in t) {
    if (!Array.isArray(value)) fail()
    ;(value as JsonValue[]).forEach((v, i) => checkField(v, t.list, `${field}[${i}]`, file))
    return
  }
  if (!isObject(value)) fail()
  for (const [k, v] of Object.entries(value as object)) {
    const ft = t.object[k]
    if (!ft) {
      if (t.open) continue
      throw new UserError(`invalid Kustomization: unknown field "${field}.${k}"`, {file, field: `${field}.${k}`}, `Known fields here: ${Object.keys(t.object).join(', ')}.`)
    }
    checkField(v as JsonValue, ft, `${field}.${k}`, file)
  }
}
