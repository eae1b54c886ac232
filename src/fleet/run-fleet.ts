// The fleet driver: waves in order, each cluster exactly as `strata apply` (prepareApply + runApply,
// or resumeRollout for a cluster whose own rollout stopped), up to maxParallel clusters at once.
// More failed clusters than a wave's maxFailures halts the fleet: the failed clusters are rolled
// back as `rollout abort` would, clusters already done stay. A wave with `pause: true`, or a
// cluster's own rollout pausing, pauses the fleet. Each cluster's rollout state carries the fleet's
// mark, so `fleet status|resume|abort` rebuild the fleet's progress from the clusters themselves.
// Nothing here prints: every cluster's rollout events come out wrapped with the cluster's name.
import type {ClusterPort} from '../cluster/port.js'
import {RolloutStateStore} from '../cluster/state-store.js'
import {UserError} from '../model/errors.js'
import {abortRollout, type AbortOptions} from '../rollout/abort.js'
import type {RenderOptions} from '../render/index.js'
import {prepareApply, resumeRollout, runApply, treeDigest, type ApplyRequest, type RunDeps, type RunOptions} from '../rollout/run-apply.js'
import {locateRollout} from '../rollout/locate.js'
import type {RolloutEvent, RolloutState} from '../rollout/types.js'
import {fleetDigest} from './fleet-digest.js'
import {fleetStatus, type ClusterObservation, type FleetStatus} from './fleet-status.js'
import {runPool} from './pool.js'
import type {ClusterOutcome, ClusterPhase, Fleet, FleetCluster, FleetEvent, FleetMark, FleetPhase, FleetWave} from './types.js'

export interface FleetDeps {
  /** A port to the cluster; throws (a UserError, one line) when it cannot be reached or refuses the credentials. */
  connect(cluster: FleetCluster): Promise<ClusterPort>
  /** The deps one cluster's rollout runs with over its port (holder, clock, sleep, signal, target). */
  runDeps(cluster: FleetCluster, port: ClusterPort): RunDeps
  now: () => number
  /** Ctrl-C: running rollouts stop as `apply` does (state saved, resumable); no further cluster starts. */
  signal: AbortSignal
}

export interface FleetOptions {
  /** The apply request of one cluster (the fleet's tree for it, the app name, the apply flags). */
  request: (cluster: FleetCluster) => ApplyRequest
  run: RunOptions & {replacePaused: boolean}
  /** How halting rolls a failed cluster back, and `fleet abort` a wave. */
  abort: AbortOptions
  /** The fleet render's digest (fleet-digest.ts) of the fleet file as it is now. */
  digest: string
  /** Follow-up commands printed at a pause. */
  commands: {resume: string; abort: string}
}

type Action = {kind: 'apply'} | {kind: 'resume'; namespace: string} | {kind: 'skip'; reason: string}

interface Ran {
  outcome: ClusterOutcome
  /** The app's namespace in that cluster, when its rollout got that far. */
  namespace?: string
}

/**
 * Renders every cluster's tree (before any cluster is touched: a tree that does not render refuses
 * the whole fleet) and returns the fleet render's digest.
 */
export async function fleetRenderDigest(fleet: Fleet, render: RenderOptions): Promise<string> {
  const digests = new Map<string, string>()
  for (const c of fleet.clusters) {
    try {
      digests.set(c.name, await treeDigest(c.dir, render))
    } catch (e) {
      if (!(e instanceof UserError)) throw e
      const where = [e.origin.file && (e.origin.line ? `${e.origin.file}:${e.origin.line}` : e.origin.file), e.origin.field && `field ${e.origin.field}`].filter(Boolean).join(', ')
      throw new UserError(`cluster ${c.name}: its tree ${c.dir} does not render: ${where ? `${where}: ` : ''}${e.message}`, {file: fleet.file, field: 'spec.path'}, e.hint ?? 'Fix the tree, or the path of this cluster in the fleet file.')
    }
  }
  return fleetDigest(fleet, digests)
}

