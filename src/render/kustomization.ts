import * as path from 'node:path'
import {UserError} from '../model/errors.js'
import {isObject, type JsonObject, type JsonValue} from '../model/json.js'
import type {FileSystem} from '../source/filesystem.js'
import {checkBuildMetadata} from './build-metadata.js'
import {goDecode} from './go-decode.js'
import {kustomizationSchema} from './kustomization-schema.js'
import type {FieldSpec} from './fieldspec.js'
import type {Selector} from './select.js'
import type {ReplacementEntry} from './transformers/replacements.js'
import type {VarEntry} from './transformers/vars.js'
import {parseYamlDocuments} from './yaml/parse.js'

export const kustomizationFileNames = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'] as const

export type {Selector} from './select.js'

export interface PatchEntry {
  path?: string
  patch?: string
  target?: Selector
  options?: Record<string, boolean>
}

export interface LabelEntry {
  pairs?: Record<string, string>
  includeSelectors?: boolean
  includeTemplates?: boolean
  fields?: FieldSpec[]
}

export interface ImageEntry {
  name?: string
  newName?: string
  tagSuffix?: string
  newTag?: string
  digest?: string
}

export interface GeneratorOptionsEntry {
  labels?: Record<string, string>
  annotations?: Record<string, string>
  disableNameSuffixHash?: boolean
  immutable?: boolean
}

export interface GeneratorEntry {
  namespace?: string
  name?: string
  behavior?: string
  literals?: string[]
  files?: string[]
  envs?: string[]
  env?: string
  options?: GeneratorOptionsEntry
  type?: string
}

/** A kustomization file as written, after kustomize's FixKustomization (bases folded into resources, ...). */
export interface Kustomization {
  apiVersion: string
  kind: 'Kustomization' | 'Component'
  namePrefix?: string
  nameSuffix?: string
  namespace?: string
  commonLabels?: Record<string, string>
  labels?: LabelEntry[]
  commonAnnotations?: Record<string, string>
  patchesStrategicMerge?: string[]
  patchesJson6902?: PatchEntry[]
  patches?: PatchEntry[]
  images?: ImageEntry[]
  replicas?: {name: string; count: number}[]
  sortOptions?: {order?: string; legacySortOptions?: {orderFirst?: string[]; orderLast?: string[]}}
  resources: string[]
  components?: string[]
  configMapGenerator?: GeneratorEntry[]
  secretGenerator?: GeneratorEntry[]
  generatorOptions?: GeneratorOptionsEntry
  replacements?: ReplacementEntry[]
  vars?: VarEntry[]
  configurations?: string[]
  crds?: string[]
  /** Builtin plugin configs: inline YAML, files, or directories of them (see plugins/). */
  generators?: string[]
  transformers?: string[]
  validators?: string[]
  /** Fields parsed but handled by later work (replacements, helm, plugins, ...), kept raw. */
  raw: JsonObject
}

export interface LoadedKustomization {
  kustomization: Kustomization
  /** Absolute path of the kustomization file. */
  file: string
  /** The same path relative to the render root, for messages. */
  displayFile: string
  warnings: string[]
}

const deprecations: [field: string, message: string][] = [
  ['bases', "'bases' is deprecated. Please use 'resources' instead. Run 'kustomize edit fix' to update your Kustomization automatically."],
  ['commonLabels', "'commonLabels' is deprecated. Please use 'labels' instead. Run 'kustomize edit fix' to update your Kustomization automatically."],
  ['imageTags', "'imageTags' is deprecated. Please use 'images' instead. Run 'kustomize edit fix' to update your Kustomization automatically."],
  ['patchesJson6902', "'patchesJson6902' is deprecated. Please use 'patches' instead. Run 'kustomize edit fix' to update your Kustomization automatically."],
  ['patchesStrategicMerge', "'patchesStrategicMerge' is deprecated. Please use 'patches' instead. Run 'kustomize edit fix' to update your Kustomization automatically."],
  ['vars', "'vars' is deprecated. Please use 'replacements' instead. [EXPERIMENTAL] Run 'kustomize edit fix' to update your Kustomization automatically."],
]

