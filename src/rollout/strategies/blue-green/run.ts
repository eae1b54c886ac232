// Blue/green with real cluster I/O: drives the pure state machine (phases.ts) through the
// ClusterPort. Each turn observes the active Service and the new version's pods, asks phases.ts
// for the ONE next action, performs it, and saves the record (BatchContext.saveRecord), so
// `rollout status|resume|abort` in any process sees where it stands and a resumed process
// continues from the saved phase. The verify phase reuses the batch machinery: the wait for Ready
// pods is a batch wait (breaker on crashed pods and --batch-timeout), analyses run beside it.
import {ClusterError} from '../../../cluster/errors.js'
import type {ClusterPort, ObjectRef} from '../../../cluster/port.js'
import {BugError, UserError} from '../../../model/errors.js'
import {isObject, type JsonObject} from '../../../model/json.js'
import {analysisRuns, runAnalysedBatch} from '../../batches/analysed-batch.js'
import {applyWorkload} from '../../batches/apply-own.js'
import {tallyPods} from '../../batches/breaker.js'
import {clockOf, type BatchContext, type BatchOutcome} from '../../batches/context.js'
import {desiredReplicas, observed, refOf, selectorString, specOf, statusNumber, withoutServerFields} from '../../batches/objects.js'
import {waitForBatch, type BatchProbe} from '../../batches/wait-batch.js'
import {describeId, planObjectId} from '../../plan.js'
import type {PlanItem, RolloutEvent, WorkloadRecord} from '../../types.js'
import {isVersionOf, selectedVersion, templateHash, versionDeployment, versionName} from './objects.js'
import {abortBlueGreenSteps, nextBlueGreenStep, type AnalysisVerdict, type BlueGreenAction, type BlueGreenObservation, type BlueGreenOrigin, type BlueGreenPhase, type BlueGreenRecord} from './phases.js'
import {activeServiceAnnotation, blueGreenHashLabel, podTemplateHashLabel, serviceSelectorOf, type BlueGreenSpec} from './spec.js'

const revisionAnnotation = 'deployment.kubernetes.io/revision'

function serviceRef(namespace: string, name: string): ObjectRef {
  return {apiVersion: 'v1', kind: 'Service', namespace, name}
}

function activeOf(service: JsonObject | undefined): BlueGreenObservation['active'] {
  const sel = service ? serviceSelectorOf(service) : {}
  const out: BlueGreenObservation['active'] = {}
  if (sel[blueGreenHashLabel] !== undefined) out.hash = sel[blueGreenHashLabel]
  if (sel[podTemplateHashLabel] !== undefined) out.podTemplateHash = sel[podTemplateHashLabel]
  return out
}

function specOfItem(item: PlanItem): BlueGreenSpec {
  if (!item.blueGreen || !item.object) throw new BugError(`blue/green item ${item.id.key} has no spec or object`)
  return item.blueGreen
}

/**
 * A blue/green Deployment applied without a template change: once strata has switched its active
 * Service to a version, the Deployment lives under that version's name, so that is what gets
 * applied (labels, replicas, annotations); before the first switch it is the Deployment as written.
 */
export async function blueGreenLiveItem(cluster: ClusterPort, item: PlanItem): Promise<PlanItem> {
  if (!item.blueGreen || !item.object || item.action === 'delete') return item
  const hash = selectedVersion((await cluster.get(serviceRef(item.id.namespace, item.blueGreen.activeService))) ?? {})
  if (hash === undefined) return item
  const object = versionDeployment(item.object, hash)
  return {...item, id: planObjectId(object), object}
}

