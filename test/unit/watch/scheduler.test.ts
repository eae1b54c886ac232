import {test} from 'node:test'
import assert from 'node:assert/strict'
import type {WatchedApp} from '../../../src/reconcile/app-config.js'
import {MetricsRegistry} from '../../../src/watch/metrics.js'
import {Scheduler, type ReconcileReason, type ReconcileResult, type SchedulerEvent} from '../../../src/watch/scheduler.js'
import {fakeTimers} from './fake-timers.js'

function app(name: string, over: Partial<WatchedApp> = {}): WatchedApp {
  return {name, repo: 'https://git.example.com/org/deploy.git', ref: 'main', path: '.', intervalMs: 30_000, driftIntervalMs: 0, selfHeal: true, ...over}
}

interface Call {
  app: string
  reason: ReconcileReason
  at: number
}

/** A reconcile that answers from a per-app function, recording every call. */
function recorder(timers: {now(): number}, answer: (app: string, reason: ReconcileReason, n: number) => ReconcileResult | Promise<ReconcileResult>) {
  const calls: Call[] = []
  const reconcile = async (a: WatchedApp, reason: ReconcileReason) => {
    calls.push({app: a.name, reason, at: timers.now()})
    return answer(a.name, reason, calls.filter((c) => c.app === a.name).length)
  }
  return {calls, reconcile}
}

function deferred<T>() {
  let resolve!: (v: T) => void
  const promise = new Promise<T>((r) => (resolve = r))
  return {promise, resolve}
}

const ok = (commit = 'c1'): ReconcileResult => ({status: 'unchanged', commit, durationMs: 5})

test('startup reconciles every app once, then each polls on its own interval', async () => {
  const t = fakeTimers()
  const r = recorder(t, () => ok())
  const s = new Scheduler([app('a', {intervalMs: 10_000}), app('b', {intervalMs: 25_000})], {reconcile: r.reconcile, timers: t})
  s.start()
  await t.flush()
  assert.deepEqual(r.calls.map((c) => `${c.app}:${c.reason}`), ['a:startup', 'b:startup'])
  assert.equal(s.allAttempted(), true)
  await t.advance(50_000)
  assert.equal(r.calls.filter((c) => c.app === 'a' && c.reason === 'poll').length, 5)
  assert.equal(r.calls.filter((c) => c.app === 'b' && c.reason === 'poll').length, 2)
  await s.stop()
})

test('the concurrency cap queues apps, exposes the queue depth, and a hung app never blocks the others', async () => {
  const t = fakeTimers()
  const metrics = new MetricsRegistry()
  const hang = deferred<ReconcileResult>()
  const r = recorder(t, (name) => (name === 'stuck' ? hang.promise : ok()))
  const s = new Scheduler([app('stuck'), app('b'), app('c')], {reconcile: r.reconcile, timers: t, maxConcurrent: 2, metrics})
  s.start()
  // Synchronously after start: two slots taken, one app waiting.
  assert.equal(s.inFlight, 2)
  assert.equal(s.queueDepth, 1)
  assert.match(metrics.render(), /^strata_watch_queue_depth 1$/m)
  await t.flush()
  assert.equal(s.queueDepth, 0)
  assert.deepEqual(r.calls.map((c) => c.app), ['stuck', 'b', 'c'])
  await t.advance(90_000)
  // b and c kept polling through the one free slot while "stuck" held the other.
  assert.equal(r.calls.filter((c) => c.app === 'b').length, 4)
  assert.equal(r.calls.filter((c) => c.app === 'c').length, 4)
  assert.equal(r.calls.filter((c) => c.app === 'stuck').length, 1)
  hang.resolve(ok())
  await s.stop()
})

test('a thrown error is a failed result; others keep their schedule', async () => {
  const t = fakeTimers()
  const events: SchedulerEvent[] = []
  const r = recorder(t, (name) => {
    if (name === 'bad') throw new Error('render failed: patch target not found')
    return ok()
  })
  const s = new Scheduler([app('bad'), app('good')], {reconcile: r.reconcile, timers: t, onEvent: (e) => events.push(e), random: () => 0})
  s.start()
  await t.advance(60_000)
  const done = events.filter((e) => e.kind === 'reconcile-done' && e.app === 'bad')
  assert.equal(done[0].kind === 'reconcile-done' && done[0].status, 'failed')
  assert.equal(done[0].kind === 'reconcile-done' && done[0].error, 'render failed: patch target not found')
  assert.equal(r.calls.filter((c) => c.app === 'good').length, 3)
  assert.equal(s.state('bad')?.lastStatus, 'failed')
  await s.stop()
})

