import type {ErrorOrigin} from '../../model/errors.js'
import type {JsonObject} from '../../model/json.js'
import type {ResourceSet} from '../../model/resource-set.js'
import {applyFieldSpecs, FieldPathError, type FieldSpec} from '../fieldspec.js'
import {commonLabelsFieldSpecs, defaultLabelFieldSpecTables, labelsEntryFieldSpecs, type LabelFieldSpecTables} from './labels-config.js'

export interface LabelsOptions {
  labels: Readonly<Record<string, string>>
  /** Also selectors (Service, workload matchLabels, PDB, NetworkPolicy, affinity); `commonLabels` is this. */
  includeSelectors?: boolean
  /** Also pod/job/PVC templates (ignored when includeSelectors, which includes them). */
  includeTemplates?: boolean
  /** The entry's own `fields`, merged with the built-in tables as kustomize merges them. */
  fieldSpecs?: readonly FieldSpec[]
  /** Tables after `configurations:`; kustomize's built-in ones by default. */
  tables?: LabelFieldSpecTables
  /** Where the entry was written (kustomization file and field), for configuration errors. */
  origin?: ErrorOrigin
}

/**
 * A `labels:` entry as a transformer. Mutates the resources in place and returns the same set
 * (labels never change ids, so no reindex). An empty label map changes nothing, not even by
 * creating empty `labels:` maps, as in kustomize.
 */
export function labelsTransformer(options: LabelsOptions): (set: ResourceSet) => ResourceSet {
  const tables = options.tables ?? defaultLabelFieldSpecTables
  const entry = {includeSelectors: options.includeSelectors, includeTemplates: options.includeTemplates, fields: options.fieldSpecs}
  const specs = options.fieldSpecs ? labelsEntryFieldSpecs(entry, tables, options.origin) : sharedEntryFieldSpecs(entry, tables, options.origin)
  return mapEntriesTransformer(options.labels, specs)
}

// Most `labels:` entries have no `fields` of their own: their specs depend only on the tables and
// the two flags, and every kustomization of a large tree would merge the same tables again.
const sharedSpecs = new WeakMap<LabelFieldSpecTables, Map<string, FieldSpec[]>>()

function sharedEntryFieldSpecs(entry: {includeSelectors?: boolean; includeTemplates?: boolean}, tables: LabelFieldSpecTables, origin: ErrorOrigin | undefined): FieldSpec[] {
  let byFlags = sharedSpecs.get(tables)
  if (!byFlags) sharedSpecs.set(tables, (byFlags = new Map()))
  const key = `${Boolean(entry.includeSelectors)} ${Boolean(entry.includeTemplates)}`
  let specs = byFlags.get(key)
  // A conflict throws (naming this entry's origin) and is not remembered.
  if (!specs) byFlags.set(key, (specs = labelsEntryFieldSpecs(entry, tables, origin)))
  return specs
}

/**
 * `commonLabels`: exactly the configured commonLabels table (kustomize does not merge the
 * `labels` table into it, unlike `labels:` entries with includeSelectors).
 */
export function commonLabelsTransformer(labels: Readonly<Record<string, string>>, fieldSpecs: readonly FieldSpec[] = commonLabelsFieldSpecs): (set: ResourceSet) => ResourceSet {
  return mapEntriesTransformer(labels, fieldSpecs)
}

/**
 * Sets string entries in the maps the specs point at, creating missing (or null) maps where a spec
 * says `create`; shared by labels and annotations, which kustomize implements the same way.
 */
export function mapEntriesTransformer(entries: Readonly<Record<string, string>>, specs: readonly FieldSpec[]): (set: ResourceSet) => ResourceSet {
  const keys = Object.keys(entries).sort()
  return (set) => {
    if (keys.length === 0) return set
    for (const r of set) {
      applyFieldSpecs(r, specs, (holder, key, spec) => {
        let target = holder[key]
        if (target === undefined || target === null) {
          // Without `create` kustomize leaves an explicit null alone.
          if (!spec.create) return
          target = holder[key] = {}
        }
        if (typeof target !== 'object' || Array.isArray(target)) {
          throw new FieldPathError(`wrong node kind: expected MappingNode but got ${Array.isArray(target) ? 'SequenceNode' : 'ScalarNode'}`)
        }
        for (const k of keys) (target as JsonObject)[k] = entries[k]
      })
    }
    return set
  }
}
