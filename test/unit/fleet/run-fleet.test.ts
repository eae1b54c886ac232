import assert from 'node:assert/strict'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {describe, test} from 'node:test'
import {ClusterError} from '../../../src/cluster/errors.js'
import type {ApplyOptions, ClusterPort} from '../../../src/cluster/port.js'
import {RolloutStateStore} from '../../../src/cluster/state-store.js'
import {parseFleet} from '../../../src/fleet/fleet-file.js'
import {abortFleet, applyFleet, fleetRenderDigest, portCache, readFleet, resumeFleet, type FleetDeps, type FleetOptions} from '../../../src/fleet/run-fleet.js'
import type {Fleet, FleetEvent, FleetPhase} from '../../../src/fleet/types.js'
import {UserError} from '../../../src/model/errors.js'
import type {JsonObject} from '../../../src/model/json.js'
import {processHolder, type RunOptions} from '../../../src/rollout/run-apply.js'
import {drainRollout} from '../helpers/drain-rollout.js'
import {MemoryCluster} from '../helpers/memory-cluster.js'

const run: RunOptions & {replacePaused: boolean} = {forceConflicts: false, concurrency: 4, stepTimeoutMs: 2_000, batchTimeoutMs: 2_000, maxFailedPods: 0, autoAbort: true, pollMs: 1, replacePaused: false}

/** A cluster whose credentials may create nothing: every write is refused as an RBAC denial. */
class DeniedCluster extends MemoryCluster {
  override async apply(obj: JsonObject, options: ApplyOptions): Promise<JsonObject> {
    if (!options.dryRun) throw new ClusterError(403, 'Forbidden', `configmaps "${String((obj.metadata as JsonObject).name)}" is forbidden: User "ci" cannot patch resource "configmaps" in API group "" in the namespace "shop"`)
    return super.apply(obj, options)
  }
}

interface World {
  fleet: Fleet
  clusters: Map<string, MemoryCluster>
  deps: FleetDeps
  options: FleetOptions
  root: string
}

/** A fleet file over ConfigMap trees (overlays/NAME holds ConfigMap `v` with data.version) and one MemoryCluster per cluster. */
async function world(spec: {clusters: {name: string; tier: string}[]; waves: string}, opts: {down?: string[]; denied?: string[]; version?: string} = {}): Promise<World> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-fleet-'))
  for (const c of spec.clusters) writeTree(root, c.name, opts.version ?? '1')
  const text = `apiVersion: strata.dev/v1alpha1\nkind: Fleet\nmetadata: {name: shop}\nspec:\n  path: overlays/{cluster}\n  clusters:\n${spec.clusters.map((c) => `  - {name: ${c.name}, labels: {tier: ${c.tier}}}`).join('\n')}\n  waves:\n${spec.waves}`
  fs.writeFileSync(path.join(root, 'fleet.yaml'), text)
  const fleet = parseFleet(text, path.join(root, 'fleet.yaml'))
  const clusters = new Map(spec.clusters.map((c) => [c.name, opts.denied?.includes(c.name) ? new DeniedCluster() : new MemoryCluster()]))
  let t = Date.parse('2026-01-01T00:00:00Z')
  const now = () => (t += 10)
  const deps: FleetDeps = {
    async connect(c) {
      if (opts.down?.includes(c.name)) throw new UserError(`cannot reach the API server at https://127.0.0.1:1 (ECONNREFUSED)`, {file: 'kubeconfig'}, 'Check that the cluster is running.')
      return clusters.get(c.name)! as ClusterPort
    },
    runDeps: (_c, port) => ({cluster: port, now, sleep: async () => undefined, signal: new AbortController().signal, holder: processHolder(now(), os.hostname(), process.pid), heartbeatMs: 60_000}),
    now,
    signal: new AbortController().signal,
  }
  const options: FleetOptions = {
    request: (c) => ({dir: c.dir, name: fleet.app, loadRestrictor: 'rootOnly', concurrency: 4, plan: {}, allowMassDelete: false}),
    run,
    abort: {...run, force: false, wait: true, waitTimeoutMs: 60_000, requestedBy: 'test', waitPollMs: 1},
    digest: await fleetRenderDigest(fleet, {}),
    commands: {resume: 'strata fleet resume fleet.yaml', abort: 'strata fleet abort fleet.yaml'},
  }
  return {fleet, clusters, deps, options, root}
}

