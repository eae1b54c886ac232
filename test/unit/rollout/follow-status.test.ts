import assert from 'node:assert/strict'
import {describe, test} from 'node:test'
import {RolloutStateStore} from '../../../src/cluster/state-store.js'
import {followExitCode, followRollout, statusExitCode, type FollowEnd} from '../../../src/rollout/follow-status.js'
import type {RolloutPhase, RolloutState} from '../../../src/rollout/types.js'
import {followEndJson, followEndText, followJson, followLine} from '../../../src/ui/rollout-follow.js'
import {makeTheme} from '../../../src/ui/theme.js'
import {MemoryCluster} from '../helpers/memory-cluster.js'

const t0 = Date.parse('2026-01-01T00:00:00Z')
const at = (ms: number) => new Date(t0 + ms).toISOString()

function state(phase: RolloutPhase, step: number, heartbeatMs = 0): RolloutState {
  const steps = ['config-storage', 'services', 'workloads'].map((name, index) => ({index, name, category: name as 'services', wave: 0, items: [], pauseAfter: false}))
  return {
    version: 1, app: 'shop', namespace: 'shop', phase, step, workloads: {}, previousTemplates: {},
    plan: {app: 'shop', namespace: 'shop', digest: 'd', steps},
    holder: {pid: 1, host: 'ci-runner', startedAt: at(0), heartbeatAt: at(heartbeatMs)},
    startedAt: at(0), updatedAt: at(heartbeatMs),
  }
}

/** Follows while a writer moves the saved state through `script` (one entry per poll; null deletes it). */
async function follow(script: (RolloutState | null)[], options: {timeoutMs?: number; probe?: {localHost: string; isAlive: (pid: number) => boolean}} = {}) {
  const cluster = new MemoryCluster()
  const store = new RolloutStateStore(cluster, 'shop', 'shop')
  let rv = await store.save(script[0]!, undefined)
  let clock = t0
  let next = 1
  const sleep = async (ms: number) => {
    clock += ms
    const s = script[next++]
    if (s === null) await store.clear()
    else if (s) rv = await store.save(s, rv)
  }
  const seen: RolloutState[] = []
  const gen = followRollout(store, {now: () => clock, sleep}, {pollMs: 1_000, ...options})
  for (;;) {
    const r = await gen.next()
    if (r.done) return {seen, end: r.value}
    seen.push(r.value)
  }
}

