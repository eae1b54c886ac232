// The check every end-to-end rollout scenario ends with: the workload is still a member of the
// app's inventory after strata's own writes (batches, promotion, partition reset, abort). Seen as a
// user sees it: `strata diff` of the tree the cluster should now match exits 0, and an apply of the
// tree without the workload prunes it (a workload that lost its ApplySet label would be orphaned).
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {rewriteTree, strata} from './cli.js'
import {waitFor} from './cluster.js'

function kubectl(kubeconfig: string, ...args: string[]) {
  const r = spawnSync('kubectl', ['--kubeconfig', kubeconfig, ...args], {encoding: 'utf8'})
  return {code: r.status, stdout: r.stdout, stderr: r.stderr}
}

export interface Workload {
  kind: 'Deployment' | 'StatefulSet'
  name: string
  namespace: string
}

/** `strata diff DIR` reports nothing to change, and the workload carries the app's part-of label. */
export function assertNoDrift(kubeconfig: string, dir: string, w: Workload): void {
  const d = strata(kubeconfig, 'diff', dir)
  assert.equal(d.code, 0, `strata diff after the rollout should find nothing:\n${d.all}`)
  const partOf = kubectl(kubeconfig, 'get', w.kind.toLowerCase(), w.name, '-n', w.namespace, '-o', 'jsonpath={.metadata.labels.applyset\\.kubernetes\\.io/part-of}')
  assert.match(partOf.stdout, /^applyset-.+-v1$/, `${w.kind} ${w.name} lost its ApplySet label`)
}

/** Applies `files` (the tree without the workload) to DIR and waits until the workload is gone. */
export async function assertPrunedWhenRemoved(kubeconfig: string, dir: string, files: Record<string, string>, w: Workload): Promise<void> {
  rewriteTree(dir, files)
  const r = strata(kubeconfig, 'apply', dir)
  assert.equal(r.code, 0, r.all)
  await waitFor(`${w.kind} ${w.namespace}/${w.name} pruned`, async () => {
    const got = kubectl(kubeconfig, 'get', w.kind.toLowerCase(), w.name, '-n', w.namespace, '-o', 'jsonpath={.metadata.deletionTimestamp}')
    return got.code !== 0 || got.stdout !== ''
  }, {timeoutMs: 30_000})
}
