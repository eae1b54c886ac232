import type {FieldType} from './go-decode.js'

export type {FieldType} from './go-decode.js'

// The Go types kustomize decodes kustomization.yaml into (api/types), as a schema for goDecode:
// unknown fields and wrong types are errors, keys match their fields case-insensitively.

/** types.FieldSpec (its Gvk inlined). */
export const fieldSpecSchema: FieldType = {object: {group: 'string', version: 'string', kind: 'string', path: 'string', create: 'bool'}}
/** types.Selector (its ResId inlined). */
export const selectorSchema: FieldType = {
  object: {group: 'string', version: 'string', kind: 'string', name: 'string', namespace: 'string', labelSelector: 'string', annotationSelector: 'string'},
}
export const generatorOptionsSchema: FieldType = {object: {labels: 'stringMap', annotations: 'stringMap', disableNameSuffixHash: 'bool', immutable: 'bool'}}
export const generatorArgsSchema = {
  namespace: 'string',
  name: 'string',
  behavior: 'string',
  literals: 'stringList',
  files: 'stringList',
  envs: 'stringList',
  env: 'string',
  options: generatorOptionsSchema,
} as const satisfies Record<string, FieldType>
export const patchSchema: FieldType = {object: {path: 'string', patch: 'string', target: selectorSchema, options: 'boolMap'}}
const replacementOptions: FieldType = {object: {delimiter: 'string', index: 'int', encoding: 'string', create: 'bool'}}
/** One replacement (kustomize's types.Replacement); files of replacements reuse it (see replacements-load.ts). */
export const replacementSchema = {
  source: {object: {group: 'string', version: 'string', kind: 'string', name: 'string', namespace: 'string', fieldPath: 'string', options: replacementOptions}},
  targets: {list: {object: {select: selectorSchema, reject: {list: selectorSchema}, fieldPaths: 'stringList', options: replacementOptions}}},
} as const satisfies Record<string, FieldType>
const varSchema: FieldType = {
  object: {
    name: 'string',
    objref: {object: {apiVersion: 'string', group: 'string', version: 'string', kind: 'string', name: 'string', namespace: 'string'}},
    fieldref: {object: {fieldPath: 'string'}},
  },
}

// Field names only: helm/chart-config.ts checks the values with messages of its own.
const fieldsOfAnyType = (...names: string[]): FieldType => ({object: Object.fromEntries(names.map((n) => [n, 'any' as const]))})
const helmGlobals = fieldsOfAnyType('chartHome', 'configHome')
const helmChart = fieldsOfAnyType(
  'name', 'version', 'repo', 'releaseName', 'namespace', 'additionalValuesFiles', 'valuesFile', 'valuesInline', 'valuesMerge',
  'includeCRDs', 'skipHooks', 'apiVersions', 'kubeVersion', 'nameTemplate', 'skipTests', 'debug',
)
const helmChartArgs = fieldsOfAnyType(
  'chartName', 'chartVersion', 'chartRepoUrl', 'chartHome', 'chartRepoName', 'helmBin', 'helmHome', 'values', 'valuesLocal', 'valuesMerge',
  'releaseName', 'releaseNamespace', 'extraArgs',
)

export const kustomizationSchema: Record<string, FieldType> = {
  apiVersion: 'string',
  kind: 'string',
  metadata: {object: {name: 'string', namespace: 'string', labels: 'stringMap', annotations: 'stringMap'}, open: true},
  openapi: 'stringMap',
  namePrefix: 'string',
  nameSuffix: 'string',
  namespace: 'string',
  commonLabels: 'stringMap',
  labels: {list: {object: {pairs: 'stringMap', includeSelectors: 'bool', includeTemplates: 'bool', fields: {list: fieldSpecSchema}}}},
  commonAnnotations: 'stringMap',
  patchesStrategicMerge: 'stringList',
  patchesJson6902: {list: patchSchema},
  patches: {list: patchSchema},
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
  configMapGenerator: {list: {object: generatorArgsSchema}},
  secretGenerator: {list: {object: {...generatorArgsSchema, type: 'string'}}},
  helmGlobals,
  helmCharts: {list: helmChart},
  helmChartInflationGenerator: {list: helmChartArgs},
  generatorOptions: generatorOptionsSchema,
  configurations: 'stringList',
  generators: 'stringList',
  transformers: 'stringList',
  validators: 'stringList',
  buildMetadata: 'stringList',
}
