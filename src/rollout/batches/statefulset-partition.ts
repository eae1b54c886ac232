// StatefulSet batches by partition: batch k applies the rendered object with
// updateStrategy.rollingUpdate.partition = N − replicasForShare(N, share), so the controller moves
// the highest ordinals first; the batch is done when every pod at or above the partition runs the
// update revision and is Ready. The last batch applies the rendered object as written: a partition
// the user set stays, strata's own one is dropped (the field is strata's alone, so the server
// resets it to its default, 0).
import {BugError} from '../../model/errors.js'
import {cloneJson, isObject, type JsonObject} from '../../model/json.js'
import type {PlanItem, RolloutEvent, WorkloadRecord} from '../types.js'
import {isPodReady, isTerminating} from './breaker.js'
import type {BatchContext, BatchOutcome} from './context.js'
import {applyWorkload} from './apply-own.js'
import {desiredReplicas, observed, refOf, replicasOf, selectorString, specOf} from './objects.js'
import {replicasForShare} from '../batch-spec.js'
import {waitForBatch, type BatchProbe} from './wait-batch.js'

const revisionLabel = 'controller-revision-hash'

export function partitionOf(obj: JsonObject): number {
  const strategy = specOf(obj).updateStrategy
  const rolling = isObject(strategy) && isObject(strategy.rollingUpdate) ? strategy.rollingUpdate : {}
  return typeof rolling.partition === 'number' ? rolling.partition : 0
}

/** The partition batch k (0-based) of `shares` sets; the last batch keeps the user's own. */
export function batchPartition(desired: number, shares: readonly number[], k: number, userPartition: number): number {
  if (k >= shares.length - 1) return userPartition
  return Math.max(userPartition, desired - replicasForShare(desired, shares[k]))
}

export function withPartition(rendered: JsonObject, partition: number): JsonObject {
  const obj = cloneJson(rendered)
  const spec: JsonObject = isObject(obj.spec) ? obj.spec : (obj.spec = {})
  const strategy: JsonObject = isObject(spec.updateStrategy) ? spec.updateStrategy : (spec.updateStrategy = {})
  strategy.type = 'RollingUpdate'
  strategy.rollingUpdate = {...(isObject(strategy.rollingUpdate) ? strategy.rollingUpdate : {}), partition}
  return obj
}

function ordinalOf(pod: JsonObject, setName: string): number {
  const name = isObject(pod.metadata) ? String(pod.metadata.name) : ''
  const n = name.startsWith(`${setName}-`) ? Number(name.slice(setName.length + 1)) : NaN
  return Number.isInteger(n) ? n : -1
}

function revisionOf(pod: JsonObject): string | undefined {
  const labels = isObject(pod.metadata) && isObject(pod.metadata.labels) ? pod.metadata.labels : {}
  return typeof labels[revisionLabel] === 'string' ? labels[revisionLabel] : undefined
}

function updateRevision(live: JsonObject | undefined): string | undefined {
  const rev = live && isObject(live.status) ? live.status.updateRevision : undefined
  return typeof rev === 'string' ? rev : undefined
}

/** Probe for "pods with ordinal ≥ partition run the update revision and are Ready". */
function partitionProbe(ctx: BatchContext, obj: JsonObject, replicas: number, id: PlanItem['id'], partition: number, onPods?: (pods: JsonObject[], rev: string) => Promise<void>) {
  const selector = selectorString(isObject(specOf(obj).selector) ? (specOf(obj).selector as JsonObject) : undefined, `StatefulSet ${id.name}`)
  const desired = Math.max(0, replicas - partition)
  return async (): Promise<BatchProbe> => {
    const [live, all] = await Promise.all([ctx.cluster.get(refOf(id)), ctx.cluster.list('v1', 'Pod', {namespace: id.namespace, labelSelector: selector})])
    const rev = live && observed(live) ? updateRevision(live) : undefined
    if (!rev) return {pods: [], desired, settled: false}
    const mine = all.filter((p) => ordinalOf(p, id.name) >= partition)
    if (onPods) await onPods(mine, rev)
    return {pods: mine.filter((p) => revisionOf(p) === rev), desired, settled: true}
  }
}

export async function* runPartitionBatch(ctx: BatchContext, item: PlanItem, record: WorkloadRecord): AsyncGenerator<RolloutEvent, BatchOutcome> {
  const rendered = item.object
  if (!rendered) throw new BugError(`batched item ${item.id.key} has no object`)
  const k = record.batchesDone
  const of = record.shares.length
  if (k >= of) return {ok: true, record}
  const desired = desiredReplicas(rendered, record.previous)
  const partition = batchPartition(desired, record.shares, k, partitionOf(rendered))
  await applyWorkload(ctx, k < of - 1 ? withPartition(rendered, partition) : rendered)
  const waited = yield* waitForBatch(ctx, {id: item.id, batch: k + 1, of, share: record.shares[k]}, partitionProbe(ctx, rendered, desired, item.id, partition))
  if (!waited.ok) return {...waited, record}
  return {ok: true, record: {...record, batchesDone: k + 1}}
}

/**
 * Previous template and update strategy (its partition) back. The controller rolls a pod back
 * only after the pod above it is Ready, so a pod broken by the new template would block it for
 * ever ("forced rollback" in the StatefulSet docs): unready pods still on another revision are
 * deleted, once each, and come back on the previous one.
 */
export async function* abortPartition(ctx: BatchContext, record: WorkloadRecord): AsyncGenerator<RolloutEvent, void> {
  const prev = record.previous
  const prevSpec = specOf(prev)
  const ops: JsonObject[] = [
    {op: 'add', path: '/spec/template', value: prevSpec.template ?? {}},
    {op: 'add', path: '/spec/replicas', value: replicasOf(prev)},
  ]
  if (isObject(prevSpec.updateStrategy)) ops.push({op: 'add', path: '/spec/updateStrategy', value: prevSpec.updateStrategy})
  await ctx.cluster.patch(refOf(record.id), ops, {type: 'json', fieldManager: ctx.fieldManager})
  const deleted = new Set<string>()
  const unblock = async (pods: JsonObject[], rev: string): Promise<void> => {
    for (const pod of pods) {
      const meta = isObject(pod.metadata) ? pod.metadata : {}
      const uid = String(meta.uid ?? '')
      if (revisionOf(pod) === rev || isPodReady(pod) || isTerminating(pod) || deleted.has(uid)) continue
      deleted.add(uid)
      await ctx.cluster.delete({apiVersion: 'v1', kind: 'Pod', namespace: record.id.namespace, name: String(meta.name)}, {preconditions: {uid}})
    }
  }
  const probe = partitionProbe(ctx, prev, replicasOf(prev), record.id, partitionOf(prev), unblock)
  const waited = yield* waitForBatch(ctx, {id: record.id, batch: 0, of: record.shares.length, share: 0}, probe)
  if (!waited.ok && !waited.interrupted) {
    yield {type: 'warning', message: `${record.id.kind} ${record.id.namespace}/${record.id.name}: previous revision not fully back (${waited.reason})`}
  }
}
