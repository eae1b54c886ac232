// Workload batches: move an existing Deployment (canary) or StatefulSet (partition) to a new pod
// template one batch at a time, trip the breaker on pods that will not become Ready, and put the
// previous template back on abort. The executor owns the order, the pauses and the saved state;
// everything here is idempotent per batch, so a resumed rollout can repeat a batch safely.
import {BugError} from '../../model/errors.js'
import type {JsonObject} from '../../model/json.js'
import type {PlanItem, PlanObjectId, RolloutEvent, WorkloadRecord} from '../types.js'
import type {BatchContext, BatchOutcome} from './context.js'
import {runAnalysedBatch} from './analysed-batch.js'
import {abortCanary, runCanaryBatch} from './deployment-canary.js'
import {refOf, withoutServerFields} from './objects.js'
import {abortPartition, runPartitionBatch} from './statefulset-partition.js'
import {abortBlueGreen, runBlueGreen} from '../strategies/blue-green/run.js'

export type {BatchContext, BatchOutcome} from './context.js'
export {canaryNameOf, canaryOfLabel} from './context.js'
export {canaryDeployment, canarySplit} from './deployment-canary.js'
export {batchPartition} from './statefulset-partition.js'
export {isPodReady, podFailure, tallyPods} from './breaker.js'

export function startWorkloadRecord(item: PlanItem, live: JsonObject): WorkloadRecord {
  if (!item.batches) throw new BugError(`startWorkloadRecord: ${item.id.key} has no batches`)
  return {id: item.id, strategy: item.batches.strategy, previous: withoutServerFields(live), batchesDone: 0, shares: [...item.batches.shares]}
}

/** Moves the workload to batch record.batchesDone+1 (the last batch promotes: Deployment stable gets the new template and replicas, canary removed; StatefulSet partition 0) and waits until that batch's new pods are Ready. */
export function runNextBatch(ctx: BatchContext, item: PlanItem, record: WorkloadRecord): AsyncGenerator<RolloutEvent, BatchOutcome> {
  // Blue/green runs its analyses itself, against the new version only.
  if (record.strategy === 'blue-green') return runBlueGreen(ctx, item, record)
  const run = (c: BatchContext) => (record.strategy === 'canary' ? runCanaryBatch(c, item, record) : runPartitionBatch(c, item, record))
  if (!item.batches?.analyses?.length) return run(ctx)
  return runAnalysedBatch(ctx, item, record, run)
}

/** Back to record.previous's template everywhere; canary removed; partition reset; blue/green switched back. */
export function abortWorkload(ctx: BatchContext, record: WorkloadRecord): AsyncGenerator<RolloutEvent, void> {
  if (record.strategy === 'blue-green') return abortBlueGreen(ctx, record)
  return record.strategy === 'canary' ? abortCanary(ctx, record) : abortPartition(ctx, record)
}

/** Non-batched workload: put back its previous template (abort of a plan that changed it without batches). */
export async function restoreTemplate(ctx: BatchContext, id: PlanObjectId, previous: JsonObject): Promise<void> {
  const template = (previous.spec as JsonObject | undefined)?.template
  if (template === undefined) throw new BugError(`restoreTemplate: previous ${id.key} has no spec.template`)
  await ctx.cluster.patch(refOf(id), [{op: 'add', path: '/spec/template', value: template}], {type: 'json', fieldManager: ctx.fieldManager})
}
