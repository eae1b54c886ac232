import assert from 'node:assert/strict'
import {describe, test} from 'node:test'
import type {JsonObject} from '../../../src/model/json.js'
import {abortWorkload, batchPartition, canaryDeployment, canarySplit, podFailure, restoreTemplate, runNextBatch, startWorkloadRecord, tallyPods, type BatchContext} from '../../../src/rollout/batches/index.js'
import {onlyOwnReplicasConflict} from '../../../src/rollout/batches/apply-own.js'
import {maxUnavailableOf} from '../../../src/rollout/batches/objects.js'
import type {PlanItem, RolloutEvent, WorkloadRecord} from '../../../src/rollout/types.js'
import {BatchFakeCluster} from './batches-fake.js'

function deployment(replicas: number, image: string, extra: {maxUnavailable?: string | number; annotations?: Record<string, string>} = {}): JsonObject {
  const spec: JsonObject = {
    replicas,
    selector: {matchLabels: {app: 'web'}},
    template: {metadata: {labels: {app: 'web'}, ...(extra.annotations ? {annotations: extra.annotations} : {})}, spec: {containers: [{name: 'app', image}]}},
  }
  if (extra.maxUnavailable !== undefined) spec.strategy = {type: 'RollingUpdate', rollingUpdate: {maxUnavailable: extra.maxUnavailable}}
  return {apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'web', namespace: 'shop', labels: {app: 'web', 'applyset.kubernetes.io/part-of': 'applyset-x'}}, spec}
}

function statefulSet(replicas: number, image: string, annotations?: Record<string, string>): JsonObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: {name: 'db', namespace: 'shop'},
    spec: {replicas, serviceName: 'db', selector: {matchLabels: {app: 'db'}}, template: {metadata: {labels: {app: 'db'}, ...(annotations ? {annotations} : {})}, spec: {containers: [{name: 'app', image}]}}},
  }
}

function itemOf(obj: JsonObject, shares: number[]): PlanItem {
  const meta = obj.metadata as JsonObject
  const kind = String(obj.kind)
  return {
    id: {key: `apps/${kind}/shop/${String(meta.name)}`, apiVersion: 'apps/v1', kind, namespace: 'shop', name: String(meta.name)},
    action: 'update',
    object: obj,
    batches: {strategy: kind === 'Deployment' ? 'canary' : 'partition', shares},
  }
}

function ctxOf(fake: BatchFakeCluster, over: Partial<BatchContext> = {}): BatchContext {
  return {cluster: fake, fieldManager: 'strata', forceConflicts: false, applySetId: 'applyset-x', batchTimeoutMs: 60_000, maxFailedPods: 0, now: fake.now, sleep: fake.sleep, pollMs: 1000, ...over}
}

async function drain<T>(gen: AsyncGenerator<RolloutEvent, T>, events: RolloutEvent[] = []): Promise<T> {
  for (;;) {
    const r = await gen.next()
    if (r.done) return r.value
    events.push(r.value)
  }
}

async function seeded(obj: JsonObject): Promise<BatchFakeCluster> {
  const fake = new BatchFakeCluster()
  await fake.apply(obj, {force: false})
  fake.settle()
  return fake
}

/** Pods by image, counted over the pods that are Ready. */
function images(fake: BatchFakeCluster, app: string): Record<string, number> {
  const out: Record<string, number> = {}
  for (const o of fake.objects.values()) {
    if (o.kind !== 'Pod' || ((o.metadata as JsonObject).labels as JsonObject).app !== app) continue
    const owner = [...fake.objects.values()].find((d) => (d.metadata as JsonObject).uid === (o.metadata as JsonObject).ownerUid)!
    const image = String((((owner.spec as JsonObject).template as JsonObject).spec as {containers: {image: string}[]}).containers[0].image)
    // a StatefulSet's pod runs the revision in its label; the fake keeps the template on the owner only
    const rev = ((o.metadata as JsonObject).labels as JsonObject)['controller-revision-hash']
    const key = owner.kind === 'StatefulSet' && rev !== (owner.status as JsonObject).updateRevision ? 'old-revision' : image
    out[key] = (out[key] ?? 0) + 1
  }
  return out
}

