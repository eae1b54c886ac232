// `strata rollout abort` against a rollout another process is running, on the in-memory cluster:
// the abort records a stop request, the running process sees it at its next heartbeat, rolls the
// workload back as abort would and ends `aborted` naming who asked; --no-wait returns at once;
// a holder gone silent is taken over only with --force. Real (short) timers: the heartbeat is one.
import assert from 'node:assert/strict'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {setTimeout as delay} from 'node:timers/promises'
import {describe, test} from 'node:test'
import {applySetLabels} from '../../../src/cluster/applyset.js'
import {RolloutStateStore} from '../../../src/cluster/state-store.js'
import {UserError} from '../../../src/model/errors.js'
import type {JsonObject} from '../../../src/model/json.js'
import {abortRollout, type AbortOptions} from '../../../src/rollout/abort.js'
import {prepareApply, processHolder, runApply, type RunDeps, type RunOptions} from '../../../src/rollout/run-apply.js'
import type {RolloutState} from '../../../src/rollout/types.js'
import {drainRollout} from '../helpers/drain-rollout.js'
import {MemoryCluster} from '../helpers/memory-cluster.js'

const options: RunOptions = {forceConflicts: false, concurrency: 4, stepTimeoutMs: 60_000, batchTimeoutMs: 60_000, maxFailedPods: 0, autoAbort: true, pollMs: 5}
const asker = 'ops@desk (pid 9)'
const abortOptions: AbortOptions = {...options, force: false, wait: true, waitTimeoutMs: 60_000, requestedBy: asker, reason: 'bad build', waitPollMs: 5}

