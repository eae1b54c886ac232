import {UserError, type ErrorOrigin} from '../../model/errors.js'
import {mergeFieldSpecs, type FieldSpec} from '../fieldspec.js'
import {gvkIsLessThan} from '../order.js'

// kustomize's built-in fieldSpec tables for labels (api/internal/konfig/builtinpluginconsts:
// commonlabels.go, metadatalabels.go, templatelabels.go), and how a kustomization's `labels:`
// entries pick from them (target/kusttarget_configplugin.go, LabelTransformer).

/**
 * kustomize sorts every loaded fieldSpec table by GVK (Gvk.IsLessThan). Only the order in which
 * failures surface depends on it, but keeping it makes the first reported error the same.
 */
export function sortFieldSpecs(specs: FieldSpec[]): FieldSpec[] {
  return specs.sort((a, b) => (gvkIsLessThan(a, b) ? -1 : gvkIsLessThan(b, a) ? 1 : 0))
}

const affinityPaths = [
  'spec/template/spec/affinity/podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels',
  'spec/template/spec/affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels',
  'spec/template/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels',
  'spec/template/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels',
  'spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels',
]

/** metadata.labels everywhere plus pod/job/PVC template labels (kustomize's metadataLabelsFieldSpecs). */
const metadataLabels: FieldSpec[] = [
  {path: 'metadata/labels', create: true},
  {path: 'spec/template/metadata/labels', create: true, version: 'v1', kind: 'ReplicationController'},
  {path: 'spec/template/metadata/labels', create: true, kind: 'Deployment'},
  {path: 'spec/template/metadata/labels', create: true, kind: 'ReplicaSet'},
  {path: 'spec/template/metadata/labels', create: true, kind: 'DaemonSet'},
  {path: 'spec/template/metadata/labels', create: true, group: 'apps', kind: 'StatefulSet'},
  {path: 'spec/volumeClaimTemplates[]/metadata/labels', create: true, group: 'apps', kind: 'StatefulSet'},
  {path: 'spec/template/metadata/labels', create: true, group: 'batch', kind: 'Job'},
  {path: 'spec/jobTemplate/metadata/labels', create: true, group: 'batch', kind: 'CronJob'},
  {path: 'spec/jobTemplate/spec/template/metadata/labels', create: true, group: 'batch', kind: 'CronJob'},
]

/** `commonLabels` and `labels` with `includeSelectors: true`: metadata, templates and selectors. */
export const commonLabelsFieldSpecs: readonly FieldSpec[] = sortFieldSpecs([
  {path: 'spec/selector', create: true, version: 'v1', kind: 'Service'},
  {path: 'spec/selector', create: true, version: 'v1', kind: 'ReplicationController'},
  {path: 'spec/selector/matchLabels', create: true, kind: 'Deployment'},
  ...affinityPaths.map((path) => ({path, create: false, group: 'apps', kind: 'Deployment'})),
  {path: 'spec/selector/matchLabels', create: true, kind: 'ReplicaSet'},
  {path: 'spec/selector/matchLabels', create: true, kind: 'DaemonSet'},
  {path: 'spec/selector/matchLabels', create: true, group: 'apps', kind: 'StatefulSet'},
  ...affinityPaths.map((path) => ({path, create: false, group: 'apps', kind: 'StatefulSet'})),
  {path: 'spec/selector/matchLabels', create: false, group: 'batch', kind: 'Job'},
  {path: 'spec/jobTemplate/spec/selector/matchLabels', create: false, group: 'batch', kind: 'CronJob'},
  {path: 'spec/selector/matchLabels', create: false, group: 'policy', kind: 'PodDisruptionBudget'},
  {path: 'spec/podSelector/matchLabels', create: false, group: 'networking.k8s.io', kind: 'NetworkPolicy'},
  {path: 'spec/ingress/from/podSelector/matchLabels', create: false, group: 'networking.k8s.io', kind: 'NetworkPolicy'},
  {path: 'spec/egress/to/podSelector/matchLabels', create: false, group: 'networking.k8s.io', kind: 'NetworkPolicy'},
  ...metadataLabels,
])

/** `labels` with `includeTemplates: true` (and no selectors). */
export const templateLabelsFieldSpecs: readonly FieldSpec[] = sortFieldSpecs([...metadataLabels])

/** The three label tables of a transformer configuration; `labels` is empty unless `configurations:` adds to it. */
export interface LabelFieldSpecTables {
  commonLabels: readonly FieldSpec[]
  templateLabels: readonly FieldSpec[]
  labels: readonly FieldSpec[]
}

export const defaultLabelFieldSpecTables: LabelFieldSpecTables = {
  commonLabels: commonLabelsFieldSpecs,
  templateLabels: templateLabelsFieldSpecs,
  labels: [],
}

/** One entry of a kustomization's `labels:` list. */
export interface LabelsEntry {
  pairs: Record<string, string>
  includeSelectors?: boolean
  includeTemplates?: boolean
  fields?: readonly FieldSpec[]
}

/**
 * The fieldSpecs a `labels:` entry applies to, built as kustomize builds them: the entry's own
 * `fields`, then the configured `labels` table, then either the commonLabels table
 * (includeSelectors) or the template table (includeTemplates) plus `metadata/labels`.
 * A spec that repeats one already there with a different `create` is kustomize's "conflicting
 * fieldspecs" error, reported at `origin` (the kustomization, field `labels[i]`).
 */
export function labelsEntryFieldSpecs(entry: Omit<LabelsEntry, 'pairs'>, tables: LabelFieldSpecTables = defaultLabelFieldSpecTables, origin: ErrorOrigin = {}): FieldSpec[] {
  const merge = (base: readonly FieldSpec[], incoming: readonly FieldSpec[], what: string): FieldSpec[] => {
    const {merged, conflict} = mergeFieldSpecs(base, incoming)
    if (conflict) {
      throw new UserError(
        `${what}: conflicting fieldspecs (path ${conflict.path}${conflict.kind ? `, kind ${conflict.kind}` : ''} is already configured with create: ${!conflict.create})`,
        origin,
        `Drop that entry from \`fields\` or give it the same \`create\` value as kustomize's built-in one.`,
      )
    }
    return merged
  }
  let fss = merge(entry.fields ?? [], tables.labels, 'failed to merge labels')
  if (entry.includeSelectors) return merge(fss, tables.commonLabels, 'failed to merge labels')
  if (entry.includeTemplates) fss = merge(fss, tables.templateLabels, 'failed to merge template fieldSpec')
  return merge(fss, [{path: 'metadata/labels', create: true}], 'failed to merge labels')
}