describe('canary arithmetic', () => {
  test('4 replicas, 25/50/100: canary 1 then 2, stable 3 then 2', () => {
    assert.deepEqual(canarySplit(4, 0.25), {canary: 1, stable: 3})
    assert.deepEqual(canarySplit(4, 0.5), {canary: 2, stable: 2})
    assert.deepEqual(canarySplit(4, 1), {canary: 4, stable: 0})
  })
  test('10 replicas, 33%: ceil gives 4; 1/3 exactly gives 4 too, 3 × 1/3 stays 10', () => {
    assert.deepEqual(canarySplit(10, 0.33), {canary: 4, stable: 6})
    assert.deepEqual(canarySplit(3, 1 / 3), {canary: 1, stable: 2})
    assert.deepEqual(canarySplit(1, 0.25), {canary: 1, stable: 0})
  })
  test('maxUnavailable as a percentage rounds down, as an integer is taken as is, Recreate is all', () => {
    assert.equal(maxUnavailableOf(deployment(10, 'a', {maxUnavailable: '25%'}), 10), 2)
    assert.equal(maxUnavailableOf(deployment(10, 'a'), 10), 2)
    assert.equal(maxUnavailableOf(deployment(4, 'a', {maxUnavailable: 1}), 4), 1)
    assert.equal(maxUnavailableOf(deployment(3, 'a', {maxUnavailable: '10%'}), 3), 0)
    assert.throws(() => maxUnavailableOf(deployment(3, 'a', {maxUnavailable: 'lots'}), 3), /maxUnavailable "lots"/)
  })
  test('the canary: own name, canary label in labels, selector and template; no ApplySet membership', () => {
    const c = canaryDeployment(deployment(4, 'v2'), 1)
    assert.equal((c.metadata as JsonObject).name, 'web-strata-canary')
    assert.deepEqual((c.metadata as JsonObject).labels, {app: 'web', 'strata.dev/canary-of': 'web'})
    assert.deepEqual(((c.spec as JsonObject).selector as JsonObject).matchLabels, {app: 'web', 'strata.dev/canary-of': 'web'})
    assert.deepEqual((((c.spec as JsonObject).template as JsonObject).metadata as JsonObject).labels, {app: 'web', 'strata.dev/canary-of': 'web'})
    assert.equal((c.spec as JsonObject).replicas, 1)
  })
  test('StatefulSet partitions: N − share, the user partition on the last batch', () => {
    assert.deepEqual([0, 1, 2].map((k) => batchPartition(4, [0.25, 0.5, 1], k, 0)), [3, 2, 0])
    assert.deepEqual([0, 1].map((k) => batchPartition(10, [0.33, 1], k, 0)), [6, 0])
    assert.deepEqual([0, 1].map((k) => batchPartition(4, [0.25, 1], k, 2)), [3, 2])
  })
})