/** `fleet apply`: a new fleet run from the first wave. */
export async function* applyFleet(fleet: Fleet, deps: FleetDeps, options: FleetOptions): AsyncGenerator<FleetEvent, FleetPhase> {
  const run = new Date(deps.now()).toISOString()
  const ports = portCache(deps)
  return yield* runWaves(fleet, deps, options, ports, {run, resumed: false, from: 0, action: () => ({kind: 'apply'})})
}

/** `fleet resume`: the current run goes on from its first unfinished wave; a fleet file that renders otherwise is refused. */
export async function* resumeFleet(fleet: Fleet, deps: FleetDeps, options: FleetOptions): AsyncGenerator<FleetEvent, FleetPhase> {
  const ports = portCache(deps)
  const {status, observed} = await readFleet(fleet, ports)
  const resumeHint = 'Run `strata fleet apply` to start a new run of the fleet.'
  switch (status.phase) {
    case 'not-started':
      throw new UserError(`fleet ${fleet.name}: no cluster records a run of it, so there is nothing to resume`, {file: fleet.file}, resumeHint)
    case 'done':
      throw new UserError(`fleet ${fleet.name}: the run started ${status.run} is done in every cluster: nothing to resume`, {file: fleet.file}, resumeHint)
    case 'aborted':
      throw new UserError(`fleet ${fleet.name}: the run started ${status.run} was aborted (${status.reason})`, {file: fleet.file}, resumeHint)
    case 'running':
      throw new UserError(`fleet ${fleet.name} is running: ${status.reason}`, {file: fleet.file}, 'Wait for it (`strata fleet status`), or stop it with `strata fleet abort`.')
  }
  if (status.digest !== options.digest) {
    throw new UserError(
      `${fleet.file} renders differently from the fleet run started ${status.run}: resuming would roll out another render than the one that was paused`,
      {file: fleet.file, field: 'spec'},
      'Run `strata fleet apply` to roll the fleet file out as it is now (a new run), or restore the trees it was started from and resume.',
    )
  }
  const phaseOf = new Map(status.waves.flatMap((w) => w.clusters.map((c) => [c.cluster, c.phase] as const)))
  const action = (c: FleetCluster): Action => {
    const phase = phaseOf.get(c.name)
    const o = observed.get(c.name)
    if (phase === 'done') return {kind: 'skip', reason: 'done in this run'}
    if ((phase === 'paused' || phase === 'failed' || phase === 'interrupted') && o?.reachable && o.state) return {kind: 'resume', namespace: o.state.namespace}
    return {kind: 'apply'}
  }
  return yield* runWaves(fleet, deps, options, ports, {run: status.run!, resumed: true, from: status.resumeWave ?? 0, action, before: status})
}

/** `fleet abort`: rolls back every cluster of the current wave (running, paused, failed or done in this run). */
export async function* abortFleet(fleet: Fleet, deps: FleetDeps, options: Pick<FleetOptions, 'abort'>): AsyncGenerator<FleetEvent, FleetPhase> {
  const started = deps.now()
  const ports = portCache(deps)
  const {status, observed} = await readFleet(fleet, ports)
  if (status.abortWave === undefined) {
    throw new UserError(`fleet ${fleet.name} is ${status.phase}${status.run ? ` (run started ${status.run})` : ''}: there is no wave to abort`, {file: fleet.file}, '`strata fleet status` shows every cluster.')
  }
  const wave = fleet.waves[status.abortWave]
  const targets = status.waves[wave.index].clusters.filter((c) => c.phase === 'running' || c.phase === 'paused' || c.phase === 'failed' || c.phase === 'interrupted' || c.phase === 'done')
  yield {type: 'wave-start', wave: wave.name, index: wave.index, clusters: targets.map((c) => c.cluster)}
  const outcomes = new Map<string, ClusterOutcome>()
  const clusters = targets.map((t) => fleet.clusters.find((c) => c.name === t.cluster)!)
  const results = yield* runPool(clusters, Math.max(wave.maxParallel, 1), async (c, emit) => {
    const o = observed.get(c.name)
    const namespace = o?.reachable && o.state ? o.state.namespace : ''
    emit({type: 'cluster-start', cluster: c.name, wave: wave.name, action: 'abort'})
    const outcome = await abortCluster(fleet, c, wave, namespace, ports, deps, options.abort, (e) => emit({type: 'cluster-event', cluster: c.name, wave: wave.name, event: e}))
    emit({type: 'cluster-done', ...outcome})
    return outcome
  })
  for (const r of results) if (r) outcomes.set(r.cluster, r)
  const failed = [...outcomes.values()].filter((o) => o.phase !== 'aborted')
  const phase: FleetPhase = failed.length === 0 ? 'aborted' : 'halted'
  yield summary(fleet, phase, status, outcomes, deps.now() - started)
  return phase
}

