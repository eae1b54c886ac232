import {UserError, type ErrorOrigin} from '../model/errors.js'
import {isObject} from '../model/json.js'
import {splitApiVersion, type Resource} from '../model/resource.js'
import type {ResourceSet} from '../model/resource-set.js'

// kustomize's output order. `kustomize build` sorts with the "legacy" order unless the root
// kustomization says otherwise (krusty applySortOrder); the comparator below is
// SortOrderTransformer's legacyIDSorter, string quirks included.

/** kustomize's default `orderFirst` (builtins/SortOrderTransformer.go, same as resid/gvk.go). */
export const defaultOrderFirst: readonly string[] = [
  'Namespace',
  'ResourceQuota',
  'StorageClass',
  'CustomResourceDefinition',
  'ServiceAccount',
  'PodSecurityPolicy',
  'Role',
  'ClusterRole',
  'RoleBinding',
  'ClusterRoleBinding',
  'ConfigMap',
  'Secret',
  'Endpoints',
  'Service',
  'LimitRange',
  'PriorityClass',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'Deployment',
  'StatefulSet',
  'CronJob',
  'PodDisruptionBudget',
]

export const defaultOrderLast: readonly string[] = ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']

export interface LegacySortOptions {
  orderFirst?: readonly string[] | null
  orderLast?: readonly string[] | null
}

/** The kustomization's `sortOptions` field. */
export interface SortOptions {
  order?: string
  legacySortOptions?: LegacySortOptions | null
}

interface Gvk {
  group: string
  version: string
  kind: string
}

/** Rank of each listed kind: orderFirst kinds negative, orderLast positive, others 0. */
export function kindRanks(orderFirst: readonly string[], orderLast: readonly string[]): Map<string, number> {
  const m = new Map<string, number>()
  orderFirst.forEach((k, i) => m.set(k, -orderFirst.length + i))
  // A kind in both lists ends up last, as in kustomize (the second loop overwrites).
  orderLast.forEach((k, i) => m.set(k, 1 + i))
  return m
}

const defaultRanks = kindRanks(defaultOrderFirst, defaultOrderLast)

function gvkSortString(g: Gvk): string {
  return `${g.group || '~G'}_${g.version || '~V'}_${g.kind || '~K'}`
}

/**
 * kustomize's Gvk.IsLessThan with the default kind lists; it also orders the default fieldSpec
 * tables (transformer configs are sorted with it when loaded).
 */
export function gvkIsLessThan(a: Partial<Gvk>, b: Partial<Gvk>): boolean {
  const ra = defaultRanks.get(a.kind ?? '') ?? 0
  const rb = defaultRanks.get(b.kind ?? '') ?? 0
  if (ra !== rb) return ra < rb
  return compareGoStrings(gvkSortString({group: '', version: '', kind: '', ...a}), gvkSortString({group: '', version: '', kind: '', ...b})) < 0
}

/**
 * Go compares strings byte by byte (UTF-8), i.e. by code point; JS `<` compares UTF-16 units,
 * which differs once surrogate pairs meet characters above U+E000.
 */
export function compareGoStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x === y) continue
    const sx = x >= 0xd800 && x < 0xe000
    const sy = y >= 0xd800 && y < 0xe000
    if (sx !== sy) return sx ? 1 : -1
    return x - y
  }
  return a.length - b.length
}

interface SortKey {
  gvk: Gvk
  gvkString: string
  rank: number
  /** legacyResIDSortString: `Kind.version.group|namespace|name`, compared as one string. */
  idString: string
}

function sortKey(r: Resource, ranks: Map<string, number>): SortKey {
  const obj = r.obj
  const {group, version} = splitApiVersion(typeof obj.apiVersion === 'string' ? obj.apiVersion : '')
  const kind = typeof obj.kind === 'string' ? obj.kind : ''
  const md = isObject(obj.metadata) ? obj.metadata : {}
  // The raw namespace, as kustomize's CurId has it (not the cluster-scope-stripped ResId).
  const ns = typeof md.namespace === 'string' && md.namespace !== '' ? md.namespace : '~X'
  const name = typeof md.name === 'string' && md.name !== '' ? md.name : '~N'
  const gvk = {group, version, kind}
  return {
    gvk,
    gvkString: gvkSortString(gvk),
    rank: ranks.get(kind) ?? 0,
    idString: `${kind || '[noKind]'}.${version || '[noVer]'}.${group || '[noGrp]'}|${ns}|${name}`,
  }
}

function compareKeys(a: SortKey, b: SortKey): number {
  const sameGvk = a.gvk.group === b.gvk.group && a.gvk.version === b.gvk.version && a.gvk.kind === b.gvk.kind
  if (sameGvk) return compareGoStrings(a.idString, b.idString)
  if (a.rank !== b.rank) return a.rank - b.rank
  const c = compareGoStrings(a.gvkString, b.gvkString)
  // kustomize puts a core (group-less) Namespace before any other group's Namespace by flipping
  // the comparison when either side has no group.
  if (a.gvk.kind === 'Namespace' && b.gvk.kind === 'Namespace' && (a.gvk.group === '' || b.gvk.group === '')) return -c
  return c
}

/**
 * Sorts `set` in place into kustomize's legacy order (kinds in `orderFirst`, then unlisted kinds,
 * then `orderLast`; ties by group/version/kind, then by `Kind.version.group|namespace|name`), and
 * returns it. Defaults to kustomize's built-in lists.
 */
export function legacyOrder(set: ResourceSet, options: LegacySortOptions = {orderFirst: defaultOrderFirst, orderLast: defaultOrderLast}): ResourceSet {
  const ranks = options.orderFirst === defaultOrderFirst && options.orderLast === defaultOrderLast ? defaultRanks : kindRanks(options.orderFirst ?? [], options.orderLast ?? [])
  const keys = new Map<Resource, SortKey>()
  for (const r of set) keys.set(r, sortKey(r, ranks))
  set.sort((a, b) => compareKeys(keys.get(a)!, keys.get(b)!))
  return set
}

/**
 * Applies the root kustomization's `sortOptions` in place and returns the set. Absent options mean
 * `kustomize build`'s default, the legacy order; `fifo` keeps the accumulation order; `legacy`
 * without `legacySortOptions` uses the built-in lists, and with them uses exactly the given lists
 * (a missing list is empty, not the default).
 */
export function sortByOptions(set: ResourceSet, sortOptions: SortOptions | null | undefined, origin: ErrorOrigin = {}): ResourceSet {
  if (sortOptions === undefined || sortOptions === null) return legacyOrder(set)
  const order = sortOptions.order ?? ''
  if (order !== 'fifo' && order !== 'legacy') {
    throw new UserError("the field 'sortOptions.order' must be one of [fifo, legacy]", {...origin, field: origin.field ?? 'sortOptions.order'}, 'Set `sortOptions.order` to `legacy` or `fifo`.')
  }
  const legacy = sortOptions.legacySortOptions
  if (order === 'fifo') {
    if (legacy !== undefined && legacy !== null) {
      throw new UserError(
        "the field 'sortOptions.legacySortOptions' is set but the selected sort order is 'fifo', not 'legacy'",
        {...origin, field: origin.field ?? 'sortOptions.legacySortOptions'},
        'Remove `legacySortOptions`, or set `sortOptions.order: legacy`.',
      )
    }
    return set
  }
  if (legacy === undefined || legacy === null) return legacyOrder(set)
  return legacyOrder(set, {orderFirst: legacy.orderFirst ?? [], orderLast: legacy.orderLast ?? []})
}
