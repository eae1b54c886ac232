// A whole ClusterPort in memory, for unit tests of code that writes to a cluster (rollout state,
// inventories, prune, executor). It keeps the API server's rules that such code relies on:
// resourceVersion compare-and-swap on update (409), uid/resourceVersion delete preconditions,
// generation bumped only on spec changes, label and field selectors, discovery per kind.
import {randomUUID} from 'node:crypto'
import type {JsonObject, JsonValue} from '../../../src/model/json.js'
import {cloneJson, isObject} from '../../../src/model/json.js'
import type {ApplyOptions, ClusterPort, DeleteOptions, ListOptions, ObjectRef, PatchOptions, ResourceMapping} from '../../../src/cluster/port.js'
import {ClusterError} from '../../../src/cluster/errors.js'

const commonKinds: [string, string, string, boolean][] = [
  // [apiVersion, kind, resource, namespaced]
  ['v1', 'Namespace', 'namespaces', false],
  ['v1', 'ConfigMap', 'configmaps', true],
  ['v1', 'Secret', 'secrets', true],
  ['v1', 'Service', 'services', true],
  ['v1', 'ServiceAccount', 'serviceaccounts', true],
  ['v1', 'Pod', 'pods', true],
  ['v1', 'PersistentVolumeClaim', 'persistentvolumeclaims', true],
  ['v1', 'Event', 'events', true],
  ['apps/v1', 'Deployment', 'deployments', true],
  ['apps/v1', 'StatefulSet', 'statefulsets', true],
  ['apps/v1', 'DaemonSet', 'daemonsets', true],
  ['apps/v1', 'ReplicaSet', 'replicasets', true],
  ['batch/v1', 'Job', 'jobs', true],
  ['batch/v1', 'CronJob', 'cronjobs', true],
  ['rbac.authorization.k8s.io/v1', 'Role', 'roles', true],
  ['rbac.authorization.k8s.io/v1', 'RoleBinding', 'rolebindings', true],
  ['rbac.authorization.k8s.io/v1', 'ClusterRole', 'clusterroles', false],
  ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 'clusterrolebindings', false],
  ['networking.k8s.io/v1', 'Ingress', 'ingresses', true],
  ['policy/v1', 'PodDisruptionBudget', 'poddisruptionbudgets', true],
  ['apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'customresourcedefinitions', false],
]

function splitApiVersion(apiVersion: string): {group: string; version: string} {
  const i = apiVersion.indexOf('/')
  return i < 0 ? {group: '', version: apiVersion} : {group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1)}
}

function meta(obj: JsonObject): JsonObject {
  if (!isObject(obj.metadata)) obj.metadata = {}
  return obj.metadata as JsonObject
}

function str(v: JsonValue | undefined): string {
  return typeof v === 'string' ? v : ''
}

function labelsOf(obj: JsonObject): Record<string, string> {
  const m = obj.metadata
  const l = isObject(m) && isObject(m.labels) ? m.labels : {}
  return l as Record<string, string>
}

/** `k=v`, `k==v`, `k!=v`, `k`, `!k`, comma-separated (all must hold). */
export function matchesLabelSelector(labels: Record<string, string>, selector: string | undefined): boolean {
  if (!selector) return true
  for (const raw of selector.split(',')) {
    const term = raw.trim()
    if (term === '') continue
    let m: RegExpMatchArray | null
    if ((m = term.match(/^([^!=]+)!=(.*)$/))) {
      if (labels[m[1].trim()] === m[2].trim()) return false
    } else if ((m = term.match(/^([^!=]+)==?(.*)$/))) {
      if (labels[m[1].trim()] !== m[2].trim()) return false
    } else if (term.startsWith('!')) {
      if (term.slice(1).trim() in labels) return false
    } else if (!(term in labels)) return false
  }
  return true
}

function fieldValue(obj: JsonObject, path: string): string {
  let cur: JsonValue | undefined = obj
  for (const part of path.split('.')) cur = isObject(cur) ? cur[part] : undefined
  return typeof cur === 'string' ? cur : cur === undefined ? '' : String(cur)
}

