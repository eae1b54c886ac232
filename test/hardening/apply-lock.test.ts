// Promise 7 without a cluster: two applies of one app racing on the first write of the rollout
// state (the lock) — one proceeds, the other is refused with a UserError naming the holder, never
// an internal error and never both.
import assert from 'node:assert/strict'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {test} from 'node:test'
import {UserError} from '../../src/model/errors.js'
import {prepareApply, processHolder, runApply, type RunDeps, type RunOptions} from '../../src/rollout/run-apply.js'
import type {RolloutEvent, RolloutState} from '../../src/rollout/types.js'
import {MemoryCluster} from '../unit/helpers/memory-cluster.js'

const options: RunOptions = {forceConflicts: false, concurrency: 4, stepTimeoutMs: 2_000, batchTimeoutMs: 2_000, maxFailedPods: 0, autoAbort: true, pollMs: 1}

async function drain(gen: AsyncGenerator<RolloutEvent, RolloutState>): Promise<RolloutState> {
  let r = await gen.next()
  while (!r.done) r = await gen.next()
  return r.value
}

test('two applies racing on the state lock: exactly one runs, the other is a UserError naming the holder', async () => {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'strata-lock-')), 'shop')
  fs.mkdirSync(dir)
  fs.writeFileSync(path.join(dir, 'kustomization.yaml'), 'resources:\n- cm.yaml\n')
  fs.writeFileSync(path.join(dir, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: shop\ndata:\n  k: v\n')
  const cluster = new MemoryCluster()
  const prepared = await prepareApply(cluster, {dir, loadRestrictor: 'rootOnly', concurrency: 4, plan: {}, allowMassDelete: false})
  let t = Date.parse('2026-01-01T00:00:00Z')
  const now = () => (t += 10)
  const deps = (pid: number, host: string): RunDeps => ({cluster, now, sleep: async () => undefined, signal: new AbortController().signal, holder: processHolder(now(), host, pid), heartbeatMs: 60_000})
  const results = await Promise.allSettled([drain(runApply(prepared, deps(111, 'ci-a'), {...options, replacePaused: false})), drain(runApply(prepared, deps(222, 'ci-b'), {...options, replacePaused: false}))])
  const done = results.filter((r) => r.status === 'fulfilled')
  const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')
  assert.equal(done.length, 1, JSON.stringify(results.map((r) => (r.status === 'rejected' ? String(r.reason) : r.value.phase))))
  assert.equal(refused.length, 1)
  const err = refused[0].reason as Error
  assert.ok(err instanceof UserError, `a UserError, not ${err.name}: ${err.message}`)
  assert.match(err.message, /process (111|222) on ci-[ab]/)
})
