// `strata delete NAME`: an app's members are removed as apply prunes them — the same plan step
// (reverse apply order: workloads before config, Namespaces and CRDs last), the same protection
// (strata.dev/prune: disabled) and the same deleter (re-read, part-of label check, uid
// precondition). What delete adds: it waits for each group of objects to be gone (finalizers) before
// the next group, under one deadline; and only when every member is gone does it remove the rollout
// state and then the inventory, so a delete cut short can be run again and finishes the job.
// Nothing here prints.
import {applySetId, applySetParent, parentRef, readApplySet} from '../cluster/applyset.js'
import type {ClusterPort} from '../cluster/port.js'
import {RolloutStateStore, startHeartbeat} from '../cluster/state-store.js'
import {UserError} from '../model/errors.js'
import {isObject, type JsonObject} from '../model/json.js'
import {objectPolicy} from '../model/object-policy.js'
import {splitApiVersion} from '../model/resource.js'
import {deleteMembers} from '../rollout/delete-members.js'
import {categoryOf, categoryRank} from '../rollout/order.js'
import {buildPlan, describeId, planObjectId} from '../rollout/plan.js'
import {selectPrunable} from '../rollout/prune.js'
import type {PlanItem, PlanObjectId, RolloutHolder} from '../rollout/types.js'

export interface AppDeletion {
  app: string
  namespace: string
  /** Members to delete, in the order they go. */
  items: PlanItem[]
  /** Members marked strata.dev/prune: disabled (or Argo CD's Prune=false, Flux's prune: disabled). */
  protected: PlanObjectId[]
  /** Members Argo CD's `sync-options: Delete=false` keeps when the app goes, and the annotation. */
  retained: {id: PlanObjectId; by: string}[]
  inventoryFound: boolean
  stateFound: boolean
}

/** What `delete` would do; reads only. Refuses (UserError) an app with neither inventory nor state. */
export async function planAppDeletion(cluster: ClusterPort, app: string, namespace: string): Promise<AppDeletion> {
  const inventory = await readApplySet(cluster, applySetParent(app, namespace))
  const stateFound = (await cluster.get({apiVersion: 'v1', kind: 'Secret', name: new RolloutStateStore(cluster, app, namespace).name, namespace})) !== undefined
  if (!inventory.found && !stateFound) {
    throw new UserError(`no app '${app}' in namespace ${namespace} (no Secret applyset-${app} and no rollout state)`, {field: 'NAME'}, 'Check the name and pass the namespace of its inventory with -n; `strata list` shows every app.')
  }
  const deletions: {id: PlanObjectId; live: JsonObject}[] = []
  const retained: AppDeletion['retained'] = []
  for (const live of inventory.members) {
    const id = planObjectId(live)
    const keep = objectPolicy(live, describeId(id), 'live').keepOnDelete
    if (keep) retained.push({id, by: keep.by})
    else deletions.push({id, live})
  }
  const plan = buildPlan({app, namespace, objects: [], deletions})
  const selection = selectPrunable(plan, deletions.length, {allowMassDelete: true, allowEmptyRender: true})
  return {app, namespace, items: selection.delete, protected: selection.protected, retained, inventoryFound: inventory.found, stateFound}
}

export type DeleteAppEvent =
  | {type: 'deleted'; id: PlanObjectId; result: 'deleted' | 'kept' | 'failed'; reason?: string}
  | {type: 'waiting'; ids: PlanObjectId[]; finalizers: string[]}
  | {type: 'gone'; id: PlanObjectId}
  | {type: 'inventory-deleted'; app: string; namespace: string}

export interface DeleteAppResult {
  deleted: number
  kept: number
  protected: number
  /** Left in place by Argo CD's Delete=false. */
  retained: number
}

export interface DeleteAppDeps {
  cluster: ClusterPort
  holder: RolloutHolder
  now: () => number
  sleep: (ms: number) => Promise<void>
  signal?: AbortSignal
}

/** Consecutive items of one kind bucket: each bucket is gone before the next one is deleted. */
function groupsInOrder(items: readonly PlanItem[]): PlanItem[][] {
  const groups: PlanItem[][] = []
  let rank: number | undefined
  for (const item of items) {
    const r = categoryRank(categoryOf(splitApiVersion(item.id.apiVersion).group, item.id.kind))
    if (r !== rank) groups.push([])
    rank = r
    groups[groups.length - 1].push(item)
  }
  return groups
}

function finalizersOf(obj: JsonObject): string[] {
  const md = isObject(obj.metadata) ? obj.metadata : {}
  return Array.isArray(md.finalizers) ? md.finalizers.map(String) : []
}