/** Every cluster's state, read in parallel, and the fleet status they make. */
export async function readFleet(fleet: Fleet, ports: PortCache): Promise<{status: FleetStatus; observed: Map<string, ClusterObservation>}> {
  const observations = await Promise.all(fleet.clusters.map((c) => observeCluster(fleet, c, ports)))
  return {status: fleetStatus(fleet, observations), observed: new Map(observations.map((o) => [o.cluster, o]))}
}

async function observeCluster(fleet: Fleet, c: FleetCluster, ports: PortCache): Promise<ClusterObservation> {
  let port: ClusterPort
  try {
    port = await ports.get(c)
  } catch (e) {
    return {cluster: c.name, reachable: false, reason: oneLine(e)}
  }
  try {
    const located = await locateRollout(port, fleet.app, fleet.namespace).catch((e: unknown) => {
      // No state anywhere: the cluster has not been applied (by this fleet or at all).
      if (e instanceof UserError && e.origin.field === 'NAME') return undefined
      throw e
    })
    if (!located) return {cluster: c.name, reachable: true}
    const stored = await new RolloutStateStore(port, fleet.app, located.namespace).load()
    return {cluster: c.name, reachable: true, ...(stored ? {state: stored.state} : {})}
  } catch (e) {
    return {cluster: c.name, reachable: false, reason: oneLine(e)}
  }
}

export interface PortCache {
  get(cluster: FleetCluster): Promise<ClusterPort>
}

/** One port per cluster for the whole command; a failed connection is not kept (the next use tries again). */
export function portCache(deps: Pick<FleetDeps, 'connect'>): PortCache {
  const ports = new Map<string, Promise<ClusterPort>>()
  return {
    get(cluster) {
      let p = ports.get(cluster.name)
      if (!p) {
        p = deps.connect(cluster)
        p.catch(() => ports.delete(cluster.name))
        ports.set(cluster.name, p)
      }
      return p
    },
  }
}

interface RunPlan {
  run: string
  resumed: boolean
  from: number
  action: (cluster: FleetCluster) => Action
  /** Where a resumed run stood: the summary names the clusters this run does not touch as they were. */
  before?: FleetStatus
}

