// Deployment batches by canary. Batch k (not the last) keeps a second Deployment,
// `<name>-strata-canary`, running the new template at the batch's share of the desired replicas,
// and scales the stable Deployment down by the same count — in that order: the canary's pods are
// Ready before any stable pod goes, so Ready pods never drop below the desired replicas (a
// stricter bound than N − maxUnavailable). The last batch promotes: the stable Deployment gets the
// rendered object (new template, N replicas) and rolls by its own strategy, bounded by
// maxUnavailable, while the canary's pods still serve; once it is rolled out the canary goes.
//
// The canary is not an ApplySet member (no part-of label), so prune never sees it; it is never
// left behind because its name is in the WorkloadRecord from the moment it is created, and both
// promotion and abort delete it.
import {BugError} from '../../model/errors.js'
import {cloneJson, isObject, type JsonObject} from '../../model/json.js'
import type {PlanItem, RolloutEvent, WorkloadRecord} from '../types.js'
import {applyWorkload} from './apply-own.js'
import {canaryNameOf, canaryOfLabel, type BatchContext, type BatchOutcome} from './context.js'
import {desiredReplicas, observed, refOf, replicasOf, selectorString, specOf, statusNumber} from './objects.js'
import {replicasForShare} from '../batch-spec.js'
import {waitForBatch, type BatchProbe} from './wait-batch.js'

const applySetPartOf = 'applyset.kubernetes.io/part-of'

/** The canary of `rendered`: its template and selector plus the canary label, `replicas` pods. */
export function canaryDeployment(rendered: JsonObject, replicas: number): JsonObject {
  const meta = isObject(rendered.metadata) ? rendered.metadata : {}
  const name = String(meta.name)
  const labels: JsonObject = isObject(meta.labels) ? cloneJson(meta.labels) : {}
  delete labels[applySetPartOf]
  labels[canaryOfLabel] = name
  const spec = cloneJson(specOf(rendered))
  spec.replicas = replicas
  const selector: JsonObject = isObject(spec.selector) ? spec.selector : {}
  selector.matchLabels = {...(isObject(selector.matchLabels) ? selector.matchLabels : {}), [canaryOfLabel]: name}
  spec.selector = selector
  const template: JsonObject = isObject(spec.template) ? spec.template : {}
  const templateMeta: JsonObject = isObject(template.metadata) ? template.metadata : {}
  templateMeta.labels = {...(isObject(templateMeta.labels) ? templateMeta.labels : {}), [canaryOfLabel]: name}
  template.metadata = templateMeta
  spec.template = template
  const canaryMeta: JsonObject = {name: canaryNameOf(name), labels}
  if (meta.namespace !== undefined) canaryMeta.namespace = meta.namespace
  return {apiVersion: rendered.apiVersion ?? 'apps/v1', kind: 'Deployment', metadata: canaryMeta, spec}
}

/**
 * Replicas of canary and stable after each batch but the last (the promotion), for N desired
 * replicas: the canary holds replicasForShare(N, share), the stable the rest.
 */
export function canarySplit(desired: number, share: number): {canary: number; stable: number} {
  const canary = replicasForShare(desired, share)
  return {canary, stable: Math.max(0, desired - canary)}
}

function stableSelector(obj: JsonObject): string {
  const own = selectorString(isObject(specOf(obj).selector) ? (specOf(obj).selector as JsonObject) : undefined, `Deployment ${String((obj.metadata as JsonObject)?.name)}`)
  return [own, `!${canaryOfLabel}`].filter(Boolean).join(',')
}