/** The newest ReplicaSet of a Deployment that ran without blue/green: its pod-template-hash is what the pin selects. */
async function liveReplicaSetHash(ctx: BatchContext, deployment: JsonObject, describe: string): Promise<string | undefined> {
  const meta = isObject(deployment.metadata) ? deployment.metadata : {}
  const selector = selectorString(isObject(specOf(deployment).selector) ? (specOf(deployment).selector as JsonObject) : undefined, describe)
  const sets = await ctx.cluster.list('apps/v1', 'ReplicaSet', {namespace: String(meta.namespace ?? ''), labelSelector: selector})
  let best: {revision: number; hash: string} | undefined
  for (const rs of sets) {
    const m = isObject(rs.metadata) ? rs.metadata : {}
    const owned = Array.isArray(m.ownerReferences) && m.ownerReferences.some((o) => isObject(o) && o.uid === meta.uid)
    const hash = isObject(m.labels) ? m.labels[podTemplateHashLabel] : undefined
    if (!owned || typeof hash !== 'string') continue
    const revision = Number(isObject(m.annotations) ? m.annotations[revisionAnnotation] : 0) || 0
    if (!best || revision > best.revision) best = {revision, hash}
  }
  return best?.hash
}

/**
 * The record of a blue/green change, from the cluster as it is before anything changes: which
 * version the active Service serves now (a version strata switched to, or the Deployment as it
 * ran before blue/green, pinned by its ReplicaSet), and the version the render asks for.
 */
export async function startBlueGreenRecord(ctx: BatchContext, item: PlanItem): Promise<WorkloadRecord> {
  const spec = specOfItem(item)
  const id = item.id
  const describe = describeId(id)
  const where = {field: `metadata.annotations.${activeServiceAnnotation}`}
  const service = await ctx.cluster.get(serviceRef(id.namespace, spec.activeService))
  if (!service) throw new UserError(`${describe}: active Service ${spec.activeService} does not exist`, where, `Create Service ${spec.activeService} in ${id.namespace} (render it with the app), or fix ${activeServiceAnnotation}.`)
  const active = activeOf(service)
  const hash = templateHash(item.object!)
  const next = {deployment: versionName(id.name, hash), hash}
  let previous: BlueGreenOrigin
  let live: JsonObject | undefined
  if (active.hash !== undefined) {
    previous = {deployment: versionName(id.name, active.hash), hash: active.hash}
    live = await ctx.cluster.get(refOf(id, previous.deployment))
  } else {
    live = await ctx.cluster.get(refOf(id))
    if (!live) {
      throw new UserError(
        `${describe}: no live version to move from: Service ${spec.activeService} selects no strata version and Deployment ${id.name} does not exist`,
        where,
        `Check ${spec.activeService}'s selector (kubectl get service ${spec.activeService} -n ${id.namespace} -o yaml); strata.dev/bg-hash there names the version that serves.`,
      )
    }
    const podTemplateHash = active.podTemplateHash ?? (await liveReplicaSetHash(ctx, live, describe))
    if (podTemplateHash === undefined) {
      throw new UserError(`${describe}: the Deployment has no ReplicaSet yet, so there are no pods to keep serving during the switch`, where, 'Wait until the Deployment has rolled out once (kubectl rollout status), then apply again.')
    }
    previous = {deployment: id.name, podTemplateHash}
  }
  const record: BlueGreenRecord = {id, spec, previous, next, phase: 'pin'}
  return {id, strategy: 'blue-green', previous: live ? withoutServerFields(live) : {}, batchesDone: 0, shares: [1], blueGreen: record}
}

