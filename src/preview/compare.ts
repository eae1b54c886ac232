// One root's two renders compared object by object: added, removed, changed (the fields that
// differ, lists matched by their merge keys), Secret data masked as `strata diff` masks it.
import {alignOrder, changedPaths} from '../diff/changes.js'
import {schemaOf} from '../diff/list-keys.js'
import {maskSecretPair} from '../diff/mask.js'
import type {DiffId, ResourceDiff} from '../diff/types.js'
import {scrub, secretValues} from '../diff/mask.js'
import type {AffectedRoot} from '../graph/affected.js'
import type {RecordedRender} from '../graph/render-recorded.js'
import type {JsonObject} from '../model/json.js'
import {identityKey, resIdOf} from '../model/resource.js'

export interface ObjectCounts {
  add: number
  change: number
  delete: number
}

/** Changed objects in head's render order, then removals in base's order; unchanged ones are left out. */
export function compareObjects(base: readonly JsonObject[], head: readonly JsonObject[], options: {showSecrets: boolean}): ResourceDiff[] {
  const before = new Map<string, JsonObject>()
  for (const obj of base) before.set(identityKey(resIdOf(obj)), obj)
  const out: ResourceDiff[] = []
  const seen = new Set<string>()
  for (const after of head) {
    const id = diffId(after)
    const key = identityKey(id)
    seen.add(key)
    const old = before.get(key)
    if (!old) {
      out.push({id, action: 'add', changedPaths: [], ...shown(undefined, after, options.showSecrets)})
      continue
    }
    const schema = schemaOf(after)
    const paths = changedPaths(old, after, schema)
    if (paths.length === 0) continue
    out.push({id, action: 'change', changedPaths: paths, ...shown(alignOrder(old, after, schema) as JsonObject, after, options.showSecrets)})
  }
  for (const obj of base) {
    const id = diffId(obj)
    if (seen.has(identityKey(id))) continue
    out.push({id, action: 'delete', changedPaths: [], ...shown(obj, undefined, options.showSecrets)})
  }
  return out
}

export function countChanges(diffs: readonly ResourceDiff[]): ObjectCounts {
  const c: ObjectCounts = {add: 0, change: 0, delete: 0}
  for (const d of diffs) if (d.action === 'add' || d.action === 'change' || d.action === 'delete') c[d.action]++
  return c
}

function diffId(obj: JsonObject): DiffId {
  const r = resIdOf(obj)
  return {group: r.group, version: r.version, kind: r.kind, namespace: r.namespace, name: r.name}
}

function shown(before: JsonObject | undefined, after: JsonObject | undefined, showSecrets: boolean): {before?: JsonObject; after?: JsonObject} {
  const pair = showSecrets ? {before, after} : maskSecretPair(before, after)
  const out: {before?: JsonObject; after?: JsonObject} = {}
  if (pair.before) out.before = pair.before
  if (pair.after) out.after = pair.after
  return out
}

export const RootStatus = {changed: 'changed', added: 'added', deleted: 'deleted', unchanged: 'unchanged', error: 'error'} as const
export type RootStatus = (typeof RootStatus)[keyof typeof RootStatus]

export interface RootPreview {
  root: string
  status: RootStatus
  counts: ObjectCounts
  objects: ResourceDiff[]
  /** Repository paths among the root's inputs that changed. */
  changedInputs: string[]
  /** Set for `error`: the head render's failure, naming the file. */
  error?: string
  /** E.g. that the base side did not render. */
  note?: string
}

/** One affected root's preview from its renders (absent for the side it is not on). */
export function previewRoot(a: AffectedRoot, base: RecordedRender | undefined, head: RecordedRender | undefined, showSecrets: boolean): RootPreview {
  const hide = (text: string) => (showSecrets ? text : scrub(text, secretValues([...(base?.objects ?? []), ...(head?.objects ?? [])])))
  const out: RootPreview = {root: a.path, status: a.status, counts: {add: 0, change: 0, delete: 0}, objects: [], changedInputs: a.changedInputs}
  if (head?.error) return {...out, status: 'error', error: hide(head.error.text)}
  if (base?.error) out.note = hide(`did not render on the base side: ${base.error.text}`)
  out.objects = compareObjects(base?.objects ?? [], head?.objects ?? [], {showSecrets})
  out.counts = countChanges(out.objects)
  if (a.status === 'changed' && out.objects.length === 0) out.status = 'unchanged'
  return out
}
