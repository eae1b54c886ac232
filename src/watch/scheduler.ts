// Per-app scheduling for `strata watch`: each app has its own poll and drift timers, a single
// pending trigger (later triggers coalesce into it), and its own failure state; a shared cap limits
// how many reconciles run at once. The reconcile itself (fetch → render → diff → apply) is injected.
//
// Rules:
// - poll every `intervalMs`: with `headOf` (a cheap ls-remote) only a moved ref, or a due retry,
//   starts a reconcile; without it every poll does (unless backing off or paused).
// - drift check `driftIntervalMs` after the last successful reconcile (any reconcile compares the live
//   state), only while the app is in a good state.
// - one automatic attempt per commit SHA; after a failure, retries on the same commit wait an
//   exponential, jittered, capped delay; a new SHA resets the backoff and runs at once.
// - `paused` (a rollout waiting at a pause point): no automatic runs until the SHA moves; watch never
//   resumes a rollout (the injected reconcile must not either).
// - drift seen by a watch stream (`driftDetected`) runs like a drift check: only in a good state,
//   only when leading; it queues behind a running reconcile (which may have diffed before the edit).
// - a webhook (or `trigger`) always runs, coalescing with a pending run — except on a standby
//   replica (`mayReconcile` false), which reconciles nothing; `triggerAll('startup')` on taking over.
// - an app's failure or slowness never delays another app beyond the concurrency cap.
// - `stop()` stops scheduling, aborts the signal handed to in-flight reconciles (finish the current
//   request, then return) and waits for them up to a deadline.
import type {MetricsRegistry} from './metrics.js'
import type {WatchedApp} from '../reconcile/app-config.js'
import type {OwnedObject} from './drift-watch.js'
import {backoffDelay, defaultBackoff, type BackoffPolicy} from './backoff.js'
import {realTimers, type Timers} from './timers.js'

export type ReconcileReason = 'startup' | 'poll' | 'drift' | 'webhook' | 'retry'
export type ReconcileStatus = 'applied' | 'unchanged' | 'drift-healed' | 'drift-reported' | 'paused' | 'failed'

export interface ReconcileResult {
  status: ReconcileStatus
  commit?: string
  error?: string
  durationMs: number
  /** The objects the app's render holds (once planned): what event-driven drift watches. */
  objects?: OwnedObject[]
  /** A newer commit held back because the app is pinned (`strata rollback`); `commit` is the pinned one. */
  pending?: string
  /** Drift on the synced commit: the objects that differ (`Deployment shop/web (changed)`). */
  drifted?: string[]
}

export type Reconcile = (app: WatchedApp, reason: ReconcileReason, signal: AbortSignal) => Promise<ReconcileResult>

export type SchedulerEvent =
  | {kind: 'reconcile-start'; at: number; app: string; reason: ReconcileReason}
  | {kind: 'reconcile-done'; at: number; app: string; reason: ReconcileReason; status: ReconcileStatus; commit?: string; pending?: string; error?: string; drifted?: string[]; durationMs: number}
  | {kind: 'retry-scheduled'; at: number; app: string; commit?: string; failures: number; delayMs: number}
  | {kind: 'head-error'; at: number; app: string; error: string}
  | {kind: 'skipped'; at: number; app: string; reason: ReconcileReason; why: 'paused' | 'backoff' | 'unchanged-head' | 'not-leading'}
  | {kind: 'stopped'; at: number; abandoned: string[]}

export interface SchedulerOptions {
  reconcile: Reconcile
  /** The commit the app's ref points to now (ls-remote); lets a poll skip a reconcile when nothing moved. */
  headOf?: (app: WatchedApp) => Promise<string>
  /** False on a standby replica: ticks are skipped (leader election). Checked when a run would start. */
  mayReconcile?: (app: string) => boolean
  maxConcurrent?: number
  backoff?: BackoffPolicy
  timers?: Timers
  random?: () => number
  metrics?: MetricsRegistry
  onEvent?: (e: SchedulerEvent) => void
}