describe('Deployment canary batches (simulated controllers)', () => {
  for (const maxUnavailable of ['25%', 1, 0, '50%']) {
    test(`4 replicas 25/50/100, maxUnavailable ${maxUnavailable}: 1, 2, then all pods new; canary gone; Ready never below N − maxUnavailable`, async () => {
      const fake = await seeded(deployment(4, 'v1', {maxUnavailable}))
      fake.watchSelector = 'app=web'
      const item = itemOf(deployment(4, 'v2', {maxUnavailable}), [0.25, 0.5, 1])
      let record: WorkloadRecord = startWorkloadRecord(item, (await fake.get({apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web'}))!)
      const ctx = ctxOf(fake)
      const seen: Record<string, number>[] = []
      const events: RolloutEvent[] = []
      for (let b = 0; b < 3; b++) {
        const out = await drain(runNextBatch(ctx, item, record), events)
        assert.ok(out.ok, JSON.stringify(out))
        record = out.record
        fake.settle(5)
        seen.push(images(fake, 'web'))
      }
      assert.deepEqual(seen, [{v1: 3, v2: 1}, {v1: 2, v2: 2}, {v2: 4}])
      assert.equal(record.batchesDone, 3)
      assert.equal(record.canaryName, undefined)
      assert.equal(await fake.get({apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web-strata-canary'}), undefined)
      const floor = 4 - maxUnavailableOf(item.object!, 4)
      assert.ok(Math.min(...fake.readyLog) >= floor, `min Ready ${Math.min(...fake.readyLog)} < ${floor}`)
      const last = events.filter((e) => e.type === 'batch').at(-1)
      assert.deepEqual(last && {...last, id: undefined}, {type: 'batch', id: undefined, batch: 3, of: 3, share: 1, updated: 4, ready: 4, desired: 4})
    })
  }

  test('10 replicas, 33%,100%: 4 on the canary after batch 1; the record names the canary', async () => {
    const fake = await seeded(deployment(10, 'v1'))
    const item = itemOf(deployment(10, 'v2'), [0.33, 1])
    const record = startWorkloadRecord(item, (await fake.get({apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web'}))!)
    const out = await drain(runNextBatch(ctxOf(fake), item, record))
    assert.ok(out.ok)
    assert.equal(out.record.canaryName, 'web-strata-canary')
    assert.equal(out.record.batchesDone, 1)
    fake.settle(5)
    assert.deepEqual(images(fake, 'web'), {v1: 6, v2: 4})
  })

  test('a render without replicas (left to an autoscaler) ends with the replicas the workload had', async () => {
    const fake = await seeded(deployment(4, 'v1'))
    const rendered = deployment(4, 'v2')
    delete (rendered.spec as JsonObject).replicas
    const item = itemOf(rendered, [0.25, 0.5, 1])
    let record = startWorkloadRecord(item, (await fake.get({apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web'}))!)
    const seen: Record<string, number>[] = []
    for (let b = 0; b < 3; b++) {
      const out = await drain(runNextBatch(ctxOf(fake), item, record))
      assert.ok(out.ok)
      record = out.record
      fake.settle(5)
      seen.push(images(fake, 'web'))
    }
    assert.deepEqual(seen, [{v1: 3, v2: 1}, {v1: 2, v2: 2}, {v2: 4}])
    assert.equal(((await fake.get({apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web'}))!.spec as JsonObject).replicas, 4)
  })

  test('order: the canary is Ready before the stable one is scaled down', async () => {
    const fake = await seeded(deployment(4, 'v1'))
    const item = itemOf(deployment(4, 'v2'), [0.5, 1])
    const record = startWorkloadRecord(item, (await fake.get({apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web'}))!)
    fake.calls.length = 0
    const events: RolloutEvent[] = []
    await drain(runNextBatch(ctxOf(fake), item, record), events)
    assert.deepEqual(fake.calls, ['apply Deployment web-strata-canary force', 'patch Deployment web/scale'])
    const batches = events.filter((e) => e.type === 'batch')
    assert.equal(batches.at(-1)?.type === 'batch' && batches.at(-1)?.ready, 2)
  })

  test('abort after batch 1: old image everywhere, replicas back, canary deleted', async () => {
    const fake = await seeded(deployment(4, 'v1'))
    const item = itemOf(deployment(4, 'v2'), [0.25, 0.5, 1])
    const record = startWorkloadRecord(item, (await fake.get({apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web'}))!)
    const out = await drain(runNextBatch(ctxOf(fake), item, record))
    await drain(abortWorkload(ctxOf(fake), out.record))
    fake.settle(5)
    assert.deepEqual(images(fake, 'web'), {v1: 4})
    assert.equal(await fake.get({apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web-strata-canary'}), undefined)
  })

  test('breaker: canary pods never Ready → timeout, reason names the batch timeout; abort restores', async () => {
    const fake = await seeded(deployment(4, 'v1'))
    const item = itemOf(deployment(4, 'v2', {annotations: {'strata.dev/e2e-unready': 'true'}}), [0.25, 1])
    const record = startWorkloadRecord(item, (await fake.get({apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web'}))!)
    const ctx = ctxOf(fake, {batchTimeoutMs: 10_000})
    const out = await drain(runNextBatch(ctx, item, record))
    assert.equal(out.ok, false)
    assert.ok(!out.ok && out.breaker && !out.interrupted)
    assert.match(!out.ok ? out.reason : '', /0\/1 new pod\(s\) Ready after 10 s/)
    assert.match(!out.ok ? out.reason : '', /not ready: web-strata-canary-\S+: phase/)
    assert.ok(fake.clock >= 10_000 && fake.clock < 12_000)
    // the stable one was never scaled down
    assert.equal(((await fake.get({apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web'}))!.spec as JsonObject).replicas, 4)
    await drain(abortWorkload(ctx, out.record))
    fake.settle(5)
    assert.deepEqual(images(fake, 'web'), {v1: 4})
  })

  test('breaker: more crashed pods than maxFailedPods trips before the timeout', async () => {
    const fake = await seeded(deployment(4, 'v1'))
    const item = itemOf(deployment(4, 'v2', {annotations: {'strata.dev/e2e-crash': 'true'}}), [0.5, 1])
    const record = startWorkloadRecord(item, (await fake.get({apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web'}))!)
    const out = await drain(runNextBatch(ctxOf(fake, {maxFailedPods: 1}), item, record))
    assert.ok(!out.ok && out.breaker)
    assert.match(!out.ok ? out.reason : '', /2 new pod\(s\) failed .*CrashLoopBackOff/)
    assert.ok(fake.clock < 10_000)
  })

  test('an aborted signal stops between polls as interrupted, not as the breaker', async () => {
    const fake = await seeded(deployment(4, 'v1'))
    const item = itemOf(deployment(4, 'v2'), [0.5, 1])
    const record = startWorkloadRecord(item, (await fake.get({apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web'}))!)
    const ac = new AbortController()
    ac.abort()
    const out = await drain(runNextBatch(ctxOf(fake, {signal: ac.signal}), item, record))
    assert.ok(!out.ok && out.interrupted && !out.breaker)
    assert.equal(out.record.canaryName, 'web-strata-canary')
  })
})

describe('StatefulSet partition batches (simulated controller)', () => {
  test('4 replicas 25/50/100: 1, 2, then 4 pods on the new revision; partition not left behind', async () => {
    const fake = await seeded(statefulSet(4, 'v1'))
    const item = itemOf(statefulSet(4, 'v2'), [0.25, 0.5, 1])
    let record = startWorkloadRecord(item, (await fake.get({apiVersion: 'apps/v1', kind: 'StatefulSet', namespace: 'shop', name: 'db'}))!)
    const seen: Record<string, number>[] = []
    const partitions: unknown[] = []
    for (let b = 0; b < 3; b++) {
      const out = await drain(runNextBatch(ctxOf(fake), item, record))
      assert.ok(out.ok)
      record = out.record
      seen.push(images(fake, 'db'))
      const live = (await fake.get({apiVersion: 'apps/v1', kind: 'StatefulSet', namespace: 'shop', name: 'db'}))!
      partitions.push(((live.spec as JsonObject).updateStrategy as JsonObject | undefined)?.rollingUpdate)
    }
    assert.deepEqual(seen, [{'old-revision': 3, v2: 1}, {'old-revision': 2, v2: 2}, {v2: 4}])
    assert.deepEqual(partitions, [{partition: 3}, {partition: 2}, undefined])
  })

  test("a partition the user wrote is what the last batch leaves, and no batch goes below it", async () => {
    const withUser = (image: string): JsonObject => {
      const o = statefulSet(4, image)
      ;(o.spec as JsonObject).updateStrategy = {type: 'RollingUpdate', rollingUpdate: {partition: 2}}
      return o
    }
    const fake = await seeded(withUser('v1'))
    const item = itemOf(withUser('v2'), [0.25, 1])
    let record = startWorkloadRecord(item, (await fake.get({apiVersion: 'apps/v1', kind: 'StatefulSet', namespace: 'shop', name: 'db'}))!)
    const partitions: unknown[] = []
    for (let b = 0; b < 2; b++) {
      const out = await drain(runNextBatch(ctxOf(fake), item, record))
      assert.ok(out.ok)
      record = out.record
      const live = (await fake.get({apiVersion: 'apps/v1', kind: 'StatefulSet', namespace: 'shop', name: 'db'}))!
      partitions.push((((live.spec as JsonObject).updateStrategy as JsonObject).rollingUpdate as JsonObject).partition)
    }
    assert.deepEqual(partitions, [3, 2])
    assert.deepEqual(images(fake, 'db'), {'old-revision': 2, v2: 2})
  })

  test('abort after a batch whose pod never becomes Ready: unready pod deleted, previous revision everywhere', async () => {
    const fake = await seeded(statefulSet(4, 'v1'))
    const item = itemOf(statefulSet(4, 'v2', {'strata.dev/e2e-unready': 'true'}), [0.25, 1])
    const record = startWorkloadRecord(item, (await fake.get({apiVersion: 'apps/v1', kind: 'StatefulSet', namespace: 'shop', name: 'db'}))!)
    const ctx = ctxOf(fake, {batchTimeoutMs: 5_000})
    const out = await drain(runNextBatch(ctx, item, record))
    assert.ok(!out.ok && out.breaker)
    fake.calls.length = 0
    await drain(abortWorkload(ctx, out.record))
    assert.ok(fake.calls.includes('delete Pod db-3'), fake.calls.join('\n'))
    fake.settle(5)
    assert.deepEqual(images(fake, 'db'), {v1: 4})
  })
})

describe('inventory membership through every batch write', () => {
  const partOf = 'applyset.kubernetes.io/part-of'
  /** As the plan holds it: the render, without the part-of label apply adds. */
  function rendered(obj: JsonObject): JsonObject {
    const labels = {...((obj.metadata as JsonObject).labels as JsonObject | undefined)}
    delete labels[partOf]
    return {...obj, metadata: {...(obj.metadata as JsonObject), labels: {...labels, tier: 'front'}, annotations: {'strata.dev/rollout': '25%,50%,100%'}}}
  }
  function member(obj: JsonObject): JsonObject {
    return {...obj, metadata: {...(obj.metadata as JsonObject), labels: {...((obj.metadata as JsonObject).labels as JsonObject | undefined), [partOf]: 'applyset-x'}}}
  }
  async function labelsAfterEach(kind: 'Deployment' | 'StatefulSet', abortAfter?: number): Promise<unknown[]> {
    const v1 = kind === 'Deployment' ? deployment(4, 'v1') : statefulSet(4, 'v1')
    const v2 = kind === 'Deployment' ? deployment(4, 'v2') : statefulSet(4, 'v2')
    const name = kind === 'Deployment' ? 'web' : 'db'
    const fake = await seeded(member(rendered(v1)))
    const item = itemOf(rendered(v2), [0.25, 0.5, 1])
    const live = async () => (await fake.get({apiVersion: 'apps/v1', kind, namespace: 'shop', name}))!
    let record = startWorkloadRecord(item, await live())
    const seen: unknown[] = []
    const look = async () => {
      const md = (await live()).metadata as JsonObject
      seen.push({partOf: (md.labels as JsonObject)[partOf], tier: (md.labels as JsonObject).tier, rollout: (md.annotations as JsonObject | undefined)?.['strata.dev/rollout']})
    }
    for (let b = 0; b < (abortAfter ?? 3); b++) {
      const out = await drain(runNextBatch(ctxOf(fake), item, record))
      assert.ok(out.ok, JSON.stringify(out))
      record = out.record
      fake.settle(5)
      await look()
    }
    if (abortAfter !== undefined) {
      await drain(abortWorkload(ctxOf(fake), record))
      fake.settle(5)
      await look()
    }
    return seen
  }
  const kept = {partOf: 'applyset-x', tier: 'front', rollout: '25%,50%,100%'}
  for (const kind of ['Deployment', 'StatefulSet'] as const) {
    test(`${kind}: every batch, the promotion and the partition reset keep the part-of label and the rendered metadata`, async () => {
      assert.deepEqual(await labelsAfterEach(kind), [kept, kept, kept])
    })
    test(`${kind}: abort after batch 2 (and after a full rollout) keeps them too`, async () => {
      assert.deepEqual(await labelsAfterEach(kind, 2), [kept, kept, kept])
      assert.deepEqual(await labelsAfterEach(kind, 3), [kept, kept, kept, kept])
    })
  }
})

describe('pod failure and conflicts', () => {
  const pod = (status: JsonObject): JsonObject => ({metadata: {name: 'p'}, status})
  test('hopeless waiting reasons, crashes after restarts, Failed phase; a first exit or a pending pod is not', () => {
    assert.match(podFailure(pod({containerStatuses: [{name: 'a', restartCount: 0, state: {waiting: {reason: 'ImagePullBackOff'}}}]}))!, /ImagePullBackOff/)
    assert.match(podFailure(pod({containerStatuses: [{name: 'a', restartCount: 0, state: {waiting: {reason: 'ErrImagePull'}}}]}))!, /ErrImagePull/)
    assert.match(podFailure(pod({initContainerStatuses: [{name: 'i', restartCount: 0, state: {waiting: {reason: 'CreateContainerConfigError'}}}]}))!, /container i/)
    assert.match(podFailure(pod({containerStatuses: [{name: 'a', restartCount: 3, state: {terminated: {exitCode: 1}}}]}))!, /exited 1 after 3/)
    assert.match(podFailure(pod({phase: 'Failed', reason: 'Evicted'}))!, /Evicted/)
    assert.equal(podFailure(pod({containerStatuses: [{name: 'a', restartCount: 0, state: {terminated: {exitCode: 1}}}]})), undefined)
    assert.equal(podFailure(pod({phase: 'Pending', containerStatuses: [{name: 'a', state: {waiting: {reason: 'ContainerCreating'}}}]})), undefined)
  })
  test('the tally names what each unready pod waits on, and a failed pod only as failed', () => {
    const t = tallyPods([
      {metadata: {name: 'a'}, status: {phase: 'Running', conditions: [{type: 'Ready', status: 'True'}]}},
      {metadata: {name: 'b'}, status: {phase: 'Running', conditions: [{type: 'Ready', status: 'False', reason: 'ContainersNotReady'}], containerStatuses: [{name: 'web', state: {waiting: {reason: 'ContainerCreating'}}}]}},
      {metadata: {name: 'c'}, status: {phase: 'Pending', conditions: [{type: 'PodScheduled', status: 'False', reason: 'Unschedulable'}]}},
      {metadata: {name: 'd'}, status: {phase: 'Failed', reason: 'Evicted'}},
      {metadata: {name: 'e', deletionTimestamp: '2026-01-01T00:00:00Z'}, status: {phase: 'Running'}},
    ])
    assert.deepEqual({updated: t.updated, ready: t.ready}, {updated: 4, ready: 1})
    assert.deepEqual(t.notReady, ['b: phase Running, Ready=False (ContainersNotReady), container web waiting: ContainerCreating', 'c: phase Pending, not scheduled (Unschedulable)'])
    assert.deepEqual(t.failed, ['d: phase Failed (Evicted)'])
  })
  test('only a conflict with strata itself on .spec.replicas is taken over', () => {
    assert.ok(onlyOwnReplicasConflict('Apply failed with 1 conflict: conflict with "strata" with subresource "scale" using apps/v1: .spec.replicas (HTTP 409)', 'strata'))
    assert.ok(!onlyOwnReplicasConflict('Apply failed with 1 conflict: conflict with "kubectl" using apps/v1: .spec.replicas (HTTP 409)', 'strata'))
    assert.ok(!onlyOwnReplicasConflict('Apply failed with 2 conflicts: conflicts with "strata" using apps/v1:\n- .spec.replicas\n- .spec.template.spec.containers[name="app"].image', 'strata'))
  })
  test('restoreTemplate puts the previous template back with one JSON patch', async () => {
    const fake = await seeded(deployment(2, 'v2'))
    const prev = deployment(2, 'v1')
    await restoreTemplate(ctxOf(fake), itemOf(prev, [1]).id, prev)
    fake.settle(10)
    assert.deepEqual(images(fake, 'web'), {v1: 2})
  })
})
