import {UserError} from '../model/errors.js'
import {isObject, type JsonObject} from '../model/json.js'
import type {ResourceSet} from '../model/resource-set.js'

/** The managed-by value kubectl v5.5.0's embedded kustomize prints (its build carries no semver). */
export const managedByLabelValue = 'kustomize-(devel)'
export const managedByLabelKey = 'app.kubernetes.io/managed-by'

// transformerAnnotations needs provenance tracking through every transformer; until that lands a
// clear error beats a render without the annotations kubectl would print.
const unsupportedOptions = new Set(['transformerAnnotations'])

/** Throws for buildMetadata options strata cannot honour yet; unknown values are ignored, as kustomize does. */
export function checkBuildMetadata(raw: JsonObject, displayFile: string): void {
  const options = raw.buildMetadata
  if (!Array.isArray(options)) return
  for (const option of options) {
    if (typeof option === 'string' && unsupportedOptions.has(option)) {
      throw new UserError(`buildMetadata '${option}' is not supported by strata yet`, {file: displayFile, field: 'buildMetadata'}, 'Remove it, or render this tree with kustomize for now; managedByLabel and originAnnotations are supported.')
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
  configuredIn?: string
  configuredBy?: {apiVersion?: string; kind?: string; name?: string; namespace?: string}
}

// kyaml prints these strings plain; anything else is double-quoted here (kyaml would pick a
// style per value, so unusual paths are a known difference).
const plain = /^[A-Za-z0-9_./][A-Za-z0-9_./-]*$/
const ambiguous = /^(true|false|yes|no|on|off|y|n|null|~|[-+]?[0-9][0-9_.eE+-]*|\.[0-9].*)$/i

function scalar(v: string): string {
  return plain.test(v) && !ambiguous.test(v) ? v : JSON.stringify(v)
}

/** The annotation text kyaml.Marshal gives for an Origin (fields in struct order, empty ones omitted). */
export function originAnnotationText(origin: ResourceOriginInfo): string {
  const lines: string[] = []
  if (origin.path) lines.push(`path: ${scalar(origin.path)}`)
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