export interface AppState {
  name: string
  running: boolean
  pending?: ReconcileReason
  attempted: boolean
  lastStatus?: ReconcileStatus
  lastCommit?: string
  lastAppliedCommit?: string
  lastError?: string
  failures: number
  retryAt?: number
}

interface Slot extends AppState {
  app: WatchedApp
  pollTimer?: unknown
  driftTimer?: unknown
  retryTimer?: unknown
  inFlight?: Promise<void>
}

// Which trigger survives when two coalesce: the one whose run does the most.
const rank: Record<ReconcileReason, number> = {drift: 0, poll: 1, retry: 2, webhook: 3, startup: 4}

export const watchMetricNames = {
  lastApplied: 'strata_watch_last_applied_commit_info',
  lastAppliedTime: 'strata_watch_last_applied_timestamp_seconds',
  syncDuration: 'strata_watch_sync_duration_seconds',
  reconciles: 'strata_watch_reconciles_total',
  drift: 'strata_watch_drift_total',
  errors: 'strata_watch_errors_total',
  queueDepth: 'strata_watch_queue_depth',
  inFlight: 'strata_watch_reconciles_in_flight',
} as const

export function defineWatchMetrics(m: MetricsRegistry): void {
  const n = watchMetricNames
  m.gauge(n.lastApplied, 'The commit last applied per app (value 1, commit in the label).')
  m.gauge(n.lastAppliedTime, 'Unix time of the last successful apply per app.')
  m.histogram(n.syncDuration, 'Duration of one reconcile (fetch, render, diff, apply), in seconds.', [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300])
  m.counter(n.reconciles, 'Reconciles by app and result status.')
  m.counter(n.drift, 'Drift found in the live state, healed or reported, by app.')
  m.counter(n.errors, 'Failed reconciles and ref lookups by app.')
  m.gauge(n.queueDepth, 'Apps waiting for a free reconcile slot.')
  m.gauge(n.inFlight, 'Reconciles running now.')
}

export class Scheduler {
  private readonly slots = new Map<string, Slot>()
  private readonly queue: Slot[] = []
  private running = 0
  private started = false
  private stopping = false
  private readonly abort = new AbortController()
  private readonly timers: Timers
  private readonly maxConcurrent: number

  constructor(
    apps: readonly WatchedApp[],
    private readonly options: SchedulerOptions,
  ) {
    this.timers = options.timers ?? realTimers
    this.maxConcurrent = Math.max(1, options.maxConcurrent ?? 4)
    for (const app of apps) this.slots.set(app.name, {app, name: app.name, running: false, attempted: false, failures: 0})
    if (options.metrics) {
      defineWatchMetrics(options.metrics)
      options.metrics.set(watchMetricNames.queueDepth, {}, 0)
      options.metrics.set(watchMetricNames.inFlight, {}, 0)
    }
  }

  /** Queues a startup reconcile of every app and arms their timers. */
  start(): void {
    if (this.started) return
    this.started = true
    for (const slot of this.slots.values()) {
      this.enqueue(slot, 'startup')
      this.armPoll(slot)
      this.armDrift(slot)
    }
  }

  /** An immediate reconcile (webhook). Runs even while backing off or paused; coalesces with a pending one. */
  trigger(name: string, reason: ReconcileReason = 'webhook'): 'queued' | 'coalesced' | 'unknown' | 'stopping' {
    const slot = this.slots.get(name)
    if (!slot) return 'unknown'
    if (this.stopping) return 'stopping'
    const coalesced = slot.pending !== undefined
    this.enqueue(slot, reason)
    return coalesced ? 'coalesced' : 'queued'
  }

