import assert from 'node:assert/strict'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {describe, test} from 'node:test'
import {applySetId, applySetLabels, applySetParent} from '../../../src/cluster/applyset.js'
import {RolloutStateStore} from '../../../src/cluster/state-store.js'
import {UserError} from '../../../src/model/errors.js'
import {abortRollout, type AbortOptions} from '../../../src/rollout/abort.js'
import {parseDuration, prepareApply, processHolder, resumeRollout, runApply, treeDigest, type RunDeps, type RunOptions} from '../../../src/rollout/run-apply.js'
import type {RolloutState} from '../../../src/rollout/types.js'
import {drainRollout} from '../helpers/drain-rollout.js'
import {formatPlanText} from '../../../src/rollout/plan-format.js'
import {makeTheme} from '../../../src/ui/theme.js'
import {MemoryCluster} from '../helpers/memory-cluster.js'

const options: RunOptions = {forceConflicts: false, concurrency: 4, stepTimeoutMs: 2_000, batchTimeoutMs: 2_000, maxFailedPods: 0, autoAbort: true, pollMs: 1}
const abortOptions: AbortOptions = {...options, force: false, wait: true, waitTimeoutMs: 60_000, requestedBy: 'ops@desk (pid 9)', waitPollMs: 1}

/** A tree of app `shop` holding these ConfigMaps: a new directory, or `app` rewritten (the same source). */
function tree(configMaps: string[], app = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'strata-run-apply-')), 'shop')): string {
  fs.mkdirSync(app, {recursive: true})
  const docs = configMaps.map((n) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${n}\n  namespace: shop\ndata:\n  a: "1"\n`)
  fs.writeFileSync(path.join(app, 'all.yaml'), docs.join('---\n'))
  fs.writeFileSync(path.join(app, 'kustomization.yaml'), 'resources:\n- all.yaml\n')
  return app
}

function deps(cluster: MemoryCluster): RunDeps {
  let t = Date.parse('2026-01-01T00:00:00Z')
  const now = () => (t += 10)
  return {cluster, now, sleep: async () => undefined, signal: new AbortController().signal, holder: processHolder(now(), os.hostname(), process.pid), heartbeatMs: 60_000}
}

const request = (dir: string, extra: Partial<Parameters<typeof prepareApply>[1]> = {}) => ({dir, loadRestrictor: 'rootOnly' as const, concurrency: 4, plan: {}, allowMassDelete: false, ...extra})

describe('run-apply', () => {
  test('apply: objects created with the part-of label, inventory recorded, state done', async () => {
    const cluster = new MemoryCluster()
    const prepared = await prepareApply(cluster, request(tree(['a', 'b'])))
    assert.equal(prepared.app, 'shop')
    assert.equal(prepared.namespace, 'shop')
    const {state, events} = await drainRollout(runApply(prepared, deps(cluster), {...options, replacePaused: false}))
    assert.equal(state.phase, 'done')
    assert.equal(events.at(-1)?.type, 'done')
    const id = applySetId(applySetParent('shop', 'shop'))
    const a = cluster.peek('v1', 'ConfigMap', 'a', 'shop')
    assert.equal((a?.metadata as {labels: Record<string, string>}).labels[applySetLabels.partOf], id)
    assert.ok(cluster.peek('v1', 'Secret', 'applyset-shop', 'shop'), 'ApplySet parent created')
    assert.equal((await new RolloutStateStore(cluster, 'shop', 'shop').load())?.state.phase, 'done')
  })

  test('prune: a removed member is deleted, an object outside the inventory is untouched', async () => {
    const cluster = new MemoryCluster()
    const d = deps(cluster)
    const dir = tree(['a', 'b', 'c', 'd', 'e'])
    await drainRollout(runApply(await prepareApply(cluster, request(dir)), d, {...options, replacePaused: false}))
    cluster.seed({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'outsider', namespace: 'shop'}})
    const {state} = await drainRollout(runApply(await prepareApply(cluster, request(tree(['a', 'b', 'c', 'd'], dir))), d, {...options, replacePaused: false}))
    assert.equal(state.phase, 'done')
    assert.equal(cluster.peek('v1', 'ConfigMap', 'e', 'shop'), undefined)
    assert.ok(cluster.peek('v1', 'ConfigMap', 'd', 'shop'))
    assert.ok(cluster.peek('v1', 'ConfigMap', 'outsider', 'shop'))
  })

  test('prune over the cap refuses before anything changes', async () => {
    const cluster = new MemoryCluster()
    const d = deps(cluster)
    const dir = tree(['a', 'b', 'c', 'd'])
    await drainRollout(runApply(await prepareApply(cluster, request(dir)), d, {...options, replacePaused: false}))
    const writesBefore = cluster.all().length
    await assert.rejects(prepareApply(cluster, request(tree(['a', 'x'], dir))), (e: unknown) => e instanceof UserError && /delete 3 objects, over the cap of 1/.test(e.message))
    assert.equal(cluster.all().length, writesBefore)
    assert.ok(cluster.peek('v1', 'ConfigMap', 'd', 'shop'))
    const allowed = await prepareApply(cluster, request(tree(['a', 'x'], dir), {allowMassDelete: true}))
    assert.equal(allowed.prune.delete.length, 3)
  })

  test('pause after each step, a second apply refuses, resume continues to done, abort of a done rollout changes nothing', async () => {
    const cluster = new MemoryCluster()
    const d = deps(cluster)
    const prepared = await prepareApply(cluster, request(tree(['a', 'b', 'c']), {plan: {batchSize: 1, pauseAfter: 'each'}}))
    const steps = prepared.plan.steps.length
    assert.ok(steps >= 3)
    let {state} = await drainRollout(runApply(prepared, d, {...options, replacePaused: false}))
    assert.equal(state.phase, 'paused')
    assert.equal(state.step, 1)
    await assert.rejects(drainRollout(runApply(prepared, d, {...options, replacePaused: false})), (e: unknown) => e instanceof UserError && /paused/.test(e.message))
    for (let i = 1; i < steps; i++) ({state} = await drainRollout(resumeRollout('shop', 'shop', d, options)))
    assert.equal(state.phase, 'done')
    assert.ok(cluster.peek('v1', 'ConfigMap', 'c', 'shop'))
    const writes = cluster.all().length
    const saved = (await new RolloutStateStore(cluster, 'shop', 'shop').load())?.state
    const idle = await drainRollout(abortRollout('shop', 'shop', d, abortOptions))
    assert.deepEqual(idle.events, [{type: 'nothing-to-abort', phase: 'done', reason: saved?.reason, statusCommand: 'strata rollout status shop -n shop'}])
    assert.equal(idle.state.phase, 'done')
    assert.equal(cluster.all().length, writes)
    assert.deepEqual((await new RolloutStateStore(cluster, 'shop', 'shop').load())?.state, saved, 'the done state is left exactly as it was')
  })

  test('the render digest: apply says whether a paused rollout is the same render; resume --dir refuses another render', async () => {
    const cluster = new MemoryCluster()
    const d = deps(cluster)
    const dir = tree(['a', 'b'])
    const prepared = await prepareApply(cluster, request(dir, {plan: {batchSize: 1, pauseAfter: 'each'}}))
    assert.equal(await treeDigest(dir, {loadRestrictor: 'rootOnly'}), prepared.plan.digest, 'the digest of the tree alone equals the plan digest')
    assert.equal((await drainRollout(runApply(prepared, d, {...options, replacePaused: false}))).state.phase, 'paused')
    await assert.rejects(drainRollout(runApply(prepared, d, {...options, replacePaused: false})), (e: unknown) => e instanceof UserError && /the render it was started from/.test(e.message) && /rollout resume shop -n shop/.test(e.hint ?? ''))

    const changed = tree(['a', 'b', 'c'], dir)
    const other = await prepareApply(cluster, request(changed))
    await assert.rejects(drainRollout(runApply(other, d, {...options, replacePaused: false})), (e: unknown) => e instanceof UserError && /differs from the one it was started from/.test(e.message) && /--replace-paused/.test(e.hint ?? ''))
    const before = await new RolloutStateStore(cluster, 'shop', 'shop').load()
    await assert.rejects(
      drainRollout(resumeRollout('shop', 'shop', d, {...options, expectDigest: await treeDigest(changed, {loadRestrictor: 'rootOnly'}), dir: changed})),
      (e: unknown) => e instanceof UserError && /renders differently/.test(e.message) && /--replace-paused/.test(e.hint ?? ''),
    )
    const after = await new RolloutStateStore(cluster, 'shop', 'shop').load()
    assert.deepEqual(after?.state, before?.state, 'a refused resume leaves the state as it was')
    const {state} = await drainRollout(resumeRollout('shop', 'shop', d, {...options, expectDigest: prepared.plan.digest, dir}))
    assert.notEqual(state.phase, 'failed')
  })

  test('every command a pause or a refusal prints carries the --kubeconfig and --context of the run, quoted for a shell', async () => {
    const cluster = new MemoryCluster()
    const d: RunDeps = {...deps(cluster), target: {kubeconfig: '/home/ann/my kube/config', context: 'prod'}}
    const flags = `-n shop --kubeconfig '/home/ann/my kube/config' --context prod`
    const prepared = await prepareApply(cluster, request(tree(['a', 'b']), {plan: {batchSize: 1, pauseAfter: 'each'}}))
    const {events} = await drainRollout(runApply(prepared, d, {...options, replacePaused: false}))
    const paused = events.find((e) => e.type === 'paused')
    assert.ok(paused?.type === 'paused')
    assert.equal(paused.resumeCommand, `strata rollout resume shop ${flags}`)
    assert.equal(paused.abortCommand, `strata rollout abort shop ${flags}`)
    // The lock's refusal (a paused rollout of the app) names the same commands.
    await assert.rejects(drainRollout(runApply(prepared, d, {...options, replacePaused: false})), (e: unknown) => e instanceof UserError && (e.hint ?? '').includes(`strata rollout resume shop ${flags}`) && (e.hint ?? '').includes(`strata rollout abort shop ${flags}`))
    const held = {...d, holder: processHolder(d.now(), 'other-host', 4242)}
    const gen = resumeRollout('shop', 'shop', d, options)
    await gen.next()
    await assert.rejects(drainRollout(runApply(prepared, held, {...options, replacePaused: true})), (e: unknown) => e instanceof UserError && /is running in process/.test(e.message) && (e.hint ?? '').includes(`strata rollout status shop ${flags}`))
    await gen.return(undefined as never)
  })

  test('abort of a paused rollout: phase aborted, holder released', async () => {
    const cluster = new MemoryCluster()
    const d = deps(cluster)
    await drainRollout(runApply(await prepareApply(cluster, request(tree(['a', 'b']), {plan: {batchSize: 1, pauseAfter: 'each'}})), d, {...options, replacePaused: false}))
    const {state, events} = await drainRollout(abortRollout('shop', 'shop', d, abortOptions))
    assert.equal(state.phase, 'aborted')
    assert.equal(events.at(-1)?.type, 'aborted')
    const saved = await new RolloutStateStore(cluster, 'shop', 'shop').load()
    assert.equal(saved?.state.phase, 'aborted')
    assert.equal(saved?.state.holder, undefined)
  })

  test('-n is where namespace-less objects land, as kubectl apply -n; objects that name a namespace keep it; a second apply changes nothing', async () => {
    const cluster = new MemoryCluster({defaultNamespace: 'default'})
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'strata-run-apply-')), 'web')
    fs.mkdirSync(dir)
    fs.writeFileSync(path.join(dir, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: "1"\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\n  namespace: ops\ndata:\n  b: "2"\n')
    fs.writeFileSync(path.join(dir, 'kustomization.yaml'), 'resources:\n- cm.yaml\n')
    const prepared = await prepareApply(cluster, request(dir, {namespace: 'team-a'}))
    assert.equal(prepared.namespace, 'team-a')
    const ids = prepared.plan.steps.flatMap((s) => s.items.map((i) => `${i.id.namespace}/${i.id.name}`))
    assert.deepEqual(ids.sort(), ['ops/shared', 'team-a/settings'])
    assert.match(formatPlanText(prepared.plan, makeTheme(false)), /ConfigMap team-a\/settings \(create\)/)
    const {state} = await drainRollout(runApply(prepared, deps(cluster), {...options, replacePaused: false}))
    assert.equal(state.phase, 'done')
    assert.ok(cluster.peek('v1', 'ConfigMap', 'settings', 'team-a'), 'the namespace-less ConfigMap is in team-a')
    assert.equal(cluster.peek('v1', 'ConfigMap', 'settings', 'default'), undefined, 'and not in the kubeconfig namespace')
    assert.ok(cluster.peek('v1', 'ConfigMap', 'shared', 'ops'))
    assert.ok(cluster.peek('v1', 'Secret', 'applyset-web', 'team-a'), 'the inventory beside it')
    const again = await prepareApply(cluster, request(dir, {namespace: 'team-a'}))
    assert.deepEqual(again.plan.steps.flatMap((s) => s.items.map((i) => i.action)), ['unchanged', 'unchanged'])
  })

  test('two trees named alike into one namespace: the second is refused before any change, with --adopt it takes the app over', async () => {
    const cluster = new MemoryCluster()
    const d = deps(cluster)
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-two-teams-'))
    // Both overlays are directories named `shop`, so both apps are `shop` by default.
    const teamA = tree(['a1', 'a2', 'a3'], path.join(base, 'teamA', 'shop'))
    const teamB = tree(['b1'], path.join(base, 'teamB', 'shop'))
    const first = await prepareApply(cluster, request(teamA))
    assert.deepEqual(first.ownership, {verdict: 'new'})
    assert.equal(first.defaultName, true)
    assert.equal((await drainRollout(runApply(first, d, {...options, replacePaused: false}))).state.phase, 'done')
    const parent = cluster.peek('v1', 'Secret', 'applyset-shop', 'shop')
    const recorded = JSON.parse(((parent?.metadata as {annotations: Record<string, string>}).annotations)['strata.dev/source'])
    assert.equal(recorded.root, fs.realpathSync(teamA))

    const writesBefore = cluster.all().length
    await assert.rejects(
      prepareApply(cluster, request(teamB)),
      (e: unknown) => e instanceof UserError && e.message.includes(fs.realpathSync(teamA)) && e.message.includes(fs.realpathSync(teamB)) && /--adopt/.test(e.hint ?? ''),
    )
    await assert.rejects(prepareApply(cluster, request(teamB, {name: 'shop'})), UserError, 'a --name that is the same name is refused all the same')
    assert.equal(cluster.all().length, writesBefore)
    for (const n of ['a1', 'a2', 'a3']) assert.ok(cluster.peek('v1', 'ConfigMap', n, 'shop'), `team A's ${n} is intact`)

    // The same tree again is its own source; and team B under its own name is another app.
    assert.deepEqual((await prepareApply(cluster, request(teamA))).ownership, {verdict: 'same'})
    assert.deepEqual((await prepareApply(cluster, request(teamB, {name: 'shop-b'}))).ownership, {verdict: 'new'})

    const adopted = await prepareApply(cluster, request(teamB, {adopt: true, allowMassDelete: true}))
    assert.equal(adopted.ownership.verdict, 'adopted')
    assert.equal((await drainRollout(runApply(adopted, d, {...options, replacePaused: false}))).state.phase, 'done')
    assert.equal(cluster.peek('v1', 'ConfigMap', 'a1', 'shop'), undefined, 'adopted: the app is team B now and prunes what it lacks')
    assert.deepEqual((await prepareApply(cluster, request(teamB))).ownership, {verdict: 'same'}, 'the new source is recorded')
  })

  test('parseDuration', () => {
    assert.equal(parseDuration('30s', '--timeout'), 30_000)
    assert.equal(parseDuration('5m', '--timeout'), 300_000)
    assert.equal(parseDuration('1h30m', '--timeout'), 5_400_000)
    assert.equal(parseDuration('500ms', '--timeout'), 500)
    assert.equal(parseDuration('45', '--timeout'), 45_000)
    assert.throws(() => parseDuration('5 minutes', '--timeout'), UserError)
    assert.throws(() => parseDuration('0s', '--timeout'), UserError)
  })
})
