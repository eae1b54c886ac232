import {UserError, type ErrorOrigin} from '../../model/errors.js'
import type {JsonValue} from '../../model/json.js'
import type {ResourceSet} from '../../model/resource-set.js'
import {formatResId, resIdOf, type Resource} from '../../model/resource.js'
import {anyIdSelectedBy, matchesLabelAndAnnotationSelectors, type Selector} from '../select.js'
import {lookupField, matchFields, ReplacementPathError, splitReplacementPath, type CreateKind} from './replacements-path.js'
import {refineSourceValue, ReplacementValueError, writeValue} from './replacements-value.js'

/** kustomize's FieldOptions (`encoding` is accepted and, as in kustomize, unused). */
export interface ReplacementOptions {
  delimiter?: string
  index?: number
  encoding?: string
  create?: boolean
}

/** Where the value comes from: exactly one object (by id, not by labels) and a field in it. */
export interface ReplacementSource {
  group?: string
  version?: string
  kind?: string
  name?: string
  namespace?: string
  /** Defaults to `metadata.name`. */
  fieldPath?: string
  options?: ReplacementOptions
}

export interface ReplacementTarget {
  select?: Selector
  reject?: Selector[]
  /** Defaults to `[metadata.name]`. */
  fieldPaths?: string[]
  options?: ReplacementOptions
}

export interface Replacement {
  source?: ReplacementSource
  targets?: ReplacementTarget[]
}

/** A `replacements:` entry in a kustomization: inline, or `path:` to a file of one or more. */
export interface ReplacementEntry extends Replacement {
  path?: string
}

/** A replacement ready to run, with where it was written for messages. */
export interface LoadedReplacement {
  replacement: Replacement
  origin: ErrorOrigin
}

const defaultFieldPath = 'metadata.name'

/**
 * `replacements:` (kustomize's ReplacementTransformer), run last among a kustomization's
 * transformers. Each replacement in order reads one value from its source object and writes it
 * into every selected target's field paths, so later replacements see earlier ones' results.
 * Mutates the set's objects in place and returns the set.
 */
export function replacementsTransformer(replacements: readonly LoadedReplacement[]): (set: ResourceSet) => ResourceSet {
  return (set) => {
    for (const {replacement, origin} of replacements) {
      if (!replacement.source || !replacement.targets?.length) {
        throw new UserError('replacements must specify a source and at least one target', origin, 'Give the replacement a `source:` and a non-empty `targets:` list.')
      }
      const value = sourceValue(set, replacement.source, origin)
      replacement.targets.forEach((target, j) => applyTarget(set, value, target, {...origin, field: `${origin.field}.targets[${j}]`}))
    }
    return set
  }
}

function describeSelector(s: Omit<Selector, 'labelSelector' | 'annotationSelector'>): string {
  const parts = (['group', 'version', 'kind', 'name', 'namespace'] as const).filter((k) => s[k]).map((k) => `${k}: ${s[k]}`)
  return parts.length ? `{${parts.join(', ')}}` : '{} (matches every object)'
}

function describeResource(r: Resource): string {
  return `${formatResId(resIdOf(r.obj))} (from ${r.origin.file})`
}