  /** Drift seen by a watch stream: a drift reconcile unless the app is failing, paused or not ours. */
  driftDetected(name: string): 'queued' | 'coalesced' | 'skipped' | 'unknown' | 'stopping' {
    const slot = this.slots.get(name)
    if (!slot) return 'unknown'
    if (this.stopping) return 'stopping'
    if (!slot.attempted || slot.lastStatus === 'failed') {
      this.skip(slot, 'drift', 'backoff')
      return 'skipped'
    }
    if (slot.lastStatus === 'paused') {
      this.skip(slot, 'drift', 'paused')
      return 'skipped'
    }
    if (!this.leading(slot, 'drift')) return 'skipped'
    const coalesced = slot.pending !== undefined
    this.enqueue(slot, 'drift')
    return coalesced ? 'coalesced' : 'queued'
  }

  /**
   * Another app's look-up found the ref this app follows at `head` (shared look-ups): a poll run
   * when that is news to it, without waiting for its own poll.
   */
  headMoved(name: string, head: string): 'queued' | 'unchanged' | 'skipped' | 'unknown' | 'stopping' {
    const slot = this.slots.get(name)
    if (!slot) return 'unknown'
    if (this.stopping) return 'stopping'
    if (!this.leading(slot, 'poll')) return 'skipped'
    return this.newHead(slot, head) ? 'queued' : 'unchanged'
  }

  /** Queues every app (e.g. `startup` when this replica becomes the leader). */
  triggerAll(reason: ReconcileReason): void {
    for (const name of this.slots.keys()) this.trigger(name, reason)
  }

  get queueDepth(): number {
    return this.queue.length
  }

  get inFlight(): number {
    return this.running
  }

  /** True once every app (of those `which` selects: a shard's own) has finished at least one reconcile attempt (for /readyz). */
  allAttempted(which: (app: string) => boolean = () => true): boolean {
    for (const s of this.slots.values()) if (which(s.name) && !s.attempted) return false
    return true
  }

  appNames(): string[] {
    return [...this.slots.keys()]
  }

  apps(): WatchedApp[] {
    return [...this.slots.values()].map((s) => s.app)
  }

  state(name: string): AppState | undefined {
    const s = this.slots.get(name)
    if (!s) return undefined
    const {app: _a, pollTimer: _p, driftTimer: _d, retryTimer: _r, inFlight: _i, ...state} = s
    return {...state}
  }

  /**
   * Stops scheduling, aborts in-flight reconciles' signal and waits for them until `deadlineMs`.
   * Resolves with the apps still running at the deadline (empty when all finished).
   */
  async stop(deadlineMs = 8_000): Promise<string[]> {
    if (!this.stopping) {
      this.stopping = true
      for (const s of this.slots.values()) {
        for (const t of [s.pollTimer, s.driftTimer, s.retryTimer]) if (t !== undefined) this.timers.clearTimeout(t)
        s.pollTimer = s.driftTimer = s.retryTimer = undefined
        s.pending = undefined
      }
      this.queue.length = 0
      this.updateGauges()
      this.abort.abort()
    }
    const inFlight = [...this.slots.values()].filter((s) => s.inFlight).map((s) => s.inFlight!)
    let timer: unknown
    const deadline = new Promise<void>((resolve) => {
      timer = this.timers.setTimeout(resolve, deadlineMs)
    })
    await Promise.race([Promise.allSettled(inFlight), deadline])
    this.timers.clearTimeout(timer)
    const abandoned = [...this.slots.values()].filter((s) => s.running).map((s) => s.name)
    this.options.onEvent?.({kind: 'stopped', at: this.timers.now(), abandoned})
    return abandoned
  }

  private armPoll(slot: Slot): void {
    if (this.stopping) return
    slot.pollTimer = this.timers.setTimeout(() => {
      slot.pollTimer = undefined
      this.armPoll(slot)
      void this.poll(slot)
    }, slot.app.intervalMs)
  }

