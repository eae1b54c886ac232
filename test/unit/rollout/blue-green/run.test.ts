import assert from 'node:assert/strict'
import {test} from 'node:test'
import type {JsonObject} from '../../../../src/model/json.js'
import type {Value} from '../../../../src/rollout/analysis/expr.js'
import type {MetricsPort} from '../../../../src/rollout/analysis/run.js'
import {abortWorkload, runNextBatch, type BatchContext} from '../../../../src/rollout/batches/index.js'
import {planObjectId} from '../../../../src/rollout/plan.js'
import {templateHash, versionName} from '../../../../src/rollout/strategies/blue-green/objects.js'
import type {BlueGreenPhase} from '../../../../src/rollout/strategies/blue-green/phases.js'
import {blueGreenLiveItem, startBlueGreenRecord} from '../../../../src/rollout/strategies/blue-green/run.js'
import {readBlueGreenSpec} from '../../../../src/rollout/strategies/blue-green/spec.js'
import type {PlanItem, RolloutEvent, WorkloadRecord} from '../../../../src/rollout/types.js'
import {BlueGreenFake} from './bg-fake.js'

const deploymentRef = (name: string) => ({apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name})

function deployment(image: string, annotations: Record<string, string> = {}): JsonObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {name: 'web', namespace: 'shop', labels: {app: 'web'}, annotations: {'strata.dev/strategy': 'blue-green', 'strata.dev/active-service': 'web', 'strata.dev/scale-down-delay': '30s', ...annotations}},
    spec: {replicas: 3, selector: {matchLabels: {app: 'web'}}, template: {metadata: {labels: {app: 'web'}}, spec: {containers: [{name: 'app', image}]}}},
  }
}

function service(name: string): JsonObject {
  return {apiVersion: 'v1', kind: 'Service', metadata: {name, namespace: 'shop'}, spec: {selector: {app: 'web'}, ports: [{port: 80}]}}
}

function itemOf(obj: JsonObject, analyses?: NonNullable<PlanItem['batches']>['analyses']): PlanItem {
  const spec = readBlueGreenSpec(obj, {describe: 'Deployment shop/web'})!
  return {id: planObjectId(obj), action: 'update', object: obj, blueGreen: spec, batches: {strategy: 'blue-green', shares: [1], ...(analyses ? {analyses} : {})}}
}

/** A cluster where `web` ran app:1 before blue/green (plain Deployment), Services web and web-preview. */
async function setup(options: {metrics?: MetricsPort; signal?: AbortSignal} = {}) {
  const fake = new BlueGreenFake()
  const plain = deployment('app:1')
  delete (plain.metadata as JsonObject).annotations
  await fake.apply(plain, {force: false})
  await fake.apply(service('web'), {force: false})
  await fake.apply(service('web-preview'), {force: false})
  fake.settle()
  const saved: WorkloadRecord[] = []
  const ctx: BatchContext = {
    cluster: fake,
    fieldManager: 'strata',
    forceConflicts: false,
    applySetId: 'applyset-x',
    batchTimeoutMs: 600_000,
    maxFailedPods: 0,
    now: fake.now,
    sleep: fake.sleep,
    pollMs: 1000,
    app: 'shop',
    metrics: options.metrics,
    signal: options.signal,
    saveRecord: async (r) => {
      saved.push(structuredClone(r))
    },
  }
  return {fake, ctx, saved}
}

async function drain<T>(gen: AsyncGenerator<RolloutEvent, T>, events: RolloutEvent[] = []): Promise<T> {
  for (;;) {
    const r = await gen.next()
    if (r.done) return r.value
    events.push(r.value)
  }
}

const phasesOf = (saved: WorkloadRecord[]): BlueGreenPhase[] => saved.map((r) => r.blueGreen!.phase).filter((p, i, all) => i === 0 || all[i - 1] !== p)
const imagesBehind = (fake: BlueGreenFake, svc: string) =>
  fake.readyPodsSelectedBy(svc).map((pod) => {
    const owner = [...fake.objects.values()].find((d) => d.kind === 'Deployment' && (d.metadata as JsonObject).uid === (pod.metadata as JsonObject).ownerUid)
    return String(((((owner!.spec as JsonObject).template as JsonObject).spec as JsonObject).containers as JsonObject[])[0].image)
  })

