// `strata rollout abort NAME`, from any machine. A rollout nobody runs (paused, failed,
// interrupted, or held by a process proven gone) is taken and rolled back here. A rollout a live
// process runs is never taken over: the abort records a stop request in the state, and that
// process rolls back at its next heartbeat and exits 2; the abort waits for it (bounded) unless
// told not to. A holder that has gone silent (stale heartbeat) is taken over only with --force.
import {applySetId, applySetParent} from '../cluster/applyset.js'
import {holderCondition, requestStop, RolloutStateStore, sameHolder, type StoredState} from '../cluster/state-store.js'
import {UserError} from '../model/errors.js'
import {applyCommand, rolloutCommand} from '../model/follow-up.js'
import type {BatchContext} from './batches/index.js'
import {rollBack, rollBackTargets} from './roll-back.js'
import {fieldManager, takeUnfinished, type RunDeps, type RunOptions} from './run-apply.js'
import type {RolloutEvent, RolloutState, StopRequest} from './types.js'

export interface AbortOptions extends Pick<RunOptions, 'forceConflicts' | 'batchTimeoutMs' | 'maxFailedPods' | 'pollMs'> {
  /** Take over a holder whose heartbeat is stale (never a live one). */
  force: boolean
  /** Wait for a live holder to honour the stop request (else return once it is recorded). */
  wait: boolean
  waitTimeoutMs: number
  /** `user@host (pid N)`: who asks, recorded in the state and printed by the holder. */
  requestedBy: string
  reason?: string
  /** How often the state is read while waiting (default 1 s). */
  waitPollMs?: number
  /** Roll back a done rollout too (`fleet abort`: the clusters of a wave the fleet paused after). */
  includeDone?: boolean
  /** What the aborted state's reason says (default: aborted by strata rollout abort). */
  abortedBy?: string
}

/** How often the wait says it is still waiting. */
const progressEveryMs = 10_000

/** Returns every workload the plan touched to its previous template, removes canaries; phase aborted. */
export async function* abortRollout(app: string, namespace: string, deps: RunDeps, options: AbortOptions): AsyncGenerator<RolloutEvent, RolloutState> {
  const store = new RolloutStateStore(deps.cluster, app, namespace, deps.target)
  const current = await store.load()
  if (current && holderCondition(current.state, deps.holder, {now: deps.now}).kind === 'live') {
    const outcome = yield* stopHolder(store, current, deps, options)
    // The holder aborted (or --no-wait): its state is the answer. Otherwise it let go without
    // aborting (paused, failed, interrupted) or went silent under --force: roll back here.
    if (outcome) return outcome
  }
  // Already over: a CI job that aborts on every failure, or runs abort twice, gets 0 with nothing
  // done, as `kubectl rollout undo` of a settled rollout is no error. (`fleet abort` passes
  // includeDone: it rolls back a wave whose clusters finished.)
  const over = current?.state.phase
  if (current && (over === 'aborted' || (over === 'done' && !options.includeDone))) {
    yield {type: 'nothing-to-abort', phase: over, reason: current.state.reason, statusCommand: rolloutCommand('status', app, namespace, deps.target)}
    return current.state
  }
  const taken = await takeUnfinished(store, deps, 'abort', options.force, options.includeDone)
  const ctx: BatchContext = {
    cluster: deps.cluster,
    fieldManager,
    forceConflicts: options.forceConflicts,
    applySetId: applySetId(applySetParent(app, namespace)),
    batchTimeoutMs: options.batchTimeoutMs,
    maxFailedPods: options.maxFailedPods,
    signal: deps.signal,
    now: deps.now,
    sleep: deps.sleep,
    pollMs: options.pollMs,
  }
  const restored = yield* rollBack(ctx, taken.state)
  const state: RolloutState = {...taken.state, phase: 'aborted', reason: options.abortedBy ?? 'aborted by strata rollout abort', holder: undefined, updatedAt: new Date(deps.now()).toISOString()}
  await store.save(state, taken.resourceVersion)
  yield {type: 'aborted', restored}
  return state
}