function writeTree(root: string, name: string, version: string): void {
  const dir = path.join(root, 'overlays', name)
  fs.mkdirSync(dir, {recursive: true})
  fs.writeFileSync(path.join(dir, 'cm.yaml'), `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: v\n  namespace: shop\ndata:\n  version: "${version}"\n`)
  fs.writeFileSync(path.join(dir, 'sa.yaml'), `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app\n  namespace: shop\n`)
  fs.writeFileSync(path.join(dir, 'kustomization.yaml'), 'resources:\n- sa.yaml\n- cm.yaml\n')
}

async function drain(gen: AsyncGenerator<FleetEvent, FleetPhase>): Promise<{events: FleetEvent[]; phase: FleetPhase}> {
  const {events, state} = await drainRollout(gen)
  return {events, phase: state}
}

function version(cluster: MemoryCluster): string | undefined {
  return ((cluster.peek('v1', 'ConfigMap', 'v', 'shop')?.data ?? {}) as Record<string, string>).version
}

const three = [
  {name: 'canary', tier: 'canary'},
  {name: 'eu-1', tier: 'main'},
  {name: 'eu-2', tier: 'main'},
]
const canaryThenMain = '  - {name: canary, selector: {tier: canary}, pause: true}\n  - {name: main, selector: {tier: main}, maxParallel: 2}\n'

