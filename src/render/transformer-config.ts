import {UserError} from '../model/errors.js'
import {isObject, type JsonObject, type JsonValue} from '../model/json.js'
import {goDecode, type FieldType} from './go-decode.js'
import {fieldSpecSchema} from './kustomization-schema.js'
import {mergeFieldSpecs, type FieldSpec} from './fieldspec.js'
import {sortFieldSpecs} from './transformers/labels-config.js'
import {mergeNameReferenceConfigs, type NameBackReference} from './transformers/name-reference-config.js'
import {parseYamlDocument} from './yaml/parse.js'

/** The field-spec lists of kustomize's TransformerConfig (builtinconfig/transformerconfig.go). */
export const fieldSpecListNames = ['namePrefix', 'nameSuffix', 'namespace', 'commonLabels', 'templateLabels', 'labels', 'commonAnnotations', 'varReference', 'images', 'replicas'] as const
export type FieldSpecListName = (typeof fieldSpecListNames)[number]

/** A `configurations:` file: custom field specs per transformer plus nameReference entries. */
export type TransformerConfig = {[K in FieldSpecListName]?: FieldSpec[]} & {nameReference?: NameBackReference[]}

const fieldSpecList: FieldType = {list: fieldSpecSchema}
/** builtinconfig.TransformerConfig, decoded strictly (unknown fields fail, keys match case-insensitively). */
const transformerConfigSchema: FieldType = {
  object: {
    ...Object.fromEntries(fieldSpecListNames.map((name) => [name, fieldSpecList])),
    nameReference: {list: {object: {group: 'string', version: 'string', kind: 'string', fieldSpecs: fieldSpecList}}},
  },
}

function fieldSpecOf(v: JsonValue, file: string, field: string): FieldSpec {
  if (!isObject(v) || typeof v.path !== 'string' || v.path === '') {
    throw new UserError(`${field}: every entry needs a non-empty string \`path\``, {file, field}, 'Write entries as {path: spec/x, kind: Kind} (group, version and create are optional).')
  }
  const spec: FieldSpec = {path: v.path}
  for (const k of ['group', 'version', 'kind'] as const) {
    const x = v[k]
    if (x === undefined || x === null) continue
    if (typeof x !== 'string') throw new UserError(`${field}: \`${k}\` must be a string`, {file, field}, `Quote the ${k} value.`)
    spec[k] = x
  }
  if (v.create !== undefined && v.create !== null) {
    if (typeof v.create !== 'boolean') throw new UserError(`${field}: \`create\` must be true or false`, {file, field}, 'Write create: true or create: false.')
    spec.create = v.create
  }
  return spec
}

function listOf(v: JsonValue | undefined, file: string, field: string): JsonValue[] {
  if (v === undefined || v === null) return []
  if (!Array.isArray(v)) throw new UserError(`${field} must be a list`, {file, field}, 'Write it as a YAML sequence of entries.')
  return v
}

/**
 * Parses a `configurations:` file. kustomize reads it with yaml.UnmarshalStrict, so an unknown key
 * is an error too; every error is a UserError naming the file and field.
 */