describe('rollout status --watch', () => {
  test('follows step by step until done (exit 0); heartbeats alone show nothing new', async () => {
    const {seen, end} = await follow([state('running', 0), state('running', 0, 1_000), state('running', 1, 2_000), state('done', 3, 3_000)])
    assert.deepEqual(seen.map((s) => `${s.phase}:${s.step}`), ['running:0', 'running:1', 'done:3'])
    assert.equal(end.kind, 'phase')
    assert.equal(followExitCode(end), 0)
    assert.equal(followLine(seen[1]), 'rollout shop (namespace shop): running, step 2/3 services')
    assert.equal(followJson(seen[1]).step, 2, 'JSON steps are 1-based as the text')
  })

  test('paused exits 3; failed, aborted and interrupted exit 2', async () => {
    for (const [phase, code] of [['paused', 3], ['failed', 2], ['aborted', 2], ['interrupted', 2]] as const) {
      const {end} = await follow([state('running', 0), {...state(phase, 1, 1_000), reason: `why ${phase}`}])
      assert.equal(followExitCode(end), code, phase)
      assert.equal(statusExitCode(phase), code, phase)
      assert.deepEqual(followEndJson(end, 'shop', 'shop', code), {type: phase, app: 'shop', namespace: 'shop', exitCode: code, reason: `why ${phase}`})
    }
    assert.equal(statusExitCode('running'), 0)
  })

  test('a running rollout whose holder stopped its heartbeat is stalled (exit 2), not waited on forever', async () => {
    const frozen = state('running', 1, 0)
    const {end} = await follow(Array.from({length: 40}, () => frozen))
    assert.equal(end.kind, 'stalled')
    assert.match((end as Extract<FollowEnd, {kind: 'stalled'}>).reason, /no heartbeat from pid 1 on ci-runner for 3\d s/)
    assert.equal(followExitCode(end), 2)
  })

  test('a running rollout whose process is gone from its host stops the watch at once (exit 2), with commands that need no --force', async () => {
    const fresh = Array.from({length: 40}, (_, i) => state('running', 1, i * 1_000))
    const {seen, end} = await follow(fresh, {probe: {localHost: 'ci-runner', isAlive: (pid) => pid !== 1}})
    assert.equal(seen.length, 1, 'the first poll proves it: no waiting for the heartbeat to go stale')
    assert.ok(end.kind === 'stalled' && end.gone)
    assert.match(end.reason, /the process that ran it is gone \(pid 1 is not running on ci-runner/)
    assert.equal(followExitCode(end), 2)
    const text = followEndText(end, 'shop', 'shop', makeTheme(false))
    assert.equal(text[1], 'continue: strata rollout resume shop -n shop')
    // On another host the pid proves nothing: a beating holder is followed, a silent one needs --force.
    const elsewhere = await follow(fresh.slice(0, 5), {timeoutMs: 3_000, probe: {localHost: 'laptop', isAlive: () => false}})
    assert.equal(elsewhere.end.kind, 'timeout')
    const silent = await follow(Array.from({length: 40}, () => state('running', 1, 0)), {probe: {localHost: 'laptop', isAlive: () => false}})
    assert.ok(silent.end.kind === 'stalled' && !silent.end.gone)
    assert.deepEqual(followEndText(silent.end, 'shop', 'shop', makeTheme(false)).slice(1), ['if it is gone, continue: strata rollout resume shop -n shop --force', 'or roll back: strata rollout abort shop -n shop --force'])
  })

  test('rollout status without --watch: running exits 0, unless its process is proven gone (2)', () => {
    assert.equal(statusExitCode('running'), 0)
    assert.equal(statusExitCode('running', true), 2)
    assert.equal(statusExitCode('done', true), 0)
    assert.equal(statusExitCode('paused', true), 3)
  })

  test('the state deleted while watching is gone (exit 2); --timeout stops a live rollout (exit 2)', async () => {
    assert.equal((await follow([state('running', 0), null])).end.kind, 'gone')
    const beating = Array.from({length: 20}, (_, i) => state('running', 0, i * 1_000))
    const {end} = await follow(beating, {timeoutMs: 5_000})
    assert.equal(end.kind, 'timeout')
    assert.equal(followExitCode(end), 2)
  })
})

describe('rollout status --watch, blue/green', () => {
  test('each blue/green phase is a change worth a line (switch, removal), not only batches', async () => {
    const id = {key: 'apps/Deployment/shop/web', apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web'}
    const withPhase = (phase: 'verify' | 'promoted' | 'done', hb: number): RolloutState => {
      const s = state(phase === 'done' ? 'done' : 'running', 2, hb)
      const bg = {id, spec: {activeService: 'web', scaleDownDelayMs: 30_000}, previous: {deployment: 'web', podTemplateHash: 'abc'}, next: {deployment: 'web-1234567890', hash: '1234567890'}, phase}
      s.workloads = {[id.key]: {id, strategy: 'blue-green', previous: {}, batchesDone: phase === 'done' ? 1 : 0, shares: [1], blueGreen: bg}}
      return s
    }
    const {seen} = await follow([withPhase('verify', 0), withPhase('promoted', 1_000), withPhase('promoted', 2_000), withPhase('done', 3_000)])
    assert.deepEqual(seen.map((s) => followLine(s).split('; ')[1]), ['Deployment shop/web blue-green verify', 'Deployment shop/web blue-green promoted', 'Deployment shop/web blue-green done'])
    assert.equal((followJson(seen[1]).workloads[0] as {blueGreen?: string}).blueGreen, 'promoted')
  })
})