describe('fleet driver', () => {
  test('a canary wave pauses the fleet with only the canary applied; resume completes the others; status reads it back', async () => {
    const w = await world({clusters: three, waves: canaryThenMain})
    const first = await drain(applyFleet(w.fleet, w.deps, w.options))
    assert.equal(first.phase, 'paused')
    assert.equal(version(w.clusters.get('canary')!), '1')
    assert.equal(version(w.clusters.get('eu-1')!), undefined)
    assert.equal(version(w.clusters.get('eu-2')!), undefined)
    const paused = first.events.find((e) => e.type === 'fleet-paused')
    assert.ok(paused && paused.type === 'fleet-paused')
    assert.equal(paused.wave, 'canary')
    assert.equal(paused.resumeCommand, 'strata fleet resume fleet.yaml')
    // Every rollout event names its cluster.
    assert.ok(first.events.filter((e) => e.type === 'cluster-event').every((e) => e.type === 'cluster-event' && e.cluster === 'canary'))
    const state = (await new RolloutStateStore(w.clusters.get('canary')!, 'shop', 'shop').load())!.state
    assert.deepEqual({name: state.fleet?.name, wave: state.fleet?.wave, digest: state.fleet?.digest}, {name: 'shop', wave: 'canary', digest: w.options.digest})

    // Status from "another machine": a fresh port cache over the same clusters.
    const {status} = await readFleet(w.fleet, portCache(w.deps))
    assert.equal(status.phase, 'paused')
    assert.equal(status.resumeWave, 1)
    assert.equal(status.abortWave, 0)
    assert.match(status.reason, /paused after wave canary; wave main is next/)
    assert.deepEqual(status.waves[1].clusters.map((c) => c.phase), ['pending', 'pending'])

    const second = await drain(resumeFleet(w.fleet, w.deps, w.options))
    assert.equal(second.phase, 'done')
    for (const c of w.clusters.values()) assert.equal(version(c), '1')
    const started = second.events.filter((e) => e.type === 'cluster-start').map((e) => e.type === 'cluster-start' && e.cluster)
    assert.deepEqual(started.sort(), ['eu-1', 'eu-2'], 'the canary is not applied again')
    // maxParallel 2: the second cluster starts before the first one finishes.
    const order = second.events.filter((e) => e.type === 'cluster-start' || e.type === 'cluster-done').map((e) => e.type)
    assert.deepEqual(order.slice(0, 2), ['cluster-start', 'cluster-start'])
    const sum = second.events.at(-1)
    assert.ok(sum?.type === 'fleet-summary')
    assert.deepEqual(sum.clusters.map((c) => [c.cluster, c.phase]), [['canary', 'done'], ['eu-1', 'done'], ['eu-2', 'done']])
    assert.equal((await readFleet(w.fleet, portCache(w.deps))).status.phase, 'done')
    await assert.rejects(drain(resumeFleet(w.fleet, w.deps, w.options)), /is done in every cluster: nothing to resume/)
  })

  test('resume refuses a fleet file that no longer renders what was paused', async () => {
    const w = await world({clusters: three, waves: canaryThenMain})
    await drain(applyFleet(w.fleet, w.deps, w.options))
    writeTree(w.root, 'eu-1', '2')
    const digest = await fleetRenderDigest(w.fleet, {})
    assert.notEqual(digest, w.options.digest)
    await assert.rejects(drain(resumeFleet(w.fleet, w.deps, {...w.options, digest})), (e: unknown) => e instanceof UserError && /renders differently from the fleet run started/.test(e.message))
    assert.equal(version(w.clusters.get('eu-1')!), undefined, 'nothing applied')
  })

  test('an unreachable cluster in the last wave halts the fleet naming it; earlier waves are done', async () => {
    const w = await world({clusters: three, waves: '  - {name: canary, selector: {tier: canary}}\n  - {name: main, selector: {tier: main}, maxParallel: 2}\n'}, {down: ['eu-2']})
    const {events, phase} = await drain(applyFleet(w.fleet, w.deps, w.options))
    assert.equal(phase, 'halted')
    assert.equal(version(w.clusters.get('canary')!), '1')
    assert.equal(version(w.clusters.get('eu-1')!), '1')
    const halted = events.find((e) => e.type === 'fleet-halted')
    assert.ok(halted?.type === 'fleet-halted')
    assert.deepEqual(halted.failed, ['eu-2'])
    const done = events.find((e) => e.type === 'cluster-done' && e.cluster === 'eu-2')
    assert.ok(done?.type === 'cluster-done')
    assert.equal(done.phase, 'failed')
    assert.equal(done.reason, 'cannot reach the API server at https://127.0.0.1:1 (ECONNREFUSED)')
    const {status} = await readFleet(w.fleet, portCache(w.deps))
    assert.equal(status.phase, 'halted')
    assert.match(status.reason, /eu-2 unreachable/)
  })

  test('an RBAC denial fails its cluster; past maxFailures the wave stops launching, the failed cluster is rolled back, the next wave is untouched', async () => {
    const clusters = [{name: 'canary', tier: 'canary'}, {name: 'eu-1', tier: 'main'}, {name: 'eu-2', tier: 'main'}, {name: 'us-1', tier: 'last'}]
    const waves = '  - {name: canary, selector: {tier: canary}}\n  - {name: main, selector: {tier: main}, maxFailures: 0}\n  - {name: last, selector: {tier: last}}\n'
    const w = await world({clusters, waves}, {denied: ['eu-1']})
    const {events, phase} = await drain(applyFleet(w.fleet, w.deps, w.options))
    assert.equal(phase, 'halted')
    const done = events.find((e) => e.type === 'cluster-done' && e.cluster === 'eu-1')
    assert.ok(done?.type === 'cluster-done')
    assert.equal(done.phase, 'failed')
    assert.match(done.reason ?? '', /failed to apply: .*forbidden: User "ci" cannot patch resource "configmaps"/)
    assert.ok(!events.some((e) => e.type === 'cluster-start' && e.cluster === 'eu-2'), 'eu-2 was never started')
    assert.equal(version(w.clusters.get('us-1')!), undefined)
    const halted = events.find((e) => e.type === 'fleet-halted')
    assert.ok(halted?.type === 'fleet-halted')
    assert.deepEqual(halted.aborted, ['eu-1'])
    assert.equal((await new RolloutStateStore(w.clusters.get('eu-1')!, 'shop', 'shop').load())?.state.phase, 'aborted')
  })

  test('maxFailures tolerates a failed cluster: the fleet goes on, and ends halted (exit 2) rather than done', async () => {
    const w = await world({clusters: three, waves: '  - {name: canary, selector: {tier: canary}}\n  - {name: main, selector: {tier: main}, maxFailures: 1}\n'}, {down: ['eu-1']})
    const {events, phase} = await drain(applyFleet(w.fleet, w.deps, w.options))
    assert.equal(phase, 'halted')
    assert.equal(version(w.clusters.get('eu-2')!), '1')
    assert.ok(!events.some((e) => e.type === 'fleet-halted'))
  })

  test("a cluster's own rollout pause pauses the fleet; resume continues that cluster's rollout", async () => {
    const w = await world({clusters: three, waves: canaryThenMain})
    const options: FleetOptions = {...w.options, request: (c) => ({...w.options.request(c), plan: {pauseAfter: 'each'}})}
    const first = await drain(applyFleet(w.fleet, w.deps, options))
    assert.equal(first.phase, 'paused')
    const paused = first.events.find((e) => e.type === 'fleet-paused')
    assert.ok(paused?.type === 'fleet-paused')
    assert.match(paused.reason, /the rollout paused in canary/)
    const {status} = await readFleet(w.fleet, portCache(w.deps))
    assert.equal(status.phase, 'paused')
    assert.equal(status.resumeWave, 0)
    const second = await drain(resumeFleet(w.fleet, w.deps, options))
    assert.ok(second.events.some((e) => e.type === 'cluster-start' && e.cluster === 'canary' && e.action === 'resume'))
  })

  test('abort during a paused wave rolls back its clusters; the run is then aborted and resume refuses', async () => {
    const w = await world({clusters: three, waves: canaryThenMain})
    await drain(applyFleet(w.fleet, w.deps, w.options))
    const {events, phase} = await drain(abortFleet(w.fleet, w.deps, w.options))
    assert.equal(phase, 'aborted')
    assert.deepEqual(events.filter((e) => e.type === 'cluster-start').map((e) => e.type === 'cluster-start' && [e.cluster, e.action]), [['canary', 'abort']])
    const state = (await new RolloutStateStore(w.clusters.get('canary')!, 'shop', 'shop').load())!.state
    assert.equal(state.phase, 'aborted')
    assert.match(state.reason ?? '', /fleet shop, wave canary/)
    assert.equal((await readFleet(w.fleet, portCache(w.deps))).status.phase, 'aborted')
    await assert.rejects(drain(resumeFleet(w.fleet, w.deps, w.options)), /was aborted/)
    await assert.rejects(drain(abortFleet(w.fleet, w.deps, w.options)), /no wave to abort/)
    // A new run starts over.
    assert.equal((await drain(applyFleet(w.fleet, w.deps, w.options))).phase, 'paused')
  })

  test('a tree that does not render refuses the fleet, naming the cluster', async () => {
    const w = await world({clusters: three, waves: canaryThenMain})
    fs.writeFileSync(path.join(w.root, 'overlays', 'eu-2', 'kustomization.yaml'), 'resources:\n- missing.yaml\n')
    await assert.rejects(fleetRenderDigest(w.fleet, {}), (e: unknown) => e instanceof UserError && /cluster eu-2: its tree .* does not render/.test(e.message) && e.origin.field === 'spec.path')
  })
})
