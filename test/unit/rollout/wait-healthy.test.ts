import {test, describe} from 'node:test'
import assert from 'node:assert/strict'
import {waitForHealthy, type GateResult} from '../../../src/rollout/wait-healthy.js'
import type {ClusterPort, ListOptions, ObjectRef} from '../../../src/cluster/port.js'
import type {JsonObject} from '../../../src/model/json.js'
import type {PlanObjectId, RolloutEvent} from '../../../src/rollout/types.js'

// A ClusterPort fake that serves, per poll round, the objects `script(round)` returns; counts reads.
function fakeCluster(script: (round: number) => JsonObject[]) {
  let round = 0
  const calls = {get: 0, list: 0, events: 0}
  const current = (): JsonObject[] => script(round)
  const nameOf = (o: JsonObject): string => ((o.metadata as JsonObject).name as string)
  const port = {
    defaultNamespace: 'default',
    get: async (ref: ObjectRef) => { calls.get++; return current().find((o) => o.kind === ref.kind && nameOf(o) === ref.name) },
    list: async (_v: string, kind: string, options?: ListOptions) => {
      if (kind === 'Event') { calls.events++; return [] }
      if (kind === 'Pod') return []
      calls.list++
      void options
      return current().filter((o) => o.kind === kind).map((o) => ({metadata: o.metadata as JsonObject, spec: o.spec as JsonObject, status: o.status as JsonObject}))
    },
  } as unknown as ClusterPort
  return {port, calls, next: () => { round++ }}
}

function clock(onSleep: () => void) {
  let t = 0
  return {now: () => t, sleep: async (ms: number) => { t += ms; onSleep() }}
}

const dep = (name: string, ready: number): JsonObject => ({apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name, namespace: 'shop', generation: 1},
  spec: {replicas: 2, selector: {matchLabels: {app: name}}}, status: {observedGeneration: 1, replicas: 2, updatedReplicas: 2, readyReplicas: ready, availableReplicas: ready}})
const idOf = (kind: string, name: string, apiVersion = 'apps/v1', namespace = 'shop'): PlanObjectId => ({key: `apps/${kind}/${namespace}/${name}`, apiVersion, kind, namespace, name})

async function drain(gen: AsyncGenerator<RolloutEvent, GateResult>): Promise<{events: RolloutEvent[]; result: GateResult}> {
  const events: RolloutEvent[] = []
  for (;;) {
    const r = await gen.next()
    if (r.done === true) return {events, result: r.value}
    events.push(r.value)
  }
}