  private armDrift(slot: Slot): void {
    if (this.stopping || slot.app.driftIntervalMs <= 0) return
    slot.driftTimer = this.timers.setTimeout(() => {
      slot.driftTimer = undefined
      this.armDrift(slot)
      this.driftTick(slot)
    }, slot.app.driftIntervalMs)
  }

  private async poll(slot: Slot): Promise<void> {
    if (this.stopping || slot.running || slot.pending !== undefined) return
    if (!this.leading(slot, 'poll')) return
    if (this.options.headOf) {
      let head: string
      try {
        head = await this.options.headOf(slot.app)
      } catch (err) {
        this.options.metrics?.inc(watchMetricNames.errors, {app: slot.name})
        this.options.onEvent?.({kind: 'head-error', at: this.timers.now(), app: slot.name, error: messageOf(err)})
        return
      }
      if (this.stopping) return
      if (this.newHead(slot, head)) return
      // Same commit: a failed one waits for its retry timer, a paused or good one waits for news.
      this.skip(slot, 'poll', slot.lastStatus === 'failed' ? 'backoff' : slot.lastStatus === 'paused' ? 'paused' : 'unchanged-head')
      return
    }
    if (slot.lastStatus === 'failed') return this.skip(slot, 'poll', 'backoff')
    if (slot.lastStatus === 'paused') return this.skip(slot, 'poll', 'paused')
    this.enqueue(slot, 'poll')
  }

  /** A new commit gets its one automatic attempt now, whatever happened to the previous one. */
  private newHead(slot: Slot, head: string): boolean {
    if (head === slot.lastCommit) return false
    // Recorded before the run so a failure that cannot name its commit still backs off on it.
    this.resetBackoff(slot)
    slot.lastCommit = head
    this.enqueue(slot, 'poll')
    return true
  }

  private driftTick(slot: Slot): void {
    if (this.stopping || slot.running || slot.pending !== undefined) return
    if (!slot.attempted || slot.lastStatus === 'failed') return this.skip(slot, 'drift', 'backoff')
    if (slot.lastStatus === 'paused') return this.skip(slot, 'drift', 'paused')
    if (!this.leading(slot, 'drift')) return
    this.enqueue(slot, 'drift')
  }

  private leading(slot: Slot, reason: ReconcileReason): boolean {
    if (!this.options.mayReconcile || this.options.mayReconcile(slot.name)) return true
    this.skip(slot, reason, 'not-leading')
    return false
  }

  private skip(slot: Slot, reason: ReconcileReason, why: 'paused' | 'backoff' | 'unchanged-head' | 'not-leading'): void {
    this.options.onEvent?.({kind: 'skipped', at: this.timers.now(), app: slot.name, reason, why})
  }

  private enqueue(slot: Slot, reason: ReconcileReason): void {
    if (this.stopping) return
    if (slot.pending !== undefined) {
      if (rank[reason] > rank[slot.pending]) slot.pending = reason
      return
    }
    slot.pending = reason
    // A running app picks its pending trigger up when it finishes; it never takes a second slot.
    if (!slot.running) this.queue.push(slot)
    this.pump()
  }

  private pump(): void {
    while (!this.stopping && this.running < this.maxConcurrent && this.queue.length > 0) {
      const slot = this.queue.shift()!
      this.run(slot)
    }
    this.updateGauges()
  }

  private run(slot: Slot): void {
    const reason = slot.pending!
    slot.pending = undefined
    if (this.options.mayReconcile && !this.options.mayReconcile(slot.name)) {
      this.skip(slot, reason, 'not-leading')
      return
    }
    if (slot.retryTimer !== undefined) {
      this.timers.clearTimeout(slot.retryTimer)
      slot.retryTimer = undefined
    }
    slot.running = true
    this.running++
    const started = this.timers.now()
    this.options.onEvent?.({kind: 'reconcile-start', at: started, app: slot.name, reason})
    slot.inFlight = Promise.resolve()
      .then(() => this.options.reconcile(slot.app, reason, this.abort.signal))
      .catch((err): ReconcileResult => ({status: 'failed', error: messageOf(err), durationMs: this.timers.now() - started}))
      .then((result) => this.finish(slot, reason, result))
      .finally(() => {
        slot.running = false
        slot.inFlight = undefined
        this.running--
        if (slot.pending !== undefined && !this.stopping) this.queue.push(slot)
        this.pump()
      })
  }