test('first blue/green change of a plain Deployment: pin, new version beside the old, one switch, old removed after the delay', async () => {
  const {fake, ctx, saved} = await setup()
  const item = itemOf(deployment('app:2', {'strata.dev/preview-service': 'web-preview'}))
  const record = await startBlueGreenRecord(ctx, item)
  const hash = templateHash(item.object!)
  assert.deepEqual(record.blueGreen!.next, {deployment: versionName('web', hash), hash})
  assert.equal(record.blueGreen!.previous.deployment, 'web')
  assert.ok('podTemplateHash' in record.blueGreen!.previous)

  fake.endpointsOf = 'web'
  const events: RolloutEvent[] = []
  const outcome = await drain(runNextBatch(ctx, item, record), events)
  assert.equal(outcome.ok, true)
  assert.equal(outcome.record.batchesDone, 1)
  assert.deepEqual(phasesOf(saved), ['start', 'preview', 'verify', 'promoted', 'done'])
  // Traffic: app:1 until the switch, app:2 after, never an empty endpoint set.
  assert.ok(fake.endpointLog.length > 10)
  assert.ok(fake.endpointLog.every((n) => n >= 3), `endpoints dropped: ${fake.endpointLog.join(',')}`)
  assert.deepEqual(fake.selectorOf('web'), {app: 'web', 'strata.dev/bg-hash': hash})
  assert.deepEqual(fake.selectorOf('web-preview'), {app: 'web', 'strata.dev/bg-hash': hash})
  assert.deepEqual(imagesBehind(fake, 'web'), ['app:2', 'app:2', 'app:2'])
  assert.equal(await fake.get(deploymentRef('web')), undefined, 'the pre-blue/green Deployment goes after the delay')
  const promotedAt = saved.find((r) => r.blueGreen!.phase === 'promoted')!.blueGreen!.promotedAt!
  const removedAt = fake.calls.indexOf('delete Deployment web')
  assert.ok(removedAt > 0)
  assert.ok(fake.clock >= promotedAt + 30_000, 'the old version stays for the scale-down delay')
  const version = (await fake.get(deploymentRef(versionName('web', hash))))!
  assert.equal(((version.metadata as JsonObject).labels as JsonObject)['applyset.kubernetes.io/part-of'], 'applyset-x', 'the version is an ApplySet member')
  assert.ok(events.some((e) => e.type === 'blue-green' && e.message.startsWith('switch web to')))
})

test('a second change moves from one version to the next; the serving version is what a plain apply targets', async () => {
  const {fake, ctx} = await setup()
  const first = itemOf(deployment('app:2'))
  await drain(runNextBatch(ctx, first, await startBlueGreenRecord(ctx, first)))
  const h2 = templateHash(first.object!)
  const live = await blueGreenLiveItem(fake, {...first, action: 'unchanged', batches: undefined})
  assert.equal(live.id.name, versionName('web', h2))

  const second = itemOf(deployment('app:3'))
  const record = await startBlueGreenRecord(ctx, second)
  assert.deepEqual(record.blueGreen!.previous, {deployment: versionName('web', h2), hash: h2})
  fake.endpointsOf = 'web'
  const outcome = await drain(runNextBatch(ctx, second, record))
  assert.equal(outcome.ok, true)
  assert.ok(fake.endpointLog.every((n) => n >= 3))
  assert.deepEqual(imagesBehind(fake, 'web'), ['app:3', 'app:3', 'app:3'])
  assert.equal(await fake.get(deploymentRef(versionName('web', h2))), undefined)
})

