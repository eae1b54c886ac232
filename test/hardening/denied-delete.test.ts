// Promise 10's last case, without a cluster: a prune whose delete is denied (403, or an admission
// webhook) keeps the object in the inventory, reports it, and the next apply deletes it.
import assert from 'node:assert/strict'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {test} from 'node:test'
import {applySetParent, readApplySet} from '../../src/cluster/applyset.js'
import {ClusterError} from '../../src/cluster/errors.js'
import {prepareApply, processHolder, runApply, type RunDeps, type RunOptions} from '../../src/rollout/run-apply.js'
import {drainRollout} from '../unit/helpers/drain-rollout.js'
import {MemoryCluster} from '../unit/helpers/memory-cluster.js'

const options: RunOptions = {forceConflicts: false, concurrency: 4, stepTimeoutMs: 2_000, batchTimeoutMs: 2_000, maxFailedPods: 0, autoAbort: true, pollMs: 1}

function tree(dir: string, names: string[]): string {
  fs.rmSync(dir, {recursive: true, force: true})
  fs.mkdirSync(dir, {recursive: true})
  fs.writeFileSync(path.join(dir, 'kustomization.yaml'), 'resources:\n- cms.yaml\n')
  fs.writeFileSync(path.join(dir, 'cms.yaml'), names.map((n) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${n}\n  namespace: shop\ndata:\n  k: v\n`).join('---\n'))
  return dir
}

test('a denied delete stays in the inventory, is reported, and is retried by the next apply', async () => {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'strata-denied-')), 'shop')
  const cluster = new MemoryCluster()
  let t = Date.parse('2026-01-01T00:00:00Z')
  const now = () => (t += 10)
  const deps: RunDeps = {cluster, now, sleep: async () => undefined, signal: new AbortController().signal, holder: processHolder(now(), os.hostname(), process.pid), heartbeatMs: 60_000}
  const apply = async (names: string[], extra = {}) => drainRollout(runApply(await prepareApply(cluster, {dir: tree(dir, names), loadRestrictor: 'rootOnly', concurrency: 4, plan: {}, allowMassDelete: false, maxDeletions: 10, ...extra}), deps, {...options, replacePaused: false}))
  const members = async () => (await readApplySet(cluster, applySetParent('shop', 'shop'))).members.map((m) => (m.metadata as {name: string}).name).sort()

  await apply(['a', 'b', 'c'])
  assert.deepEqual(await members(), ['a', 'b', 'c'])

  cluster.failWith = (c) => (c.verb === 'delete' && c.name === 'c' ? new ClusterError(403, 'Forbidden', 'admission webhook "guard" denied the request: c is protected') : undefined)
  const denied = await apply(['a'])
  const report = denied.events.filter((e) => e.type === 'deleted')
  assert.ok(report.some((e) => e.type === 'deleted' && e.id.name === 'c' && e.result === 'failed' && /forbidden[^]*stays in the inventory/.test(e.reason ?? '')), JSON.stringify(report))
  assert.equal(cluster.peek('v1', 'ConfigMap', 'b', 'shop'), undefined, 'the allowed delete went through')
  assert.ok(cluster.peek('v1', 'ConfigMap', 'c', 'shop'), 'the denied object is still there')
  assert.deepEqual(await members(), ['a', 'c'], 'and still a member, so nothing is orphaned')

  cluster.failWith = undefined
  await apply(['a'])
  assert.equal(cluster.peek('v1', 'ConfigMap', 'c', 'shop'), undefined, 'the next apply deletes it')
  assert.deepEqual(await members(), ['a'])
})