async function* runWaves(fleet: Fleet, deps: FleetDeps, options: FleetOptions, ports: PortCache, plan: RunPlan): AsyncGenerator<FleetEvent, FleetPhase> {
  const started = deps.now()
  const outcomes = new Map<string, ClusterOutcome>()
  yield {
    type: 'fleet-start',
    fleet: fleet.name,
    app: fleet.app,
    digest: options.digest,
    run: plan.run,
    resumed: plan.resumed,
    fromWave: plan.from,
    waves: fleet.waves.map((w) => ({name: w.name, clusters: w.clusters, pause: w.pause, maxParallel: w.maxParallel, maxFailures: w.maxFailures})),
  }
  const finish = (phase: FleetPhase): FleetEvent => summary(fleet, phase, plan.before, outcomes, deps.now() - started)
  for (const wave of fleet.waves.slice(plan.from)) {
    yield {type: 'wave-start', wave: wave.name, index: wave.index, clusters: wave.clusters}
    const mark: FleetMark = {name: fleet.name, run: plan.run, wave: wave.name, digest: options.digest}
    const clusters = wave.clusters.map((name) => fleet.clusters.find((c) => c.name === name)!)
    let failures = 0
    const results = yield* runPool(
      clusters,
      wave.maxParallel,
      async (c, emit): Promise<Ran> => {
        const action = plan.action(c)
        if (action.kind === 'skip') {
          emit({type: 'cluster-skip', cluster: c.name, wave: wave.name, reason: action.reason})
          return {outcome: {cluster: c.name, wave: wave.name, phase: 'done', reason: action.reason}}
        }
        emit({type: 'cluster-start', cluster: c.name, wave: wave.name, action: action.kind})
        const ran = await runCluster(fleet, c, action, mark, ports, deps, options, (e) => emit({type: 'cluster-event', cluster: c.name, wave: wave.name, event: e}))
        if (isFailure(ran.outcome.phase)) failures++
        emit({type: 'cluster-done', ...ran.outcome})
        return ran
      },
      () => failures <= wave.maxFailures && !deps.signal.aborted,
    )
    const ran = results.filter((r): r is Ran => r !== undefined)
    for (const r of ran) outcomes.set(r.outcome.cluster, r.outcome)
    const by = (...phases: ClusterPhase[]) => ran.filter((r) => phases.includes(r.outcome.phase)).map((r) => r.outcome.cluster)
    yield {type: 'wave-done', wave: wave.name, index: wave.index, done: by('done'), failed: by('failed', 'aborted', 'unreachable', 'interrupted'), paused: by('paused')}
    if (deps.signal.aborted || by('interrupted').length > 0) {
      yield finish('interrupted')
      return 'interrupted'
    }
    const failed = by('failed', 'aborted', 'unreachable')
    if (failed.length > wave.maxFailures) {
      const aborted: string[] = []
      for (const r of ran.filter((x) => x.outcome.phase === 'failed' && x.namespace !== undefined)) {
        const c = fleet.clusters.find((x) => x.name === r.outcome.cluster)!
        const events: FleetEvent[] = []
        const outcome = await abortCluster(fleet, c, wave, r.namespace!, ports, deps, options.abort, (e) => events.push({type: 'cluster-event', cluster: c.name, wave: wave.name, event: e}))
        yield* events
        if (outcome.phase === 'aborted') {
          aborted.push(c.name)
          outcomes.set(c.name, {...outcome, reason: `${r.outcome.reason ?? 'failed'}; rolled back`})
        }
      }
      yield {type: 'fleet-halted', wave: wave.name, failed, maxFailures: wave.maxFailures, aborted}
      yield finish('halted')
      return 'halted'
    }
    const paused = ran.filter((r) => r.outcome.phase === 'paused')
    if (paused.length > 0) {
      yield {type: 'fleet-paused', wave: wave.name, reason: `the rollout paused in ${paused.map((p) => `${p.outcome.cluster}${p.outcome.reason ? ` (${p.outcome.reason})` : ''}`).join(', ')}`, resumeCommand: options.commands.resume, abortCommand: options.commands.abort}
      yield finish('paused')
      return 'paused'
    }
    if (wave.pause && wave.index < fleet.waves.length - 1) {
      yield {type: 'fleet-paused', wave: wave.name, reason: `wave ${wave.name} is done; wave ${fleet.waves[wave.index + 1].name} is next`, resumeCommand: options.commands.resume, abortCommand: options.commands.abort}
      yield finish('paused')
      return 'paused'
    }
  }
  const phase: FleetPhase = [...outcomes.values()].every((o) => o.phase === 'done') ? 'done' : 'halted'
  yield finish(phase)
  return phase
}

function failureDetail(e: RolloutEvent): string | undefined {
  switch (e.type) {
    case 'apply-failed':
      return `${e.id.kind} ${e.id.name}: ${e.message}`
    case 'gate-failed':
      return `${e.id.kind} ${e.id.name}: ${e.health.message}`
    case 'breaker':
      return `${e.id.kind} ${e.id.name}: ${e.reason}`
    default:
      return undefined
  }
}

function isFailure(phase: ClusterPhase): boolean {
  return phase === 'failed' || phase === 'aborted' || phase === 'unreachable'
}

