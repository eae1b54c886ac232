import {UserError} from '../model/errors.js'
import {isObject, type JsonObject} from '../model/json.js'
import type {ResourceSet} from '../model/resource-set.js'
import type {Kustomization} from './kustomization.js'

/** The managed-by value kubectl v5.5.0's embedded kustomize prints (its build carries no semver). */
export const managedByLabelValue = 'kustomize-(devel)'
export const managedByLabelKey = 'app.kubernetes.io/managed-by'

// Every buildMetadata option kustomize v5.5 knows is built now; the check stays for the next one.
const unsupportedOptions = new Set<string>([])

/** Throws for buildMetadata options strata cannot honour yet; unknown values are ignored, as kustomize does. */
export function checkBuildMetadata(raw: JsonObject, displayFile: string): void {
  const options = raw.buildMetadata
  if (!Array.isArray(options)) return
  for (const option of options) {
    if (typeof option === 'string' && unsupportedOptions.has(option)) {
      throw new UserError(`buildMetadata '${option}' is not supported by strata yet`, {file: displayFile, field: 'buildMetadata'}, 'Remove it, or render this tree with kustomize for now.')
    }
  }
}

/** True when the (top-level) kustomization asks for the managed-by label. */
export function wantsManagedByLabel(raw: JsonObject): boolean {
  return Array.isArray(raw.buildMetadata) && raw.buildMetadata.includes('managedByLabel')
}

/** Sets app.kubernetes.io/managed-by on every resource, creating metadata.labels when absent (in place). */
export function addManagedByLabel(set: ResourceSet): void {
  for (const r of set.toArray()) {
    if (!isObject(r.obj.metadata)) r.obj.metadata = {}
    const metadata = r.obj.metadata as JsonObject
    if (!isObject(metadata.labels)) metadata.labels = {}
    ;(metadata.labels as JsonObject)[managedByLabelKey] = managedByLabelValue
  }
}

export const originAnnotationKey = 'config.kubernetes.io/origin'

/** True when the (top-level) kustomization asks for config.kubernetes.io/origin; kustomize reads it from the top only. */
export function wantsOriginAnnotations(raw: JsonObject): boolean {
  return Array.isArray(raw.buildMetadata) && raw.buildMetadata.includes('originAnnotations')
}

/** kustomize's resource.Origin, as it writes it into the annotation (local trees: no repo/ref). */
export interface ResourceOriginInfo {
  path?: string
  /** For objects from a remote git base: the clone URL and ref, paths then relative to that repository. */
  repo?: string
  ref?: string
  configuredIn?: string
  configuredBy?: {apiVersion?: string; kind?: string; name?: string; namespace?: string}
}

// kyaml prints these strings plain; anything else is double-quoted here (kyaml would pick a
// style per value, so unusual paths are a known difference).
const plain = /^[A-Za-z0-9_./][A-Za-z0-9_./:@-]*$/
const ambiguous = /^(true|false|yes|no|on|off|y|n|null|~|[-+]?[0-9][0-9_.eE+-]*|\.[0-9].*)$/i

function scalar(v: string): string {
  return plain.test(v) && !ambiguous.test(v) ? v : JSON.stringify(v)
}

/** The annotation text kyaml.Marshal gives for an Origin (fields in struct order, empty ones omitted). */
export function originAnnotationText(origin: ResourceOriginInfo): string {
  const lines: string[] = []
  if (origin.path) lines.push(`path: ${scalar(origin.path)}`)
  if (origin.repo) lines.push(`repo: ${scalar(origin.repo)}`)
  if (origin.ref) lines.push(`ref: ${scalar(origin.ref)}`)
  if (origin.configuredIn) lines.push(`configuredIn: ${scalar(origin.configuredIn)}`)
  const by = origin.configuredBy
  if (by && (by.apiVersion || by.kind || by.name || by.namespace)) {
    lines.push('configuredBy:')
    for (const k of ['apiVersion', 'kind', 'name', 'namespace'] as const) if (by[k]) lines.push(`  ${k}: ${scalar(by[k]!)}`)
  }
  return lines.map((l) => l + '\n').join('')
}

/** Sets the origin annotation on one object (in place), creating metadata.annotations when absent. */
export function setOriginAnnotation(obj: JsonObject, origin: ResourceOriginInfo): void {
  if (!isObject(obj.metadata)) obj.metadata = {}
  const metadata = obj.metadata as JsonObject
  if (!isObject(metadata.annotations)) metadata.annotations = {}
  ;(metadata.annotations as JsonObject)[originAnnotationKey] = originAnnotationText(origin)
}

