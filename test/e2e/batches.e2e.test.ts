// Workload batches on the real control plane (pods made Ready by kwok): a Deployment by canary
// and a StatefulSet by partition move 1, 2, then 4 of 4 pods to the new template; abort after the
// first batch puts the old image back everywhere; a template kwok keeps unready (annotation
// strata.dev/e2e-unready, see scripts/cluster) trips the breaker and abort restores.
import assert from 'node:assert/strict'
import * as fs from 'node:fs'
import * as path from 'node:path'
import {describe, test} from 'node:test'
import {withPartOfLabel} from '../../src/cluster/applyset.js'
import type {ClusterPort} from '../../src/cluster/port.js'
import {kubeCluster} from '../../src/cluster/kube.js'
import type {JsonObject} from '../../src/model/json.js'
import {abortWorkload, runNextBatch, startWorkloadRecord, type BatchContext} from '../../src/rollout/batches/index.js'
import type {PlanItem, RolloutEvent, WorkloadRecord} from '../../src/rollout/types.js'
import {cluster, waitFor, withNamespace} from './helpers/cluster.js'

/** The ApplySet the workload belongs to: every batch write must keep it labelled as a member. */
const partOfValue = 'applyset-e2ebatches-v1'

async function partOf(port: ClusterPort, kind: string, ns: string, name: string): Promise<unknown> {
  const live = await port.get({apiVersion: 'apps/v1', kind, namespace: ns, name})
  return ((live?.metadata as JsonObject | undefined)?.labels as JsonObject | undefined)?.['applyset.kubernetes.io/part-of']
}

function workload(kind: 'Deployment' | 'StatefulSet', ns: string, image: string, annotations?: Record<string, string>): JsonObject {
  const name = kind === 'Deployment' ? 'web' : 'db'
  const spec: JsonObject = {
    replicas: 4,
    selector: {matchLabels: {app: name}},
    template: {
      metadata: {labels: {app: name}, ...(annotations ? {annotations} : {})},
      spec: {containers: [{name: 'app', image}], terminationGracePeriodSeconds: 0},
    },
  }
  if (kind === 'StatefulSet') {
    spec.serviceName = name
    spec.podManagementPolicy = 'OrderedReady'
  }
  return {apiVersion: 'apps/v1', kind, metadata: {name, namespace: ns}, spec}
}

function itemOf(obj: JsonObject, shares: number[]): PlanItem {
  const meta = obj.metadata as JsonObject
  const kind = String(obj.kind)
  const ns = String(meta.namespace)
  const name = String(meta.name)
  return {
    id: {key: `apps/${kind}/${ns}/${name}`, apiVersion: 'apps/v1', kind, namespace: ns, name},
    action: 'update',
    object: obj,
    batches: {strategy: kind === 'Deployment' ? 'canary' : 'partition', shares},
  }
}

async function drain<T>(gen: AsyncGenerator<RolloutEvent, T>): Promise<T> {
  for (;;) {
    const r = await gen.next()
    if (r.done) return r.value
  }
}

/** Images of the live (not terminating) pods labelled app=APP, counted. */
async function images(port: ClusterPort, ns: string, app: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {}
  for (const pod of await port.list('v1', 'Pod', {namespace: ns, labelSelector: `app=${app}`})) {
    if ((pod.metadata as JsonObject).deletionTimestamp) continue
    const image = String(((pod.spec as JsonObject).containers as JsonObject[])[0].image)
    out[image] = (out[image] ?? 0) + 1
  }
  return out
}

async function expectImages(port: ClusterPort, ns: string, app: string, want: Record<string, number>): Promise<void> {
  let last: Record<string, number> = {}
  await waitFor(`pods of ${app}: ${JSON.stringify(want)}`, async () => {
    last = await images(port, ns, app)
    return JSON.stringify(Object.entries(last).sort()) === JSON.stringify(Object.entries(want).sort())
  }, {timeoutMs: 60_000, intervalMs: 500}).catch((err) => {
    throw new Error(`${(err as Error).message}; pods: ${JSON.stringify(last)}`)
  })
}