/** One cluster, as `strata apply` (or `rollout resume`) would run it; never throws: a failure is its outcome. */
async function runCluster(fleet: Fleet, c: FleetCluster, action: Exclude<Action, {kind: 'skip'}>, mark: FleetMark, ports: PortCache, deps: FleetDeps, options: FleetOptions, emit: (e: RolloutEvent) => void): Promise<Ran> {
  const wave = mark.wave
  let port: ClusterPort
  try {
    port = await ports.get(c)
  } catch (e) {
    // Unreachable, or credentials refused (expired, wrong): the reason line says which.
    return {outcome: {cluster: c.name, wave, phase: 'failed', reason: oneLine(e)}}
  }
  let namespace: string | undefined = action.kind === 'resume' ? action.namespace : undefined
  try {
    const runDeps = deps.runDeps(c, port)
    let gen: AsyncGenerator<RolloutEvent, RolloutState>
    if (action.kind === 'resume') {
      gen = resumeRollout(fleet.app, action.namespace, runDeps, options.run)
    } else {
      const prepared = await prepareApply(port, options.request(c))
      namespace = prepared.namespace
      gen = runApply(prepared, runDeps, {...options.run, fleet: mark})
    }
    // The state's reason says which step stopped; the event before it says why (the server's refusal, the gate).
    let why: string | undefined
    let r = await gen.next()
    while (!r.done) {
      emit(r.value)
      why = failureDetail(r.value) ?? why
      r = await gen.next()
    }
    const state = r.value
    const reason = state.phase === 'done' ? undefined : [state.reason, state.phase === 'failed' || state.phase === 'aborted' ? why : undefined].filter(Boolean).join(': ')
    return {outcome: {cluster: c.name, wave, phase: state.phase, ...(reason ? {reason: oneLine(reason)} : {})}, namespace: state.namespace}
  } catch (e) {
    return {outcome: {cluster: c.name, wave, phase: 'failed', reason: oneLine(e)}, namespace}
  }
}

async function abortCluster(fleet: Fleet, c: FleetCluster, wave: FleetWave, namespace: string, ports: PortCache, deps: FleetDeps, abort: AbortOptions, emit: (e: RolloutEvent) => void): Promise<ClusterOutcome> {
  try {
    const port = await ports.get(c)
    const gen = abortRollout(fleet.app, namespace, deps.runDeps(c, port), {...abort, includeDone: true, abortedBy: `aborted by strata fleet (fleet ${fleet.name}, wave ${wave.name})`})
    let r = await gen.next()
    while (!r.done) {
      emit(r.value)
      r = await gen.next()
    }
    return {cluster: c.name, wave: wave.name, phase: r.value.phase, ...(r.value.phase !== 'aborted' && r.value.reason ? {reason: oneLine(r.value.reason)} : {})}
  } catch (e) {
    return {cluster: c.name, wave: wave.name, phase: 'failed', reason: `not rolled back: ${oneLine(e)}`}
  }
}

function summary(fleet: Fleet, phase: FleetPhase, status: FleetStatus | undefined, outcomes: ReadonlyMap<string, ClusterOutcome>, elapsedMs: number): FleetEvent {
  const before = new Map(status?.waves.flatMap((w) => w.clusters.map((c) => [c.cluster, c] as const)) ?? [])
  const clusters = fleet.clusters.map((c): ClusterOutcome => {
    const o = outcomes.get(c.name)
    if (o) return o
    const b = before.get(c.name)
    return {cluster: c.name, wave: fleet.waves[c.wave].name, phase: b?.phase ?? 'pending', ...(b?.reason ? {reason: b.reason} : {})}
  })
  return {type: 'fleet-summary', fleet: fleet.name, phase, clusters, elapsedMs}
}

/**
 * An error as one line for a cluster's outcome: the message without its hint, newlines folded.
 * Messages come from UserError/ClusterError, which never carry credentials; a bearer token that
 * some server or plugin echoes is cut all the same.
 */
export function oneLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e)
  return text
    .replace(/(bearer|basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 [redacted]')
    .replace(/\s*\n\s*/g, ' ')
    .trim()
}