/** Protected members refuse the whole delete (before any question or write) unless `force`. */
export function refuseProtected(deletion: AppDeletion, force: boolean): void {
  if (deletion.protected.length === 0 || force) return
  throw new UserError(
    `refusing to delete ${deletion.app}: ${deletion.protected.length} of its objects are protected by strata.dev/prune: disabled (${deletion.protected.map(describeId).join(', ')})`,
    {field: 'strata.dev/prune'},
    'Nothing was deleted. Pass --force to delete everything else and leave those objects in place (no longer managed), or remove the annotation first.',
  )
}

/**
 * Deletes what `planAppDeletion` found. Protected members stop it before anything is deleted unless
 * `force` (then they stay, unmanaged). Holds the rollout state as a lock meanwhile, so no apply of
 * the app runs during the delete.
 */
export async function* deleteApp(
  deletion: AppDeletion,
  deps: DeleteAppDeps,
  options: {force: boolean; timeoutMs: number; pollMs?: number},
): AsyncGenerator<DeleteAppEvent, DeleteAppResult> {
  const {cluster} = deps
  refuseProtected(deletion, options.force)
  const store = new RolloutStateStore(cluster, deletion.app, deletion.namespace)
  const taken = await store.acquire(deps.holder, {replacePaused: true, resume: true, now: deps.now})
  const hb = taken ? startHeartbeat(store, taken, {now: deps.now}) : undefined
  const deadline = deps.now() + options.timeoutMs
  const pollMs = options.pollMs ?? 500
  const id = applySetId(applySetParent(deletion.app, deletion.namespace))
  const result: DeleteAppResult = {deleted: 0, kept: 0, protected: deletion.protected.length, retained: deletion.retained.length}
  let finished = false
  try {
    for (const group of groupsInOrder(deletion.items)) {
      const deleted: PlanObjectId[] = []
      let failed = 0
      for await (const e of deleteMembers(cluster, group, id, {signal: deps.signal})) {
        if (e.type !== 'deleted') continue
        if (e.result === 'deleted') deleted.push(e.id)
        else if (e.result === 'kept') result.kept++
        else failed++
        yield e
      }
      result.deleted += deleted.length
      if (failed > 0) {
        throw new UserError(`${failed} objects of ${deletion.app} could not be deleted (see above)`, {field: 'NAME'}, 'The inventory is kept: fix the cause and run `strata delete` again; it goes on with what is left.')
      }
      yield* waitGone(cluster, deleted, deadline, pollMs, deps, options.timeoutMs)
    }
    if (hb) await hb.stop()
    // State first, inventory last: a delete cut short here is still found (and finished) by the next one.
    await store.clear()
    await cluster.delete(parentRef(applySetParent(deletion.app, deletion.namespace)))
    finished = true
    yield {type: 'inventory-deleted', app: deletion.app, namespace: deletion.namespace}
    return result
  } finally {
    if (!finished && hb) {
      await hb.stop()
      // Give the state back as it was (no holder), so the next apply or delete needs no takeover.
      const current = hb.current()
      await store.save({...current.state, holder: undefined}, current.resourceVersion).catch(() => undefined)
    }
  }
}

async function* waitGone(cluster: ClusterPort, ids: PlanObjectId[], deadline: number, pollMs: number, deps: DeleteAppDeps, timeoutMs: number): AsyncGenerator<DeleteAppEvent> {
  let left = ids
  let announced = false
  while (left.length > 0) {
    const still: {id: PlanObjectId; obj: JsonObject}[] = []
    for (const id of left) {
      const obj = await cluster.get({apiVersion: id.apiVersion, kind: id.kind, name: id.name, namespace: id.namespace || undefined})
      if (obj) still.push({id, obj})
      else yield {type: 'gone', id}
    }
    left = still.map((s) => s.id)
    if (left.length === 0) return
    const finalizers = [...new Set(still.flatMap((s) => finalizersOf(s.obj)))]
    if (!announced) {
      announced = true
      yield {type: 'waiting', ids: left, finalizers}
    }
    if (deps.now() >= deadline || deps.signal?.aborted) {
      const names = still.map((s) => `${describeId(s.id)}${finalizersOf(s.obj).length ? ` (finalizers: ${finalizersOf(s.obj).join(', ')})` : ''}`)
      throw new UserError(
        `${left.length} objects of the app are still being deleted after ${Math.round(timeoutMs / 1000)} s: ${names.join('; ')}`,
        {field: '--timeout'},
        'The inventory is kept: once whatever owns those finalizers has finished, run `strata delete` again (or raise --timeout).',
      )
    }
    await deps.sleep(pollMs)
  }
}
