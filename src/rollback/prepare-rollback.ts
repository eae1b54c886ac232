// `strata rollback NAME --to SHA`: the render of an earlier commit of the app's own source — the
// repository and path sync or watch recorded on the app's ApplySet parent — planned against the
// cluster, ready for apply's runner. The pin (src/reconcile/source-commit.ts) is what makes the rollback stick:
// a watch on the app keeps the pinned commit (and heals drift to it) and reports newer commits as
// pending until `strata rollback NAME --unpin`.
import type {ClusterPort} from '../cluster/port.js'
import {UserError} from '../model/errors.js'
import {prepareFromRepo} from '../rollout/prepare-from-repo.js'
import type {ApplyRequest, PreparedApply} from '../rollout/run-apply.js'
import type {GitCache} from '../source/git-cache.js'
import {readSourceRecord, writePin, type SourceRecord} from '../reconcile/source-commit.js'

export interface PreparedRollback {
  prepared: PreparedApply
  record: SourceRecord
  /** The full SHA `--to` names. */
  commit: string
}

/** Reads the recorded source, checks out `to` and plans its render; pins the app once the plan stands. */
export async function prepareRollback(cluster: ClusterPort, gitCache: GitCache, app: string, namespace: string, to: string, request: Omit<ApplyRequest, 'dir' | 'name' | 'source'>): Promise<PreparedRollback> {
  const record = await sourceOf(cluster, app, namespace)
  const tree = await gitCache.checkoutTree(record.repo, to)
  const prepared = await prepareFromRepo(cluster, tree, {repo: record.repo, path: record.path}, {...request, name: app})
  // Pinned before anything is applied: a watch that runs meanwhile must not move the app back to the head.
  await writePin(cluster, app, prepared.namespace, tree.commit)
  return {prepared, record, commit: tree.commit}
}

/** Removes the pin; the previous pin (undefined when there was none). */
export async function unpin(cluster: ClusterPort, app: string, namespace: string): Promise<string | undefined> {
  const record = await sourceOf(cluster, app, namespace)
  if (record.pinned !== undefined) await writePin(cluster, app, namespace, null)
  return record.pinned
}

async function sourceOf(cluster: ClusterPort, app: string, namespace: string): Promise<SourceRecord> {
  const record = await readSourceRecord(cluster, app, namespace)
  if (!record || !record.repo) {
    throw new UserError(
      `app '${app}' in namespace ${namespace} has no recorded git source`,
      {field: 'NAME'},
      'Rollback needs an app applied by `strata sync` or `strata watch` (they record the repository, path and commit on the Secret applyset-NAME); pass the namespace of that Secret with -n.',
    )
  }
  return record
}
