import assert from 'node:assert/strict'
import {describe, test} from 'node:test'
import {ClusterError} from '../../../src/cluster/errors.js'
import type {ApplyOptions, ClusterPort, ObjectRef} from '../../../src/cluster/port.js'
import {cloneJson, type JsonObject} from '../../../src/model/json.js'
import {executeRollout, type ExecuteOptions, type RolloutStateWriter} from '../../../src/rollout/execute.js'
import {buildPlan, type PlanOptions} from '../../../src/rollout/plan.js'
import type {RolloutEvent, RolloutState} from '../../../src/rollout/types.js'

const ns: JsonObject = {apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'shop'}}
const cm = (name: string): JsonObject => ({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name, namespace: 'shop'}, data: {a: '1'}})

function stateFor(objects: JsonObject[], planOptions: PlanOptions = {}): RolloutState {
  const plan = buildPlan({app: 'shop', namespace: 'shop', objects: objects.map((object) => ({object, action: 'create', changedPaths: []})), deletions: []}, planOptions)
  const t = new Date(0).toISOString()
  return {version: 1, app: 'shop', namespace: 'shop', phase: 'running', plan, step: 0, workloads: {}, previousTemplates: {}, startedAt: t, updatedAt: t}
}

/** Objects live in a Map; every call goes to one shared log so the order of saves and applies shows. */
function fakeWorld(opts: {conflictOn?: string; onApply?: (name: string) => void} = {}) {
  const log: string[] = []
  const objects = new Map<string, JsonObject>()
  const keyOf = (kind: string, namespace: string | undefined, name: string) => `${kind}/${namespace ?? ''}/${name}`
  const cluster = {
    defaultNamespace: 'default',
    async get(ref: ObjectRef) {
      return objects.get(keyOf(ref.kind, ref.namespace, ref.name))
    },
    async list(_apiVersion: string, kind: string, options?: {namespace?: string}) {
      return [...objects.values()].filter((o) => o.kind === kind && (!options?.namespace || (o.metadata as JsonObject).namespace === options.namespace))
    },
    async apply(obj: JsonObject, options: ApplyOptions) {
      const md = obj.metadata as JsonObject
      log.push(`apply ${obj.kind}/${md.name as string}`)
      opts.onApply?.(md.name as string)
      if (opts.conflictOn === md.name && !options.force) {
        throw new ClusterError(409, 'Conflict', `ConfigMap shop/${md.name as string}: Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using v1: .data.a (HTTP 409)`)
      }
      const live = {...cloneJson(obj), status: obj.kind === 'Namespace' ? {phase: 'Active'} : undefined}
      if (live.status === undefined) delete live.status
      objects.set(keyOf(obj.kind as string, md.namespace as string | undefined, md.name as string), live)
      return live
    },
  } as unknown as ClusterPort
  const saved: RolloutState[] = []
  let version = 0
  const store: RolloutStateWriter = {
    async save(state) {
      log.push(`save ${state.phase} step=${state.step}`)
      saved.push(cloneJson(state as unknown as JsonObject) as unknown as RolloutState)
      return String(++version)
    },
  }
  return {log, cluster, store, saved}
}

const options: ExecuteOptions = {fieldManager: 'strata', forceConflicts: false, concurrency: 4, stepTimeoutMs: 5000, batchTimeoutMs: 5000, maxFailedPods: 0, autoAbort: true, applySetId: 'applyset-x-v1', pollMs: 1}

async function run(state: RolloutState, w: ReturnType<typeof fakeWorld>, signal = new AbortController().signal) {
  let t = 0
  const gen = executeRollout(state, undefined, {cluster: w.cluster, store: w.store, now: () => (t += 5), sleep: async () => {}, signal, holder: {pid: 1, host: 'h', startedAt: 'x', heartbeatAt: 'x'}}, options)
  const events: RolloutEvent[] = []
  for (;;) {
    const n = await gen.next()
    if (n.done) return {events, final: n.value}
    events.push(n.value)
  }
}

describe('executeRollout', () => {
  test('saves running before the first apply, runs the steps in order, ends done', async () => {
    const w = fakeWorld()
    const {events, final} = await run(stateFor([cm('a'), ns]), w)
    assert.equal(w.log[0], 'save running step=0')
    assert.ok(w.log.indexOf('apply Namespace/shop') < w.log.indexOf('apply ConfigMap/a'), w.log.join('\n'))
    assert.equal(final.phase, 'done')
    assert.equal(final.step, final.plan.steps.length)
    assert.deepEqual(events.map((e) => e.type).filter((t) => t !== 'health'), ['init', 'step-start', 'applied', 'step-done', 'step-start', 'applied', 'step-done', 'done'])
    assert.equal(w.saved.at(-1)?.phase, 'done')
  })

  test('pause after each step: exits paused with the next step saved; resuming from the saved state finishes', async () => {
    const w = fakeWorld()
    const first = await run(stateFor([cm('a'), ns], {pauseAfter: 'each'}), w)
    assert.equal(first.final.phase, 'paused')
    assert.equal(first.final.step, 1)
    const paused = first.events.at(-1)
    assert.ok(paused?.type === 'paused')
    assert.equal(paused.resumeCommand, 'strata rollout resume shop -n shop')
    assert.deepEqual(w.log.filter((l) => l.startsWith('apply')), ['apply Namespace/shop'])

    const second = await run(w.saved.at(-1)!, w)
    assert.equal(second.final.phase, 'done')
    const init = second.events[0]
    assert.ok(init.type === 'init' && init.resumed && init.fromStep === 1)
    assert.deepEqual(w.log.filter((l) => l.startsWith('apply')), ['apply Namespace/shop', 'apply ConfigMap/a'])
  })

  test('a signal during a step: in-flight applies finish, the state is saved interrupted at that step', async () => {
    const ac = new AbortController()
    const w = fakeWorld({onApply: () => ac.abort()})
    const {events, final} = await run(stateFor([ns, cm('a')]), w, ac.signal)
    assert.equal(final.phase, 'interrupted')
    assert.equal(final.step, 0)
    assert.equal(events.at(-1)?.type, 'interrupted')
    assert.equal(w.saved.at(-1)?.phase, 'interrupted')
    assert.deepEqual(w.log.filter((l) => l.startsWith('apply')), ['apply Namespace/shop'])
  })

  test('a field conflict fails the step with the manager and field named; later steps never run', async () => {
    const w = fakeWorld({conflictOn: 'a'})
    const {events, final} = await run(stateFor([ns, cm('a')], {}), w)
    assert.equal(final.phase, 'failed')
    const failed = events.find((e) => e.type === 'apply-failed')
    assert.ok(failed?.type === 'apply-failed')
    assert.match(failed.message, /\.data\.a is owned by "kubectl-client-side-apply"/)
    assert.equal(w.saved.at(-1)?.phase, 'failed')
    // It ends as a pause does: the saved reason and the commands that go on from here.
    const end = events.at(-1)
    assert.ok(end?.type === 'failed', end?.type)
    assert.equal(end.reason, final.reason)
    assert.match(end.resumeCommand, /^strata rollout resume shop -n /)
    assert.match(end.abortCommand, /^strata rollout abort shop -n /)
  })
})
