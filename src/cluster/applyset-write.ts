// The ApplySet parent, write side (KEP-3659, as kubectl writes it). The parent's annotations say
// where members may live; they grow before apply (so a crash mid-apply leaves every created object
// findable) and shrink only after prune. Writes are CAS on resourceVersion, retried on conflict.
import {isObject, type JsonObject} from '../model/json.js'
import {UserError} from '../model/errors.js'
import {applySetAnnotations, applySetId, applySetLabels, parentRef, parseGroupKinds, type ApplySetParent} from './applyset.js'
import {ClusterError} from './errors.js'
import type {ClusterPort} from './port.js'

export const applySetTooling = 'strata/v0'
const maxAttempts = 8

export interface ApplySetMembers {
  groupKinds: {group: string; kind: string}[]
  namespaces: string[]
}

function gkString(gk: {group: string; kind: string}): string {
  return gk.group ? `${gk.kind}.${gk.group}` : gk.kind
}

function annotationsOf(obj: JsonObject): Record<string, string> {
  const md = isObject(obj.metadata) ? obj.metadata : {}
  return (isObject(md.annotations) ? md.annotations : {}) as Record<string, string>
}

function splitList(s: string | undefined): string[] {
  return (s ?? '').split(',').map((x) => x.trim()).filter(Boolean)
}

/** kubectl's format: sorted, comma-separated; the parent's own namespace is not listed as additional. */
function annotationsFor(parent: ApplySetParent, gks: Iterable<string>, namespaces: Iterable<string>): Record<string, string> {
  return {
    [applySetAnnotations.tooling]: applySetTooling,
    [applySetAnnotations.containsGroupKinds]: [...new Set(gks)].sort().join(','),
    [applySetAnnotations.additionalNamespaces]: [...new Set(namespaces)].filter((n) => n && n !== parent.namespace).sort().join(','),
  }
}

async function writeParent(
  cluster: ClusterPort,
  parent: ApplySetParent,
  next: (current: {gks: string[]; namespaces: string[]} | undefined) => {gks: string[]; namespaces: string[]} | undefined,
  extra: Record<string, string> = {},
): Promise<void> {
  const id = applySetId(parent)
  for (let attempt = 1; ; attempt++) {
    const live = await cluster.get(parentRef(parent))
    let current: {gks: string[]; namespaces: string[]} | undefined
    if (live) {
      const md = isObject(live.metadata) ? live.metadata : {}
      const labels = isObject(md.labels) ? md.labels : {}
      if (labels[applySetLabels.id] !== id) {
        throw new UserError(
          `Secret ${parent.namespace}/${parent.name} exists but is not this app's ApplySet parent (label ${applySetLabels.id} is ${JSON.stringify(labels[applySetLabels.id] ?? null)}, expected ${id})`,
          {field: '--name'},
          'Pick another app name with --name, or remove that object if it is left over.',
        )
      }
      const a = annotationsOf(live)
      current = {gks: parseGroupKinds(a[applySetAnnotations.containsGroupKinds] ?? '').map(gkString), namespaces: splitList(a[applySetAnnotations.additionalNamespaces])}
    }
    const stale = live !== undefined && Object.entries(extra).some(([k, v]) => annotationsOf(live)[k] !== v)
    const wanted = next(current) ?? (stale ? current : undefined)
    if (!wanted) return
    const annotations = {...annotationsFor(parent, wanted.gks, wanted.namespaces), ...extra}
    try {
      if (!live) {
        await cluster.create({apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: {name: parent.name, namespace: parent.namespace, labels: {[applySetLabels.id]: id}, annotations}}, {dryRun: false})
      } else {
        const md = live.metadata as JsonObject
        const same = Object.entries(annotations).every(([k, v]) => annotationsOf(live)[k] === v)
        if (same) return
        await cluster.update({...live, metadata: {...md, annotations: {...annotationsOf(live), ...annotations}}})
      }
      return
    } catch (e) {
      const raced = e instanceof ClusterError && (e.status === 409 || (e.status === 404 && live !== undefined))
      if (!raced || attempt >= maxAttempts) throw e
    }
  }
}

/**
 * Create the parent or grow its annotations to a superset of `add` (before apply); `extra`
 * annotations (strata's own, such as the source applied from) are set alongside.
 */
export async function recordMembers(cluster: ClusterPort, parent: ApplySetParent, add: ApplySetMembers, extra: Record<string, string> = {}): Promise<void> {
  const addGks = add.groupKinds.map(gkString)
  await writeParent(cluster, parent, (current) => {
    if (!current) return {gks: addGks, namespaces: add.namespaces}
    const gks = new Set(current.gks)
    const namespaces = new Set(current.namespaces)
    const grows = addGks.some((g) => !gks.has(g)) || add.namespaces.some((n) => n !== parent.namespace && !namespaces.has(n))
    if (!grows) return undefined
    return {gks: [...gks, ...addGks], namespaces: [...namespaces, ...add.namespaces]}
  }, extra)
}

/** Set the parent's annotations to exactly `keep` (after prune: what is still rendered plus what could not be deleted). */
export async function shrinkMembers(cluster: ClusterPort, parent: ApplySetParent, keep: ApplySetMembers): Promise<void> {
  await writeParent(cluster, parent, () => ({gks: keep.groupKinds.map(gkString), namespaces: keep.namespaces}))
}
