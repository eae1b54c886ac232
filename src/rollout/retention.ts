// Generated config outlives its rollout. A configMapGenerator/secretGenerator names each version
// by its content hash, so a changed literal makes a new ConfigMap and prune would delete the old
// one — while the Deployment's previous ReplicaSet (what `kubectl rollout undo` and strata's abort
// go back to) still mounts it. Pure: which prune candidates stay, decided from the live
// ReplicaSets and ControllerRevisions the edge lists (retention-live.ts).
import {isObject, type JsonObject} from '../model/json.js'
import {policyAnnotations} from '../model/object-policy.js'
import type {PlanItem} from './types.js'

/** Set on a kept ConfigMap/Secret: the ReplicaSets and ControllerRevisions that still use it. */
export const retainedByAnnotation = policyAnnotations.retainedBy

/** How many previous versions of one generator stay while used (`--keep-generated`). */
export const defaultKeepGenerated = 3

// kustomize's suffix: the content hash's first 10 hex digits with 0 1 3 a e written g h k m t.
const hashSuffix = /^(.+)-([2456789bcdfghkmt]{10})$/

/** The generator's name of a hash-suffixed ConfigMap/Secret name (`app-config-5m8c7b9g2t` → `app-config`). */
export function generatedBase(name: string): string | undefined {
  return hashSuffix.exec(name)?.[1]
}

/** A ReplicaSet or ControllerRevision of one of the app's workloads, and the config its pod template uses. */
export interface TemplateUser {
  kind: 'ReplicaSet' | 'ControllerRevision'
  namespace: string
  name: string
  /** The Deployment's revision or the ControllerRevision's: higher is more recent. */
  revision: number
  /** `ConfigMap/NAME` and `Secret/NAME` its pod template refers to. */
  uses: Set<string>
}

/** Workloads whose history counts: `Deployment ns/name`, `StatefulSet ns/name`, `DaemonSet ns/name`. */
export type AppWorkloads = ReadonlySet<string>

export const workloadKey = (kind: string, namespace: string, name: string): string => `${kind} ${namespace}/${name}`

const ownerKinds: Record<TemplateUser['kind'], readonly string[]> = {ReplicaSet: ['Deployment'], ControllerRevision: ['StatefulSet', 'DaemonSet']}

/**
 * The listed ReplicaSets/ControllerRevisions that belong to the app's workloads (by their
 * controller owner reference), with what their pod templates use. Others (another app's, a bare
 * ReplicaSet) never keep anything.
 */
export function templateUsersOf(objects: readonly JsonObject[], workloads: AppWorkloads): TemplateUser[] {
  const users: TemplateUser[] = []
  for (const obj of objects) {
    const kind = obj.kind
    if (kind !== 'ReplicaSet' && kind !== 'ControllerRevision') continue
    const md = isObject(obj.metadata) ? obj.metadata : {}
    const namespace = typeof md.namespace === 'string' ? md.namespace : ''
    const owners = Array.isArray(md.ownerReferences) ? md.ownerReferences.filter(isObject) : []
    const owner = owners.find((o) => o.controller === true) ?? owners[0]
    if (!owner || !ownerKinds[kind].includes(String(owner.kind)) || !workloads.has(workloadKey(String(owner.kind), namespace, String(owner.name)))) continue
    const template = kind === 'ReplicaSet' ? at(obj, 'spec', 'template', 'spec') : at(obj, 'data', 'spec', 'template', 'spec')
    const annotations = isObject(md.annotations) ? md.annotations : {}
    const revision = kind === 'ReplicaSet' ? Number(annotations['deployment.kubernetes.io/revision'] ?? 0) : Number(obj.revision ?? 0)
    users.push({kind, namespace, name: String(md.name ?? ''), revision: Number.isFinite(revision) ? revision : 0, uses: isObject(template) ? podSpecUses(template) : new Set()})
  }
  return users
}

function at(obj: JsonObject, ...path: string[]): unknown {
  let v: unknown = obj
  for (const k of path) v = isObject(v) ? v[k] : undefined
  return v
}