export async function* runCanaryBatch(ctx: BatchContext, item: PlanItem, record: WorkloadRecord): AsyncGenerator<RolloutEvent, BatchOutcome> {
  const rendered = item.object
  if (!rendered) throw new BugError(`batched item ${item.id.key} has no object`)
  const k = record.batchesDone
  const of = record.shares.length
  if (k >= of) return {ok: true, record}
  const share = record.shares[k]
  const at = {id: item.id, batch: k + 1, of, share}
  const desired = desiredReplicas(rendered, record.previous)
  const canaryName = canaryNameOf(item.id.name)
  const ns = item.id.namespace

  if (k < of - 1) {
    const split = canarySplit(desired, share)
    const withCanary: WorkloadRecord = {...record, canaryName}
    await ctx.cluster.apply(canaryDeployment(rendered, split.canary), {dryRun: false, force: true, fieldManager: ctx.fieldManager})
    const probe = async (): Promise<BatchProbe> => {
      const [live, pods] = await Promise.all([
        ctx.cluster.get(refOf(item.id, canaryName)),
        ctx.cluster.list('v1', 'Pod', {namespace: ns, labelSelector: `${canaryOfLabel}=${item.id.name}`}),
      ])
      const settled = live !== undefined && observed(live) && statusNumber(live, 'updatedReplicas') >= split.canary
      return {pods, desired: split.canary, settled}
    }
    const waited = yield* waitForBatch(ctx, at, probe)
    if (!waited.ok) return {...waited, record: withCanary}
    await ctx.cluster.patch(refOf(item.id), {spec: {replicas: split.stable}}, {type: 'merge', subresource: 'scale', fieldManager: ctx.fieldManager})
    return {ok: true, record: {...withCanary, batchesDone: k + 1}}
  }

  await applyWorkload(ctx, rendered)
  // A render without replicas leaves them to others, so the apply does not undo the batches' scale-down.
  if (typeof specOf(rendered).replicas !== 'number') {
    await ctx.cluster.patch(refOf(item.id), {spec: {replicas: desired}}, {type: 'merge', subresource: 'scale', fieldManager: ctx.fieldManager})
  }
  const selector = stableSelector(rendered)
  const probe = async (): Promise<BatchProbe> => {
    const [live, pods] = await Promise.all([ctx.cluster.get(refOf(item.id)), ctx.cluster.list('v1', 'Pod', {namespace: ns, labelSelector: selector})])
    const settled =
      live !== undefined &&
      observed(live) &&
      statusNumber(live, 'updatedReplicas') >= desired &&
      statusNumber(live, 'replicas') === statusNumber(live, 'updatedReplicas') &&
      statusNumber(live, 'availableReplicas') >= desired
    return {pods, desired, settled, updated: live && statusNumber(live, 'updatedReplicas')}
  }
  const waited = yield* waitForBatch(ctx, at, probe)
  if (!waited.ok) return {...waited, record}
  await ctx.cluster.delete(refOf(item.id, canaryName), {propagationPolicy: 'Background'})
  const done: WorkloadRecord = {...record, batchesDone: of}
  delete done.canaryName
  return {ok: true, record: done}
}

/**
 * Stable back to the previous template and replicas, waited for, THEN the canary deleted: the
 * canary's pods serve until the stable ones are back.
 */
export async function* abortCanary(ctx: BatchContext, record: WorkloadRecord): AsyncGenerator<RolloutEvent, void> {
  const prev = record.previous
  const replicas = replicasOf(prev)
  await ctx.cluster.patch(
    refOf(record.id),
    [
      {op: 'add', path: '/spec/template', value: specOf(prev).template ?? {}},
      {op: 'add', path: '/spec/replicas', value: replicas},
    ],
    {type: 'json', fieldManager: ctx.fieldManager},
  )
  const selector = stableSelector(prev)
  const probe = async (): Promise<BatchProbe> => {
    const [live, pods] = await Promise.all([ctx.cluster.get(refOf(record.id)), ctx.cluster.list('v1', 'Pod', {namespace: record.id.namespace, labelSelector: selector})])
    const settled = live !== undefined && observed(live) && statusNumber(live, 'updatedReplicas') >= replicas && statusNumber(live, 'replicas') === statusNumber(live, 'updatedReplicas')
    return {pods, desired: replicas, settled, updated: live && statusNumber(live, 'updatedReplicas')}
  }
  const waited = yield* waitForBatch(ctx, {id: record.id, batch: 0, of: record.shares.length, share: 0}, probe)
  if (!waited.ok && waited.interrupted) return
  if (!waited.ok) yield {type: 'warning', message: `${record.id.kind} ${record.id.namespace}/${record.id.name}: previous template not fully back (${waited.reason}); removing the canary anyway`}
  await ctx.cluster.delete(refOf(record.id, record.canaryName ?? canaryNameOf(record.id.name)), {propagationPolicy: 'Background'})
}
