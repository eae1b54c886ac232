// The batch fake plus what blue/green needs: Services whose selectors take JSON merge patches
// (null removes a key), ReplicaSets derived from each Deployment's pods (pod-template-hash), and a
// log, after every tick, of the Ready pods the active Service selects (its endpoints).
import {isObject, type JsonObject, type JsonValue} from '../../../../src/model/json.js'
import type {ObjectRef} from '../../../../src/cluster/port.js'
import {BatchFakeCluster} from '../batches-fake.js'

const meta = (o: JsonObject) => o.metadata as JsonObject

function mergePatch(target: JsonObject, patch: JsonObject): void {
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete target[k]
    else if (isObject(v)) {
      if (!isObject(target[k])) target[k] = {}
      mergePatch(target[k] as JsonObject, v)
    } else target[k] = v
  }
}

export class BlueGreenFake extends BatchFakeCluster {
  /** Ready pods selected by Service `endpointsOf` after every tick (none logged while unset). */
  endpointsOf?: string
  endpointLog: number[] = []

  service(name: string): JsonObject | undefined {
    return this.objects.get(`Service/shop/${name}`)
  }

  selectorOf(name: string): Record<string, JsonValue> {
    return ((this.service(name)?.spec as JsonObject | undefined)?.selector ?? {}) as Record<string, JsonValue>
  }

  readyPodsSelectedBy(name: string): JsonObject[] {
    const sel = this.selectorOf(name)
    return [...this.objects.values()].filter((o) => {
      if (o.kind !== 'Pod') return false
      const labels = (meta(o).labels ?? {}) as Record<string, JsonValue>
      const ready = ((o.status as JsonObject).conditions as JsonObject[] | undefined)?.some((c) => c.type === 'Ready' && c.status === 'True')
      return ready && Object.entries(sel).every(([k, v]) => labels[k] === v)
    })
  }

  override async patch(ref: ObjectRef, body: JsonValue, options: {type: string; subresource?: string}): Promise<JsonObject> {
    if (ref.kind !== 'Service') return super.patch(ref, body, options)
    this.calls.push(`patch Service ${ref.name} ${JSON.stringify(body)}`)
    const o = this.service(ref.name)
    if (!o) return super.patch(ref, body, options)
    mergePatch(o, body as JsonObject)
    return structuredClone(o)
  }

  override async list(apiVersion: string, kind: string, options: {namespace?: string; labelSelector?: string} = {}): Promise<JsonObject[]> {
    if (kind !== 'ReplicaSet') return super.list(apiVersion, kind, options)
    const out: JsonObject[] = []
    for (const d of await super.list('apps/v1', 'Deployment', options.namespace ? {namespace: options.namespace} : {})) {
      const hashes = new Set(this.podsOf(this.objects.get(`Deployment/${String(meta(d).namespace)}/${String(meta(d).name)}`)!).map((p) => String((meta(p).labels as JsonObject)['pod-template-hash'])))
      let revision = 0
      for (const h of hashes) {
        out.push({apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: {name: `${String(meta(d).name)}-${h}`, namespace: meta(d).namespace, labels: {'pod-template-hash': h}, annotations: {'deployment.kubernetes.io/revision': String(++revision)}, ownerReferences: [{uid: meta(d).uid}]}})
      }
    }
    return out
  }

  override tick(): void {
    super.tick()
    if (this.endpointsOf !== undefined) this.endpointLog.push(this.readyPodsSelectedBy(this.endpointsOf).length)
  }
}
