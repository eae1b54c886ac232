// Which commit of which repository an app was last synced from, kept on the app's ApplySet parent
// Secret (annotations beside kubectl's applyset.kubernetes.io ones), so a restarted watch — or a
// sync from another CI job — can tell drift on the same commit from a new commit.
import {applySetParent} from '../cluster/applyset.js'
import {ClusterError} from '../cluster/errors.js'
import type {ClusterPort} from '../cluster/port.js'
import {isObject} from '../model/json.js'
import {redactUrls} from '../source/git-safety.js'

export const sourceAnnotations = {
  commit: 'strata.dev/source-commit',
  repo: 'strata.dev/source-repo',
  path: 'strata.dev/source-path',
  /** Set by `strata rollback --to`: watch keeps the app on this commit until `rollback --unpin`. */
  pinned: 'strata.dev/pinned-commit',
} as const

export interface SourceRecord {
  commit: string
  repo: string
  path: string
  /** The commit `strata rollback` pinned the app to, if any. */
  pinned?: string
}

const parentRef = (app: string, namespace: string) => ({apiVersion: 'v1', kind: 'Secret', name: applySetParent(app, namespace).name, namespace})

export async function readSourceRecord(cluster: ClusterPort, app: string, namespace: string): Promise<SourceRecord | undefined> {
  const live = await cluster.get(parentRef(app, namespace))
  const md = live && isObject(live.metadata) ? live.metadata : undefined
  const a = md && isObject(md.annotations) ? md.annotations : undefined
  const commit = a?.[sourceAnnotations.commit]
  if (typeof commit !== 'string' || commit === '') return undefined
  const pinned = a?.[sourceAnnotations.pinned]
  return {commit, repo: String(a?.[sourceAnnotations.repo] ?? ''), path: String(a?.[sourceAnnotations.path] ?? ''), ...(typeof pinned === 'string' && pinned !== '' && {pinned})}
}

/** Pins the app to `commit`, or (null) removes the pin. False when there is no parent. */
export async function writePin(cluster: ClusterPort, app: string, namespace: string, commit: string | null): Promise<boolean> {
  try {
    await cluster.patch(parentRef(app, namespace), {metadata: {annotations: {[sourceAnnotations.pinned]: commit}}}, {type: 'merge', fieldManager: 'strata'})
    return true
  } catch (e) {
    if (e instanceof ClusterError && e.notFound) return false
    throw e
  }
}

/**
 * After a successful sync. A merge patch leaves kubectl's ApplySet annotations alone, and strata's
 * own parent writes (read-modify-PUT of the applyset ones) keep these. The repository is recorded
 * without credentials. False when there is no parent (an app that never applied anything).
 */
export async function writeSourceRecord(cluster: ClusterPort, app: string, namespace: string, record: Omit<SourceRecord, 'pinned'>): Promise<boolean> {
  const annotations = {[sourceAnnotations.commit]: record.commit, [sourceAnnotations.repo]: redactUrls(record.repo), [sourceAnnotations.path]: record.path}
  try {
    await cluster.patch(parentRef(app, namespace), {metadata: {annotations}}, {type: 'merge', fieldManager: 'strata'})
    return true
  } catch (e) {
    if (e instanceof ClusterError && e.notFound) return false
    throw e
  }
}
