// A tiny simulated cluster for the batch tests: Deployments and StatefulSets whose "controllers"
// move one step per tick (the test's sleep), pods that become Ready one tick after they are
// created (never, with the strata.dev/e2e-unready annotation), and a log of Ready pod counts
// after every tick so tests can check availability invariants.
import {createHash} from 'node:crypto'
import type {ClusterPort, ObjectRef} from '../../../src/cluster/port.js'
import {ClusterError} from '../../../src/cluster/errors.js'
import {cloneJson, isObject, type JsonObject, type JsonValue} from '../../../src/model/json.js'

const revisionKey = 'deployment.kubernetes.io/revision'
const key = (kind: string, ns: string | undefined, name: string): string => `${kind}/${ns ?? ''}/${name}`

function hashOf(v: JsonValue): string {
  return createHash('sha256').update(JSON.stringify(v)).digest('hex').slice(0, 10)
}

function matches(labels: Record<string, JsonValue>, selector: string | undefined): boolean {
  if (!selector) return true
  return selector.split(',').every((term) => {
    if (term.startsWith('!')) return !(term.slice(1) in labels)
    const [k, v] = term.split('=')
    return v === undefined ? k in labels : labels[k] === v
  })
}

function metaOf(o: JsonObject): JsonObject {
  return o.metadata as JsonObject
}

function specOf(o: JsonObject): JsonObject {
  return (o.spec ?? {}) as JsonObject
}

export class BatchFakeCluster implements ClusterPort {
  readonly defaultNamespace = 'default'
  readonly objects = new Map<string, JsonObject>()
  clock = 0
  /** Ready pods matching `watchSelector` after every tick. */
  readyLog: number[] = []
  watchSelector?: string
  readonly calls: string[] = []
  private uid = 0
  now = (): number => this.clock
  sleep = async (ms: number): Promise<void> => {
    this.clock += ms
    this.tick()
  }

  async mapping(): Promise<undefined> {
    return undefined
  }
  async mappingForGroupKind(): Promise<undefined> {
    return undefined
  }
  async get(ref: ObjectRef): Promise<JsonObject | undefined> {
    const o = this.objects.get(key(ref.kind, ref.namespace, ref.name))
    return o && cloneJson(o)
  }
  async list(_apiVersion: string, kind: string, options: {namespace?: string; labelSelector?: string} = {}): Promise<JsonObject[]> {
    return [...this.objects.values()]
      .filter((o) => o.kind === kind && (options.namespace === undefined || metaOf(o).namespace === options.namespace))
      .filter((o) => matches((metaOf(o).labels ?? {}) as Record<string, JsonValue>, options.labelSelector))
      .map((o) => cloneJson(o))
  }
  async apply(obj: JsonObject, options: {force: boolean; fieldManager?: string}): Promise<JsonObject> {
    this.calls.push(`apply ${String(obj.kind)} ${String(metaOf(obj).name)}${options.force ? ' force' : ''}`)
    const k = key(String(obj.kind), metaOf(obj).namespace as string, String(metaOf(obj).name))
    const old = this.objects.get(k)
    const next = cloneJson(obj)
    metaOf(next).generation = ((old && (metaOf(old).generation as number)) ?? 0) + 1
    metaOf(next).uid = (old && metaOf(old).uid) ?? `u${++this.uid}`
    next.status = old?.status ?? {}
    // like server-side apply: replicas left out of the applied object stay as they were (an autoscaler's)
    if (old && isObject(next.spec) && next.spec.replicas === undefined) next.spec.replicas = specOf(old).replicas ?? 1
    this.objects.set(k, next)
    return cloneJson(next)
  }
  async create(obj: JsonObject): Promise<JsonObject> {
    return this.apply(obj, {force: false})
  }
  async update(obj: JsonObject): Promise<JsonObject> {
    return this.apply(obj, {force: false})
  }
  async patch(ref: ObjectRef, body: JsonValue, options: {type: string; subresource?: string}): Promise<JsonObject> {
    this.calls.push(`patch ${ref.kind} ${ref.name}${options.subresource ? `/${options.subresource}` : ''}`)
    const o = this.objects.get(key(ref.kind, ref.namespace, ref.name))
    if (!o) throw new ClusterError(404, 'NotFound', `${ref.name} not found`)
    if (options.type === 'merge') {
      const spec = (body as JsonObject).spec as JsonObject
      Object.assign(specOf(o), spec)
    } else {
      for (const op of body as JsonObject[]) {
        const field = String(op.path).split('/')[2]
        specOf(o)[field] = cloneJson(op.value as JsonValue)
      }
    }
    metaOf(o).generation = (metaOf(o).generation as number) + 1
    return cloneJson(o)
  }
  async delete(ref: ObjectRef): Promise<void> {
    this.calls.push(`delete ${ref.kind} ${ref.name}`)
    const k = key(ref.kind, ref.namespace, ref.name)
    const o = this.objects.get(k)
    this.objects.delete(k)
    if (o && o.kind === 'Deployment') for (const p of this.podsOf(o)) this.objects.delete(key('Pod', metaOf(p).namespace as string, String(metaOf(p).name)))
  }