function matchesFieldSelector(obj: JsonObject, selector: string | undefined): boolean {
  if (!selector) return true
  for (const raw of selector.split(',')) {
    const m = raw.trim().match(/^([^!=]+)(!=|==|=)(.*)$/)
    if (!m) throw new ClusterError(400, 'BadRequest', `invalid field selector ${raw}`)
    const equal = fieldValue(obj, m[1].trim()) === m[3].trim()
    if (m[2] === '!=' ? equal : !equal) return false
  }
  return true
}

/** RFC 7386. */
function mergePatch(target: JsonValue | undefined, patch: JsonValue): JsonValue {
  if (!isObject(patch)) return cloneJson(patch)
  const out: JsonObject = isObject(target) ? cloneJson(target) : {}
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k]
    else out[k] = mergePatch(out[k], v)
  }
  return out
}

function unescapePointer(p: string): string[] {
  if (p === '') return []
  return p.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
}

/** RFC 6902 (add, remove, replace, test, copy, move). */
function jsonPatch(doc: JsonObject, ops: JsonValue): JsonObject {
  if (!Array.isArray(ops)) throw new ClusterError(400, 'BadRequest', 'json patch must be an array')
  let root: JsonValue = cloneJson(doc)
  const getAt = (path: string[]): JsonValue | undefined => {
    let cur: JsonValue | undefined = root
    for (const p of path) cur = Array.isArray(cur) ? cur[Number(p)] : isObject(cur) ? cur[p] : undefined
    return cur
  }
  const parentOf = (path: string[]): JsonValue | undefined => getAt(path.slice(0, -1))
  const remove = (path: string[]): JsonValue | undefined => {
    const parent = parentOf(path)
    const last = path[path.length - 1]
    if (Array.isArray(parent)) return parent.splice(Number(last), 1)[0]
    if (isObject(parent) && last in parent) {
      const v = parent[last]
      delete parent[last]
      return v
    }
    throw new ClusterError(422, 'Invalid', `json patch: no value at /${path.join('/')}`)
  }
  const add = (path: string[], value: JsonValue): void => {
    if (path.length === 0) {
      root = value
      return
    }
    const parent = parentOf(path)
    const last = path[path.length - 1]
    if (Array.isArray(parent)) {
      if (last === '-') parent.push(value)
      else parent.splice(Number(last), 0, value)
    } else if (isObject(parent)) parent[last] = value
    else throw new ClusterError(422, 'Invalid', `json patch: no parent for /${path.join('/')}`)
  }
  for (const op of ops) {
    if (!isObject(op)) throw new ClusterError(400, 'BadRequest', 'json patch op must be an object')
    const path = unescapePointer(str(op.path))
    switch (op.op) {
      case 'add':
        add(path, cloneJson(op.value as JsonValue))
        break
      case 'remove':
        remove(path)
        break
      case 'replace':
        if (getAt(path) === undefined) throw new ClusterError(422, 'Invalid', `json patch: no value at ${str(op.path)}`)
        if (path.length === 0) root = cloneJson(op.value as JsonValue)
        else {
          remove(path)
          add(path, cloneJson(op.value as JsonValue))
        }
        break
      case 'test':
        if (JSON.stringify(getAt(path)) !== JSON.stringify(op.value)) throw new ClusterError(422, 'Invalid', `json patch: test failed at ${str(op.path)}`)
        break
      case 'copy':
        add(path, cloneJson(getAt(unescapePointer(str(op.from))) as JsonValue))
        break
      case 'move':
        add(path, remove(unescapePointer(str(op.from))) as JsonValue)
        break
      default:
        throw new ClusterError(400, 'BadRequest', `json patch: unknown op ${String(op.op)}`)
    }
  }
  if (!isObject(root)) throw new ClusterError(422, 'Invalid', 'json patch: result is not an object')
  return root
}

export interface MemoryClusterCall {
  verb: 'get' | 'list' | 'apply' | 'create' | 'update' | 'patch' | 'delete'
  kind: string
  namespace: string
  name: string
}

