// The one waiting loop of a batch: poll the batch's new pods until the batch is done, yielding a
// `batch` event whenever the counts move; the breaker trips on a timeout or on too many crashed
// pods; an abort signal stops it between polls.
import type {JsonObject} from '../../model/json.js'
import type {PlanObjectId, RolloutEvent} from '../types.js'
import {tallyPods} from './breaker.js'
import {clockOf, type BatchContext} from './context.js'

export interface BatchProbe {
  /** The batch's new-template pods (any readiness). */
  pods: JsonObject[]
  /** How many new-template pods this batch wants Ready. */
  desired: number
  /** The controller's side is settled too (observedGeneration, counts), not only the pods. */
  settled: boolean
  /** New-template pods when the pod list cannot tell (a Deployment rolling its own pods): the controller's count. */
  updated?: number
}

export type WaitResult = {ok: true} | {ok: false; reason: string; breaker: boolean; interrupted: boolean}

export interface BatchPosition {
  id: PlanObjectId
  batch: number
  of: number
  share: number
}

export async function* waitForBatch(ctx: BatchContext, at: BatchPosition, probe: () => Promise<BatchProbe>, timeoutMs = ctx.batchTimeoutMs): AsyncGenerator<RolloutEvent, WaitResult> {
  const {now, sleep, pollMs} = clockOf(ctx)
  const started = now()
  let last = ''
  for (;;) {
    if (ctx.signal?.aborted) return {ok: false, reason: 'interrupted', breaker: false, interrupted: true}
    const p = await probe()
    const tally = tallyPods(p.pods)
    if (p.updated !== undefined) tally.updated = p.updated
    const counts = `${tally.updated}/${tally.ready}/${p.desired}`
    if (counts !== last) {
      last = counts
      yield {type: 'batch', ...at, updated: tally.updated, ready: tally.ready, desired: p.desired}
    }
    if (p.settled && tally.ready >= p.desired) return {ok: true}
    if (tally.failed.length > ctx.maxFailedPods) {
      return {ok: false, breaker: true, interrupted: false, reason: `${tally.failed.length} new pod(s) failed (more than --max-failed-pods ${ctx.maxFailedPods}): ${tally.failed.slice(0, 5).join('; ')}`}
    }
    if (now() - started >= timeoutMs) {
      const failed = tally.failed.length ? `; failed: ${tally.failed.slice(0, 5).join('; ')}` : ''
      const waiting = tally.notReady.length ? `; not ready: ${tally.notReady.slice(0, 5).join('; ')}` : ''
      return {ok: false, breaker: true, interrupted: false, reason: `${tally.ready}/${p.desired} new pod(s) Ready after ${Math.round(timeoutMs / 1000)} s (--batch-timeout)${failed}${waiting}`}
    }
    await sleep(pollMs)
  }
}