/** One blue/green change, from the record's phase to done (or a pause, a failure, an interruption). */
export async function* runBlueGreen(ctx: BatchContext, item: PlanItem, start: WorkloadRecord): AsyncGenerator<RolloutEvent, BatchOutcome> {
  if (!start.blueGreen) throw new BugError(`runBlueGreen: ${item.id.key} has no blue/green record`)
  const rendered = item.object!
  const ns = item.id.namespace
  const {now, sleep, pollMs} = clockOf(ctx)
  const desired = desiredReplicas(rendered, start.previous)
  let record: WorkloadRecord = start
  let bg: BlueGreenRecord = start.blueGreen
  const save = async (next: BlueGreenRecord, extra: Partial<WorkloadRecord> = {}) => {
    bg = next
    record = {...record, ...extra, blueGreen: next}
    await ctx.saveRecord?.(record)
  }
  const event = (phase: BlueGreenPhase, message: string): RolloutEvent => ({type: 'blue-green', id: item.id, phase, message})

  // The render's template is the version already serving: only the non-template fields change.
  if ('hash' in bg.previous && bg.previous.hash === bg.next.hash) {
    await applyWorkload(ctx, versionDeployment(rendered, bg.next.hash))
    await save({...bg, phase: 'done'}, {batchesDone: 1})
    return {ok: true, record}
  }
  // The hold before promotion was saved by an earlier run: this run is the `rollout resume` that releases it.
  if (bg.promotionHeld && !bg.promotionReleased) await save({...bg, promotionReleased: true})
  // An analysis that already passed (saved) is not run again after a resume.
  let verified = record.analysis?.batch === 1 && record.analysis.verdict === 'Successful'
  let lastWait = ''
  for (;;) {
    if (ctx.signal?.aborted) return {ok: false, reason: 'interrupted', breaker: false, interrupted: true, record}
    let analysis: AnalysisVerdict = item.batches?.analyses?.length ? (verified ? 'pass' : 'pending') : 'none'
    let analysisReason: string | undefined
    if (bg.phase === 'verify' && !verified) {
      const outcome = yield* verifyNewVersion(ctx, item, record, desired)
      record = {...outcome.record, blueGreen: bg}
      // A decided analysis goes to the state machine, which fails or pauses; anything else that
      // stopped the verify (crashed pods, the timeout, an interruption) ends the run as it is.
      const decided = decidedAnalysis(outcome)
      if (!outcome.ok && !decided) return {...outcome, record}
      if (decided) {
        analysis = decided
        analysisReason = outcome.ok ? undefined : outcome.reason
      } else {
        verified = true
        if (analysis === 'pending') analysis = 'pass'
      }
      await ctx.saveRecord?.(record)
    }
    const o = await observe(ctx, bg, desired, analysis, analysisReason)
    const step = nextBlueGreenStep(bg, o)
    const a = step.action
    if (a.type === 'wait') {
      if (a.why !== lastWait) yield event(step.record.phase, a.why)
      lastWait = a.why
      if (step.record !== bg) await save(step.record)
      await sleep(Math.max(1, Math.min(pollMs, a.untilMs === undefined ? pollMs : a.untilMs - now())))
      continue
    }
    lastWait = ''
    // The executor names the workload in front of the reason itself.
    const own = (reason: string) => (reason.startsWith(`${describeId(item.id)}: `) ? reason.slice(describeId(item.id).length + 2) : reason)
    if (a.type === 'pause') {
      await save(step.record)
      return {ok: false, paused: true, breaker: false, interrupted: false, reason: own(a.reason), record}
    }
    if (a.type === 'fail') return {ok: false, breaker: true, interrupted: false, reason: own(a.reason), record}
    if (a.type === 'done') {
      for (const name of await strayVersions(ctx, bg)) {
        await ctx.cluster.delete({apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns, name}, {propagationPolicy: 'Background'})
        yield event('done', `Deployment ${name} removed (an earlier version no Service serves)`)
      }
      await save(step.record, {batchesDone: 1})
      return {ok: true, record}
    }
    if (a.type === 'apply-new') {
      await applyWorkload(ctx, versionDeployment(rendered, bg.next.hash, desired))
      yield event(step.record.phase, `${bg.next.deployment} applied (${desired} replica${desired === 1 ? '' : 's'})`)
    } else {
      const message = yield* perform(ctx, ns, a)
      if (message) yield event(step.record.phase, message)
    }
    await save(step.record)
  }
}

