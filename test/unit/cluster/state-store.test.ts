import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {holderCondition, requestStop, RolloutStateStore, StateConflictError, startHeartbeat} from '../../../src/cluster/state-store.js'
import {UserError} from '../../../src/model/errors.js'
import {phasePredicate} from '../../../src/rollout/phase-wording.js'
import type {RolloutHolder, RolloutPhase, RolloutState} from '../../../src/rollout/types.js'
import {MemoryCluster} from '../helpers/memory-cluster.js'

const t0 = Date.parse('2026-01-01T00:00:00Z')
const holder = (pid: number, host = 'ci-1', at = t0): RolloutHolder => ({pid, host, startedAt: new Date(at).toISOString(), heartbeatAt: new Date(at).toISOString()})

function state(phase: RolloutPhase, h?: RolloutHolder): RolloutState {
  return {
    version: 1,
    app: 'shop',
    namespace: 'ns',
    phase,
    plan: {steps: [{index: 0, name: 'config', category: 'config-storage', wave: 0, items: [], pauseAfter: false}]} as unknown as RolloutState['plan'],
    step: 0,
    workloads: {},
    previousTemplates: {},
    holder: h,
    reason: phase === 'paused' ? 'pause after step 1' : undefined,
    startedAt: new Date(t0).toISOString(),
    updatedAt: new Date(t0).toISOString(),
  }
}