test('auto-promote false pauses before the switch; the next run (rollout resume) promotes', async () => {
  const {fake, ctx, saved} = await setup()
  const item = itemOf(deployment('app:2', {'strata.dev/auto-promote': 'false'}))
  const record = await startBlueGreenRecord(ctx, item)
  const paused = await drain(runNextBatch(ctx, item, record))
  assert.equal(paused.ok, false)
  assert.ok(!paused.ok && paused.paused)
  assert.match(!paused.ok ? paused.reason : '', /resume to switch web/)
  assert.deepEqual(imagesBehind(fake, 'web'), ['app:1', 'app:1', 'app:1'], 'still on the old pods while paused')
  assert.equal(saved.at(-1)!.blueGreen!.promotionHeld, true)

  const resumed = await drain(runNextBatch(ctx, item, saved.at(-1)!))
  assert.equal(resumed.ok, true)
  assert.deepEqual(imagesBehind(fake, 'web'), ['app:2', 'app:2', 'app:2'])
})

test('abort before promotion: the Service keeps the old pods, the new version goes, the pin is lifted', async () => {
  const {fake, ctx, saved} = await setup()
  const item = itemOf(deployment('app:2', {'strata.dev/auto-promote': 'false', 'strata.dev/preview-service': 'web-preview'}))
  await drain(runNextBatch(ctx, item, await startBlueGreenRecord(ctx, item)))
  fake.endpointsOf = 'web'
  const events: RolloutEvent[] = []
  await drain(abortWorkload(ctx, saved.at(-1)!), events)
  assert.deepEqual(fake.selectorOf('web'), {app: 'web'}, 'back to its own selector')
  assert.deepEqual(fake.selectorOf('web-preview'), {app: 'web'})
  assert.equal(await fake.get(deploymentRef(saved.at(-1)!.blueGreen!.next.deployment)), undefined)
  assert.deepEqual(imagesBehind(fake, 'web'), ['app:1', 'app:1', 'app:1'])
  assert.ok(fake.endpointLog.every((n) => n === 3))
})

test('abort within the scale-down delay switches back at once, then removes the new version', async () => {
  const stop = new AbortController()
  const {fake, ctx, saved} = await setup({signal: stop.signal})
  const first = itemOf(deployment('app:2'))
  await drain(runNextBatch({...ctx, signal: undefined}, first, await startBlueGreenRecord(ctx, first)))
  const second = itemOf(deployment('app:3'))
  const record = await startBlueGreenRecord(ctx, second)
  const save = ctx.saveRecord!
  const out = await drain(
    runNextBatch({...ctx, saveRecord: async (r) => (await save(r), r.blueGreen!.phase === 'promoted' ? stop.abort() : undefined)}, second, record),
  )
  assert.ok(!out.ok && out.interrupted)
  assert.deepEqual(imagesBehind(fake, 'web'), ['app:3', 'app:3', 'app:3'])
  fake.endpointsOf = 'web'
  await drain(abortWorkload({...ctx, signal: undefined}, saved.at(-1)!))
  const h2 = templateHash(first.object!)
  assert.deepEqual(fake.selectorOf('web'), {app: 'web', 'strata.dev/bg-hash': h2})
  assert.deepEqual(imagesBehind(fake, 'web'), ['app:2', 'app:2', 'app:2'])
  assert.equal(await fake.get(deploymentRef(versionName('web', templateHash(second.object!)))), undefined)
  assert.equal(fake.calls.filter((c) => c.startsWith('patch Service web ')).length >= 1, true)
  assert.ok(fake.endpointLog.every((n) => n === 3))
})

test('abort after the old version was removed says so and changes nothing', async () => {
  const {fake, ctx, saved} = await setup()
  const item = itemOf(deployment('app:2'))
  await drain(runNextBatch(ctx, item, await startBlueGreenRecord(ctx, item)))
  const before = fake.calls.length
  const events: RolloutEvent[] = []
  await drain(abortWorkload(ctx, saved.at(-1)!), events)
  assert.equal(fake.calls.length, before)
  assert.ok(events.some((e) => e.type === 'warning' && /removed after the scale-down delay/.test(e.message)))
})