  private finish(slot: Slot, reason: ReconcileReason, result: ReconcileResult): void {
    const at = this.timers.now()
    const metrics = this.options.metrics
    const n = watchMetricNames
    slot.attempted = true
    slot.lastStatus = result.status
    slot.lastError = result.error
    metrics?.observe(n.syncDuration, {app: slot.name}, result.durationMs / 1000)
    metrics?.inc(n.reconciles, {app: slot.name, status: result.status})
    this.options.onEvent?.({
      kind: 'reconcile-done',
      at,
      app: slot.name,
      reason,
      status: result.status,
      ...(result.commit !== undefined && {commit: result.commit}),
      ...(result.pending !== undefined && {pending: result.pending}),
      ...(result.error !== undefined && {error: result.error}),
      // The log names what drifted (at most 5; the count says the rest), not only that something did.
      ...(result.drifted !== undefined && {drifted: result.drifted.length > 5 ? [...result.drifted.slice(0, 5), `${result.drifted.length - 5} more`] : result.drifted}),
      durationMs: result.durationMs,
    })
    if (result.status === 'failed') {
      metrics?.inc(n.errors, {app: slot.name})
      // Failures count per commit: a different commit failing starts again from the first step.
      slot.failures = result.commit !== undefined && result.commit !== slot.lastCommit ? 1 : slot.failures + 1
      if (result.commit !== undefined) slot.lastCommit = result.commit
      if (this.stopping) return
      const delayMs = backoffDelay(slot.failures, this.options.backoff ?? defaultBackoff, this.options.random)
      slot.retryAt = at + delayMs
      slot.retryTimer = this.timers.setTimeout(() => {
        slot.retryTimer = undefined
        this.enqueue(slot, 'retry')
      }, delayMs)
      this.options.onEvent?.({kind: 'retry-scheduled', at, app: slot.name, ...(slot.lastCommit !== undefined && {commit: slot.lastCommit}), failures: slot.failures, delayMs})
      return
    }
    if (result.commit !== undefined) slot.lastCommit = result.commit
    this.resetBackoff(slot)
    // Every reconcile compares the live state, so the next drift check is due a full interval after this one.
    if (slot.driftTimer !== undefined && !this.stopping) {
      this.timers.clearTimeout(slot.driftTimer)
      this.armDrift(slot)
    }
    if (result.status === 'drift-healed' || result.status === 'drift-reported') metrics?.inc(n.drift, {app: slot.name})
    if (result.status !== 'paused' && result.commit !== undefined && result.commit !== slot.lastAppliedCommit) {
      if (slot.lastAppliedCommit !== undefined) metrics?.remove({app: slot.name, commit: slot.lastAppliedCommit})
      slot.lastAppliedCommit = result.commit
      metrics?.set(n.lastApplied, {app: slot.name, commit: result.commit}, 1)
    }
    if (result.status === 'applied' || result.status === 'drift-healed') metrics?.set(n.lastAppliedTime, {app: slot.name}, Math.floor(at / 1000))
  }

  private resetBackoff(slot: Slot): void {
    slot.failures = 0
    slot.retryAt = undefined
    if (slot.retryTimer !== undefined) {
      this.timers.clearTimeout(slot.retryTimer)
      slot.retryTimer = undefined
    }
  }

  private updateGauges(): void {
    this.options.metrics?.set(watchMetricNames.queueDepth, {}, this.queue.length)
    this.options.metrics?.set(watchMetricNames.inFlight, {}, this.running)
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