describe('RolloutStateStore', () => {
  test('round trip: a Secret of type strata.dev/rollout-state, labelled, gzip data, no plain text', async () => {
    const c = new MemoryCluster()
    const store = new RolloutStateStore(c, 'shop', 'ns')
    assert.equal(await store.load(), undefined)
    const s = state('paused')
    s.plan = {...s.plan, secretValue: 'hunter2-very-secret'} as unknown as RolloutState['plan']
    const rv = await store.save(s, undefined)
    const secret = c.peek('v1', 'Secret', 'strata-rollout-shop', 'ns')!
    assert.equal(secret.type, 'strata.dev/rollout-state')
    assert.deepEqual((secret.metadata as any).labels, {'strata.dev/rollout-of': 'shop'})
    assert.ok(!JSON.stringify(secret).includes('hunter2'))
    const loaded = await store.load()
    assert.deepEqual(loaded, {state: JSON.parse(JSON.stringify(s)), resourceVersion: rv})
    await c.update({...secret, data: {'state.json.gz': Buffer.from('not gzip').toString('base64')}})
    await assert.rejects(store.load(), (e: unknown) => e instanceof UserError && !e.message.includes('hunter2') && /unreadable/.test(e.message))
    await store.clear()
    assert.equal(await store.load(), undefined)
  })

  test('CAS: a stale resourceVersion, or a create over an existing state, is a StateConflictError', async () => {
    const c = new MemoryCluster()
    const a = new RolloutStateStore(c, 'shop', 'ns')
    const b = new RolloutStateStore(c, 'shop', 'ns')
    const rv1 = await a.save(state('running'), undefined)
    await assert.rejects(b.save(state('running'), undefined), StateConflictError)
    const rv2 = await b.save(state('paused'), rv1)
    await assert.rejects(a.save(state('done'), rv1), StateConflictError)
    assert.notEqual(rv1, rv2)
    assert.equal((await a.load())!.state.phase, 'paused')
  })

  test('a 300-object plan stays well under 1 MiB', async () => {
    const c = new MemoryCluster()
    const store = new RolloutStateStore(c, 'big', 'ns')
    const items = Array.from({length: 300}, (_, i) => ({
      id: {key: `apps/Deployment/ns/web-${i}`, apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'ns', name: `web-${i}`},
      action: 'create',
      object: {apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: `web-${i}`, namespace: 'ns', labels: {app: `web-${i}`}}, spec: {replicas: 2, selector: {matchLabels: {app: `web-${i}`}}, template: {metadata: {labels: {app: `web-${i}`}}, spec: {containers: [{name: 'web', image: `registry.example.com/team/web:${i}.0.${i * 7}`, env: Array.from({length: 8}, (_, k) => ({name: `VAR_${k}`, value: `value-${i}-${k}-${Math.random().toString(36).slice(2)}`}))}]}}}},
    }))
    const s = state('running')
    s.plan = {steps: [{index: 0, name: 'workloads', category: 'workloads', wave: 0, items, pauseAfter: false}]} as unknown as RolloutState['plan']
    await store.save(s, undefined)
    const secret = c.peek('v1', 'Secret', 'strata-rollout-big', 'ns')!
    const size = JSON.stringify(secret.data).length
    const raw = JSON.stringify(s).length
    console.log(`300-object plan: ${raw} bytes JSON → ${size} bytes in the Secret`)
    assert.ok(size < 900 * 1024)
    assert.equal((await store.load())!.state.plan.steps[0].items.length, 300)
  })

  test('a large state is split into chunks; too large is a UserError and nothing is written', async () => {
    const {randomBytes} = await import('node:crypto')
    const c = new MemoryCluster()
    const store = new RolloutStateStore(c, 'blob', 'ns')
    const s = state('running')
    s.plan = {...s.plan, blob: randomBytes(600 * 1024).toString('base64')} as unknown as RolloutState['plan']
    await store.save(s, undefined)
    const keys = Object.keys(c.peek('v1', 'Secret', 'strata-rollout-blob', 'ns')!.data as object).sort()
    assert.deepEqual(keys, ['state.json.gz.0', 'state.json.gz.1'])
    assert.deepEqual((await store.load())!.state, JSON.parse(JSON.stringify(s)))
    const huge = {...s, plan: {...s.plan, blob: randomBytes(800 * 1024).toString('base64')}} as RolloutState
    const before = c.calls.length
    await assert.rejects(new RolloutStateStore(c, 'huge', 'ns').save(huge, undefined), (e: unknown) => e instanceof UserError && /at most 1 MiB/.test(e.message))
    assert.equal(c.calls.length, before)
  })

  describe('acquire', () => {
    const me = holder(200, 'laptop', t0 + 60_000)
    const opts = {replacePaused: false, resume: false, now: () => t0 + 10_000, localHost: 'laptop', isAlive: (pid: number) => pid === 100}
    async function seeded(s: RolloutState): Promise<RolloutStateStore> {
      const store = new RolloutStateStore(new MemoryCluster(), 'shop', 'ns')
      await store.save(s, undefined)
      return store
    }

    test('no state: undefined', async () => {
      assert.equal(await new RolloutStateStore(new MemoryCluster(), 'shop', 'ns').acquire(me, opts), undefined)
    })
    test('a live holder (fresh heartbeat on another host) refuses, naming pid, host and since', async () => {
      const store = await seeded(state('running', holder(4242, 'ci-7')))
      await assert.rejects(store.acquire(me, opts), (e: unknown) => e instanceof UserError && /4242/.test(e.message) && /ci-7/.test(e.message) && /2026-01-01T00:00:00/.test(e.message))
      await assert.rejects(store.acquire(me, {...opts, resume: true, replacePaused: true}), UserError)
    })
    test('same host, pid alive: refuses; pid gone: taken over', async () => {
      await assert.rejects((await seeded(state('running', holder(100, 'laptop')))).acquire(me, opts), UserError)
      const store = await seeded(state('running', holder(101, 'laptop')))
      const got = await store.acquire(me, opts)
      assert.equal(got!.state.holder!.pid, 200)
      assert.equal((await store.load())!.state.holder!.pid, 200)
    })
    test('the live holder is refused with the way to stop it: rollout abort', async () => {
      const store = await seeded(state('running', holder(4242, 'ci-7')))
      await assert.rejects(store.acquire(me, {...opts, resume: true, verb: 'abort', force: true}), (e: unknown) => e instanceof UserError && /strata rollout abort shop -n ns/.test(e.hint ?? ''))
    })
    test('rollout resume|abort take a stale holder over only with --force; a dead one without', async () => {
      const stale = {...opts, now: () => t0 + 31_000, resume: true}
      for (const verb of ['resume', 'abort'] as const) {
        const store = await seeded(state('running', holder(4242, 'ci-7')))
        await assert.rejects(store.acquire(me, {...stale, verb}), (e: unknown) => e instanceof UserError && /silent for 31 s/.test(e.message) && e.hint?.includes(`strata rollout ${verb} shop -n ns --force`) === true)
        assert.equal((await store.load())!.state.holder!.pid, 4242, 'a refusal writes nothing')
        assert.equal((await store.acquire(me, {...stale, verb, force: true}))!.state.holder!.pid, 200)
      }
      const dead = await seeded(state('running', holder(101, 'laptop')))
      assert.equal((await dead.acquire(me, {...opts, resume: true, verb: 'abort'}))!.state.holder!.pid, 200)
    })
    test('holderCondition: live, stale, dead, self, none', () => {
      const probe = {now: () => t0 + 10_000, localHost: 'laptop', isAlive: (pid: number) => pid === 100}
      assert.equal(holderCondition(state('running', holder(4242, 'ci-7')), me, probe).kind, 'live')
      assert.equal(holderCondition(state('running', holder(4242, 'ci-7')), me, {...probe, now: () => t0 + 31_000}).kind, 'stale')
      assert.equal(holderCondition(state('running', holder(101, 'laptop')), me, probe).kind, 'dead')
      assert.equal(holderCondition(state('running', holder(100, 'laptop')), me, probe).kind, 'live')
      assert.equal(holderCondition(state('running', holder(200, 'laptop')), me, probe).kind, 'self')
      assert.equal(holderCondition(state('paused', holder(4242, 'ci-7')), me, probe).kind, 'none')
    })
    test('a stale heartbeat is taken over', async () => {
      const store = await seeded(state('running', holder(4242, 'ci-7')))
      const got = await store.acquire(me, {...opts, now: () => t0 + 31_000})
      assert.equal(got!.state.holder!.host, 'laptop')
      await assert.rejects(store.acquire(holder(300, 'other'), {...opts, now: () => t0 + 31_000, localHost: 'x'}), UserError, 'the new holder is live')
    })
    for (const phase of ['paused', 'failed', 'interrupted'] as const) {
      test(`${phase}: refuses with resume/abort/--replace-paused; resume or replacePaused take it`, async () => {
        const store = await seeded(state(phase, holder(4242, 'ci-7', t0 - 3600_000)))
        await assert.rejects(store.acquire(me, opts), (e: unknown) => e instanceof UserError && e.message.includes(`${phasePredicate[phase]} at step 1`) && /rollout resume shop/.test(e.hint ?? '') && /--replace-paused/.test(e.hint ?? ''))
        assert.equal((await store.acquire(me, {...opts, resume: true}))!.state.phase, phase)
        const store2 = await seeded(state(phase))
        assert.ok(await store2.acquire(me, {...opts, replacePaused: true}))
      })
    }
    for (const phase of ['done', 'aborted'] as const) {
      test(`${phase}: taken without flags`, async () => {
        const store = await seeded(state(phase))
        const got = await store.acquire(me, opts)
        assert.equal(got!.state.holder!.pid, 200)
      })
    }
    test('two takeovers at once: one wins, the other gets a UserError', async () => {
      const c = new MemoryCluster()
      const seed = new RolloutStateStore(c, 'shop', 'ns')
      await seed.save(state('interrupted'), undefined)
      const a = new RolloutStateStore(c, 'shop', 'ns')
      const b = new RolloutStateStore(c, 'shop', 'ns')
      const results = await Promise.allSettled([a.acquire(holder(1, 'a'), {...opts, resume: true}), b.acquire(holder(2, 'b'), {...opts, resume: true})])
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1)
    })
  })

  test('heartbeat refreshes via CAS; a foreign write aborts `lost`', async () => {
    const c = new MemoryCluster()
    const store = new RolloutStateStore(c, 'shop', 'ns')
    const got = await (async () => {
      await store.save(state('running', holder(1, 'a')), undefined)
      return store.acquire(holder(1, 'a'), {replacePaused: false, resume: true})
    })()
    let clock = t0 + 5000
    const hb = startHeartbeat(store, got!, {intervalMs: 10, now: () => clock})
    await new Promise((r) => setTimeout(r, 40))
    assert.equal((await store.load())!.state.holder!.heartbeatAt, new Date(clock).toISOString())
    const rv = await hb.update({...hb.current().state, step: 1})
    assert.equal((await store.load())!.resourceVersion, rv)
    // someone else takes over
    const other = new RolloutStateStore(c, 'shop', 'ns')
    const cur = await other.load()
    await other.save({...cur!.state, holder: holder(9, 'z')}, cur!.resourceVersion)
    clock += 1000
    await new Promise((r) => setTimeout(r, 40))
    assert.ok(hb.lost.aborted)
    assert.ok(hb.lost.reason instanceof StateConflictError)
    await hb.stop()
  })

  test('a stop request is not a takeover: the holder keeps its heartbeat, is told who asked, and keeps the request in every later write', async () => {
    const c = new MemoryCluster()
    const store = new RolloutStateStore(c, 'shop', 'ns')
    await store.save(state('running', holder(1, 'a')), undefined)
    const got = await store.acquire(holder(1, 'a'), {replacePaused: false, resume: true})
    let clock = t0 + 5000
    const hb = startHeartbeat(store, got!, {intervalMs: 10, now: () => clock})
    const asker = new RolloutStateStore(c, 'shop', 'ns')
    const request = {by: 'ops@desk (pid 9)', at: new Date(t0).toISOString(), reason: 'bad build'}
    const written = await requestStop(asker, (await asker.load())!, request)
    assert.deepEqual(written!.state.stopRequested, request)
    clock += 1000
    await new Promise((r) => setTimeout(r, 40))
    assert.ok(hb.stopRequested.aborted, 'the holder saw the request')
    assert.deepEqual(hb.stopRequested.reason, request)
    assert.ok(!hb.lost.aborted, 'and still holds the rollout')
    const loaded = (await store.load())!.state
    assert.equal(loaded.holder!.heartbeatAt, new Date(clock).toISOString(), 'heartbeats go on')
    // the executor's own save (which knows nothing of the request) keeps it
    await hb.update({...got!.state, phase: 'aborted', holder: undefined})
    assert.deepEqual((await store.load())!.state.stopRequested, request)
    await hb.stop()
  })

  test('requestStop writes nothing once the rollout is no longer run by that holder', async () => {
    const c = new MemoryCluster()
    const store = new RolloutStateStore(c, 'shop', 'ns')
    await store.save(state('running', holder(1, 'a')), undefined)
    const seen = (await store.load())!
    await store.save(state('paused', holder(1, 'a')), seen.resourceVersion)
    assert.equal(await requestStop(store, seen, {by: 'x', at: 'now'}), undefined)
    assert.equal((await store.load())!.state.stopRequested, undefined)
  })
})