/**
 * Versions of this Deployment other than the one now serving: left by a rollout that was replaced
 * while paused (`apply --replace-paused`) or interrupted and never resumed. Diff never counts them
 * as prunable (they are versions of a rendered Deployment), so the rollout that finishes removes them.
 */
async function strayVersions(ctx: BatchContext, bg: BlueGreenRecord): Promise<string[]> {
  const live = await ctx.cluster.list('apps/v1', 'Deployment', {namespace: bg.id.namespace, labelSelector: blueGreenHashLabel})
  const out: string[] = []
  for (const d of live) {
    const meta = isObject(d.metadata) ? d.metadata : {}
    const hash = isObject(meta.labels) ? meta.labels[blueGreenHashLabel] : undefined
    const name = String(meta.name)
    if (typeof hash === 'string' && name !== bg.next.deployment && isVersionOf(name, hash, bg.id.name)) out.push(name)
  }
  // The Deployment as it ran before blue/green, when a replaced rollout switched away from it but never removed it.
  if (bg.next.deployment !== bg.id.name && (await ctx.cluster.get(refOf(bg.id)))) out.push(bg.id.name)
  return out
}

/** The new version's pods Ready (a batch wait: breaker on crashed pods and the timeout), analyses beside it. */
function verifyNewVersion(ctx: BatchContext, item: PlanItem, record: WorkloadRecord, desired: number): AsyncGenerator<RolloutEvent, BatchOutcome> {
  const bg = record.blueGreen!
  const wait = async function* (c: BatchContext): AsyncGenerator<RolloutEvent, BatchOutcome> {
    const probe = async (): Promise<BatchProbe> => {
      const [live, pods] = await Promise.all([
        c.cluster.get(refOf(item.id, bg.next.deployment)),
        c.cluster.list('v1', 'Pod', {namespace: item.id.namespace, labelSelector: `${blueGreenHashLabel}=${bg.next.hash}`}),
      ])
      const settled = live !== undefined && observed(live) && statusNumber(live, 'updatedReplicas') >= desired
      return {pods, desired, settled}
    }
    const waited = yield* waitForBatch(c, {id: item.id, batch: 1, of: 1, share: 1}, probe)
    return waited.ok ? {ok: true, record} : {...waited, record}
  }
  if (!item.batches?.analyses?.length) return wait(ctx)
  const stable = 'hash' in bg.previous ? bg.previous.hash : bg.previous.podTemplateHash
  return namingVersion(runAnalysedBatch(ctx, item, record, wait, analysisRuns(item, item.id.namespace, ctx.app ?? '', {canary: bg.next.hash, stable})), bg.next.deployment)
}

/** Analysis events name the version they judge: a blue/green change has no batches for a reader to follow. */
async function* namingVersion(events: AsyncGenerator<RolloutEvent, BatchOutcome>, version: string): AsyncGenerator<RolloutEvent, BatchOutcome> {
  try {
    for (;;) {
      const r = await events.next()
      if (r.done) return r.value
      yield r.value.type === 'analysis' ? {...r.value, version} : r.value
    }
  } finally {
    // A consumer that stops early closes the inner run too, as yield* would.
    await events.return(undefined as never)
  }
}

/** The analyses' verdict when this verify decided one (Failed or Inconclusive), for phases.ts to act on. */
function decidedAnalysis(outcome: BatchOutcome): 'fail' | 'inconclusive' | undefined {
  if (outcome.ok) return undefined
  const verdict = outcome.record.analysis?.verdict
  return verdict === 'Failed' ? 'fail' : verdict === 'Inconclusive' ? 'inconclusive' : undefined
}

