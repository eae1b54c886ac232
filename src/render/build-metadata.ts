import {UserError} from '../model/errors.js'
import {isObject, type JsonObject} from '../model/json.js'
import type {ResourceSet} from '../model/resource-set.js'

/** The managed-by value kubectl v5.5.0's embedded kustomize prints (its build carries no semver). */
export const managedByLabelValue = 'kustomize-(devel)'
export const managedByLabelKey = 'app.kubernetes.io/managed-by'

// originAnnotations / transformerAnnotations need provenance tracking through every transformer;
// until that lands a clear error beats a render without the annotations kubectl would print.
const unsupportedOptions = new Set(['originAnnotations', 'transformerAnnotations'])

/** Throws for buildMetadata options strata cannot honour yet; unknown values are ignored, as kustomize does. */
export function checkBuildMetadata(raw: JsonObject, displayFile: string): void {
  const options = raw.buildMetadata
  if (!Array.isArray(options)) return
  for (const option of options) {
    if (typeof option === 'string' && unsupportedOptions.has(option)) {
      throw new UserError(`buildMetadata '${option}' is not supported by strata yet`, {file: displayFile, field: 'buildMetadata'}, 'Remove it, or render this tree with kustomize for now; managedByLabel is supported.')
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