test('one automatic attempt per commit, then exponential capped backoff; polls do not retry early; a new SHA resets', async () => {
  const t = fakeTimers()
  let head = 'bad1'
  const events: SchedulerEvent[] = []
  const r = recorder(t, () => (head.startsWith('bad') ? {status: 'failed', commit: head, error: 'invalid YAML', durationMs: 3} : ok(head)))
  const s = new Scheduler([app('a', {intervalMs: 1_000})], {
    reconcile: r.reconcile,
    headOf: async () => head,
    timers: t,
    random: () => 0, // delay = half the step: 5s, 10s, 20s, then the 60s cap → 30s
    backoff: {initialMs: 10_000, maxMs: 60_000},
    onEvent: (e) => events.push(e),
  })
  s.start()
  await t.advance(200_000)
  const start = r.calls[0].at
  assert.deepEqual(
    r.calls.map((c) => [c.reason, (c.at - start) / 1000]),
    [['startup', 0], ['retry', 5], ['retry', 15], ['retry', 35], ['retry', 65], ['retry', 95], ['retry', 125], ['retry', 155], ['retry', 185]],
  )
  // ~200 polls happened, none of them reconciled the failing commit again.
  assert.ok(events.filter((e) => e.kind === 'skipped' && e.why === 'backoff').length > 150)
  head = 'good2'
  const before = r.calls.length
  await t.advance(1_000)
  assert.equal(r.calls.length, before + 1)
  assert.equal(r.calls.at(-1)!.reason, 'poll')
  assert.equal(s.state('a')?.failures, 0)
  assert.equal(s.state('a')?.retryAt, undefined)
  // The new commit fails too: its backoff starts from the first step again.
  head = 'bad3'
  await t.advance(1_000)
  const retry = events.filter((e) => e.kind === 'retry-scheduled').at(-1)
  assert.equal(retry?.kind === 'retry-scheduled' && retry.failures, 1)
  assert.equal(retry?.kind === 'retry-scheduled' && retry.delayMs, 5_000)
  await s.stop()
})

test('jitter keeps a retry between half and the whole step', async () => {
  const t = fakeTimers()
  const delays: number[] = []
  const r = recorder(t, () => ({status: 'failed', commit: 'x', durationMs: 1}))
  const s = new Scheduler([app('a')], {
    reconcile: r.reconcile,
    timers: t,
    random: () => 0.999,
    backoff: {initialMs: 10_000, maxMs: 40_000},
    onEvent: (e) => e.kind === 'retry-scheduled' && delays.push(e.delayMs),
  })
  s.start()
  await t.advance(300_000)
  assert.deepEqual(delays.slice(0, 5), [9995, 19990, 39980, 39980, 39980])
  await s.stop()
})

test('paused: no automatic runs on the same commit (never resumed by watch); a new SHA or a webhook runs', async () => {
  const t = fakeTimers()
  let head = 'p1'
  const r = recorder(t, () => ({status: 'paused', commit: head, durationMs: 2}))
  const s = new Scheduler([app('a', {intervalMs: 1_000, driftIntervalMs: 5_000})], {reconcile: r.reconcile, headOf: async () => head, timers: t})
  s.start()
  await t.advance(60_000)
  assert.equal(r.calls.length, 1)
  head = 'p2'
  await t.advance(1_000)
  assert.equal(r.calls.length, 2)
  assert.equal(s.trigger('a'), 'queued')
  await t.flush()
  assert.equal(r.calls.at(-1)!.reason, 'webhook')
  await s.stop()
})

test('paused without headOf: polls and drift checks are skipped', async () => {
  const t = fakeTimers()
  const r = recorder(t, () => ({status: 'paused', commit: 'p', durationMs: 2}))
  const s = new Scheduler([app('a', {intervalMs: 1_000, driftIntervalMs: 2_000})], {reconcile: r.reconcile, timers: t})
  s.start()
  await t.advance(30_000)
  assert.equal(r.calls.length, 1)
  await s.stop()
})