const objects = (v: unknown): JsonObject[] => (Array.isArray(v) ? v.filter(isObject) : [])
const nameAt = (v: unknown, key = 'name'): string | undefined => (isObject(v) && typeof v[key] === 'string' ? (v[key] as string) : undefined)

/** Every ConfigMap and Secret a pod spec names: volumes (also projected), envFrom, env valueFrom, imagePullSecrets. */
export function podSpecUses(spec: JsonObject): Set<string> {
  const uses = new Set<string>()
  const add = (kind: 'ConfigMap' | 'Secret', name: string | undefined) => name && uses.add(`${kind}/${name}`)
  for (const volume of objects(spec.volumes)) {
    add('ConfigMap', nameAt(volume.configMap))
    add('Secret', nameAt(volume.secret, 'secretName'))
    for (const source of objects(isObject(volume.projected) ? volume.projected.sources : undefined)) {
      add('ConfigMap', nameAt(source.configMap))
      add('Secret', nameAt(source.secret))
    }
  }
  for (const container of [...objects(spec.initContainers), ...objects(spec.containers), ...objects(spec.ephemeralContainers)]) {
    for (const from of objects(container.envFrom)) {
      add('ConfigMap', nameAt(from.configMapRef))
      add('Secret', nameAt(from.secretRef))
    }
    for (const env of objects(container.env)) {
      const valueFrom = isObject(env.valueFrom) ? env.valueFrom : {}
      add('ConfigMap', nameAt(valueFrom.configMapKeyRef))
      add('Secret', nameAt(valueFrom.secretKeyRef))
    }
  }
  for (const pull of objects(spec.imagePullSecrets)) add('Secret', nameAt(pull))
  return uses
}

export interface RetainedItem {
  item: PlanItem
  /** `ReplicaSet/web-6d5f7c9b8 (revision 3)`, most recent first. */
  by: string[]
}

/** Candidates the retention could keep: hash-suffixed ConfigMaps and core Secrets. */
export function isGeneratedCandidate(item: PlanItem): boolean {
  return item.action === 'delete' && item.id.apiVersion === 'v1' && (item.id.kind === 'ConfigMap' || item.id.kind === 'Secret') && generatedBase(item.id.name) !== undefined
}

/**
 * Splits prune candidates into those kept — a generated version some ReplicaSet/ControllerRevision
 * of the app still uses, at most `keep` per generator, the most recently used first — and the rest.
 */
export function chooseRetained(items: readonly PlanItem[], users: readonly TemplateUser[], keep: number): {retained: RetainedItem[]; rest: PlanItem[]} {
  const groups = new Map<string, {item: PlanItem; by: TemplateUser[]}[]>()
  const rest = new Set<PlanItem>()
  for (const item of items) {
    const base = isGeneratedCandidate(item) ? generatedBase(item.id.name) : undefined
    const ref = `${item.id.kind}/${item.id.name}`
    const by = base === undefined || keep <= 0 ? [] : users.filter((u) => u.namespace === item.id.namespace && u.uses.has(ref)).sort((a, b) => b.revision - a.revision || a.name.localeCompare(b.name))
    if (by.length === 0) {
      rest.add(item)
      continue
    }
    const key = `${item.id.kind} ${item.id.namespace}/${base}`
    groups.set(key, [...(groups.get(key) ?? []), {item, by}])
  }
  const retained: RetainedItem[] = []
  for (const versions of groups.values()) {
    versions.sort((a, b) => b.by[0].revision - a.by[0].revision || a.item.id.name.localeCompare(b.item.id.name))
    versions.forEach((v, i) => (i < keep ? retained.push({item: v.item, by: v.by.map(describeUser)}) : rest.add(v.item)))
  }
  // The rest keeps the plan's order (deletions run in it).
  return {retained, rest: items.filter((it) => rest.has(it))}
}

function describeUser(u: TemplateUser): string {
  return `${u.kind}/${u.name}${u.revision ? ` (revision ${u.revision})` : ''}`
}
