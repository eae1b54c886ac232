// The rollout executor: runs a saved plan step by step from `state.step`. The state is saved
// BEFORE anything changes in the cluster, so a killed process leaves a state `resume` can pick up
// (re-running the current step is safe: apply is idempotent and batches continue from
// record.batchesDone). Nothing here prints: progress is yielded as RolloutEvents.
import type {ClusterPort} from '../cluster/port.js'
import {rolloutCommand, type ClusterTarget} from '../model/follow-up.js'
import {cloneJson, isObject, type JsonObject} from '../model/json.js'
import {applyObjects} from './apply-objects.js'
import type {MetricsPort} from './analysis/run.js'
import {abortWorkload, runNextBatch, startWorkloadRecord, type BatchContext} from './batches/index.js'
import {rollBack} from './roll-back.js'
import {blueGreenLiveItem, startBlueGreenRecord} from './strategies/blue-green/run.js'
import {waitForHealthy} from './wait-healthy.js'
import type {PlanItem, RolloutEvent, RolloutHolder, RolloutPhase, RolloutState, RolloutStep, StopRequest} from './types.js'

/** The part of the state store the executor needs (RolloutStateStore satisfies it). */
export interface RolloutStateWriter {
  /** CAS write; returns the new resourceVersion. */
  save(state: RolloutState, resourceVersion: string | undefined): Promise<string>
}

/** Inventory upkeep: grow the ApplySet before any apply, prune after the last step. */
export interface MembershipHooks {
  record(state: RolloutState): Promise<void>
  prune(step: RolloutStep, signal: AbortSignal): AsyncGenerator<RolloutEvent, {deleted: number}>
}

export interface ExecuteDeps {
  cluster: ClusterPort
  store: RolloutStateWriter
  now: () => number
  sleep: (ms: number) => Promise<void>
  /** Ctrl-C (or the rollout taken over): stop between requests, save `interrupted`. */
  signal: AbortSignal
  /** Aborted, with the StopRequest as reason, when another process asked to stop: roll back, save `aborted`. */
  stopRequested?: AbortSignal
  holder: RolloutHolder
  members?: MembershipHooks
  /** The --kubeconfig/--context of this run, carried by the resume/abort commands a pause prints. */
  target?: ClusterTarget
  /** Takes analysis measurements; needed when a workload names analyses (strata.dev/analysis). */
  metrics?: MetricsPort
}

export interface ExecuteOptions {
  fieldManager: string
  forceConflicts: boolean
  concurrency: number
  stepTimeoutMs: number
  batchTimeoutMs: number
  maxFailedPods: number
  /** On a tripped breaker, roll the workload back at once instead of leaving it for `rollout abort`. */
  autoAbort: boolean
  applySetId: string
  pollMs?: number
}

const workloadKinds = new Set(['Deployment', 'StatefulSet', 'DaemonSet'])

