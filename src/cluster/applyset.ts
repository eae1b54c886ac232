// The app inventory, read side, in kubectl's ApplySet format (KEP-3659), so `kubectl apply
// --prune --applyset` and strata agree on what belongs to an app. strata's parent is a Secret
// named `applyset-<app>` in the app's namespace — the kind kubectl uses for `--applyset=NAME`.
// The parent carries the id label and lists the member group-kinds (and namespaces beyond its
// own); members carry the `part-of` label.
import {createHash} from 'node:crypto'
import {UserError} from '../model/errors.js'
import {isObject, type JsonObject} from '../model/json.js'
import type {ClusterPort, ObjectRef} from './port.js'

export const applySetLabels = {
  id: 'applyset.kubernetes.io/id',
  partOf: 'applyset.kubernetes.io/part-of',
} as const

export const applySetAnnotations = {
  tooling: 'applyset.kubernetes.io/tooling',
  containsGroupKinds: 'applyset.kubernetes.io/contains-group-kinds',
  additionalNamespaces: 'applyset.kubernetes.io/additional-namespaces',
} as const

export interface ApplySetParent {
  name: string
  namespace: string
  kind: 'Secret'
  group: ''
}

export function applySetParent(appName: string, namespace: string): ApplySetParent {
  return {name: `applyset-${appName}`, namespace, kind: 'Secret', group: ''}
}

/**
 * kubectl's ApplySet id: `applyset-` + unpadded base64url of sha256("<name>.<namespace>.<kind>.<group>") + `-v1`.
 */
export function applySetId(parent: {name: string; namespace: string; kind: string; group: string}): string {
  const digest = createHash('sha256').update(`${parent.name}.${parent.namespace}.${parent.kind}.${parent.group}`).digest('base64url')
  return `applyset-${digest}-v1`
}

export function parentRef(parent: ApplySetParent): ObjectRef {
  return {apiVersion: 'v1', kind: parent.kind, name: parent.name, namespace: parent.namespace}
}

/** `Deployment.apps,Service` → group/kind pairs (the core group is empty). */
export function parseGroupKinds(annotation: string): {group: string; kind: string}[] {
  return annotation
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((gk) => {
      const dot = gk.indexOf('.')
      return dot < 0 ? {group: '', kind: gk} : {group: gk.slice(dot + 1), kind: gk.slice(0, dot)}
    })
}

export interface ApplySetInventory {
  id: string
  /** False when the parent does not exist yet (nothing applied): no members. */
  found: boolean
  members: JsonObject[]
  /** The parent's annotations (kubectl's and strata's own, such as the source it was applied from). */
  annotations: Record<string, string>
}

/**
 * The parent and its members: each recorded group-kind listed by the part-of label, in the
 * parent's namespace and its additional namespaces (or cluster-wide for cluster-scoped kinds).
 */
export async function readApplySet(cluster: ClusterPort, parent: ApplySetParent): Promise<ApplySetInventory> {
  const id = applySetId(parent)
  const obj = await cluster.get(parentRef(parent))
  if (!obj) return {id, found: false, members: [], annotations: {}}
  const md = isObject(obj.metadata) ? obj.metadata : {}
  const labels = isObject(md.labels) ? md.labels : {}
  if (labels[applySetLabels.id] !== id) {
    throw new UserError(
      `${parent.kind} ${parent.namespace}/${parent.name} exists but is not this app's ApplySet parent (label ${applySetLabels.id} is ${JSON.stringify(labels[applySetLabels.id] ?? null)}, expected ${id})`,
      {field: '--name'},
      'Pick another app name with --name, or remove that object if it is left over.',
    )
  }
  const annotations = isObject(md.annotations) ? md.annotations : {}
  const gks = parseGroupKinds(String(annotations[applySetAnnotations.containsGroupKinds] ?? ''))
  const extra = String(annotations[applySetAnnotations.additionalNamespaces] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  const namespaces = [...new Set([parent.namespace, ...extra])]
  const selector = `${applySetLabels.partOf}=${id}`
  const lists = await Promise.all(
    gks.map(async ({group, kind}) => {
      const mapping = await cluster.mappingForGroupKind(group, kind)
      // A kind the server no longer serves has no members left to delete.
      if (!mapping) return []
      const apiVersion = group ? `${group}/${mapping.version}` : mapping.version
      if (!mapping.namespaced) return cluster.list(apiVersion, kind, {labelSelector: selector})
      const perNs = await Promise.all(namespaces.map((namespace) => cluster.list(apiVersion, kind, {namespace, labelSelector: selector})))
      return perNs.flat()
    }),
  )
  const own: Record<string, string> = {}
  for (const [k, v] of Object.entries(annotations)) if (typeof v === 'string') own[k] = v
  return {id, found: true, members: lists.flat(), annotations: own}
}

/** A copy of `obj` labelled as a member of the ApplySet `id`, as apply will write it. */
export function withPartOfLabel(obj: JsonObject, id: string): JsonObject {
  const md = isObject(obj.metadata) ? obj.metadata : {}
  const labels = isObject(md.labels) ? md.labels : {}
  return {...obj, metadata: {...md, labels: {...labels, [applySetLabels.partOf]: id}}}
}