export const transformationsAnnotationKey = 'alpha.config.kubernetes.io/transformations'

export function wantsTransformerAnnotations(raw: JsonObject): boolean {
  return Array.isArray(raw.buildMetadata) && raw.buildMetadata.includes('transformerAnnotations')
}

/** One entry of the transformations list, as kyaml.Marshal prints a []*Origin item. */
function transformationText(origin: ResourceOriginInfo): string {
  return originAnnotationText(origin)
    .split('\n')
    .filter((l) => l !== '')
    .map((l, i) => (i === 0 ? '- ' : '  ') + l + '\n')
    .join('')
}

/**
 * The origins of this kustomization's builtin transformer instances, in kustomize's order and
 * number (configureBuiltinTransformers): one per patches/patchesJson6902/replicas/images entry,
 * one per labels entry plus one for commonLabels (even when empty), one for each other field.
 */
export function builtinTransformerOrigins(k: Kustomization, configuredIn: string): ResourceOriginInfo[] {
  const kinds: string[] = []
  const times = (n: number, kind: string) => {
    for (let i = 0; i < n; i++) kinds.push(kind)
  }
  const size = (m: object | undefined | null) => (m ? Object.keys(m).length : 0)
  times(k.patchesStrategicMerge?.length ? 1 : 0, 'PatchStrategicMergeTransformer')
  times(k.patches?.length ?? 0, 'PatchTransformer')
  times(k.namespace ? 1 : 0, 'NamespaceTransformer')
  times(k.namePrefix ? 1 : 0, 'PrefixTransformer')
  times(k.nameSuffix ? 1 : 0, 'SuffixTransformer')
  times(k.labels?.length || size(k.commonLabels) ? (k.labels?.length ?? 0) + 1 : 0, 'LabelTransformer')
  times(size(k.commonAnnotations) ? 1 : 0, 'AnnotationsTransformer')
  times(k.patchesJson6902?.length ?? 0, 'PatchJson6902Transformer')
  times(k.replicas?.length ?? 0, 'ReplicaCountTransformer')
  times(k.images?.length ?? 0, 'ImageTagTransformer')
  times(k.replacements?.length ? 1 : 0, 'ReplacementTransformer')
  return kinds.map((kind) => ({configuredIn, configuredBy: {apiVersion: 'builtin', kind}}))
}

/**
 * kustomize's AddTransformerAnnotation for each transformer in turn, on every object present: an
 * object without an origin annotation takes the transformer as its origin, any other records it
 * in the transformations list (in place).
 */
export function addTransformerOrigins(set: ResourceSet, origins: readonly ResourceOriginInfo[]): void {
  if (origins.length === 0) return
  for (const r of set) {
    if (!isObject(r.obj.metadata)) r.obj.metadata = {}
    const metadata = r.obj.metadata as JsonObject
    if (!isObject(metadata.annotations)) metadata.annotations = {}
    const annotations = metadata.annotations as JsonObject
    let rest = origins
    if (annotations[originAnnotationKey] === undefined) {
      annotations[originAnnotationKey] = originAnnotationText(origins[0])
      rest = origins.slice(1)
    }
    if (rest.length === 0) continue
    const before = typeof annotations[transformationsAnnotationKey] === 'string' ? (annotations[transformationsAnnotationKey] as string) : ''
    annotations[transformationsAnnotationKey] = before + rest.map(transformationText).join('')
  }
}

/** End of build: the tracking annotations the top kustomization did not ask for are removed (in place). */
export function dropUnwantedTracking(set: ResourceSet, raw: JsonObject): void {
  const keepOrigin = wantsOriginAnnotations(raw)
  const keepTransformations = wantsTransformerAnnotations(raw)
  // Without either option nothing was tracked, and the input's own annotations stay as written.
  if (keepOrigin === keepTransformations) return
  const drop = keepOrigin ? transformationsAnnotationKey : originAnnotationKey
  for (const r of set) {
    const annotations = isObject(r.obj.metadata) && isObject(r.obj.metadata.annotations) ? r.obj.metadata.annotations : undefined
    if (!annotations || annotations[drop] === undefined) continue
    delete annotations[drop]
    if (Object.keys(annotations).length === 0) delete (r.obj.metadata as JsonObject).annotations
  }
}
