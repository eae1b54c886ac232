// `strata rollout status --watch`: follows a rollout through its saved state until it stops, as
// `kubectl rollout status` waits for a Deployment. The state Secret is polled (every process that
// runs a rollout writes it at each step, batch and heartbeat), and a snapshot is yielded whenever
// what a person would see changes. How it ends decides the exit code. Nothing here prints.
import {defaultStaleMs, holderCondition, type HolderProbe, type RolloutStateStore} from '../cluster/state-store.js'
import {ExitCode} from '../model/exit-codes.js'
import type {RolloutPhase, RolloutState} from './types.js'

export type FollowEnd =
  | {kind: 'phase'; phase: Exclude<RolloutPhase, 'running'>; state: RolloutState}
  /**
   * Still `running`, but nobody runs it: the process is proven gone (`gone`: same host, its pid not
   * running) or has been silent too long (crashed, hung or cut off: resume/abort then need --force).
   */
  | {kind: 'stalled'; state: RolloutState; reason: string; gone: boolean}
  | {kind: 'timeout'; state: RolloutState | undefined}
  /** The state Secret disappeared (`strata delete`, or deleted by hand). */
  | {kind: 'gone'}

export interface FollowDeps {
  now: () => number
  sleep: (ms: number) => Promise<void>
  signal?: AbortSignal
}

/** done 0, paused 3; failed, aborted, interrupted, stalled, timeout, gone 2 (a rollout that did not finish). */
export function followExitCode(end: FollowEnd): number {
  return end.kind === 'phase' ? statusExitCode(end.phase) : ExitCode.error
}

/** What the watcher shows: a new snapshot is yielded only when this changes (heartbeats alone do not). */
function visible(s: RolloutState): string {
  // A blue/green workload moves by phase (switched, old version removed), not by batches.
  const batches = Object.values(s.workloads).map((w) => `${w.id.key}:${w.batchesDone}${w.blueGreen ? `:${w.blueGreen.phase}` : ''}`)
  return JSON.stringify([s.phase, s.step, s.reason ?? '', batches])
}

/** Why nobody runs a `running` rollout any more, as the holder record and (on its host) its pid tell. */
function stalled(s: RolloutState, probe: HolderProbe): {reason: string; gone: boolean} | undefined {
  const h = s.holder
  if (!h) return {reason: 'no process holds it', gone: true}
  // Not the watcher's own process: any pid/host that is not ours.
  const held = holderCondition(s, {pid: -1, host: ''}, probe)
  if (held.kind === 'dead') return {reason: `the process that ran it is gone (pid ${h.pid} is not running on ${h.host}, last heartbeat ${h.heartbeatAt})`, gone: true}
  if (held.kind === 'stale') return {reason: `no heartbeat from pid ${h.pid} on ${h.host} for ${Math.round(held.heartbeatAgeMs / 1000)} s`, gone: false}
  return undefined
}

export async function* followRollout(
  store: RolloutStateStore,
  deps: FollowDeps,
  options: {pollMs?: number; timeoutMs?: number; staleMs?: number; probe?: Pick<HolderProbe, 'localHost' | 'isAlive'>} = {},
): AsyncGenerator<RolloutState, FollowEnd> {
  const pollMs = options.pollMs ?? 1_000
  const staleMs = options.staleMs ?? defaultStaleMs
  const deadline = options.timeoutMs ? deps.now() + options.timeoutMs : Infinity
  let shown: string | undefined
  let last: RolloutState | undefined
  for (;;) {
    const stored = await store.load()
    if (!stored) return {kind: 'gone'}
    const s = stored.state
    last = s
    if (visible(s) !== shown) {
      shown = visible(s)
      yield s
    }
    if (s.phase !== 'running') return {kind: 'phase', phase: s.phase, state: s}
    const why = stalled(s, {...options.probe, now: deps.now, staleMs})
    if (why) return {kind: 'stalled', state: s, ...why}
    if (deps.now() >= deadline || deps.signal?.aborted) return {kind: 'timeout', state: last}
    await deps.sleep(pollMs)
  }
}

/**
 * `rollout status` without --watch: where it stands now; a running rollout is not a failure unless
 * the process that ran it is proven gone (`holderGone`): then it stopped part way, as interrupted.
 */
export function statusExitCode(phase: RolloutPhase, holderGone = false): number {
  if (phase === 'running') return holderGone ? ExitCode.error : ExitCode.ok
  if (phase === 'done') return ExitCode.ok
  if (phase === 'paused') return ExitCode.paused
  return ExitCode.error
}
