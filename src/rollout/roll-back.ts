// What `rollout abort` undoes, shared by the command and by a holder that honours a stop request:
// every batched workload back to its previous template (canary removed, partition reset), every
// plain workload the plan changed back to its previous pod template. Other objects stay as applied.
import type {BatchContext} from './batches/index.js'
import {abortWorkload, restoreTemplate} from './batches/index.js'
import type {PlanObjectId, RolloutEvent, RolloutPlan, RolloutState} from './types.js'

/** The workloads rollBack restores, in its order. */
export function rollBackTargets(state: RolloutState): PlanObjectId[] {
  const ids = idsByKey(state.plan)
  const plain = Object.keys(state.previousTemplates).flatMap((key) => ids.get(key) ?? [])
  return [...Object.values(state.workloads).map((w) => w.id), ...plain]
}

export async function* rollBack(ctx: BatchContext, state: RolloutState): AsyncGenerator<RolloutEvent, PlanObjectId[]> {
  const ids = idsByKey(state.plan)
  const restored: PlanObjectId[] = []
  for (const record of Object.values(state.workloads)) {
    yield* abortWorkload(ctx, record)
    restored.push(record.id)
  }
  for (const [key, previous] of Object.entries(state.previousTemplates)) {
    const id = ids.get(key)
    if (!id) continue
    await restoreTemplate(ctx, id, {spec: {template: previous}})
    restored.push(id)
  }
  return restored
}

function idsByKey(plan: RolloutPlan): Map<string, PlanObjectId> {
  const m = new Map<string, PlanObjectId>()
  for (const s of plan.steps) for (const it of s.items) m.set(it.id.key, it.id)
  return m
}