test('webhook triggers coalesce with a pending or running reconcile', async () => {
  const t = fakeTimers()
  const gate = deferred<ReconcileResult>()
  const r = recorder(t, (_n, _r, n) => (n === 1 ? gate.promise : ok()))
  const s = new Scheduler([app('a')], {reconcile: r.reconcile, timers: t})
  s.start()
  await t.flush()
  assert.equal(s.trigger('a'), 'queued')
  assert.equal(s.trigger('a'), 'coalesced')
  assert.equal(s.trigger('a'), 'coalesced')
  assert.equal(s.trigger('nope'), 'unknown')
  gate.resolve(ok())
  await t.flush()
  assert.deepEqual(r.calls.map((c) => c.reason), ['startup', 'webhook'])
  await s.stop()
})

test('drift checks run on their own interval while the app is good, and count in metrics', async () => {
  const t = fakeTimers()
  const metrics = new MetricsRegistry()
  const r = recorder(t, (_n, reason) => (reason === 'drift' ? {status: 'drift-healed', commit: 'c1', durationMs: 1500} : ok()))
  const s = new Scheduler([app('a', {intervalMs: 60_000, driftIntervalMs: 20_000})], {reconcile: r.reconcile, timers: t, metrics})
  s.start()
  await t.advance(60_000)
  assert.deepEqual(r.calls.map((c) => c.reason), ['startup', 'drift', 'drift', 'poll'])
  const text = metrics.render()
  assert.match(text, /^strata_watch_drift_total\{app="a"\} 2$/m)
  assert.match(text, /^strata_watch_sync_duration_seconds_count\{app="a"\} 4$/m)
  assert.match(text, /^strata_watch_sync_duration_seconds_bucket\{app="a",le="2.5"\} 4$/m)
  assert.match(text, /^strata_watch_reconciles_total\{app="a",status="drift-healed"\} 2$/m)
  await s.stop()
})

test('the last applied commit is one info series per app, replaced on a new commit; errors by app', async () => {
  const t = fakeTimers()
  const metrics = new MetricsRegistry()
  let next: ReconcileResult = {status: 'applied', commit: 'aaa', durationMs: 1}
  const r = recorder(t, () => next)
  const s = new Scheduler([app('a', {intervalMs: 1_000})], {reconcile: r.reconcile, timers: t, metrics})
  s.start()
  await t.flush()
  assert.match(metrics.render(), /^strata_watch_last_applied_commit_info\{app="a",commit="aaa"\} 1$/m)
  next = {status: 'applied', commit: 'bbb', durationMs: 1}
  await t.advance(1_000)
  const text = metrics.render()
  assert.match(text, /^strata_watch_last_applied_commit_info\{app="a",commit="bbb"\} 1$/m)
  assert.doesNotMatch(text, /commit="aaa"/)
  assert.match(text, /^strata_watch_last_applied_timestamp_seconds\{app="a"\} \d+$/m)
  next = {status: 'failed', commit: 'ccc', error: 'boom', durationMs: 1}
  await t.advance(1_000)
  assert.match(metrics.render(), /^strata_watch_errors_total\{app="a"\} 1$/m)
  assert.match(metrics.render(), /commit="bbb"/) // a failed commit is not "applied"
  await s.stop()
})

test('a standby replica (mayReconcile false) reconciles nothing; triggerAll on leadership', async () => {
  const t = fakeTimers()
  let leading = false
  const r = recorder(t, () => ok())
  const s = new Scheduler([app('a', {intervalMs: 1_000}), app('b', {intervalMs: 1_000})], {reconcile: r.reconcile, timers: t, mayReconcile: () => leading})
  s.start()
  await t.advance(10_000)
  assert.equal(r.calls.length, 0)
  leading = true
  s.triggerAll('startup')
  await t.flush()
  assert.deepEqual(r.calls.map((c) => `${c.app}:${c.reason}`), ['a:startup', 'b:startup'])
  await s.stop()
})

test('stop: no more scheduling, the signal aborts, in-flight reconciles are awaited', async () => {
  const t = fakeTimers()
  let signal: AbortSignal | undefined
  const r = {
    calls: 0,
    reconcile: async (_a: WatchedApp, _r: ReconcileReason, s: AbortSignal): Promise<ReconcileResult> => {
      r.calls++
      signal = s
      // Finishes the current request once aborted.
      await new Promise<void>((resolve) => s.addEventListener('abort', () => resolve()))
      return ok()
    },
  }
  const s = new Scheduler([app('a', {intervalMs: 1_000, driftIntervalMs: 1_000})], {reconcile: r.reconcile, timers: t})
  s.start()
  await t.flush()
  const abandoned = await s.stop(5_000)
  assert.deepEqual(abandoned, [])
  assert.equal(signal?.aborted, true)
  assert.equal(t.pending(), 0)
  assert.equal(s.trigger('a'), 'stopping')
  await t.advance(10_000)
  assert.equal(r.calls, 1)
})