/**
 * Hooks for fault injection: return (or throw) a ClusterError to fail that call before it touches
 * the store, e.g. `cluster.failWith = (c) => c.verb === 'delete' ? new ClusterError(403, 'Forbidden', 'no') : undefined`.
 */
export type FailHook = (call: MemoryClusterCall) => ClusterError | undefined

export class MemoryCluster implements ClusterPort {
  readonly defaultNamespace: string
  /** Every call, in order (for asserting request counts and order). */
  readonly calls: MemoryClusterCall[] = []
  failWith?: FailHook
  /** Called after every successful write, with the stored object (or undefined for delete). */
  onWrite?: (call: MemoryClusterCall, obj: JsonObject | undefined) => void
  private readonly kinds = new Map<string, ResourceMapping>()
  /** kind key (`group/Kind`) → object key (`ns/name`) → object */
  private readonly objects = new Map<string, Map<string, JsonObject>>()
  private revision = 1

  constructor(options: {defaultNamespace?: string; objects?: JsonObject[]} = {}) {
    this.defaultNamespace = options.defaultNamespace ?? 'default'
    for (const [apiVersion, kind, resource, namespaced] of commonKinds) this.addKind(apiVersion, kind, resource, namespaced)
    for (const o of options.objects ?? []) this.seed(o)
  }

  /** Serve another kind (a CRD's). */
  addKind(apiVersion: string, kind: string, resource: string, namespaced: boolean): void {
    const {group, version} = splitApiVersion(apiVersion)
    this.kinds.set(`${group}/${kind}`, {group, version, kind, resource, namespaced})
  }

  /** Store an object as-is (metadata filled), bypassing hooks; returns the stored copy. */
  seed(obj: JsonObject): JsonObject {
    const mapping = this.mappingSync(str(obj.apiVersion), str(obj.kind))
    const copy = cloneJson(obj)
    const m = meta(copy)
    if (mapping.namespaced && !m.namespace) m.namespace = this.defaultNamespace
    if (!mapping.namespaced) delete m.namespace
    this.stamp(copy, undefined)
    this.bucket(mapping).set(this.objectKey(copy), copy)
    return cloneJson(copy)
  }

  /** The stored object, synchronously (for assertions). */
  peek(apiVersion: string, kind: string, name: string, namespace?: string): JsonObject | undefined {
    const mapping = this.mappingSync(apiVersion, kind)
    const o = this.bucket(mapping).get(`${mapping.namespaced ? namespace ?? this.defaultNamespace : ''}/${name}`)
    return o && cloneJson(o)
  }

  /** All stored objects (copies). */
  all(): JsonObject[] {
    const out: JsonObject[] = []
    for (const b of this.objects.values()) for (const o of b.values()) out.push(cloneJson(o))
    return out
  }

  async mapping(apiVersion: string, kind: string): Promise<ResourceMapping | undefined> {
    const {group} = splitApiVersion(apiVersion)
    return this.kinds.get(`${group}/${kind}`)
  }

  async mappingForGroupKind(group: string, kind: string): Promise<ResourceMapping | undefined> {
    return this.kinds.get(`${group}/${kind}`)
  }

  async get(ref: ObjectRef): Promise<JsonObject | undefined> {
    const {mapping, key} = this.locate(ref, 'get')
    const o = this.bucket(mapping).get(key)
    return o && cloneJson(o)
  }

  async list(apiVersion: string, kind: string, options: ListOptions = {}): Promise<JsonObject[]> {
    const mapping = this.mappingOrThrow(apiVersion, kind)
    this.enter({verb: 'list', kind, namespace: options.namespace ?? '', name: ''})
    const out: JsonObject[] = []
    for (const o of this.bucket(mapping).values()) {
      const m = o.metadata as JsonObject
      if (options.namespace && mapping.namespaced && m.namespace !== options.namespace) continue
      if (!matchesLabelSelector(labelsOf(o), options.labelSelector)) continue
      if (!matchesFieldSelector(o, options.fieldSelector)) continue
      out.push(cloneJson(o))
    }
    return out.sort((a, b) => this.objectKey(a).localeCompare(this.objectKey(b)))
  }