describe('waitForHealthy', () => {
  test('progressing → healthy: one event per change, GET for a single object', async () => {
    const f = fakeCluster((r) => [dep('web', Math.min(r, 2))])
    const c = clock(f.next)
    const {events, result} = await drain(waitForHealthy(f.port, [idOf('Deployment', 'web')], {timeoutMs: 60_000, now: c.now, sleep: c.sleep, pollMs: 1000}))
    assert.deepEqual(result, {ok: true})
    assert.deepEqual(events.map((e) => e.type === 'health' ? `${e.health.status} ${e.health.message}` : e.type),
      ['progressing 0/2 replicas available', 'progressing 1/2 replicas available', 'healthy 2/2 replicas ready'])
    assert.equal(f.calls.get, 3)
    assert.equal(f.calls.list, 0)
  })
  test('many objects of one kind in one namespace are read with one LIST per round', async () => {
    const names = ['a', 'b', 'c', 'd']
    const f = fakeCluster((r) => names.map((n) => dep(n, r >= 1 ? 2 : 0)))
    const c = clock(f.next)
    const {result} = await drain(waitForHealthy(f.port, names.map((n) => idOf('Deployment', n)), {timeoutMs: 60_000, now: c.now, sleep: c.sleep}))
    assert.deepEqual(result, {ok: true})
    assert.equal(f.calls.list, 2)
    assert.equal(f.calls.get, 0)
  })
  test('timeout names the least healthy object and carries a report', async () => {
    const f = fakeCluster(() => [dep('ok', 2), dep('stuck', 0)])
    const c = clock(f.next)
    const {result} = await drain(waitForHealthy(f.port, [idOf('Deployment', 'ok'), idOf('Deployment', 'stuck')], {timeoutMs: 5000, now: c.now, sleep: c.sleep, pollMs: 1000}))
    assert.equal(result.ok, false)
    if (result.ok) return
    assert.equal(result.timedOut, true)
    assert.equal(result.interrupted, false)
    assert.equal(result.id.name, 'stuck')
    assert.match(result.report, /Deployment\/stuck in namespace shop: progressing — 0\/2 replicas available/)
    assert.equal(c.now(), 5000)
  })
  test('a failed workload gets a grace period and may recover', async () => {
    const crash: JsonObject = {apiVersion: 'v1', kind: 'Pod', metadata: {name: 'p', namespace: 'shop'}, status: {phase: 'Pending', containerStatuses: [{name: 'app', state: {waiting: {reason: 'ImagePullBackOff'}}}]}}
    const ready: JsonObject = {apiVersion: 'v1', kind: 'Pod', metadata: {name: 'p', namespace: 'shop'}, status: {phase: 'Running', conditions: [{type: 'Ready', status: 'True'}]}}
    const f = fakeCluster((r) => [r < 3 ? crash : ready])
    const c = clock(f.next)
    const id: PlanObjectId = {key: '/Pod/shop/p', apiVersion: 'v1', kind: 'Pod', namespace: 'shop', name: 'p'}
    const {events, result} = await drain(waitForHealthy(f.port, [id], {timeoutMs: 60_000, now: c.now, sleep: c.sleep, failGraceMs: 10_000}))
    assert.deepEqual(result, {ok: true})
    assert.deepEqual(events.map((e) => e.type === 'health' ? e.health.status : ''), ['failed', 'healthy'])
  })
  test('a failure that outlasts the grace stops the gate before the timeout', async () => {
    const f = fakeCluster(() => [{apiVersion: 'v1', kind: 'Pod', metadata: {name: 'p', namespace: 'shop'}, status: {containerStatuses: [{name: 'app', state: {waiting: {reason: 'CrashLoopBackOff'}}}]}}])
    const c = clock(f.next)
    const id: PlanObjectId = {key: '/Pod/shop/p', apiVersion: 'v1', kind: 'Pod', namespace: 'shop', name: 'p'}
    const {result} = await drain(waitForHealthy(f.port, [id], {timeoutMs: 600_000, now: c.now, sleep: c.sleep, failGraceMs: 5000}))
    assert.equal(result.ok, false)
    if (result.ok) return
    assert.equal(result.timedOut, false)
    assert.equal(result.health.status, 'failed')
    assert.equal(c.now(), 5000)
  })
  test('a failed Job stops the gate at once', async () => {
    const f = fakeCluster(() => [{apiVersion: 'batch/v1', kind: 'Job', metadata: {name: 'j', namespace: 'shop'}, status: {conditions: [{type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded'}]}}])
    const c = clock(f.next)
    const {result} = await drain(waitForHealthy(f.port, [{key: 'batch/Job/shop/j', apiVersion: 'batch/v1', kind: 'Job', namespace: 'shop', name: 'j'}], {timeoutMs: 600_000, now: c.now, sleep: c.sleep}))
    assert.equal(result.ok, false)
    assert.equal(c.now(), 0)
  })
  test('abort while sleeping returns promptly as interrupted', async () => {
    const f = fakeCluster(() => [dep('web', 0)])
    const ac = new AbortController()
    const never = (): Promise<void> => { setImmediate(() => ac.abort()); return new Promise(() => {}) }
    const {result} = await drain(waitForHealthy(f.port, [idOf('Deployment', 'web')], {timeoutMs: 600_000, now: () => 0, sleep: never, signal: ac.signal}))
    assert.equal(result.ok, false)
    if (result.ok) return
    assert.equal(result.interrupted, true)
    assert.equal(result.timedOut, false)
    assert.equal(result.id.name, 'web')
  })
  test('a missing object is progressing; no ids is ok at once', async () => {
    const f = fakeCluster(() => [])
    const c = clock(f.next)
    const {events, result} = await drain(waitForHealthy(f.port, [idOf('Deployment', 'gone')], {timeoutMs: 2000, now: c.now, sleep: c.sleep}))
    assert.equal(result.ok, false)
    assert.equal(events.length, 1)
    assert.deepEqual((await drain(waitForHealthy(f.port, [], {timeoutMs: 1}))).result, {ok: true})
  })
})

// A hang guard, not a timing: a sleep that ignored the abort would last the ten-minute poll interval.
test('waitForHealthy: the default sleep ends at abort instead of after the poll interval', {timeout: 60_000}, async () => {
  const f = fakeCluster(() => [dep('web', 0)])
  const ac = new AbortController()
  setTimeout(() => ac.abort(), 20)
  const {result} = await drain(waitForHealthy(f.port, [idOf('Deployment', 'web')], {timeoutMs: 3_600_000, pollMs: 600_000, signal: ac.signal}))
  assert.equal(result.ok === false && result.interrupted, true)
})
