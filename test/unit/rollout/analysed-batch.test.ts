import assert from 'node:assert/strict'
import {test} from 'node:test'
import type {JsonObject} from '../../../src/model/json.js'
import type {Value} from '../../../src/rollout/analysis/expr.js'
import {MeasureError, type MetricsPort} from '../../../src/rollout/analysis/run.js'
import {abortWorkload, runNextBatch, startWorkloadRecord, type BatchContext} from '../../../src/rollout/batches/index.js'
import type {PlanItem, RolloutEvent, WorkloadRecord} from '../../../src/rollout/types.js'
import {BatchFakeCluster} from './batches-fake.js'

function deployment(image: string): JsonObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {name: 'web', namespace: 'shop', labels: {app: 'web'}},
    spec: {replicas: 4, selector: {matchLabels: {app: 'web'}}, template: {metadata: {labels: {app: 'web'}}, spec: {containers: [{name: 'app', image}]}}},
  }
}

const analysisDoc = (metric: Record<string, unknown>): JsonObject => ({
  apiVersion: 'strata.dev/v1alpha1',
  kind: 'Analysis',
  metadata: {name: 'errors'},
  spec: {args: [{name: 'svc'}], metrics: [{name: 'rate', successCondition: 'result[0] < 0.05', provider: {prometheus: {address: 'http://prom:9090', query: 'rate{svc="{{args.svc}}",app="{{app}}",w="{{workload}}"}'}}, ...metric}]},
})

