import {isObject} from '../../model/json.js'
import type {ResourceSet} from '../../model/resource-set.js'
import {resIdOf, type Resource} from '../../model/resource.js'
import {emptyFieldNameError, fieldSpecMatches, visitFieldPath, type FieldSpec} from '../fieldspec.js'
import {originalGvk} from './name-reference-ids.js'

/** kustomize v5.5's default namePrefix and nameSuffix field specs. */
export const defaultNamePrefixFieldSpecs: readonly FieldSpec[] = [{path: 'metadata/name'}]
export const defaultNameSuffixFieldSpecs: readonly FieldSpec[] = [{path: 'metadata/name'}]

export interface PrefixSuffixOptions {
  prefix?: string
  suffix?: string
  /** Field specs for both passes unless the specific ones below are given. */
  fieldSpecs?: readonly FieldSpec[]
  prefixFieldSpecs?: readonly FieldSpec[]
  suffixFieldSpecs?: readonly FieldSpec[]
}

// kustomize hard-codes these: their names are API-significant (CRD names must be
// <plural>.<group>, APIService names <version>.<group>) or are the namespace itself.
const skipped: readonly FieldSpec[] = [
  {path: '', kind: 'CustomResourceDefinition'},
  {path: '', kind: 'APIService', group: 'apiregistration.k8s.io'},
  {path: '', kind: 'Namespace'},
]

/**
 * kustomize's PrefixTransformer then SuffixTransformer, in place. Each renaming pass records the
 * id before it (so a prefix and a suffix leave two previous ids, as in kustomize) and the
 * affix itself, which name references use to choose between same-named targets.
 */
export function prefixSuffixTransformer(options: PrefixSuffixOptions): (set: ResourceSet) => ResourceSet {
  const prefixSpecs = options.prefixFieldSpecs ?? options.fieldSpecs ?? defaultNamePrefixFieldSpecs
  const suffixSpecs = options.suffixFieldSpecs ?? options.fieldSpecs ?? defaultNameSuffixFieldSpecs
  return (set) => {
    if (options.prefix) affixPass(set, options.prefix, prefixSpecs, 'prefix')
    if (options.suffix) affixPass(set, options.suffix, suffixSpecs, 'suffix')
    set.reindex()
    return set
  }
}

function affixPass(set: ResourceSet, affix: string, specs: readonly FieldSpec[], side: 'prefix' | 'suffix'): void {
  for (const r of set) {
    // kustomize selects by the original id (first previous kind), then filters by the current one.
    const org = originalGvk(r)
    if (skipped.some((s) => fieldSpecMatches(s, org))) continue
    const cur = resIdOf(r.obj)
    for (const fs of specs) {
      if (!fieldSpecMatches(fs, org)) continue
      if (fs.path === 'metadata/name') record(r, affix, side)
      if (!fieldSpecMatches(fs, cur)) continue
      if (fs.path === '') throw emptyFieldNameError(r)
      visitFieldPath(r.obj, fs.path, fs.create === true, (holder, key) => {
        const v = holder[key]
        if (isObject(v) || Array.isArray(v)) return
        const s = v === undefined || v === null ? '' : String(v)
        holder[key] = side === 'prefix' ? affix + s : s + affix
      })
    }
  }
}

function record(r: Resource, affix: string, side: 'prefix' | 'suffix'): void {
  if (side === 'prefix') (r.meta.namePrefixes ??= []).push(affix)
  else (r.meta.nameSuffixes ??= []).push(affix)
  r.meta.previousIds.push(resIdOf(r.obj))
}