/**
 * Records a stop request for the live holder of `seen` and waits until it has aborted. Returns
 * the final state, or undefined when this process should take the rollout and roll back itself.
 */
async function* stopHolder(store: RolloutStateStore, seen: StoredState, deps: RunDeps, options: AbortOptions): AsyncGenerator<RolloutEvent, RolloutState | undefined> {
  const holder = seen.state.holder!
  const request: StopRequest = {by: options.requestedBy, at: new Date(deps.now()).toISOString(), ...(options.reason ? {reason: options.reason} : {})}
  const written = await requestStop(store, seen, request)
  if (!written) return undefined
  const statusCommand = rolloutCommand('status', store.app, store.namespace, deps.target)
  yield {type: 'stop-requested', holder, waiting: options.wait, statusCommand}
  if (!options.wait) return written.state

  const started = deps.now()
  let reported = started
  for (;;) {
    await deps.sleep(options.waitPollMs ?? 1_000)
    if (deps.signal.aborted) {
      throw new UserError(
        `stopped waiting for process ${holder.pid} on ${holder.host}; the stop request stands`,
        {field: 'NAME'},
        `It rolls back at its next check; follow it with \`${statusCommand}\`.`,
      )
    }
    const now = await store.load()
    if (!now) throw new UserError(`the rollout state of ${store.app} (Secret ${store.name} in ${store.namespace}) was deleted while waiting`, {field: 'NAME'}, `Check the app with \`strata diff\`; there is no rollout left to abort.`)
    const s = now.state
    if (s.phase === 'aborted') {
      yield {type: 'aborted', restored: rollBackTargets(s), by: s.stopRequested?.by}
      return s
    }
    if (s.phase === 'done') {
      throw new UserError(
        `the rollout of ${store.app} finished (done) before process ${holder.pid} on ${holder.host} reached a check: nothing was rolled back`,
        {field: 'NAME'},
        `To go back, apply the previous tree (\`${applyCommand('DIR', store.app, store.namespace, deps.target)}\`).`,
      )
    }
    if (s.phase !== 'running') return undefined
    if (!sameHolder(s.holder, holder)) {
      const h = s.holder
      throw new UserError(
        `the rollout of ${store.app} was taken over${h ? ` by process ${h.pid} on ${h.host}` : ''} while waiting for process ${holder.pid} on ${holder.host} to stop`,
        {field: 'NAME'},
        `Look at it with \`${statusCommand}\`, then run ${store.command('abort')} again.`,
      )
    }
    const held = holderCondition(s, deps.holder, {now: deps.now})
    if (held.kind === 'dead' || (held.kind === 'stale' && options.force)) return undefined
    if (held.kind === 'stale') {
      throw new UserError(
        `process ${holder.pid} on ${holder.host} has sent no heartbeat for ${Math.round(held.heartbeatAgeMs / 1000)} s: it cannot honour the stop request (hung, cut off from the API server, or gone)`,
        {field: '--force'},
        `If it is gone, take the rollout over and roll back: ${store.command('abort', ['--force'])}.`,
      )
    }
    const elapsedMs = deps.now() - started
    if (elapsedMs >= options.waitTimeoutMs) {
      throw new UserError(
        `process ${holder.pid} on ${holder.host} has not finished stopping after ${Math.round(elapsedMs / 1000)} s`,
        {field: '--wait-timeout'},
        `The stop request stands: it rolls back at its next check. Follow it with \`${statusCommand}\`, or wait again with ${store.command('abort')}.`,
      )
    }
    if (deps.now() - reported >= progressEveryMs) {
      reported = deps.now()
      yield {type: 'stop-waiting', holder, elapsedMs, heartbeatAgeMs: held.heartbeatAgeMs}
    }
  }
}
