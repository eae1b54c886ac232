// How many objects a prepared apply would change: what `apply --plan` and `sync --dry-run` exit 1
// on (as `kubectl diff` does) and what sync and watch report.
import type {PreparedApply} from './run-apply.js'

/** Creates and updates in the plan, plus the deletions prune would make (protected members excluded). */
export function planChanges(prepared: Pick<PreparedApply, 'plan' | 'prune'>): number {
  let n = prepared.prune.delete.length
  for (const step of prepared.plan.steps) for (const it of step.items) if (it.action === 'create' || it.action === 'update') n++
  return n
}
