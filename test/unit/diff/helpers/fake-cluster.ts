// A fake of strata's ClusterPort (not of the HTTP client): an in-memory store with a little
// server behavior — defaults on write, dry-run apply that merges maps, 404 for missing
// namespaces, forbidden verbs — and a count of requests in flight.
import {ClusterError} from '../../../../src/cluster/errors.js'
import type {ApplyOptions, ClusterPort, ListOptions, ObjectRef, ResourceMapping} from '../../../../src/cluster/port.js'
import {cloneJson, isObject, type JsonObject, type JsonValue} from '../../../../src/model/json.js'
import {splitApiVersion} from '../../../../src/model/resource.js'

const builtin: [string, string, string, boolean][] = [
  ['v1', 'ConfigMap', 'configmaps', true],
  ['v1', 'Secret', 'secrets', true],
  ['v1', 'Service', 'services', true],
  ['v1', 'Namespace', 'namespaces', false],
  ['apps/v1', 'Deployment', 'deployments', true],
  ['apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'customresourcedefinitions', false],
]

type Verb = 'get' | 'apply' | 'create' | 'list'

export class FakeCluster implements ClusterPort {
  readonly defaultNamespace = 'default'
  readonly kinds = new Map<string, ResourceMapping>()
  readonly store = new Map<string, JsonObject>()
  readonly namespaces = new Set(['default'])
  /** `verb Kind` or `verb Kind/name` pairs that answer 403. */
  readonly forbidden = new Set<string>()
  readonly calls: string[] = []
  inFlight = 0
  maxInFlight = 0
  private rv = 100

  constructor() {
    for (const [apiVersion, kind, resource, namespaced] of builtin) this.addKind(apiVersion, kind, resource, namespaced)
  }

  addKind(apiVersion: string, kind: string, resource: string, namespaced: boolean): void {
    const {group, version} = splitApiVersion(apiVersion)
    this.kinds.set(`${apiVersion} ${kind}`, {group, version, kind, resource, namespaced})
  }

  /** Stores `obj` as if applied by `manager`, with server defaults. */
  put(obj: JsonObject): JsonObject {
    const stored = this.serverView(cloneJson(obj))
    const md = stored.metadata as JsonObject
    if (obj.kind === 'Namespace') this.namespaces.add(md.name as string)
    this.store.set(this.key(this.refOf(stored)), stored)
    return stored
  }

  async mapping(apiVersion: string, kind: string): Promise<ResourceMapping | undefined> {
    await tick()
    return this.kinds.get(`${apiVersion} ${kind}`)
  }

  async mappingForGroupKind(group: string, kind: string): Promise<ResourceMapping | undefined> {
    for (const m of this.kinds.values()) if (m.group === group && m.kind === kind) return m
    return undefined
  }

  async get(ref: ObjectRef): Promise<JsonObject | undefined> {
    return this.track('get', ref, async () => {
      const v = this.store.get(this.key(ref))
      return v && cloneJson(v)
    })
  }

  async list(apiVersion: string, kind: string, options: ListOptions = {}): Promise<JsonObject[]> {
    return this.track('list', {apiVersion, kind, name: ''}, async () => {
      const [lk, lv] = (options.labelSelector ?? '').split('=')
      const out: JsonObject[] = []
      for (const o of this.store.values()) {
        const md = o.metadata as JsonObject
        if (o.kind !== kind || (options.namespace && md.namespace !== options.namespace)) continue
        if (lk && (!isObject(md.labels) || md.labels[lk] !== lv)) continue
        out.push(cloneJson(o))
      }
      return out
    })
  }

  async apply(obj: JsonObject, options: ApplyOptions): Promise<JsonObject> {
    const ref = this.refOf(obj)
    return this.track('apply', ref, async () => {
      const live = this.store.get(this.key(ref))
      const merged = this.serverView(merge(live ? cloneJson(live) : {}, cloneJson(obj)) as JsonObject)
      if (!options.dryRun) this.store.set(this.key(ref), merged)
      return merged
    })
  }

  async create(obj: JsonObject, options: {dryRun: boolean}): Promise<JsonObject> {
    const ref = this.refOf(obj)
    return this.track('create', ref, async () => {
      const m = this.kinds.get(`${ref.apiVersion} ${ref.kind}`)
      if (m?.namespaced && !this.namespaces.has(ref.namespace ?? '')) throw new ClusterError(404, 'NotFound', `namespaces "${ref.namespace}" not found`)
      const created = this.serverView(cloneJson(obj))
      if (!options.dryRun) this.store.set(this.key(ref), created)
      return created
    })
  }

  async delete(ref: ObjectRef): Promise<void> {
    this.store.delete(this.key(ref))
  }

  private async track<T>(verb: Verb, ref: ObjectRef, op: () => Promise<T>): Promise<T> {
    this.calls.push(`${verb} ${ref.kind}/${ref.name}`)
    this.inFlight++
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight)
    try {
      await tick()
      if (this.forbidden.has(`${verb} ${ref.kind}`) || this.forbidden.has(`${verb} ${ref.kind}/${ref.name}`)) {
        throw new ClusterError(403, 'Forbidden', `${ref.kind.toLowerCase()}s "${ref.name}" is forbidden: User "ci" cannot ${verb} resource`)
      }
      return await op()
    } finally {
      this.inFlight--
    }
  }

  /** What a server adds: bookkeeping metadata, status and a few defaults. */
  private serverView(obj: JsonObject): JsonObject {
    const md = obj.metadata as JsonObject
    md.uid ??= `uid-${md.name}`
    md.resourceVersion = String(++this.rv)
    md.creationTimestamp ??= '2024-01-01T00:00:00Z'
    md.managedFields = [{manager: 'strata', operation: 'Apply', fieldsV1: {}}]
    if (obj.kind === 'Deployment' && isObject(obj.spec)) {
      obj.spec.revisionHistoryLimit ??= 10
      obj.status = {replicas: 1}
      const pod = isObject(obj.spec.template) && isObject(obj.spec.template.spec) ? obj.spec.template.spec : {}
      for (const c of Array.isArray(pod.containers) ? pod.containers : []) if (isObject(c)) c.imagePullPolicy ??= 'IfNotPresent'
    }
    if (obj.kind === 'Service' && isObject(obj.spec)) {
      // What a real API server allocates and defaults on create (the e2e tier checks the real one).
      Object.assign(obj.spec, {clusterIP: '10.0.0.7', clusterIPs: ['10.0.0.7'], ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack', internalTrafficPolicy: 'Cluster', sessionAffinity: 'None', ...obj.spec})
      obj.spec.type ??= 'ClusterIP'
      for (const p of Array.isArray(obj.spec.ports) ? obj.spec.ports : []) if (isObject(p)) Object.assign(p, {protocol: 'TCP', targetPort: p.port, ...p})
    }
    if (obj.kind === 'Secret' && isObject(obj.stringData)) {
      const data = isObject(obj.data) ? obj.data : {}
      for (const [k, v] of Object.entries(obj.stringData)) data[k] = Buffer.from(String(v)).toString('base64')
      obj.data = data
      delete obj.stringData
    }
    return obj
  }

  private refOf(obj: JsonObject): ObjectRef {
    const md = obj.metadata as JsonObject
    return {apiVersion: obj.apiVersion as string, kind: obj.kind as string, name: md.name as string, namespace: md.namespace as string | undefined}
  }

  private key(ref: ObjectRef): string {
    const m = this.kinds.get(`${ref.apiVersion} ${ref.kind}`)
    return `${splitApiVersion(ref.apiVersion).group}/${ref.kind}/${m?.namespaced ? ref.namespace || this.defaultNamespace : ''}/${ref.name}`
  }
}

// Apply merges maps and replaces lists (enough for these tests).
function merge(live: JsonValue, applied: JsonValue): JsonValue {
  if (!isObject(live) || !isObject(applied)) return applied
  const out: JsonObject = {...live}
  for (const [k, v] of Object.entries(applied)) out[k] = merge(live[k], v)
  return out
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve))