test('new pods that crash trip the breaker before any switch', async () => {
  const {fake, ctx} = await setup()
  const obj = deployment('app:2')
  ;(((obj.spec as JsonObject).template as JsonObject).metadata as JsonObject).annotations = {'strata.dev/e2e-crash': 'true'}
  const item = itemOf(obj)
  const outcome = await drain(runNextBatch(ctx, item, await startBlueGreenRecord(ctx, item)))
  assert.ok(!outcome.ok && outcome.breaker)
  assert.match(!outcome.ok ? outcome.reason : '', /CrashLoopBackOff/)
  assert.ok(!('strata.dev/bg-hash' in fake.selectorOf('web')))
  assert.deepEqual(imagesBehind(fake, 'web'), ['app:1', 'app:1', 'app:1'])
})

const analysisDoc: JsonObject = {
  apiVersion: 'strata.dev/v1alpha1',
  kind: 'Analysis',
  metadata: {name: 'errors'},
  spec: {metrics: [{name: 'rate', interval: '5s', count: 2, successCondition: 'result[0] < 0.05', provider: {prometheus: {address: 'http://prom:9090', query: 'rate{hash="{{canaryHash}}"}'}}}]},
}

function metrics(value: Value, seen: string[]): MetricsPort {
  return {
    async measure(p) {
      if (p.kind === 'prometheus') seen.push(p.query)
      return value
    },
  }
}

test('analyses gate promotion: a pass promotes (queries see the new version hash), a failure never switches', async () => {
  const seen: string[] = []
  const good = await setup({metrics: metrics([0.01], seen)})
  const item = itemOf(deployment('app:2'), [{name: 'errors', file: 'analysis.yaml', document: analysisDoc, args: {}}])
  const events: RolloutEvent[] = []
  const ok = await drain(runNextBatch(good.ctx, item, await startBlueGreenRecord(good.ctx, item)), events)
  assert.equal(ok.ok, true)
  const analysed = events.filter((e) => e.type === 'analysis')
  assert.ok(analysed.length >= 4 && analysed.every((e) => e.type === 'analysis' && e.version === versionName('web', templateHash(item.object!))), 'analysis events name the version they judge')
  assert.equal(ok.record.analysis?.verdict, 'Successful')
  assert.equal(ok.record.analysis?.measurements.errors.length, 2)
  assert.ok(seen.every((q) => q === `rate{hash="${templateHash(item.object!)}"}`))

  const bad = await setup({metrics: metrics([0.5], [])})
  const failed = await drain(runNextBatch(bad.ctx, item, await startBlueGreenRecord(bad.ctx, item)))
  assert.ok(!failed.ok && failed.breaker)
  assert.match(failed.reason, /^analysis failed for web-\w+: analysis errors: metric rate: 1 failed measurement\(s\), limit 0/)
  assert.equal(failed.record.analysis?.verdict, 'Failed')
  assert.ok(!('strata.dev/bg-hash' in bad.fake.selectorOf('web')))
  await drain(abortWorkload(bad.ctx, failed.record))
  assert.deepEqual(bad.fake.selectorOf('web'), {app: 'web'})
  assert.deepEqual(imagesBehind(bad.fake, 'web'), ['app:1', 'app:1', 'app:1'])
})

test('a switch performed but not saved (crash) is recognised on resume, not redone', async () => {
  const {fake, ctx, saved} = await setup()
  const item = itemOf(deployment('app:2'))
  const record = await startBlueGreenRecord(ctx, item)
  let dropped = false
  // Lose the save that records the promotion, as a crash right after the switch would.
  const crash = new AbortController()
  await drain(
    runNextBatch({...ctx, signal: crash.signal, saveRecord: async (r) => {
      if (r.blueGreen!.phase === 'promoted' && !dropped) {
        dropped = true
        crash.abort()
        return
      }
      saved.push(structuredClone(r))
    }}, item, record),
  )
  const lastSaved = saved.at(-1)!
  assert.equal(lastSaved.blueGreen!.phase, 'verify')
  const switches = () => fake.calls.filter((c) => c.startsWith('patch Service web ') && c.includes(templateHash(item.object!))).length
  assert.equal(switches(), 1)
  const resumed = await drain(runNextBatch(ctx, item, lastSaved))
  assert.equal(resumed.ok, true)
  assert.equal(switches(), 1, 'the switch is not written twice')
})