function sourceValue(set: ResourceSet, source: ReplacementSource, origin: ErrorOrigin): JsonValue {
  const field = `${origin.field}.source`
  let found: Resource | undefined
  for (const r of set) {
    if (!anyIdSelectedBy(r, source)) continue
    if (found) {
      throw new UserError(
        `multiple matches for selector ${describeSelector(source)}: ${describeResource(found)} and ${describeResource(r)}`,
        {...origin, field},
        'A replacement source must select exactly one object: add kind, name or namespace to the source.',
      )
    }
    found = r
  }
  if (!found) {
    throw new UserError(`nothing selected by ${describeSelector(source)}`, {...origin, field}, 'Fix the source selector so it names one object of this kustomization (its kind, name and namespace).')
  }
  const fieldPath = source.fieldPath || defaultFieldPath
  let value: JsonValue | undefined
  try {
    value = lookupField(found.obj, splitReplacementPath(fieldPath))
  } catch (e) {
    if (!(e instanceof ReplacementPathError)) throw e
    throw new UserError(`error looking up replacement source ${describeResource(found)} at fieldPath '${fieldPath}': ${e.message}`, {...origin, field: `${field}.fieldPath`}, 'Fix the source fieldPath.')
  }
  if (value === undefined || value === null || (Array.isArray(value) && value.length === 0) || (typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0)) {
    throw new UserError(`fieldPath '${fieldPath}' is missing for replacement source ${describeResource(found)}`, {...origin, field: `${field}.fieldPath`}, 'Point fieldPath at a field that is set in the source object.')
  }
  try {
    return refineSourceValue(value, source.options)
  } catch (e) {
    if (!(e instanceof ReplacementValueError)) throw e
    throw new UserError(`replacement source ${describeResource(found)} at '${fieldPath}': ${e.message}`, {...origin, field: `${field}.options`}, 'options.delimiter splits a scalar value; options.index must pick one of its pieces.')
  }
}

/** Whether a target selects `r`: select's id and label/annotation selectors match, no reject does. */
export function selects(r: Resource, target: ReplacementTarget & {select: Selector}, origin: ErrorOrigin): boolean {
  if (!matchesLabelAndAnnotationSelectors(r, target.select, origin)) return false
  const rejects = target.reject ?? []
  for (const reject of rejects) {
    if (!reject.labelSelector && !reject.annotationSelector) continue
    if (matchesLabelAndAnnotationSelectors(r, reject, origin)) return false
  }
  if (!anyIdSelectedBy(r, target.select)) return false
  for (const reject of rejects) {
    if (!reject.group && !reject.version && !reject.kind && !reject.name && !reject.namespace) continue
    if (anyIdSelectedBy(r, reject)) return false
  }
  return true
}

function applyTarget(set: ResourceSet, value: JsonValue, target: ReplacementTarget, origin: ErrorOrigin): void {
  const select = target.select
  if (!select) throw new UserError('target must specify resources to select', origin, 'Add `select:` to the target (for example `select: {kind: Deployment}`).')
  const fieldPaths = target.fieldPaths?.length ? target.fieldPaths : [defaultFieldPath]
  const create = target.options?.create
  const createKind: CreateKind = !create ? 'none' : Array.isArray(value) ? 'seq' : typeof value === 'object' && value !== null ? 'map' : 'scalar'
  const splits = fieldPaths.map(splitReplacementPath)
  for (const r of set) {
    if (!selects(r, {...target, select}, origin)) continue
    fieldPaths.forEach((fp, k) => {
      const where = {...origin, field: `${origin.field}.fieldPaths[${k}]`}
      const action = create ? 'find or create' : 'find'
      try {
        const slots = matchFields(r.obj, splits[k], createKind)
        if (slots.length === 0) {
          throw new UserError(
            `unable to ${action} field "${fp}" in replacement target ${describeResource(r)}`,
            where,
            create ? 'Fix the field path.' : 'Fix the field path, or set `options: {create: true}` on the target to add the field.',
          )
        }
        for (const slot of slots) writeValue(slot, value, target.options)
      } catch (e) {
        if (e instanceof ReplacementPathError) {
          throw new UserError(`unable to ${action} field "${fp}" in replacement target ${describeResource(r)}: ${e.message}`, where, 'Fix the field path: use [name=x] or an index to step into lists, and field names to step into maps.')
        }
        if (e instanceof ReplacementValueError) {
          throw new UserError(`replacement target ${describeResource(r)}, field "${fp}": ${e.message}`, where, "The target field keeps its type: give it a value of that type, or use a string field (options.delimiter only works on scalar fields).")
        }
        throw e
      }
    })
  }
}
