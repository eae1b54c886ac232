import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {describe, test} from 'node:test'
import {deleteApp, planAppDeletion, type DeleteAppEvent} from '../../../src/apps/delete-app.js'
import {listApps} from '../../../src/apps/list-apps.js'
import {RolloutStateStore} from '../../../src/cluster/state-store.js'
import {UserError} from '../../../src/model/errors.js'
import {prepareApply, processHolder, runApply, type RunDeps, type RunOptions} from '../../../src/rollout/run-apply.js'
import {writeSourceRecord} from '../../../src/reconcile/source-commit.js'
import {formatAppTable, appsJson} from '../../../src/ui/app-list.js'
import {MemoryCluster} from '../helpers/memory-cluster.js'

const options: RunOptions = {forceConflicts: false, concurrency: 4, stepTimeoutMs: 2_000, batchTimeoutMs: 2_000, maxFailedPods: 0, autoAbort: true, pollMs: 1}
const t0 = Date.parse('2026-01-01T00:00:00Z')

function tree(app: string, namespace: string, docs: string[]): string {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'strata-apps-')), app)
  fs.mkdirSync(dir)
  fs.writeFileSync(path.join(dir, 'all.yaml'), docs.join('---\n'))
  fs.writeFileSync(path.join(dir, 'kustomization.yaml'), `namespace: ${namespace}\nresources:\n- all.yaml\n`)
  return dir
}
const cm = (name: string, annotations = '') => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${annotations}data:\n  a: "1"\n`
const deploy = (name: string) => `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  replicas: 0\n  selector:\n    matchLabels: {app: ${name}}\n  template:\n    metadata:\n      labels: {app: ${name}}\n    spec:\n      containers: [{name: c, image: nginx}]\n`

function deps(cluster: MemoryCluster): RunDeps {
  let t = t0
  const now = () => (t += 10)
  return {cluster, now, sleep: async () => undefined, signal: new AbortController().signal, holder: processHolder(now(), os.hostname(), process.pid), heartbeatMs: 60_000}
}

async function apply(cluster: MemoryCluster, dir: string): Promise<void> {
  const prepared = await prepareApply(cluster, {dir, loadRestrictor: 'rootOnly', concurrency: 4, plan: {}, allowMassDelete: false})
  const gen = runApply(prepared, deps(cluster), {...options, replacePaused: false})
  for (let r = await gen.next(); !r.done; r = await gen.next());
}

async function drain<T>(gen: AsyncGenerator<DeleteAppEvent, T>): Promise<{events: DeleteAppEvent[]; result: T}> {
  const events: DeleteAppEvent[] = []
  for (;;) {
    const r = await gen.next()
    if (r.done) return {events, result: r.value}
    events.push(r.value)
  }
}

describe('strata list', () => {
  test('every app across namespaces with objects, phase and source; -n narrows; kubectl ApplySets are not apps', async () => {
    const cluster = new MemoryCluster()
    const shopDir = tree('shop', 'shop', [cm('a'), cm('b'), deploy('web')])
    await apply(cluster, shopDir)
    await apply(cluster, tree('blog', 'blog', [cm('c')]))
    await writeSourceRecord(cluster, 'blog', 'blog', {repo: 'https://git.example.com/blog.git', commit: '0123456789abcdef0123456789abcdef01234567', path: 'overlays/prod'})
    // An ApplySet kubectl made (other tooling): not strata's.
    cluster.seed({apiVersion: 'v1', kind: 'Secret', metadata: {name: 'applyset-other', namespace: 'shop', labels: {'applyset.kubernetes.io/id': 'applyset-x-v1'}, annotations: {'applyset.kubernetes.io/tooling': 'kubectl/v1.30'}}})
    const apps = await listApps(cluster)
    assert.deepEqual(apps.map((a) => [a.namespace, a.name, a.objects, a.phase, a.source.text ?? null]), [
      ['blog', 'blog', 1, 'done', 'https://git.example.com/blog.git@0123456:overlays/prod'],
      ['shop', 'shop', 3, 'done', fs.realpathSync(shopDir)],
    ])
    assert.deepEqual((await listApps(cluster, {namespace: 'shop'})).map((a) => a.name), ['shop'])
    const table = formatAppTable(apps, Date.parse(apps[1].lastApply!) + 5 * 60_000 + 999)
    assert.match(table, /^NAME +NAMESPACE +SOURCE +OBJECTS +LAST APPLY +ROLLOUT\n/)
    assert.ok(new RegExp(`\\nshop +shop +${fs.realpathSync(shopDir)} +3 +5m +done\\n$`).test(table), table)
    const json = appsJson(apps)
    assert.equal(json.apps[0].commit, '0123456789abcdef0123456789abcdef01234567')
    assert.equal(json.apps[1].objects, 3)
  })

  test('a paused rollout shows its step; no apps is an empty list', async () => {
    const empty = new MemoryCluster()
    assert.deepEqual(await listApps(empty), [])
    const cluster = new MemoryCluster()
    const dir = tree('shop', 'shop', [cm('a'), deploy('web')])
    const prepared = await prepareApply(cluster, {dir, loadRestrictor: 'rootOnly', concurrency: 4, plan: {pauseAfter: ['1']}, allowMassDelete: false})
    const gen = runApply(prepared, deps(cluster), {...options, replacePaused: false})
    for (let r = await gen.next(); !r.done; r = await gen.next());
    const [app] = await listApps(cluster)
    assert.equal(app.phase, 'paused')
    assert.deepEqual(app.step, {at: 2, of: prepared.plan.steps.length})
    assert.match(formatAppTable([app], Date.now()), /paused \(step 2\/\d\)/)
  })

  test('a running rollout says when its process is gone or silent, as rollout status does', async () => {
    const cluster = new MemoryCluster()
    const dir = tree('shop', 'shop', [cm('a'), deploy('web')])
    const prepared = await prepareApply(cluster, {dir, loadRestrictor: 'rootOnly', concurrency: 4, plan: {pauseAfter: ['1']}, allowMassDelete: false})
    const gen = runApply(prepared, deps(cluster), {...options, replacePaused: false})
    for (let r = await gen.next(); !r.done; r = await gen.next());
    const store = new RolloutStateStore(cluster, 'shop', 'shop')
    const saved = (await store.load())!
    // A process of this host that has ended (spawnSync reaps it): its pid proves the holder gone.
    const ended = spawnSync(process.execPath, ['-e', '']).pid
    const fresh = new Date().toISOString()
    const cases = [
      [{pid: ended, host: os.hostname(), startedAt: fresh, heartbeatAt: fresh}, 'gone', ', process gone'],
      [{pid: 1, host: 'ci-runner-7', startedAt: fresh, heartbeatAt: fresh}, 'live', ''],
      [{pid: 1, host: 'ci-runner-7', startedAt: fresh, heartbeatAt: new Date(Date.now() - 10 * 60_000).toISOString()}, 'silent', ', no heartbeat'],
    ] as const
    let rv = saved.resourceVersion
    for (const [holder, kind, cell] of cases) {
      rv = await store.save({...saved.state, phase: 'running', holder}, rv)
      const [app] = await listApps(cluster)
      assert.equal(app.holder, kind)
      assert.equal(appsJson([app]).apps[0].holder, kind)
      assert.ok(formatAppTable([app], Date.now()).includes(`running (step 2/${prepared.plan.steps.length}${cell})\n`), kind)
    }
  })
})

describe('strata delete', () => {
  test('deletes members in reverse plan order, then the state and the inventory; an object outside the app stays', async () => {
    const cluster = new MemoryCluster()
    await apply(cluster, tree('shop', 'shop', [cm('a'), deploy('web')]))
    cluster.seed({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'not-ours', namespace: 'shop'}})
    const deletion = await planAppDeletion(cluster, 'shop', 'shop')
    assert.deepEqual(deletion.items.map((i) => i.id.kind), ['Deployment', 'ConfigMap'])
    const {events, result} = await drain(deleteApp(deletion, {cluster, holder: processHolder(t0, 'h', 1), now: Date.now, sleep: async () => undefined}, {force: false, timeoutMs: 1000}))
    assert.deepEqual(result, {deleted: 2, kept: 0, protected: 0, retained: 0})
    assert.equal(events.at(-1)?.type, 'inventory-deleted')
    assert.equal(cluster.peek('apps/v1', 'Deployment', 'web', 'shop'), undefined)
    assert.equal(cluster.peek('v1', 'Secret', 'applyset-shop', 'shop'), undefined)
    assert.equal(cluster.peek('v1', 'Secret', 'strata-rollout-shop', 'shop'), undefined)
    assert.ok(cluster.peek('v1', 'ConfigMap', 'not-ours', 'shop'))
    assert.deepEqual(await listApps(cluster), [])
  })

  test('a protected member refuses the delete with nothing deleted; --force deletes the rest and leaves it', async () => {
    const cluster = new MemoryCluster()
    await apply(cluster, tree('shop', 'shop', [cm('keep', '  annotations:\n    strata.dev/prune: disabled\n'), cm('a')]))
    const deletion = await planAppDeletion(cluster, 'shop', 'shop')
    assert.deepEqual(deletion.protected.map((p) => p.name), ['keep'])
    const d = {cluster, holder: processHolder(t0, 'h', 1), now: Date.now, sleep: async () => undefined}
    await assert.rejects(drain(deleteApp(deletion, d, {force: false, timeoutMs: 1000})), (e: unknown) => e instanceof UserError && /protected/.test(e.message))
    assert.ok(cluster.peek('v1', 'ConfigMap', 'a', 'shop'), 'nothing deleted')
    assert.ok(cluster.peek('v1', 'Secret', 'applyset-shop', 'shop'))
    const {result} = await drain(deleteApp(deletion, d, {force: true, timeoutMs: 1000}))
    assert.deepEqual(result, {deleted: 1, kept: 0, protected: 1, retained: 0})
    assert.ok(cluster.peek('v1', 'ConfigMap', 'keep', 'shop'))
    assert.equal(cluster.peek('v1', 'ConfigMap', 'a', 'shop'), undefined)
  })

  test("Argo CD's Delete=false keeps a member in place without --force; Prune=false protects like strata.dev/prune", async () => {
    const cluster = new MemoryCluster()
    const argo = (opts: string) => `  annotations:\n    argocd.argoproj.io/sync-options: ${opts}\n`
    await apply(cluster, tree('shop', 'shop', [cm('stays', argo('Delete=false')), cm('guarded', argo('Prune=false')), cm('a')]))
    const deletion = await planAppDeletion(cluster, 'shop', 'shop')
    assert.deepEqual(deletion.retained.map((r) => [r.id.name, r.by]), [['stays', 'argocd.argoproj.io/sync-options: Delete=false']])
    assert.deepEqual(deletion.protected.map((p) => p.name), ['guarded'])
    const d = {cluster, holder: processHolder(t0, 'h', 1), now: Date.now, sleep: async () => undefined}
    await assert.rejects(drain(deleteApp(deletion, d, {force: false, timeoutMs: 1000})), (e: unknown) => e instanceof UserError && /protected/.test(e.message))
    const {result} = await drain(deleteApp(deletion, d, {force: true, timeoutMs: 1000}))
    assert.deepEqual(result, {deleted: 1, kept: 0, protected: 1, retained: 1})
    assert.ok(cluster.peek('v1', 'ConfigMap', 'stays', 'shop'))
    assert.ok(cluster.peek('v1', 'ConfigMap', 'guarded', 'shop'))
    assert.equal(cluster.peek('v1', 'ConfigMap', 'a', 'shop'), undefined)
  })

  test('an object held by a finalizer past the timeout: error naming it, inventory and state kept, no holder left', async () => {
    const cluster = new MemoryCluster()
    await apply(cluster, tree('shop', 'shop', [cm('a')]))
    const deletion = await planAppDeletion(cluster, 'shop', 'shop')
    // The API server keeps an object with finalizers (deletionTimestamp set) until they are removed.
    const realDelete = cluster.delete.bind(cluster)
    cluster.delete = async (ref, opts) => {
      if (ref.kind === 'ConfigMap') return
      return realDelete(ref, opts)
    }
    let clock = t0
    const d = {cluster, holder: processHolder(t0, 'h', 1), now: () => clock, sleep: async (ms: number) => void (clock += ms)}
    await assert.rejects(drain(deleteApp(deletion, d, {force: false, timeoutMs: 3_000, pollMs: 1_000})), (e: unknown) => e instanceof UserError && /still being deleted after 3 s: ConfigMap shop\/a/.test(e.message))
    assert.ok(cluster.peek('v1', 'Secret', 'applyset-shop', 'shop'), 'inventory kept')
    const state = await new RolloutStateStore(cluster, 'shop', 'shop').load()
    assert.equal(state?.state.holder, undefined)
  })

  test('an unknown app is a UserError naming NAME', async () => {
    await assert.rejects(planAppDeletion(new MemoryCluster(), 'nope', 'shop'), (e: unknown) => e instanceof UserError && e.origin.field === 'NAME')
  })
})