  /** Server-side apply, simplified: a deep merge of the applied config over the live object (no field ownership). */
  async apply(obj: JsonObject, options: ApplyOptions): Promise<JsonObject> {
    const {mapping, key} = this.locate(this.refOf(obj), 'apply')
    const live = this.bucket(mapping).get(key)
    const next = live ? (mergePatch(live, obj) as JsonObject) : cloneJson(obj)
    this.normalizeNamespace(next, mapping)
    return this.store(mapping, key, next, live, options.dryRun, {verb: 'apply', obj})
  }

  async create(obj: JsonObject, options: {dryRun: boolean; fieldManager?: string}): Promise<JsonObject> {
    const {mapping, key} = this.locate(this.refOf(obj), 'create')
    if (this.bucket(mapping).has(key)) throw new ClusterError(409, 'AlreadyExists', `${obj.kind} "${this.refOf(obj).name}" already exists`)
    const next = cloneJson(obj)
    this.normalizeNamespace(next, mapping)
    return this.store(mapping, key, next, undefined, options.dryRun, {verb: 'create', obj})
  }

  async update(obj: JsonObject, options: {dryRun?: boolean; fieldManager?: string} = {}): Promise<JsonObject> {
    const ref = this.refOf(obj)
    const {mapping, key} = this.locate(ref, 'update')
    const live = this.bucket(mapping).get(key)
    if (!live) throw new ClusterError(404, 'NotFound', `${ref.kind} "${ref.name}" not found`)
    const rv = str(meta(obj).resourceVersion)
    if (rv !== '' && rv !== str(meta(live).resourceVersion)) {
      throw new ClusterError(409, 'Conflict', `Operation cannot be fulfilled on ${mapping.resource} "${ref.name}": the object has been modified; please apply your changes to the latest version and try again`)
    }
    const next = cloneJson(obj)
    this.normalizeNamespace(next, mapping)
    return this.store(mapping, key, next, live, options.dryRun ?? false, {verb: 'update', obj})
  }

  async patch(ref: ObjectRef, body: JsonValue, options: PatchOptions): Promise<JsonObject> {
    const {mapping, key} = this.locate(ref, 'patch')
    const live = this.bucket(mapping).get(key)
    if (!live) throw new ClusterError(404, 'NotFound', `${ref.kind} "${ref.name}" not found`)
    let next: JsonObject
    if (options.type === 'json') next = jsonPatch(live, body)
    else {
      // Strategic merge is treated as a merge patch: lists are replaced, not merged by key.
      const merged = mergePatch(live, body)
      if (!isObject(merged)) throw new ClusterError(422, 'Invalid', 'patch result is not an object')
      next = merged
    }
    if (isObject(body) && isObject(body.metadata) && typeof body.metadata.resourceVersion === 'string') {
      if (body.metadata.resourceVersion !== str(meta(live).resourceVersion)) throw new ClusterError(409, 'Conflict', `Operation cannot be fulfilled on ${mapping.resource} "${ref.name}": the object has been modified`)
    }
    if (options.subresource === 'scale' && isObject(body) && isObject(body.spec) && typeof body.spec.replicas === 'number') {
      next = mergePatch(live, {spec: {replicas: body.spec.replicas}}) as JsonObject
    }
    return this.store(mapping, key, next, live, options.dryRun ?? false, {verb: 'patch', obj: next})
  }

  async delete(ref: ObjectRef, options: DeleteOptions = {}): Promise<void> {
    const {mapping, key} = this.locate(ref, 'delete')
    const live = this.bucket(mapping).get(key)
    if (!live) return
    const m = meta(live)
    const pre = options.preconditions
    if (pre?.uid !== undefined && pre.uid !== str(m.uid)) {
      throw new ClusterError(409, 'Conflict', `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${str(m.uid)}`)
    }
    if (pre?.resourceVersion !== undefined && pre.resourceVersion !== str(m.resourceVersion)) {
      throw new ClusterError(409, 'Conflict', `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${str(m.resourceVersion)}`)
    }
    if (options.dryRun) return
    this.bucket(mapping).delete(key)
    this.onWrite?.({verb: 'delete', kind: ref.kind, namespace: str(m.namespace), name: ref.name}, undefined)
  }