test('startBlueGreenRecord refuses a missing active Service, naming the annotation', async () => {
  const {fake, ctx} = await setup()
  fake.objects.delete('Service/shop/web')
  await assert.rejects(startBlueGreenRecord(ctx, itemOf(deployment('app:2'))), (e: Error & {field?: string}) => /active Service web does not exist/.test(e.message))
})

test('a rollout replaced while paused leaves versions behind; the next one to finish removes them', async () => {
  const {fake, ctx} = await setup()
  const first = itemOf(deployment('app:2'))
  await drain(runNextBatch(ctx, first, await startBlueGreenRecord(ctx, first)))
  // app:3 paused before its switch, then replaced (apply --replace-paused) by app:4.
  const paused = itemOf(deployment('app:3', {'strata.dev/auto-promote': 'false'}))
  const held = await drain(runNextBatch(ctx, paused, await startBlueGreenRecord(ctx, paused)))
  assert.ok(!held.ok && held.paused)
  const stray = versionName('web', templateHash(paused.object!))
  assert.ok(await fake.get(deploymentRef(stray)))
  const next = itemOf(deployment('app:4'))
  const events: RolloutEvent[] = []
  const done = await drain(runNextBatch(ctx, next, await startBlueGreenRecord(ctx, next)), events)
  assert.equal(done.ok, true)
  const left = (await fake.list('apps/v1', 'Deployment', {namespace: 'shop'})).map((d) => String((d.metadata as JsonObject).name))
  assert.deepEqual(left, [versionName('web', templateHash(next.object!))])
  assert.ok(events.some((e) => e.type === 'blue-green' && e.message === `Deployment ${stray} removed (an earlier version no Service serves)`))
})

test('an inconclusive analysis pauses before any switch; resume runs it afresh and promotes', async () => {
  let value: Value = [0.07]
  const {fake, ctx, saved} = await setup({metrics: {measure: async () => value}})
  const doc = structuredClone(analysisDoc)
  ;((doc.spec as JsonObject).metrics as JsonObject[])[0].failureCondition = 'result[0] > 0.1'
  const item = itemOf(deployment('app:2'), [{name: 'errors', file: 'analysis.yaml', document: doc, args: {}}])
  const out = await drain(runNextBatch(ctx, item, await startBlueGreenRecord(ctx, item)))
  assert.ok(!out.ok && out.paused, JSON.stringify(out))
  assert.match(out.reason, /^analysis inconclusive for web-\w+: analysis errors: metric rate: 1 inconclusive measurement\(s\), limit 0; last value \[0\.07\]; web still serves web — resume to run the analysis again, abort to remove web-\w+$/)
  assert.equal(out.record.analysis?.verdict, 'Inconclusive')
  assert.equal(out.record.blueGreen?.phase, 'verify')
  assert.equal(saved.at(-1)!.blueGreen?.phase, 'verify')
  assert.equal(saved.at(-1)!.analysis?.verdict, 'Inconclusive', 'the pause is saved with the verdict')
  assert.deepEqual(imagesBehind(fake, 'web'), ['app:1', 'app:1', 'app:1'])
  value = [0.01]
  const resumed = await drain(runNextBatch(ctx, item, out.record))
  assert.equal(resumed.ok, true)
  assert.equal(resumed.record.analysis?.verdict, 'Successful')
  assert.deepEqual(resumed.record.analysis?.measurements.errors.map((m) => m.value), [[0.01], [0.01]], 'the resumed analysis started afresh')
  assert.deepEqual(imagesBehind(fake, 'web'), ['app:2', 'app:2', 'app:2'])
})