test('stop: a reconcile that ignores the signal is abandoned at the deadline', async () => {
  const t = fakeTimers()
  const never = deferred<ReconcileResult>()
  const events: SchedulerEvent[] = []
  const s = new Scheduler([app('a')], {reconcile: () => never.promise, timers: t, onEvent: (e) => events.push(e)})
  s.start()
  await t.flush()
  const stopping = s.stop(8_000)
  await t.advance(8_000)
  assert.deepEqual(await stopping, ['a'])
  assert.deepEqual(events.at(-1), {kind: 'stopped', at: t.now(), abandoned: ['a']})
})

test('a failing ref lookup is an error event and counted, not a reconcile', async () => {
  const t = fakeTimers()
  const metrics = new MetricsRegistry()
  const events: SchedulerEvent[] = []
  const r = recorder(t, () => ok())
  const s = new Scheduler([app('a', {intervalMs: 1_000})], {
    reconcile: r.reconcile,
    headOf: async () => {
      throw new Error('ls-remote: could not resolve host')
    },
    timers: t,
    metrics,
    onEvent: (e) => events.push(e),
  })
  s.start()
  await t.advance(3_000)
  assert.equal(r.calls.length, 1)
  assert.equal(events.filter((e) => e.kind === 'head-error').length, 3)
  assert.match(metrics.render(), /^strata_watch_errors_total\{app="a"\} 3$/m)
  await s.stop()
})

test('driftDetected: a drift run in a good state (queued behind a running one); skipped while failing, paused or not leading', async () => {
  const t = fakeTimers()
  const gate = deferred<ReconcileResult>()
  let leading = true
  const r = recorder(t, (name, _reason, n) => (name === 'slow' && n === 2 ? gate.promise : name === 'bad' ? {status: 'failed', error: 'x', durationMs: 1} : name === 'held' ? {status: 'paused', durationMs: 1} : ok()))
  const events: SchedulerEvent[] = []
  const s = new Scheduler([app('slow'), app('bad'), app('held')], {reconcile: r.reconcile, timers: t, mayReconcile: () => leading, onEvent: (e) => events.push(e)})
  assert.equal(s.driftDetected('slow'), 'skipped', 'nothing attempted yet')
  s.start()
  await t.flush()
  assert.equal(s.driftDetected('nope'), 'unknown')
  assert.equal(s.driftDetected('bad'), 'skipped')
  assert.equal(s.driftDetected('held'), 'skipped')
  assert.equal(s.driftDetected('slow'), 'queued')
  await t.flush()
  // The second run of `slow` hangs; drift seen meanwhile runs after it.
  assert.equal(s.driftDetected('slow'), 'queued')
  assert.equal(s.driftDetected('slow'), 'coalesced')
  gate.resolve(ok())
  await t.flush()
  assert.deepEqual(r.calls.filter((c) => c.app === 'slow').map((c) => c.reason), ['startup', 'drift', 'drift'])
  leading = false
  assert.equal(s.driftDetected('slow'), 'skipped')
  assert.ok(events.some((e) => e.kind === 'skipped' && e.app === 'slow' && e.why === 'not-leading'))
  await s.stop()
})

test('headMoved: an app hears of its new commit from a shared look-up and runs once; the same commit again is no news', async () => {
  const t = fakeTimers()
  const r = recorder(t, () => ok('c1'))
  const s = new Scheduler([app('a'), app('b')], {reconcile: r.reconcile, timers: t, headOf: async () => 'c1'})
  s.start()
  await t.flush()
  assert.equal(s.headMoved('a', 'c2'), 'queued')
  assert.equal(s.headMoved('a', 'c2'), 'unchanged')
  assert.equal(s.headMoved('zz', 'c2'), 'unknown')
  await t.flush()
  assert.deepEqual(r.calls.map((c) => `${c.app}:${c.reason}`), ['a:startup', 'b:startup', 'a:poll'])
  await s.stop()
})