function writeTree(dir: string, image: string): string {
  fs.mkdirSync(dir, {recursive: true})
  fs.writeFileSync(path.join(dir, 'kustomization.yaml'), 'resources:\n- web.yaml\n')
  fs.writeFileSync(
    path.join(dir, 'web.yaml'),
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - {name: web, image: ${image}}\n`,
  )
  return dir
}

/** A cluster whose "Deployment controller" rolls out at once while `works`, and never after. */
function world() {
  const cluster = new MemoryCluster()
  const controller = {works: true}
  cluster.onWrite = (call, obj) => {
    if (!obj || call.kind !== 'Deployment' || !controller.works) return
    const md = obj.metadata as JsonObject
    const n = (obj.spec as JsonObject).replicas as number
    cluster.seed({...obj, status: {observedGeneration: md.generation as number, replicas: n, updatedReplicas: n, readyReplicas: n, availableReplicas: n}})
  }
  return {cluster, controller}
}

function deps(cluster: MemoryCluster, pid: number, host: string): RunDeps {
  return {cluster, now: Date.now, sleep: (ms) => delay(ms), signal: new AbortController().signal, holder: processHolder(Date.now(), host, pid), heartbeatMs: 5}
}

function image(cluster: MemoryCluster): string {
  const live = cluster.peek('apps/v1', 'Deployment', 'web', 'shop')!
  return ((((live.spec as JsonObject).template as JsonObject).spec as JsonObject).containers as JsonObject[])[0].image as string
}

/** v1 applied and healthy; then an apply of v2 that the controller never rolls out, running in the background. */
async function stuckApply() {
  const {cluster, controller} = world()
  const dir = writeTree(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'strata-stop-')), 'shop'), 'web:1')
  const running = deps(cluster, process.pid, os.hostname())
  assert.equal((await drainRollout(runApply(await prepareApply(cluster, {dir, loadRestrictor: 'rootOnly', concurrency: 4, plan: {}, allowMassDelete: false}), running, {...options, replacePaused: false}))).state.phase, 'done')
  controller.works = false
  writeTree(dir, 'web:2')
  const prepared = await prepareApply(cluster, {dir, loadRestrictor: 'rootOnly', concurrency: 4, plan: {}, allowMassDelete: false})
  const apply = drainRollout(runApply(prepared, running, {...options, replacePaused: false}))
  for (let i = 0; i < 2000 && image(cluster) !== 'web:2'; i++) await delay(5)
  assert.equal(image(cluster), 'web:2', 'the apply reached the workloads step')
  return {cluster, apply}
}

describe('rollout abort of a rollout another process runs', () => {
  test('the running apply honours the stop request: rolls back, ends aborted naming who asked; abort waits and exits aborted', async () => {
    const {cluster, apply} = await stuckApply()
    const other = deps(cluster, 424242, 'elsewhere')
    const aborted = await drainRollout(abortRollout('shop', 'shop', other, abortOptions))
    const stopped = await apply

    assert.equal(stopped.state.phase, 'aborted')
    assert.match(stopped.state.reason ?? '', /stopped at the request of ops@desk \(pid 9\): bad build/)
    const stopping = stopped.events.find((e) => e.type === 'stopping')
    assert.ok(stopping?.type === 'stopping' && stopping.request.by === asker)
    const last = stopped.events.at(-1)
    assert.ok(last?.type === 'aborted' && last.by === asker && last.restored.map((id) => id.name).join() === 'web')

    assert.deepEqual(aborted.events.map((e) => e.type).filter((t) => t !== 'stop-waiting'), ['stop-requested', 'aborted'])
    assert.equal(aborted.state.phase, 'aborted')
    assert.equal(image(cluster), 'web:1', 'the workload is back on the old image')
    const labels = (cluster.peek('apps/v1', 'Deployment', 'web', 'shop')!.metadata as JsonObject).labels as JsonObject
    assert.ok(labels[applySetLabels.partOf], 'and still a member of the inventory')
    const saved = (await new RolloutStateStore(cluster, 'shop', 'shop').load())!.state
    assert.equal(saved.holder, undefined)
    assert.equal(saved.stopRequested?.by, asker)
  })

  test('--no-wait returns once the request is recorded; the holder still aborts', async () => {
    const {cluster, apply} = await stuckApply()
    const other = deps(cluster, 424242, 'elsewhere')
    const asked = await drainRollout(abortRollout('shop', 'shop', other, {...abortOptions, wait: false}))
    assert.equal(asked.state.phase, 'running')
    assert.equal(asked.state.stopRequested?.by, asker)
    const requested = asked.events[0]
    assert.ok(requested?.type === 'stop-requested' && !requested.waiting && requested.statusCommand === 'strata rollout status shop -n shop')
    assert.equal((await apply).state.phase, 'aborted')
    assert.equal(image(cluster), 'web:1')
  })

  test('a holder with a stale heartbeat is refused without --force and taken over with it', async () => {
    const {cluster, controller} = world()
    const dir = writeTree(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'strata-stop-')), 'shop'), 'web:1')
    const me = deps(cluster, process.pid, os.hostname())
    await drainRollout(runApply(await prepareApply(cluster, {dir, loadRestrictor: 'rootOnly', concurrency: 4, plan: {}, allowMassDelete: false}), me, {...options, replacePaused: false}))
    controller.works = false
    writeTree(dir, 'web:2')
    // An apply on a machine that then vanished: its state says running, its heartbeat is a minute old.
    const vanished = deps(cluster, 7, 'ci-runner-3')
    const prepared = await prepareApply(cluster, {dir, loadRestrictor: 'rootOnly', concurrency: 4, plan: {}, allowMassDelete: false})
    const gen = runApply(prepared, vanished, {...options, replacePaused: false})
    // Run it up to its workloads step's apply, then drop it as a killed process would be (its
    // heartbeat stops; the state still says running).
    for (let r = await gen.next(); !r.done && image(cluster) !== 'web:2'; r = await gen.next());
    await gen.return(undefined as never)
    assert.equal(image(cluster), 'web:2')
    const store = new RolloutStateStore(cluster, 'shop', 'shop')
    const seen = (await store.load())!
    assert.equal(seen.state.phase, 'running')
    const minuteAgo = new Date(Date.now() - 60_000).toISOString()
    await store.save({...seen.state, holder: {...seen.state.holder!, heartbeatAt: minuteAgo}}, seen.resourceVersion)

    await assert.rejects(drainRollout(abortRollout('shop', 'shop', me, abortOptions)), (e: unknown) => e instanceof UserError && /silent for \d+ s/.test(e.message) && /strata rollout abort shop -n shop --force/.test(e.hint ?? ''))
    assert.equal((await store.load())!.state.phase, 'running', 'a refusal changes nothing')
    const forced = await drainRollout(abortRollout('shop', 'shop', me, {...abortOptions, force: true}))
    assert.equal(forced.state.phase, 'aborted')
    assert.equal(image(cluster), 'web:1')
  })
})