export async function* executeRollout(initial: RolloutState, resourceVersion: string | undefined, deps: ExecuteDeps, options: ExecuteOptions): AsyncGenerator<RolloutEvent, RolloutState> {
  const state = cloneJson(initial as unknown as JsonObject) as unknown as RolloutState
  let rv = resourceVersion
  const started = deps.now()
  const save = async (phase: RolloutPhase, reason?: string) => {
    state.phase = phase
    state.reason = reason
    state.updatedAt = new Date(deps.now()).toISOString()
    rv = await deps.store.save(state, rv)
  }
  const resumeCommand = rolloutCommand('resume', state.app, state.namespace, deps.target)
  const abortCommand = rolloutCommand('abort', state.app, state.namespace, deps.target)
  // A failure ends like a pause: saved, then the commands that go on from here, ready to paste.
  const fail = async function* (step: number, reason: string): AsyncGenerator<RolloutEvent, RolloutState> {
    await save('failed', reason)
    yield {type: 'failed', step, reason, resumeCommand, abortCommand}
    return state
  }
  // Every wait and request below stops on either; only a stop request rolls back.
  const signal = deps.stopRequested ? AbortSignal.any([deps.signal, deps.stopRequested]) : deps.signal
  const stopInterrupted = async function* (step: number): AsyncGenerator<RolloutEvent, RolloutState> {
    if (!deps.signal.aborted && deps.stopRequested?.aborted) return yield* stopOnRequest(step, deps.stopRequested.reason as StopRequest)
    await save('interrupted', 'interrupted by a signal')
    yield {type: 'interrupted', step, resumeCommand}
    return state
  }
  // Honours `rollout abort` from elsewhere exactly as that command would roll back; the waits of
  // the rollback stop only on Ctrl-C, not on the request that started them.
  const stopOnRequest = async function* (step: number, request: StopRequest): AsyncGenerator<RolloutEvent, RolloutState> {
    yield {type: 'stopping', request}
    const restored = yield* rollBack({...ctx, signal: deps.signal}, state)
    if (deps.signal.aborted) {
      await save('interrupted', `interrupted while rolling back at the request of ${request.by}`)
      yield {type: 'interrupted', step, resumeCommand: abortCommand}
      return state
    }
    state.holder = undefined
    await save('aborted', `stopped at the request of ${request.by}${request.reason ? `: ${request.reason}` : ''}`)
    yield {type: 'aborted', restored, by: request.by}
    return state
  }

  state.holder = deps.holder
  await save('running')
  const resumed = initial.step > 0 || Object.keys(initial.workloads).length > 0 || initial.phase !== 'running'
  yield {type: 'init', plan: state.plan, resumed, fromStep: state.step}
  if (deps.members) await deps.members.record(state)

  const ctx: BatchContext = {
    cluster: deps.cluster,
    fieldManager: options.fieldManager,
    forceConflicts: options.forceConflicts,
    applySetId: options.applySetId,
    batchTimeoutMs: options.batchTimeoutMs,
    maxFailedPods: options.maxFailedPods,
    signal,
    now: deps.now,
    sleep: deps.sleep,
    pollMs: options.pollMs,
    metrics: deps.metrics,
    app: state.app,
  }
  let applied = 0
  let unchanged = 0
  let deleted = 0

  const steps = state.plan.steps
  for (let i = state.step; i < steps.length; i++) {
    const step = steps[i]
    if (signal.aborted) return yield* stopInterrupted(i)
    const stepStart = deps.now()
    yield {type: 'step-start', step: i, name: step.name, items: step.items.length}

    if (step.category === 'prune') {
      if (deps.members) deleted += (yield* deps.members.prune(step, signal)).deleted
      if (signal.aborted) return yield* stopInterrupted(i)
    } else {
      // Abort needs the template a plain (non-batched) workload had before this plan changed it.
      // A blue/green Deployment without a template change is applied under its serving version's name.
      const plain = await Promise.all(step.items.filter((it) => !it.batches).map((it) => blueGreenLiveItem(deps.cluster, it)))
      let remembered = false
      for (const it of plain) {
        if (it.action !== 'update' || !workloadKinds.has(it.id.kind) || state.previousTemplates[it.id.key]) continue
        const live = await deps.cluster.get(refOf(it))
        const template = isObject(live?.spec) && isObject(live.spec.template) ? live.spec.template : undefined
        if (template) {
          state.previousTemplates[it.id.key] = cloneJson(template)
          remembered = true
        }
      }
      if (remembered) await save('running')

      const r = await applyObjects(deps.cluster, i, plain, {fieldManager: options.fieldManager, forceConflicts: options.forceConflicts, applySetId: options.applySetId, concurrency: options.concurrency, signal})
      for (const e of r.events) yield e
      applied += r.applied
      unchanged += r.unchanged
      if (r.failed > 0) {
        return yield* fail(i, `${r.failed} object${r.failed === 1 ? '' : 's'} of step ${i + 1} failed to apply`)
      }
      if (signal.aborted) return yield* stopInterrupted(i)

      for (const it of step.items) {
        if (!it.batches) continue
        let record = state.workloads[it.id.key]
        if (!record) {
          record = it.batches.strategy === 'blue-green' ? await startBlueGreenRecord(ctx, it) : startWorkloadRecord(it, (await deps.cluster.get(refOf(it))) ?? {})
          state.workloads[it.id.key] = record
          await save('running')
        }
        const key = it.id.key
        const itemCtx: BatchContext = {
          ...ctx,
          saveRecord: async (r) => {
            state.workloads[key] = r
            await save('running')
          },
        }
        while (record.batchesDone < record.shares.length) {
          const outcome = yield* runNextBatch(itemCtx, it, record)
          record = outcome.record
          state.workloads[it.id.key] = record
          if (!outcome.ok) {
            if (outcome.interrupted) return yield* stopInterrupted(i)
            if (outcome.paused) {
              // An inconclusive analysis: a person decides (resume goes on, abort rolls back).
              const reason = `${it.id.kind} ${it.id.namespace}/${it.id.name}: ${outcome.reason}`
              await save('paused', reason)
              // A blue/green pause has no batch number: it waits before its one switch.
              yield {type: 'paused', step: i, reason, workload: it.id, ...(record.strategy === 'blue-green' ? {} : {batch: record.batchesDone}), resumeCommand, abortCommand}
              return state
            }
            if (outcome.breaker && options.autoAbort) {
              yield* abortWorkload(ctx, record)
              yield {type: 'breaker', id: it.id, reason: outcome.reason, aborted: true}
              await save('aborted', outcome.reason)
              return state
            }
            yield {type: 'breaker', id: it.id, reason: outcome.reason, aborted: false}
            return yield* fail(i, outcome.reason)
          }
          applied++
          if (record.batchesDone < record.shares.length) {
            const reason = `${it.id.kind} ${it.id.namespace}/${it.id.name}: batch ${record.batchesDone} of ${record.shares.length} done`
            await save('paused', reason)
            yield {type: 'paused', step: i, reason, workload: it.id, batch: record.batchesDone, resumeCommand, abortCommand}
            return state
          }
          await save('running')
        }
      }

      // A blue/green change was gated by its own verify phase, and its Deployment may be gone (the previous version).
      const gated = [...plain, ...step.items.filter((it) => it.batches && it.batches.strategy !== 'blue-green')]
      const gate = yield* waitForHealthy(deps.cluster, gated.filter((it) => it.action !== 'delete').map((it) => it.id), {
        timeoutMs: options.stepTimeoutMs,
        signal,
        now: deps.now,
        sleep: deps.sleep,
        pollMs: options.pollMs,
      })
      if (!gate.ok) {
        if (gate.interrupted) return yield* stopInterrupted(i)
        yield {type: 'gate-failed', id: gate.id, health: gate.health, report: gate.report}
        return yield* fail(i, `${gate.id.kind} ${gate.id.namespace}/${gate.id.name}: ${gate.health.message}`)
      }
    }

    yield {type: 'step-done', step: i, elapsedMs: deps.now() - stepStart}
    state.step = i + 1
    if (step.pauseAfter && i + 1 < steps.length) {
      const reason = `${step.name} done; --pause-after asked for a pause here`
      await save('paused', reason)
      yield {type: 'paused', step: i, reason, resumeCommand, abortCommand}
      return state
    }
    await save('running')
  }

  state.holder = undefined
  await save('done')
  yield {type: 'done', applied, unchanged, deleted, elapsedMs: deps.now() - started}
  return state
}

function refOf(it: PlanItem) {
  return {apiVersion: it.id.apiVersion, kind: it.id.kind, name: it.id.name, namespace: it.id.namespace || undefined}
}