test('paused on an inconclusive analysis, then aborted: the active Service never moved, the new version is gone', async () => {
  const {fake, ctx} = await setup({metrics: {measure: async () => [0.07]}})
  const doc = structuredClone(analysisDoc)
  ;((doc.spec as JsonObject).metrics as JsonObject[])[0].failureCondition = 'result[0] > 0.1'
  const item = itemOf(deployment('app:2', {'strata.dev/preview-service': 'web-preview'}), [{name: 'errors', file: 'analysis.yaml', document: doc, args: {}}])
  fake.endpointsOf = 'web'
  const out = await drain(runNextBatch(ctx, item, await startBlueGreenRecord(ctx, item)))
  assert.ok(!out.ok && out.paused)
  const next = out.record.blueGreen!.next.deployment
  assert.ok(await fake.get(deploymentRef(next)))
  assert.equal(fake.calls.filter((c) => c.startsWith('patch Service web ') && c.includes(out.record.blueGreen!.next.hash)).length, 0, 'no switch was written')
  await drain(abortWorkload(ctx, out.record))
  assert.equal(await fake.get(deploymentRef(next)), undefined)
  assert.deepEqual(fake.selectorOf('web'), {app: 'web'})
  assert.deepEqual(fake.selectorOf('web-preview'), {app: 'web'})
  assert.deepEqual(imagesBehind(fake, 'web'), ['app:1', 'app:1', 'app:1'])
  assert.ok(fake.endpointLog.every((n) => n === 3), `endpoints: ${fake.endpointLog.join(',')}`)
})

test('auto-promote false with an inconclusive analysis: the resume that passes it still holds before the switch', async () => {
  let value: Value = [0.07]
  const {fake, ctx} = await setup({metrics: {measure: async () => value}})
  const doc = structuredClone(analysisDoc)
  ;((doc.spec as JsonObject).metrics as JsonObject[])[0].failureCondition = 'result[0] > 0.1'
  const item = itemOf(deployment('app:2', {'strata.dev/auto-promote': 'false'}), [{name: 'errors', file: 'analysis.yaml', document: doc, args: {}}])
  const inconclusive = await drain(runNextBatch(ctx, item, await startBlueGreenRecord(ctx, item)))
  assert.ok(!inconclusive.ok && inconclusive.paused && /inconclusive/.test(inconclusive.reason))
  value = [0.01]
  const held = await drain(runNextBatch(ctx, item, inconclusive.record))
  assert.ok(!held.ok && held.paused && /resume to switch web/.test(held.reason), JSON.stringify(held))
  assert.deepEqual(imagesBehind(fake, 'web'), ['app:1', 'app:1', 'app:1'])
  const promoted = await drain(runNextBatch(ctx, item, held.record))
  assert.equal(promoted.ok, true)
  assert.equal(promoted.record.analysis?.measurements.errors.length, 2, 'a passed analysis is not run again after the hold')
  assert.deepEqual(imagesBehind(fake, 'web'), ['app:2', 'app:2', 'app:2'])
})

test('an analysis interrupted mid-way (Ctrl-C, a lost process) resumes from its saved measurements, not from the start', async () => {
  const stop = new AbortController()
  const {fake, ctx, saved} = await setup({metrics: {measure: async () => [0.01]}, signal: stop.signal})
  const doc = structuredClone(analysisDoc)
  ;((doc.spec as JsonObject).metrics as JsonObject[])[0].count = 4
  const item = itemOf(deployment('app:2'), [{name: 'errors', file: 'analysis.yaml', document: doc, args: {}}])
  const save = ctx.saveRecord!
  const out = await drain(
    runNextBatch({...ctx, saveRecord: async (r) => (await save(r), (r.analysis?.measurements.errors?.length ?? 0) >= 2 ? stop.abort() : undefined)}, item, await startBlueGreenRecord(ctx, item)),
  )
  assert.ok(!out.ok && out.interrupted, JSON.stringify(out))
  const last = saved.at(-1)!
  const before = last.analysis!.measurements.errors.map((m) => m.at)
  assert.equal(before.length, 2)
  assert.equal(last.blueGreen!.phase, 'verify')
  assert.deepEqual(imagesBehind(fake, 'web'), ['app:1', 'app:1', 'app:1'])
  const resumed = await drain(runNextBatch({...ctx, signal: undefined}, item, last))
  assert.equal(resumed.ok, true)
  const after = resumed.record.analysis!.measurements.errors.map((m) => m.at)
  assert.equal(after.length, 4, 'four in all, not four more')
  assert.deepEqual(after.slice(0, 2), before, 'the saved ones kept')
  assert.deepEqual(imagesBehind(fake, 'web'), ['app:2', 'app:2', 'app:2'])
})