function itemOf(obj: JsonObject, shares: number[], metric: Record<string, unknown>): PlanItem {
  return {
    id: {key: 'apps/Deployment/shop/web', apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web'},
    action: 'update',
    object: obj,
    batches: {strategy: 'canary', shares, analyses: [{name: 'errors', file: 'analysis.yaml', document: analysisDoc(metric), args: {svc: 'web'}}]},
  }
}

function scripted(values: Array<Value | Error>, seen: string[] = []): MetricsPort {
  let i = 0
  return {
    async measure(p) {
      if (p.kind === 'prometheus') seen.push(p.query)
      const v = values[Math.min(i++, values.length - 1)]
      if (v instanceof Error) throw v
      return v
    },
  }
}

async function setup(metrics: MetricsPort) {
  const fake = new BatchFakeCluster()
  await fake.apply(deployment('app:1'), {force: false})
  fake.settle()
  const ctx: BatchContext = {cluster: fake, fieldManager: 'strata', forceConflicts: false, applySetId: 'applyset-x', batchTimeoutMs: 600_000, maxFailedPods: 0, now: fake.now, sleep: fake.sleep, pollMs: 1000, metrics, app: 'shop'}
  return {fake, ctx}
}

async function drain<T>(gen: AsyncGenerator<RolloutEvent, T>, events: RolloutEvent[] = []): Promise<T> {
  for (;;) {
    const r = await gen.next()
    if (r.done) return r.value
    events.push(r.value)
  }
}

/** The image of each live pod, read from its owner's template (the fake keeps templates on owners). */
const podImages = async (fake: BatchFakeCluster) =>
  [...fake.objects.values()]
    .filter((o) => o.kind === 'Pod' && !(o.metadata as JsonObject).deletionTimestamp)
    .map((pod) => {
      const owner = [...fake.objects.values()].find((d) => (d.metadata as JsonObject).uid === (pod.metadata as JsonObject).ownerUid)
      return owner ? String((((owner.spec as JsonObject).template as JsonObject).spec as {containers: {image: string}[]}).containers[0].image) : 'orphan'
    })

test('a passing analysis lets the batch pass; its measurements are events and stay in the record', async () => {
  const seen: string[] = []
  const {fake, ctx} = await setup(scripted([[0.01]], seen))
  const item = itemOf(deployment('app:2'), [0.5, 1], {interval: '5s', count: 2})
  const record = startWorkloadRecord(item, (await fake.get({apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'shop'}))!)
  const events: RolloutEvent[] = []
  const outcome = await drain(runNextBatch(ctx, item, record), events)
  assert.equal(outcome.ok, true)
  assert.equal(outcome.record.batchesDone, 1)
  assert.equal(outcome.record.analysis?.verdict, 'Successful')
  assert.equal(outcome.record.analysis?.measurements.errors.length, 2)
  assert.deepEqual(seen[0], 'rate{svc="web",app="shop",w="web"}')
  const kinds = events.filter((e) => e.type === 'analysis').map((e) => (e as {event: {type: string}}).event.type)
  assert.deepEqual(kinds, ['analysis-start', 'measurement', 'measurement', 'analysis-verdict'])
  assert.ok(events.some((e) => e.type === 'batch'), 'the batch still reports its pods')
})

test('a failing analysis trips the breaker; abort puts every pod back on the old template', async () => {
  const {fake, ctx} = await setup(scripted([[0.01], [0.4]]))
  const item = itemOf(deployment('app:2'), [0.5, 1], {interval: '5s', count: 5})
  const record = startWorkloadRecord(item, (await fake.get({apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'shop'}))!)
  const outcome = await drain(runNextBatch(ctx, item, record))
  assert.equal(outcome.ok, false)
  assert.ok(!outcome.ok && outcome.breaker && !outcome.interrupted)
  assert.match(!outcome.ok ? outcome.reason : '', /analysis errors: metric rate: 1 failed measurement\(s\), limit 0; last value \[0.4\]/)
  await drain(abortWorkload(ctx, outcome.record))
  fake.settle()
  const imgs = await podImages(fake)
  assert.equal(imgs.length, 4)
  assert.ok(imgs.every((i) => i === 'app:1'), JSON.stringify(imgs))
})

test('errors past consecutiveErrorLimit fail the batch like a failed measurement', async () => {
  const {ctx, fake} = await setup(scripted([[0.01], new MeasureError('prom:9090: ECONNREFUSED')]))
  const item = itemOf(deployment('app:2'), [0.5, 1], {interval: '1s', count: 20, consecutiveErrorLimit: 2})
  const record = startWorkloadRecord(item, (await fake.get({apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'shop'}))!)
  const outcome = await drain(runNextBatch(ctx, item, record))
  assert.ok(!outcome.ok && outcome.breaker)
  assert.match(!outcome.ok ? outcome.reason : '', /3 consecutive errors, limit 2; last: prom:9090: ECONNREFUSED/)
})

test('an inconclusive analysis pauses the rollout with the reason; resume starts a fresh analysis', async () => {
  const {fake, ctx} = await setup(scripted([[0.1], [0.01]]))
  const item = itemOf(deployment('app:2'), [0.5, 1], {interval: '5s', count: 1, failureCondition: 'result[0] > 0.2'})
  const record = startWorkloadRecord(item, (await fake.get({apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'shop'}))!)
  const outcome = await drain(runNextBatch(ctx, item, record))
  assert.ok(!outcome.ok && outcome.paused && !outcome.breaker)
  assert.match(!outcome.ok ? outcome.reason : '', /inconclusive/)
  assert.equal(outcome.record.analysis?.verdict, 'Inconclusive')
})

test('an interrupted analysis resumes from its saved measurements', async () => {
  const {fake, ctx} = await setup(scripted([[0.01]]))
  const item = itemOf(deployment('app:2'), [0.5, 1], {interval: '5s', count: 3})
  const base = startWorkloadRecord(item, (await fake.get({apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'shop'}))!)
  const saved = [0, 1].map((i) => ({metric: 'rate', at: new Date(fake.now() + i * 5000).toISOString(), phase: 'Successful' as const, value: [0.01]}))
  const record: WorkloadRecord = {...base, analysis: {batch: 1, startedAt: new Date(fake.now()).toISOString(), measurements: {errors: saved}}}
  const events: RolloutEvent[] = []
  const outcome = await drain(runNextBatch(ctx, item, record), events)
  assert.equal(outcome.ok, true)
  assert.equal(outcome.record.analysis?.measurements.errors.length, 3)
  assert.equal(events.filter((e) => e.type === 'analysis' && e.event.type === 'measurement').length, 1)
})

test('each measurement is saved as it is taken, so another process sees it mid-batch', async () => {
  const {fake, ctx} = await setup(scripted([[0.01]]))
  const saved: number[] = []
  ctx.saveRecord = async (r) => {
    saved.push(r.analysis?.measurements.errors?.length ?? 0)
    assert.equal(r.analysis?.batch, 1)
    assert.equal(r.batchesDone, 0, 'mid-batch saves keep the batch unfinished')
  }
  const item = itemOf(deployment('app:2'), [0.5, 1], {interval: '5s', count: 3})
  const record = startWorkloadRecord(item, (await fake.get({apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'shop'}))!)
  const outcome = await drain(runNextBatch(ctx, item, record))
  assert.equal(outcome.ok, true)
  assert.deepEqual(saved, [1, 2, 3])
})

/** The pod-template-hash label of the fake's ReplicaSet of `deployment` running `image`. */
function hashOfImage(fake: BatchFakeCluster, deployment: string, image: string): string {
  const owner = [...fake.objects.values()].find((o) => o.kind === 'Deployment' && (o.metadata as JsonObject).name === deployment)!
  const pod = [...fake.objects.values()].find((o) => o.kind === 'Pod' && (o.metadata as JsonObject).ownerUid === (owner.metadata as JsonObject).uid && JSON.stringify(owner.spec).includes(image))
  return String(((pod!.metadata as JsonObject).labels as JsonObject)['pod-template-hash'])
}

test('{{canaryHash}} and {{stableHash}} are the pod-template-hash labels of the new and the old pods, in canary and in promotion batches', async () => {
  const seen: string[] = []
  const {fake, ctx} = await setup(scripted([[0.01]], seen))
  const stableHash = hashOfImage(fake, 'web', 'app:1')
  const item = itemOf(deployment('app:2'), [0.5, 1], {interval: '5s', count: 1})
  const doc = item.batches!.analyses![0].document as {spec: {metrics: Array<{provider: {prometheus: {query: string}}}>}}
  doc.spec.metrics[0].provider.prometheus.query = 'errors{canary="{{canaryHash}}",stable="{{stableHash}}"}'
  let record = startWorkloadRecord(item, (await fake.get({apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'shop'}))!)
  const first = await drain(runNextBatch(ctx, item, record))
  assert.equal(first.ok, true)
  const canaryHash = hashOfImage(fake, 'web-strata-canary', 'app:2')
  assert.notEqual(canaryHash, stableHash)
  assert.deepEqual(seen, [`errors{canary="${canaryHash}",stable="${stableHash}"}`])

  record = first.record
  const second = await drain(runNextBatch(ctx, item, record))
  assert.equal(second.ok, true)
  const promoted = [...fake.objects.values()].find((o) => o.kind === 'ReplicaSet' && (o.metadata as JsonObject).name !== `web-${stableHash}` && ((o.metadata as JsonObject).name as string).startsWith('web-') && !((o.metadata as JsonObject).name as string).includes('canary'))
  const promotedHash = String(((promoted!.metadata as JsonObject).labels as JsonObject)['pod-template-hash'])
  assert.deepEqual(seen[1], `errors{canary="${promotedHash}",stable="${stableHash}"}`)
})

test("a StatefulSet's hashes are its update and current revisions (its pods' controller-revision-hash)", async () => {
  const seen: string[] = []
  const {fake, ctx} = await setup(scripted([[0.01]], seen))
  const sts = (image: string): JsonObject => ({
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: {name: 'db', namespace: 'shop'},
    spec: {replicas: 4, serviceName: 'db', selector: {matchLabels: {app: 'db'}}, template: {metadata: {labels: {app: 'db'}}, spec: {containers: [{name: 'db', image}]}}},
  })
  await fake.apply(sts('db:1'), {force: false})
  fake.settle()
  const revisionOf = async () => ((await fake.get({apiVersion: 'apps/v1', kind: 'StatefulSet', namespace: 'shop', name: 'db'}))!.status as JsonObject).currentRevision
  const before = await revisionOf()
  const item: PlanItem = {
    ...itemOf(sts('db:2'), [0.5, 1], {interval: '5s', count: 1}),
    id: {key: 'apps/StatefulSet/shop/db', apiVersion: 'apps/v1', kind: 'StatefulSet', namespace: 'shop', name: 'db'},
  }
  item.batches = {...item.batches!, strategy: 'partition'}
  const doc = item.batches.analyses![0].document as {spec: {metrics: Array<{provider: {prometheus: {query: string}}}>}}
  doc.spec.metrics[0].provider.prometheus.query = 'e{canary="{{canaryHash}}",stable="{{stableHash}}"}'
  const record = startWorkloadRecord(item, (await fake.get({apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', namespace: 'shop'}))!)
  const outcome = await drain(runNextBatch(ctx, item, record))
  assert.equal(outcome.ok, true)
  const newPods = [...fake.objects.values()].filter((o) => o.kind === 'Pod' && String((o.metadata as JsonObject).name).startsWith('db-') && ((o.metadata as JsonObject).labels as JsonObject)['controller-revision-hash'] !== before)
  assert.equal(newPods.length, 2)
  const updated = ((newPods[0].metadata as JsonObject).labels as JsonObject)['controller-revision-hash']
  assert.deepEqual(seen, [`e{canary="${String(updated)}",stable="${String(before)}"}`])
})
