import assert from 'node:assert/strict'
import * as path from 'node:path'
import {describe, test} from 'node:test'
import {RolloutStateStore} from '../../../src/cluster/state-store.js'
import {repoSource} from '../../../src/rollout/app-source.js'
import {prepareApply, processHolder, runApply, type RunOptions} from '../../../src/rollout/run-apply.js'
import {GitCache} from '../../../src/source/git-cache.js'
import type {WatchedApp} from '../../../src/reconcile/app-config.js'
import {createReconciler, type ReconcileEvent} from '../../../src/watch/reconcile.js'
import {readSourceRecord, writePin} from '../../../src/reconcile/source-commit.js'
import {prepareRollback, unpin} from '../../../src/rollback/prepare-rollback.js'
import {UserError} from '../../../src/model/errors.js'
import {MemoryCluster} from '../helpers/memory-cluster.js'
import {LocalRepo, tmpDir} from '../source/git-repos.js'

const run: RunOptions = {forceConflicts: false, concurrency: 4, stepTimeoutMs: 2_000, batchTimeoutMs: 2_000, maxFailedPods: 0, autoAbort: true, pollMs: 1}

const kustomization = 'namespace: shop\nresources: [cm.yaml]\n'
const cm = (value: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {level: "${value}"}\n`

function setup(selfHeal = true) {
  const root = tmpDir('strata-reconcile-')
  const repo = new LocalRepo(root, 'deploy')
  const cluster = new MemoryCluster()
  const events: ReconcileEvent[] = []
  const reconcile = createReconciler({cluster, gitCache: new GitCache({dir: path.join(root, 'cache')}), selfHeal, run, onEvent: (_app, e) => events.push(e)})
  const app: WatchedApp = {name: 'shop', repo: repo.url, ref: 'main', path: 'app', intervalMs: 30_000, driftIntervalMs: 60_000, selfHeal: true}
  const signal = new AbortController().signal
  const level = () => (cluster.peek('v1', 'ConfigMap', 'settings', 'shop')?.data as {level?: string} | undefined)?.level
  return {root, repo, cluster, events, app, signal, level, once: (a: WatchedApp = app) => reconcile(a, 'poll', signal)}
}

describe('reconcile (watch)', () => {
  test('a pinned app keeps the pinned commit (applied, then unchanged) and reports newer ones as pending; unpinned, it moves to the head', async () => {
    const s = setup()
    const c1 = s.repo.commit({'app/kustomization.yaml': kustomization, 'app/cm.yaml': cm('info')})
    await s.once()
    const c2 = s.repo.commit({'app/cm.yaml': cm('debug')})
    await s.once()
    assert.equal(s.level(), 'debug')
    await writePin(s.cluster, 'shop', 'shop', c1)
    const held = await s.once()
    assert.deepEqual([held.status, held.commit, held.pending], ['applied', c1, c2])
    assert.equal(s.level(), 'info')
    assert.ok(s.events.some((e) => e.kind === 'held' && /pinned at/.test(e.why)))
    const c3 = s.repo.commit({'app/cm.yaml': cm('warn')})
    const still = await s.once()
    assert.deepEqual([still.status, still.commit, still.pending], ['unchanged', c1, c3])
    assert.equal(await unpin(s.cluster, 'shop', 'shop'), c1)
    assert.equal((await readSourceRecord(s.cluster, 'shop', 'shop'))?.pinned, undefined)
    const moved = await s.once()
    assert.deepEqual([moved.status, moved.commit, moved.pending], ['applied', c3, undefined])
    assert.equal(s.level(), 'warn')
  })

  test('prepareRollback: plans the recorded source at the commit and pins it; an app with no recorded source is a UserError naming NAME', async () => {
    const s = setup()
    const c1 = s.repo.commit({'app/kustomization.yaml': kustomization, 'app/cm.yaml': cm('info')})
    await s.once()
    s.repo.commit({'app/cm.yaml': cm('debug')})
    await s.once()
    const cache = new GitCache({dir: path.join(s.root, 'cache')})
    const request = {loadRestrictor: 'rootOnly' as const, concurrency: 4, plan: {}, allowMassDelete: false}
    const r = await prepareRollback(s.cluster, cache, 'shop', 'shop', c1.slice(0, 10), request)
    assert.equal(r.commit, c1)
    assert.equal(r.record.path, 'app')
    assert.ok(r.prepared.plan.steps.some((st) => st.items.some((it) => it.action === 'update')))
    assert.equal((await readSourceRecord(s.cluster, 'shop', 'shop'))?.pinned, c1)
    await assert.rejects(prepareRollback(s.cluster, cache, 'other', 'shop', c1, request), (e: unknown) => e instanceof UserError && /no recorded git source/.test(e.message) && e.origin.field === 'NAME')
  })

  test('a new commit is applied and recorded; the same commit again is unchanged', async () => {
    const s = setup()
    const c1 = s.repo.commit({'app/kustomization.yaml': kustomization, 'app/cm.yaml': cm('info')})
    const r1 = await s.once()
    assert.deepEqual([r1.status, r1.commit, r1.error], ['applied', c1, undefined])
    assert.equal(s.level(), 'info')
    assert.equal((await readSourceRecord(s.cluster, 'shop', 'shop'))?.commit, c1)
    assert.equal((await s.once()).status, 'unchanged')
    const c2 = s.repo.commit({'app/cm.yaml': cm('debug')})
    const r2 = await s.once()
    assert.deepEqual([r2.status, r2.commit], ['applied', c2])
    assert.equal(s.level(), 'debug')
    assert.ok(s.events.some((e) => e.kind === 'fetched' && e.commit === c2))
  })

  test('drift on the synced commit is healed, or only reported with self-heal off', async () => {
    const s = setup()
    s.repo.commit({'app/kustomization.yaml': kustomization, 'app/cm.yaml': cm('info')})
    await s.once()
    s.cluster.seed({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'settings', namespace: 'shop', labels: s.cluster.peek('v1', 'ConfigMap', 'settings', 'shop')!.metadata!.labels as Record<string, string>}, data: {level: 'edited'}} as never)
    const reported = await s.once({...s.app, selfHeal: false})
    assert.equal(reported.status, 'drift-reported')
    assert.deepEqual(reported.drifted, ['ConfigMap shop/settings (changed)'], 'the result names the object that drifted')
    assert.equal(s.level(), 'edited')
    assert.ok(s.events.some((e) => e.kind === 'drift' && !e.healing && e.objects.includes('ConfigMap shop/settings (changed)')))
    const healed = await s.once()
    assert.equal(healed.status, 'drift-healed')
    assert.deepEqual(healed.drifted, ['ConfigMap shop/settings (changed)'])
    assert.equal(s.level(), 'info')
  })

  test('a broken commit fails before any write and keeps the last good state; the next good commit applies', async () => {
    const s = setup()
    s.repo.commit({'app/kustomization.yaml': kustomization, 'app/cm.yaml': cm('info')})
    await s.once()
    let count = 0
    s.cluster.onWrite = () => count++
    const writes = () => count
    const before = writes()
    const badCommit = s.repo.commit({'app/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings\n'})
    const bad = await s.once()
    assert.equal(bad.status, 'failed')
    assert.equal(bad.commit, badCommit, 'a commit that fails to render is reported by its SHA')
    assert.ok(bad.error!.startsWith(`${s.repo.url}@${badCommit.slice(0, 7)}:app/cm.yaml:4: `), `names the file in the repository at the commit: ${bad.error}`)
    assert.ok(!bad.error!.includes(path.join(s.root, 'cache')), 'never the cache path')
    assert.equal(writes(), before, 'a render error writes nothing')
    s.repo.commit({'app/cm.yaml': cm('warn'), 'app/kustomization.yaml': `${kustomization}patches:\n- target: {kind: Deployment, name: missing}\n  patch: '[{"op": "add", "path": "/x", "value": 1}]'\n`})
    const missingTarget = await s.once()
    assert.equal(missingTarget.status, 'applied', 'kustomize ignores a patch target selector that matches nothing; strata too')
    s.repo.commit({'app/kustomization.yaml': `${kustomization}patchesStrategicMerge: [nothere.yaml]\n`})
    const missingPatch = await s.once()
    assert.equal(missingPatch.status, 'failed')
    assert.match(missingPatch.error!, /nothere\.yaml/)
    assert.ok(missingPatch.error!.startsWith(`${s.repo.url}@`) && !missingPatch.error!.includes(path.join(s.root, 'cache')), missingPatch.error)
    assert.equal(s.level(), 'warn')
    assert.ok(writes() > before)
    const beforeGood = writes()
    s.repo.commit({'app/kustomization.yaml': kustomization, 'app/cm.yaml': cm('error')})
    assert.equal((await s.once()).status, 'applied')
    assert.equal(s.level(), 'error')
    assert.ok(writes() > beforeGood)
  })

  test('a paused rollout is left alone: no resume, no new apply', async () => {
    const s = setup()
    s.repo.commit({'app/kustomization.yaml': kustomization, 'app/cm.yaml': cm('info')})
    await s.once()
    // A human's apply of the app from a working copy (same repository and path, edited), paused after its first step.
    const dir = tmpDir('strata-paused-')
    const fs = await import('node:fs')
    fs.writeFileSync(path.join(dir, 'kustomization.yaml'), 'namespace: shop\nresources: [a.yaml]\n')
    fs.writeFileSync(path.join(dir, 'a.yaml'), `${cm('paused')}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: other}\ndata: {a: "1"}\n`)
    const prepared = await prepareApply(s.cluster, {dir, name: 'shop', loadRestrictor: 'rootOnly', concurrency: 4, plan: {batchSize: 1, pauseAfter: 'each'}, allowMassDelete: false, source: repoSource(s.repo.url, 'app')})
    const gen = runApply(prepared, {cluster: s.cluster, now: Date.now, sleep: async () => undefined, signal: s.signal, holder: processHolder(Date.now(), 'elsewhere', 1)}, {...run, replacePaused: false})
    for (let r = await gen.next(); !r.done; r = await gen.next());
    assert.equal((await new RolloutStateStore(s.cluster, 'shop', 'shop').load())?.state.phase, 'paused')
    let writes = 0
    s.cluster.onWrite = () => writes++
    s.repo.commit({'app/cm.yaml': cm('new')})
    const r = await s.once()
    assert.equal(r.status, 'paused')
    assert.equal(writes, 0)
    assert.equal((await new RolloutStateStore(s.cluster, 'shop', 'shop').load())?.state.phase, 'paused')
  })

  test('an unreachable repository fails without credentials in the error', async () => {
    const s = setup()
    const r = await s.once({...s.app, repo: 'https://user:s3cret@127.0.0.1:9/none.git'})
    assert.equal(r.status, 'failed')
    assert.ok(!r.error!.includes('s3cret'), r.error)
  })
})
