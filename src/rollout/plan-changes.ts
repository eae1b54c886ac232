// How many objects a prepared apply would change: what `apply --plan` and `sync --dry-run` exit 1
// on (as `kubectl diff` does) and what sync and watch report.
import {describeId} from './plan.js'
import type {PreparedApply} from './run-apply.js'

/** The objects planChanges counts, as `Kind namespace/name`: what a drift report names. */
export function changedObjects(prepared: Pick<PreparedApply, 'plan' | 'prune'>): string[] {
  const out: string[] = []
  for (const step of prepared.plan.steps) for (const it of step.items) if (it.action === 'create' || it.action === 'update') out.push(`${describeId(it.id)} (${it.action === 'create' ? 'missing' : 'changed'})`)
  for (const it of prepared.prune.delete) out.push(`${describeId(it.id)} (extra)`)
  return out
}

/** Creates and updates in the plan, plus the deletions prune would make (protected members excluded). */
export function planChanges(prepared: Pick<PreparedApply, 'plan' | 'prune'>): number {
  let n = prepared.prune.delete.length
  for (const step of prepared.plan.steps) for (const it of step.items) if (it.action === 'create' || it.action === 'update') n++
  return n
}