async function setup(t: Parameters<typeof withNamespace>[0], kind: 'Deployment' | 'StatefulSet') {
  const {kubeconfig} = await cluster()
  const port = await kubeCluster({kubeconfig})
  const ns = await withNamespace(t, 'batches')
  const app = kind === 'Deployment' ? 'web' : 'db'
  const v1 = workload(kind, ns, 'registry.test/app:v1')
  await port.apply(withPartOfLabel(v1, partOfValue), {dryRun: false, force: false, fieldManager: 'strata'})
  await expectImages(port, ns, app, {'registry.test/app:v1': 4})
  await waitFor(`${kind} ${app} ready`, async () => {
    const live = await port.get({apiVersion: 'apps/v1', kind, namespace: ns, name: app})
    return ((live?.status as JsonObject | undefined)?.readyReplicas ?? 0) === 4
  })
  const ctx: BatchContext = {cluster: port, fieldManager: 'strata', forceConflicts: false, applySetId: partOfValue, batchTimeoutMs: 60_000, maxFailedPods: 0, pollMs: 300}
  const live = (await port.get({apiVersion: 'apps/v1', kind, namespace: ns, name: app}))!
  return {port, ns, app, ctx, live}
}

for (const kind of ['Deployment', 'StatefulSet'] as const) {
  describe(`${kind} batches 25%,50%,100%`, () => {
    test('1, 2, then 4 pods on the new image; nothing left behind', async (t) => {
      const {port, ns, app, ctx, live} = await setup(t, kind)
      const item = itemOf(workload(kind, ns, 'registry.test/app:v2'), [0.25, 0.5, 1])
      let record: WorkloadRecord = startWorkloadRecord(item, live)
      const want = [{'registry.test/app:v1': 3, 'registry.test/app:v2': 1}, {'registry.test/app:v1': 2, 'registry.test/app:v2': 2}, {'registry.test/app:v2': 4}]
      for (const expected of want) {
        const out = await drain(runNextBatch(ctx, item, record))
        assert.ok(out.ok, JSON.stringify(out))
        record = out.record
        await expectImages(port, ns, app, expected)
        assert.equal(await partOf(port, kind, ns, app), partOfValue, 'still a member of the inventory')
      }
      assert.equal(record.batchesDone, 3)
      const final = (await port.get({apiVersion: 'apps/v1', kind, namespace: ns, name: app}))!
      if (kind === 'Deployment') {
        assert.equal(await port.get({apiVersion: 'apps/v1', kind, namespace: ns, name: 'web-strata-canary'}), undefined)
        assert.equal((final.spec as JsonObject).replicas, 4)
      } else {
        assert.equal((((final.spec as JsonObject).updateStrategy as JsonObject).rollingUpdate as JsonObject).partition, 0)
      }
    })

    test('abort after batch 1 restores the old image everywhere', async (t) => {
      const {port, ns, app, ctx, live} = await setup(t, kind)
      const item = itemOf(workload(kind, ns, 'registry.test/app:v2'), [0.25, 0.5, 1])
      const out = await drain(runNextBatch(ctx, item, startWorkloadRecord(item, live)))
      assert.ok(out.ok)
      await expectImages(port, ns, app, {'registry.test/app:v1': 3, 'registry.test/app:v2': 1})
      await drain(abortWorkload(ctx, out.record))
      await expectImages(port, ns, app, {'registry.test/app:v1': 4})
      assert.equal(await port.get({apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns, name: 'web-strata-canary'}), undefined)
      assert.equal(await partOf(port, kind, ns, app), partOfValue, 'still a member of the inventory')
    })

    test('a batch kwok keeps unready trips the breaker within the batch timeout; abort restores', async (t) => {
      const {kubeconfig} = await cluster()
      const kwokConfig = path.join(path.dirname(kubeconfig), 'kwok.yaml')
      if (fs.existsSync(kwokConfig) && !fs.readFileSync(kwokConfig, 'utf8').includes('strata.dev/e2e-unready')) {
        t.skip('the running cluster was started before scripts/cluster kept e2e-unready pods unready; restart it')
        return
      }
      const {port, ns, app, ctx, live} = await setup(t, kind)
      const item = itemOf(workload(kind, ns, 'registry.test/app:broken', {'strata.dev/e2e-unready': 'true'}), [0.25, 1])
      const started = Date.now()
      const out = await drain(runNextBatch({...ctx, batchTimeoutMs: 6_000}, item, startWorkloadRecord(item, live)))
      const elapsed = Date.now() - started
      assert.ok(!out.ok && out.breaker, JSON.stringify(out))
      assert.match(!out.ok ? out.reason : '', /0\/1 new pod\(s\) Ready after 6 s/)
      assert.ok(elapsed < 15_000, `breaker took ${elapsed} ms`)
      await drain(abortWorkload(ctx, out.record))
      await expectImages(port, ns, app, {'registry.test/app:v1': 4})
      assert.equal(await port.get({apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns, name: 'web-strata-canary'}), undefined)
    })
  })
}