  private store(mapping: ResourceMapping, key: string, next: JsonObject, live: JsonObject | undefined, dryRun: boolean, what: {verb: MemoryClusterCall['verb']; obj: JsonObject}): JsonObject {
    this.stamp(next, live)
    if (dryRun) return cloneJson(next)
    this.bucket(mapping).set(key, next)
    const m = next.metadata as JsonObject
    this.onWrite?.({verb: what.verb, kind: mapping.kind, namespace: str(m.namespace), name: str(m.name)}, cloneJson(next))
    return cloneJson(next)
  }

  /** uid, creationTimestamp and generation kept from the live object; resourceVersion always new; generation +1 when spec changes. */
  private stamp(next: JsonObject, live: JsonObject | undefined): void {
    const m = meta(next)
    const lm = live ? meta(live) : undefined
    m.uid = lm ? str(lm.uid) : str(m.uid) || randomUUID()
    m.creationTimestamp = lm ? str(lm.creationTimestamp) : str(m.creationTimestamp) || new Date(0).toISOString()
    m.resourceVersion = String(++this.revision)
    const prevGen = lm && typeof lm.generation === 'number' ? lm.generation : 0
    if (!live) m.generation = typeof m.generation === 'number' ? m.generation : 1
    else m.generation = JSON.stringify(next.spec ?? null) !== JSON.stringify(live.spec ?? null) ? prevGen + 1 : prevGen
  }

  private normalizeNamespace(obj: JsonObject, mapping: ResourceMapping): void {
    const m = meta(obj)
    if (mapping.namespaced && !m.namespace) m.namespace = this.defaultNamespace
    if (!mapping.namespaced) delete m.namespace
  }

  private refOf(obj: JsonObject): ObjectRef {
    const m = isObject(obj.metadata) ? obj.metadata : {}
    return {apiVersion: str(obj.apiVersion), kind: str(obj.kind), name: str(m.name), namespace: str(m.namespace) || undefined}
  }

  private locate(ref: ObjectRef, verb: MemoryClusterCall['verb']): {mapping: ResourceMapping; key: string} {
    const mapping = this.mappingOrThrow(ref.apiVersion, ref.kind)
    if (!ref.name) throw new ClusterError(422, 'Invalid', `${ref.kind}: metadata.name is required`)
    const namespace = mapping.namespaced ? ref.namespace || this.defaultNamespace : ''
    if (verb !== 'get') this.enter({verb, kind: ref.kind, namespace, name: ref.name})
    else this.enter({verb, kind: ref.kind, namespace, name: ref.name})
    return {mapping, key: `${namespace}/${ref.name}`}
  }

  private enter(call: MemoryClusterCall): void {
    this.calls.push(call)
    const err = this.failWith?.(call)
    if (err) throw err
  }

  private mappingSync(apiVersion: string, kind: string): ResourceMapping {
    const m = this.kinds.get(`${splitApiVersion(apiVersion).group}/${kind}`)
    if (!m) throw new Error(`MemoryCluster: unknown kind ${apiVersion} ${kind} (addKind it first)`)
    return m
  }

  private mappingOrThrow(apiVersion: string, kind: string): ResourceMapping {
    const m = this.kinds.get(`${splitApiVersion(apiVersion).group}/${kind}`)
    if (!m) throw new ClusterError(404, 'NotFound', `the server could not find the requested resource (${apiVersion} ${kind})`)
    return m
  }

  private bucket(mapping: ResourceMapping): Map<string, JsonObject> {
    const k = `${mapping.group}/${mapping.kind}`
    let b = this.objects.get(k)
    if (!b) this.objects.set(k, (b = new Map()))
    return b
  }

  private objectKey(obj: JsonObject): string {
    const m = obj.metadata as JsonObject
    return `${str(m.namespace)}/${str(m.name)}`
  }
}