  // --- the simulated controllers ---

  podsOf(owner: JsonObject): JsonObject[] {
    const ownerUid = metaOf(owner).uid
    return [...this.objects.values()].filter((o) => o.kind === 'Pod' && metaOf(o).ownerUid === ownerUid)
  }

  addPod(owner: JsonObject, name: string, revision: string): void {
    const template = specOf(owner).template as JsonObject
    const tmeta = (template.metadata ?? {}) as JsonObject
    const pod: JsonObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name,
        namespace: metaOf(owner).namespace as string,
        uid: `u${++this.uid}`,
        ownerUid: metaOf(owner).uid as string,
        labels: {...((tmeta.labels ?? {}) as JsonObject), 'controller-revision-hash': revision, 'pod-template-hash': revision},
        annotations: cloneJson((tmeta.annotations ?? {}) as JsonObject),
      },
      status: {phase: 'Pending', conditions: []},
    }
    this.objects.set(key('Pod', metaOf(owner).namespace as string, name), pod)
  }

  private ripen(pod: JsonObject): void {
    const ann = (metaOf(pod).annotations ?? {}) as JsonObject
    if (ann['strata.dev/e2e-crash'] === 'true') {
      pod.status = {phase: 'Running', containerStatuses: [{name: 'app', restartCount: 2, state: {waiting: {reason: 'CrashLoopBackOff'}}}]}
    } else if (ann['strata.dev/e2e-unready'] !== 'true') {
      pod.status = {phase: 'Running', conditions: [{type: 'Ready', status: 'True'}]}
    }
  }

  private ready(pod: JsonObject): boolean {
    return ((pod.status as JsonObject).conditions as JsonObject[] | undefined)?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false
  }

  private removePod(pod: JsonObject): void {
    this.objects.delete(key('Pod', metaOf(pod).namespace as string, String(metaOf(pod).name)))
  }

  tick(): void {
    const pods = [...this.objects.values()].filter((o) => o.kind === 'Pod')
    for (const p of pods) if ((p.status as JsonObject).phase === 'Pending') this.ripen(p)
    for (const o of [...this.objects.values()]) {
      if (o.kind === 'Deployment') this.deploymentTick(o)
      if (o.kind === 'StatefulSet') this.statefulSetTick(o)
    }
    if (this.watchSelector !== undefined) {
      this.readyLog.push([...this.objects.values()].filter((o) => o.kind === 'Pod' && matches((metaOf(o).labels ?? {}) as Record<string, JsonValue>, this.watchSelector) && this.ready(o)).length)
    }
  }

  /** Surge one new pod at a time; remove old pods only while Ready stays ≥ replicas − maxUnavailable. */
  private deploymentTick(d: JsonObject): void {
    const spec = specOf(d)
    const replicas = spec.replicas as number
    const rev = hashOf(spec.template as JsonValue)
    const pods = this.podsOf(d)
    const current = pods.filter((p) => (metaOf(p).labels as JsonObject)['pod-template-hash'] === rev)
    const old = pods.filter((p) => !current.includes(p))
    const mu = String((((spec.strategy ?? {}) as JsonObject).rollingUpdate as JsonObject | undefined)?.maxUnavailable ?? '25%')
    const maxUnavailable = mu.endsWith('%') ? Math.floor((replicas * Number(mu.slice(0, -1))) / 100) : Number(mu)
    if (old.length === 0) {
      for (let i = current.length; i < replicas; i++) this.addPod(d, `${String(metaOf(d).name)}-${rev}-${++this.uid}`, rev)
      const extra = [...current.filter((p) => !this.ready(p)), ...current.filter((p) => this.ready(p))].slice(0, Math.max(0, current.length - replicas))
      for (const p of extra) this.removePod(p)
    } else {
      // maxSurge 1: one new pod beyond replicas at most
      if (current.length < replicas && pods.length < replicas + 1) this.addPod(d, `${String(metaOf(d).name)}-${rev}-${++this.uid}`, rev)
      let ready = pods.filter((p) => this.ready(p)).length
      for (const p of old) {
        if (!this.ready(p)) this.removePod(p)
        else if (ready - 1 >= replicas - maxUnavailable) {
          this.removePod(p)
          ready--
        }
      }
    }
    this.recordRevision(d, rev)
    const now = this.podsOf(d)
    d.status = {
      observedGeneration: metaOf(d).generation as number,
      replicas: now.length,
      updatedReplicas: now.filter((p) => (metaOf(p).labels as JsonObject)['pod-template-hash'] === rev).length,
      availableReplicas: now.filter((p) => this.ready(p)).length,
      readyReplicas: now.filter((p) => this.ready(p)).length,
    }
  }

  /**
   * As the Deployment controller: one ReplicaSet per template (pod-template-hash label, owner
   * reference), the revision annotation on it and on the Deployment, a template seen before
   * taking the next revision number.
   */
  private recordRevision(d: JsonObject, rev: string): void {
    const ns = metaOf(d).namespace as string
    const rsKey = key('ReplicaSet', ns, `${String(metaOf(d).name)}-${rev}`)
    const owned = [...this.objects.values()].filter((o) => o.kind === 'ReplicaSet' && (metaOf(o).ownerReferences as JsonObject[])[0].uid === metaOf(d).uid)
    const top = Math.max(0, ...owned.map((o) => Number((metaOf(o).annotations as JsonObject)[revisionKey])))
    const rs = this.objects.get(rsKey)
    const current = rs ? Number((metaOf(rs).annotations as JsonObject)[revisionKey]) : 0
    const revision = rs && current === top ? current : top + 1
    this.objects.set(rsKey, {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {name: `${String(metaOf(d).name)}-${rev}`, namespace: ns, labels: {'pod-template-hash': rev}, annotations: {[revisionKey]: String(revision)}, ownerReferences: [{uid: metaOf(d).uid as string}]},
    })
    metaOf(d).annotations = {...((metaOf(d).annotations ?? {}) as JsonObject), [revisionKey]: String(revision)}
  }

  /** Highest ordinal first, one pod per tick, only when every pod is Ready (OrderedReady). */
  private statefulSetTick(s: JsonObject): void {
    const spec = specOf(s)
    const replicas = spec.replicas as number
    const rev = hashOf(spec.template as JsonValue)
    const partition = ((((spec.updateStrategy ?? {}) as JsonObject).rollingUpdate ?? {}) as JsonObject).partition as number | undefined
    const name = String(metaOf(s).name)
    const byOrdinal = new Map<number, JsonObject>()
    for (const p of this.podsOf(s)) byOrdinal.set(Number(String(metaOf(p).name).slice(name.length + 1)), p)
    const missing = [...Array(replicas).keys()].find((i) => !byOrdinal.has(i))
    if (missing !== undefined) {
      const prevRev = (s.status as JsonObject)?.currentRevision as string | undefined
      this.addPod(s, `${name}-${missing}`, missing >= (partition ?? 0) ? rev : (prevRev ?? rev))
    } else if ([...byOrdinal.values()].every((p) => this.ready(p))) {
      for (let i = replicas - 1; i >= (partition ?? 0); i--) {
        const p = byOrdinal.get(i)!
        if ((metaOf(p).labels as JsonObject)['controller-revision-hash'] !== rev) {
          this.removePod(p)
          break
        }
      }
    }
    const pods = this.podsOf(s)
    s.status = {
      observedGeneration: metaOf(s).generation as number,
      replicas: pods.length,
      updateRevision: rev,
      currentRevision: ((s.status as JsonObject)?.currentRevision as string | undefined) ?? rev,
      readyReplicas: pods.filter((p) => this.ready(p)).length,
    }
  }

  /** Runs the controllers until nothing changes (an initial, settled state). */
  settle(ticks = 50): void {
    for (let i = 0; i < ticks; i++) this.tick()
  }

  imagesOf(selector: string): string[] {
    return [...this.objects.values()]
      .filter((o) => o.kind === 'Pod' && matches((metaOf(o).labels ?? {}) as Record<string, JsonValue>, selector))
      .map((p) => String((p.status as JsonObject).phase) + ':' + (isObject(metaOf(p).labels) ? String((metaOf(p).labels as JsonObject)['pod-template-hash']) : ''))
  }
}