export function parseTransformerConfig(text: string, file: string): TransformerConfig {
  // A repeated key fails here (go-yaml v2 in strict mode), as kustomize's UnmarshalStrict does.
  const parsed = parseYamlDocument(text, file)
  if (parsed === null) return {}
  if (!isObject(parsed)) throw new UserError('a transformer configuration must be a map', {file}, 'Use keys such as nameReference, commonLabels or images, each a list of field specs.')
  const doc = goDecode(parsed, transformerConfigSchema, '', {file, what: 'invalid transformer configuration', strict: true}) as JsonObject
  const config: TransformerConfig = {}
  for (const name of fieldSpecListNames) {
    if (doc[name] === undefined || doc[name] === null) continue
    config[name] = listOf(doc[name], file, name).map((e, i) => fieldSpecOf(e, file, `${name}[${i}]`))
  }
  if (doc.nameReference !== undefined && doc.nameReference !== null) {
    config.nameReference = listOf(doc.nameReference, file, 'nameReference').map((e, i) => {
      const field = `nameReference[${i}]`
      if (!isObject(e)) throw new UserError(`${field} must be a map`, {file, field}, 'Write {kind: Kind, fieldSpecs: [...]}.')
      const ref: NameBackReference = {fieldSpecs: listOf(e.fieldSpecs, file, `${field}.fieldSpecs`).map((f, j) => fieldSpecOf(f, file, `${field}.fieldSpecs[${j}]`))}
      for (const k of ['group', 'version', 'kind'] as const) {
        const x = e[k]
        if (x === undefined || x === null) continue
        if (typeof x !== 'string') throw new UserError(`${field}: \`${k}\` must be a string`, {file, field}, `Quote the ${k} value.`)
        ref[k] = x
      }
      return ref
    })
  }
  return config
}

/**
 * kustomize's TransformerConfig.Merge: each list takes the incoming specs not already covered
 * (same path, gvk selected), nameReference entries pool by gvk. A spec listed with and without
 * `create` is a UserError naming `origin` (the file that brought the conflict). Pure.
 */
export function mergeTransformerConfigs(base: TransformerConfig, incoming: TransformerConfig, origin?: string): TransformerConfig {
  const result: TransformerConfig = {}
  for (const name of fieldSpecListNames) {
    const a = base[name] ?? []
    const b = incoming[name] ?? []
    if (a.length === 0 && b.length === 0) continue
    const {merged, conflict} = mergeFieldSpecs(a, b)
    if (conflict) {
      throw new UserError(`conflicting fieldspecs: ${name} path ${conflict.path} is listed with and without create`, {file: origin, field: name}, 'Set `create` the same way in every configuration that lists this field.')
    }
    result[name] = merged
  }
  if (base.nameReference || incoming.nameReference) {
    result.nameReference = mergeNameReferenceConfigs(base.nameReference ?? [], incoming.nameReference ?? [], origin)
  }
  return result
}

/**
 * kustomize's built-in table for one transformer merged with the `configurations:` specs that
 * reached this level, as kustomize's accumulator gets it: the built-in table merged with the
 * custom specs (TransformerConfig.Merge, then sortFields), and that sorted table merged again into
 * the accumulator's (ResAccumulator.MergeConfig). The second merge drops a spec when one already
 * taken has the same path and a gvk it selects — and sorting puts a spec for a named kind before
 * the kind-less built-in one, so a custom `namePrefix: [{path: metadata/name, kind: Foo}]` makes
 * kustomize prefix Foo objects only (its TestIssue4884), and `commonLabels: [{path:
 * metadata/labels, kind: Foo, create: true}]` labels Foo objects only. The same spec with another
 * `create` is kustomize's "conflicting fieldspecs" error, in either merge. The built-in table
 * itself when nothing was configured.
 */
export function effectiveSpecs(builtin: readonly FieldSpec[], config: TransformerConfig, name: FieldSpecListName, file?: string): readonly FieldSpec[] {
  const custom = config[name]
  if (!custom?.length) return builtin
  const withBuiltin = mergeFieldSpecs(builtin, custom)
  const conflict = withBuiltin.conflict ?? mergeFieldSpecs([], sortFieldSpecs(withBuiltin.merged)).conflict
  if (conflict) {
    throw new UserError(
      `conflicting fieldspecs: ${name} path ${conflict.path}${conflict.kind ? ` (kind ${conflict.kind})` : ''} meets a built-in spec for the same path with another create value`,
      {file, field: 'configurations'},
      "Give the spec the same `create` as kustomize's built-in one (for metadata/labels and the label tables: create: true), or drop it.",
    )
  }
  return mergeFieldSpecs([], sortFieldSpecs(withBuiltin.merged)).merged
}