async function observe(ctx: BatchContext, bg: BlueGreenRecord, desired: number, analysis: AnalysisVerdict, analysisReason?: string): Promise<BlueGreenObservation> {
  const ns = bg.id.namespace
  const service = await ctx.cluster.get(serviceRef(ns, bg.spec.activeService))
  if (!service) {
    throw new UserError(`${describeId(bg.id)}: active Service ${bg.spec.activeService} was deleted during the blue/green rollout`, {field: `metadata.annotations.${activeServiceAnnotation}`}, 'Re-create the Service (apply the app), then resume or abort the rollout.')
  }
  const counting = bg.phase === 'verify' || bg.phase === 'ready'
  const tally = counting ? tallyPods(await ctx.cluster.list('v1', 'Pod', {namespace: ns, labelSelector: `${blueGreenHashLabel}=${bg.next.hash}`})) : undefined
  return {
    now: clockOf(ctx).now(),
    active: activeOf(service),
    newReady: tally?.ready ?? 0,
    desired,
    newFailed: tally && tally.failed.length > ctx.maxFailedPods ? tally.failed : [],
    analysis,
    ...(analysisReason ? {analysisReason} : {}),
    holdBeforePromotion: bg.spec.autoPromote === false && !bg.promotionReleased,
  }
}

/** Performs a Service patch or a version removal; returns what to tell the user. */
async function* perform(ctx: BatchContext, namespace: string, a: BlueGreenAction): AsyncGenerator<RolloutEvent, string | undefined> {
  if (a.type === 'patch-service') {
    try {
      await ctx.cluster.patch(serviceRef(namespace, a.service), a.patch, {type: 'merge', fieldManager: ctx.fieldManager})
    } catch (err) {
      if (!(err instanceof ClusterError) || !err.notFound) throw err
      yield {type: 'warning', message: `Service ${namespace}/${a.service} does not exist: could not ${a.why}`}
      return undefined
    }
    return a.why
  }
  if (a.type === 'remove-version') {
    await ctx.cluster.delete({apiVersion: 'apps/v1', kind: 'Deployment', namespace, name: a.deployment}, {propagationPolicy: 'Background'})
    return `Deployment ${a.deployment} removed`
  }
  throw new BugError(`blue/green: action ${a.type} is not performed here`)
}

/**
 * Abort: the active Service back on the old pods first, the new version removed after (phases.ts
 * gives the order). A version removed after the scale-down delay cannot be switched back to: that
 * workload is reported and left as it is, so the rest of the rollout still rolls back.
 */
export async function* abortBlueGreen(ctx: BatchContext, record: WorkloadRecord): AsyncGenerator<RolloutEvent, void> {
  const bg = record.blueGreen
  if (!bg || ('hash' in bg.previous && bg.previous.hash === bg.next.hash)) return
  if (bg.phase === 'done') {
    yield {type: 'warning', message: `${describeId(bg.id)}: ${bg.previous.deployment} was removed after the scale-down delay; ${bg.next.deployment} keeps serving (apply the previous revision to go back)`}
    return
  }
  const ns = bg.id.namespace
  const {now, sleep, pollMs} = clockOf(ctx)
  const active = activeOf(await ctx.cluster.get(serviceRef(ns, bg.spec.activeService)))
  for (const a of abortBlueGreenSteps(bg, active)) {
    if (a.type !== 'wait-gone') {
      const message = yield* perform(ctx, ns, a)
      if (message) yield {type: 'blue-green', id: bg.id, phase: bg.phase, message}
      continue
    }
    // The pin on the old ReplicaSet goes only once no new pod could be selected by the user's selector alone.
    const started = now()
    for (;;) {
      if (ctx.signal?.aborted) return
      const left = await ctx.cluster.list('v1', 'Pod', {namespace: ns, labelSelector: `${blueGreenHashLabel}=${bg.next.hash}`})
      if (left.length === 0) break
      if (now() - started >= ctx.batchTimeoutMs) {
        yield {type: 'warning', message: `${describeId(bg.id)}: ${left.length} pod(s) of ${a.deployment} still present after ${Math.round(ctx.batchTimeoutMs / 1000)} s; ${bg.spec.activeService} stays pinned to the previous ReplicaSet`}
        return
      }
      await sleep(pollMs)
    }
  }
}