/** Finds the one kustomization file in `dir`; kustomize refuses a directory with two. */
export function findKustomizationFile(fsys: FileSystem, dir: string, display: (p: string) => string): string {
  const found = kustomizationFileNames.filter((n) => fsys.exists(path.join(dir, n)) && !fsys.isDirectory(path.join(dir, n)))
  if (found.length === 0) {
    throw new UserError(
      `unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory '${display(dir)}'`,
      {file: display(dir)},
      'Point strata at a directory that holds a kustomization.yaml, or create one listing your resources.',
    )
  }
  if (found.length > 1) {
    throw new UserError(`found multiple kustomization files under ${display(dir)}: ${found.join(', ')}`, {file: display(dir)}, 'Keep exactly one of them.')
  }
  return path.join(dir, found[0])
}

/**
 * kustomization.yaml is read with YAML 1.1 rules (kustomize decodes it with sigs.k8s.io/yaml,
 * i.e. go-yaml v2), so `yes`/`on` are booleans there and fail string fields the same way.
 */
function parseKustomizationYaml(text: string, displayFile: string): JsonValue {
  // go-yaml v2 builds a map: a key repeated in one mapping is not an error, the last one wins.
  const docs = parseYamlDocuments(text, displayFile, '1.1', {duplicateKeys: 'last-wins'}).filter((d) => d !== null)
  if (docs.length > 1) throw new UserError('invalid Kustomization: the file holds more than one YAML document', {file: displayFile}, 'Keep one document in the kustomization file.')
  return docs[0] ?? null
}

export function loadKustomization(fsys: FileSystem, dir: string, display: (p: string) => string): LoadedKustomization {
  const file = findKustomizationFile(fsys, dir, display)
  const displayFile = display(file)
  const parsed = parseKustomizationYaml(fsys.readFile(file).toString('utf8'), displayFile)
  // Decoded as kustomize decodes it into its Go struct: `nameprefix:` is namePrefix, unknown fields fail.
  const value = isObject(parsed) ? goDecode(parsed, {object: kustomizationSchema}, 'kustomization', {file: displayFile, what: 'invalid Kustomization', strict: true}) : parsed
  if (value === null || (isObject(value) && Object.keys(value).every((k) => k === 'apiVersion' || k === 'kind' || value[k] === null))) {
    throw new UserError('kustomization.yaml is empty', {file: displayFile}, 'List at least one resource, component, generator or transformer in it.')
  }
  if (!isObject(value)) {
    throw new UserError('invalid Kustomization: the document must be a map of fields', {file: displayFile}, 'Write fields such as `resources:` at the top level of the file.')
  }
  const raw = value
  const warnings = deprecations.filter(([f]) => raw[f] !== undefined && raw[f] !== null).map(([, m]) => m)

  const kind = (raw.kind as string | undefined) || 'Kustomization'
  if (kind !== 'Kustomization' && kind !== 'Component') {
    throw new UserError(`kind should be Kustomization or Component, not ${kind}`, {file: displayFile, field: 'kind'}, 'Set kind: Kustomization (or Component for a component).')
  }
  const requiredVersion = kind === 'Component' ? 'kustomize.config.k8s.io/v1alpha1' : 'kustomize.config.k8s.io/v1beta1'
  const apiVersion = (raw.apiVersion as string | undefined) || requiredVersion
  if (apiVersion !== requiredVersion) {
    throw new UserError(`apiVersion for ${kind} should be ${requiredVersion}`, {file: displayFile, field: 'apiVersion'}, `Set apiVersion: ${requiredVersion}.`)
  }

  rejectNotYetSupported(raw, displayFile)
  checkBuildMetadata(raw, displayFile)
  const k = {...(raw as object), raw, kind, apiVersion} as unknown as Kustomization
  // kustomize's FixKustomization: deprecated fields folded into their successors.
  k.resources = [...((raw.resources as string[] | null) ?? []), ...((raw.bases as string[] | null) ?? [])]
  const imageTags = raw.imageTags as ImageEntry[] | null | undefined
  if (imageTags) k.images = [...(k.images ?? []), ...imageTags]
  for (const g of [...(k.configMapGenerator ?? []), ...(k.secretGenerator ?? [])]) {
    if (g.env) {
      g.envs = [...(g.envs ?? []), g.env]
      delete g.env
    }
  }
  return {kustomization: k, file, displayFile, warnings}
}

// Fields issue 6 implements; until then a clear error beats a silently different render.
const notYetSupported: string[] = []

function rejectNotYetSupported(raw: JsonObject, displayFile: string): void {
  for (const field of notYetSupported) {
    const v = raw[field]
    if (v === undefined || v === null || (Array.isArray(v) && v.length === 0)) continue
    throw new UserError(`the kustomization field '${field}' is not supported by strata yet`, {file: displayFile, field}, 'Render this tree with kustomize for now; support is planned.')
  }
}
