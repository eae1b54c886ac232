// Which inventory members a plan may delete. Pure: the executor asks before it changes anything,
// so a refused prune refuses the whole apply with the cluster untouched.
import {isObject} from '../model/json.js'
import {rolloutOfLabel} from '../cluster/state-store.js'
import {objectPolicy} from '../model/object-policy.js'
import {describeId} from './plan.js'
import {applySetLabels} from '../cluster/applyset.js'
import type {PlanItem, PlanObjectId, RolloutPlan} from './types.js'

export interface PruneSelection {
  delete: PlanItem[]
  protected: PlanObjectId[]
  /** Generated config still used by the app's ReplicaSets/ControllerRevisions (retention.ts): kept, not counted against the cap. */
  retained: PlanObjectId[]
  refused?: {count: number; cap: number; reason: string; hint: string}
}

/** kubectl's and strata's default: a quarter of the inventory, at least one object. */
export function defaultMaxDeletions(inventoryCount: number): number {
  return Math.max(1, Math.floor(inventoryCount / 4))
}

function metadataOf(item: PlanItem): {labels: Record<string, unknown>; annotations: Record<string, unknown>} {
  const md = item.object && isObject(item.object.metadata) ? item.object.metadata : {}
  return {labels: isObject(md.labels) ? md.labels : {}, annotations: isObject(md.annotations) ? md.annotations : {}}
}

/** strata.dev/prune: disabled, or Argo CD's or Flux's equivalent (object-policy.ts). */
function keptOnPrune(item: PlanItem): boolean {
  return item.object !== undefined && objectPolicy(item.object, describeId(item.id), 'live').keepOnPrune !== undefined
}

/** The inventory's own bookkeeping: the ApplySet parent and the rollout state. */
function isBookkeeping(item: PlanItem): boolean {
  if (item.id.kind !== 'Secret' || item.id.apiVersion !== 'v1') return false
  const {labels} = metadataOf(item)
  return applySetLabels.id in labels || rolloutOfLabel in labels || item.id.name.startsWith('strata-rollout-')
}

export function selectPrunable(plan: RolloutPlan, inventoryCount: number, options: {maxDeletions?: number; allowMassDelete: boolean; allowEmptyRender?: boolean; retained?: ReadonlySet<string>}): PruneSelection {
  const candidates: PlanItem[] = []
  let rendered = 0
  for (const step of plan.steps) {
    for (const item of step.items) {
      if (item.action === 'delete') candidates.push(item)
      else rendered++
    }
  }
  const toDelete: PlanItem[] = []
  const protectedIds: PlanObjectId[] = []
  const retainedIds: PlanObjectId[] = []
  for (const item of candidates) {
    if (isBookkeeping(item)) continue
    if (keptOnPrune(item)) protectedIds.push(item.id)
    else if (options.retained?.has(item.id.key)) retainedIds.push(item.id)
    else toDelete.push(item)
  }
  const selection: PruneSelection = {delete: toDelete, protected: protectedIds, retained: retainedIds}
  const cap = options.maxDeletions ?? defaultMaxDeletions(inventoryCount)
  if (rendered === 0 && toDelete.length > 0 && !options.allowEmptyRender) {
    selection.refused = {count: toDelete.length, cap, reason: `the render is empty: pruning would delete all ${toDelete.length} members of the inventory`, hint: `To remove the app and everything it owns, run \`strata delete\` instead.`}
  } else if (toDelete.length > cap && !options.allowMassDelete) {
    selection.refused = {count: toDelete.length, cap, reason: `prune would delete ${toDelete.length} objects, over the cap of ${cap} (--max-deletions; default 25% of the ${inventoryCount} members, at least 1)`, hint: 'Check that the render is the one you meant; raise the cap with --max-deletions N, or pass --allow-mass-delete.'}
  }
  return selection
}
