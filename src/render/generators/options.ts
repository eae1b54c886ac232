import type {GeneratorOptions} from './types.js'

/**
 * kustomize's MergeGlobalOptionsIntoLocal: a generator's own labels/annotations win over the
 * kustomization-wide `generatorOptions` on the same key, while a global `true` for
 * disableNameSuffixHash or immutable cannot be turned off locally.
 */
export function mergeGeneratorOptions(local: GeneratorOptions | undefined, global: GeneratorOptions | undefined): GeneratorOptions | undefined {
  if (!global) return local
  const merged: GeneratorOptions = {...local}
  const labels = overrideMap(local?.labels, global.labels)
  if (labels) merged.labels = labels
  const annotations = overrideMap(local?.annotations, global.annotations)
  if (annotations) merged.annotations = annotations
  if (global.disableNameSuffixHash) merged.disableNameSuffixHash = true
  if (global.immutable) merged.immutable = true
  return merged
}

function overrideMap(local: Record<string, string> | undefined, global: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!local) return global ? {...global} : undefined
  return {...global, ...local}
}
