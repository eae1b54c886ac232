// Deletes pruned inventory members, one at a time in the plan's (reverse) order. Each object is
// re-read right before its delete: only one that still carries this app's part-of label is
// deleted, and the uid precondition makes the server refuse if it was replaced in between — so
// strata never deletes an object that is not a member of its own inventory.
import {isObject} from '../model/json.js'
import {applySetLabels} from '../cluster/applyset.js'
import {ClusterError} from '../cluster/errors.js'
import type {ClusterPort} from '../cluster/port.js'
import type {PlanItem, RolloutEvent} from './types.js'

export interface DeleteTally {
  deleted: number
  kept: number
  failed: number
}

export async function* deleteMembers(
  cluster: ClusterPort,
  items: readonly PlanItem[],
  applySetId: string,
  options: {concurrency?: number; signal?: AbortSignal} = {},
): AsyncGenerator<RolloutEvent, DeleteTally> {
  // Sequential on purpose (concurrency is accepted for the contract but order matters more:
  // a Namespace or CRD must go after what lives in it).
  const tally: DeleteTally = {deleted: 0, kept: 0, failed: 0}
  for (const item of items) {
    if (options.signal?.aborted) break
    const {id} = item
    const ref = {apiVersion: id.apiVersion, kind: id.kind, name: id.name, namespace: id.namespace || undefined}
    try {
      const live = await cluster.get(ref)
      if (!live) {
        tally.kept++
        yield {type: 'deleted', id, result: 'kept', reason: 'already gone'}
        continue
      }
      const md = isObject(live.metadata) ? live.metadata : {}
      const labels = isObject(md.labels) ? md.labels : {}
      const partOf = labels[applySetLabels.partOf]
      if (partOf !== applySetId) {
        tally.kept++
        yield {type: 'deleted', id, result: 'kept', reason: partOf === undefined ? `not labelled ${applySetLabels.partOf}: not a member of this app` : `a member of another ApplySet (${String(partOf)})`}
        continue
      }
      const uid = typeof md.uid === 'string' ? md.uid : undefined
      await cluster.delete(ref, {propagationPolicy: 'Background', ...(uid ? {preconditions: {uid}} : {})})
      tally.deleted++
      yield {type: 'deleted', id, result: 'deleted'}
    } catch (e) {
      if (e instanceof ClusterError && e.status === 409) {
        tally.kept++
        yield {type: 'deleted', id, result: 'kept', reason: 'replaced by another object since it was read'}
        continue
      }
      if (!(e instanceof ClusterError)) throw e
      tally.failed++
      yield {type: 'deleted', id, result: 'failed', reason: e.forbidden ? `delete forbidden: ${e.message} (it stays in the inventory; the next apply retries)` : `${e.message} (it stays in the inventory; the next apply retries)`}
    }
  }
  return tally
}
