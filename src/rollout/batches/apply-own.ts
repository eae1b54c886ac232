// Server-side apply of a batched workload — the one way a rollout writes a member by apply.
// Server-side apply drops every field the manager applied before and leaves out now, so each
// write carries the object as the apply owns it: the rendered labels and annotations plus the
// ApplySet part-of label (without it, the workload leaves the inventory: `diff` reports a change
// and prune never deletes it). Patches (scale, abort's template) are updates, which drop nothing.
//
// Batches move replicas through the `scale`
// subresource under strata's own field manager name; the API server records that as a different
// manager (operation Update, subresource scale) than strata's apply, so the promoting apply would
// conflict with strata itself on `.spec.replicas`. That one conflict, and only it, is taken over
// (forced); a conflict with anyone else still fails unless --force-conflicts.
import {withPartOfLabel} from '../../cluster/applyset.js'
import {ClusterError} from '../../cluster/errors.js'
import type {JsonObject} from '../../model/json.js'
import type {BatchContext} from './context.js'

export async function applyWorkload(ctx: BatchContext, rendered: JsonObject): Promise<JsonObject> {
  const obj = withPartOfLabel(rendered, ctx.applySetId)
  try {
    return await ctx.cluster.apply(obj, {dryRun: false, force: ctx.forceConflicts, fieldManager: ctx.fieldManager})
  } catch (err) {
    if (!(err instanceof ClusterError) || err.status !== 409 || !onlyOwnReplicasConflict(err.message, ctx.fieldManager)) throw err
    return ctx.cluster.apply(obj, {dryRun: false, force: true, fieldManager: ctx.fieldManager})
  }
}

/** `Apply failed with 1 conflict: conflict with "strata" with subresource "scale" using apps/v1: .spec.replicas` */
export function onlyOwnReplicasConflict(message: string, fieldManager: string): boolean {
  const managers = [...message.matchAll(/conflicts? with "([^"]*)"/g)].map((m) => m[1])
  const fields = [...message.matchAll(/(?:^|[\s:])(\.[A-Za-z][^\s]*)/g)].map((m) => m[1])
  return managers.length > 0 && fields.length > 0 && managers.every((m) => m === fieldManager) && fields.every((f) => f === '.spec.replicas')
}
