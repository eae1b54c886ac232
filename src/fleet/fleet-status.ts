// Where a fleet stands, rebuilt from what each cluster says about itself: its app's rollout state
// carries the fleet's mark (name, run, wave, digest), so any machine with the fleet file and the
// credentials sees the same answer. Pure: the observations are read elsewhere (observe.ts).
import type {RolloutState} from '../rollout/types.js'
import type {ClusterPhase, Fleet, FleetMark, FleetPhase} from './types.js'

export type ClusterObservation = {cluster: string; reachable: true; state?: RolloutState} | {cluster: string; reachable: false; reason: string}

export interface ClusterStatus {
  cluster: string
  wave: string
  phase: ClusterPhase
  /** The cluster's rollout step (1-based) and step count, when it belongs to the current run. */
  step?: number
  steps?: number
  reason?: string
}

export interface WaveStatus {
  name: string
  index: number
  pause: boolean
  maxParallel: number
  maxFailures: number
  clusters: ClusterStatus[]
}

export interface FleetStatus {
  fleet: string
  app: string
  phase: FleetPhase
  /** One line: where and why the fleet stopped. */
  reason: string
  /** The current run's start (ISO) and fleet digest, when any cluster records a run. */
  run?: string
  digest?: string
  /** The wave `fleet resume` goes on with: the first wave not done in every cluster. */
  resumeWave?: number
  /** The wave `fleet abort` rolls back: the one running or paused (the last done one when paused between waves). */
  abortWave?: number
  waves: WaveStatus[]
}

/** The fleet's mark in a cluster's state, when this fleet applied it. */
export function fleetMarkOf(state: RolloutState | undefined, fleet: string): FleetMark | undefined {
  const mark = state?.fleet
  return mark && mark.name === fleet ? mark : undefined
}

export function fleetStatus(fleet: Fleet, observations: readonly ClusterObservation[]): FleetStatus {
  const byName = new Map(observations.map((o) => [o.cluster, o]))
  // The current run is the newest one any cluster records: an earlier run's marks are history.
  let current: FleetMark | undefined
  for (const o of observations) {
    const mark = o.reachable ? fleetMarkOf(o.state, fleet.name) : undefined
    if (mark && (!current || mark.run > current.run)) current = mark
  }
  const waves: WaveStatus[] = fleet.waves.map((w) => ({
    name: w.name,
    index: w.index,
    pause: w.pause,
    maxParallel: w.maxParallel,
    maxFailures: w.maxFailures,
    clusters: w.clusters.map((name) => clusterStatus(name, w.name, byName.get(name), fleet.name, current)),
  }))
  const base = {fleet: fleet.name, app: fleet.app, waves, ...(current ? {run: current.run, digest: current.digest} : {})}
  if (!current) return {...base, phase: 'not-started', reason: 'no cluster records a run of this fleet'}

  const all = waves.flatMap((w) => w.clusters)
  const running = all.filter((c) => c.phase === 'running')
  if (running.length > 0) {
    const i = waves.findIndex((w) => w.clusters.some((c) => c.phase === 'running'))
    return {...base, phase: 'running', reason: `wave ${waves[i].name} is running in ${names(running)}`, abortWave: i}
  }
  const aborted = all.filter((c) => c.phase === 'aborted')
  if (aborted.length > 0) {
    const i = waves.findIndex((w) => w.clusters.some((c) => c.phase === 'aborted'))
    return {...base, phase: 'aborted', reason: `aborted in ${names(aborted)} (wave ${waves[i].name})`}
  }
  const i = waves.findIndex((w) => w.clusters.some((c) => c.phase !== 'done'))
  if (i < 0) return {...base, phase: 'done', reason: `every cluster is done`}
  const wave = waves[i]
  const of = (...phases: ClusterPhase[]) => wave.clusters.filter((c) => phases.includes(c.phase))
  const failed = of('failed')
  if (failed.length > 0) return {...base, phase: 'halted', reason: `wave ${wave.name} halted: ${failed.map((c) => `${c.cluster} failed${c.reason ? ` (${c.reason})` : ''}`).join('; ')}`, resumeWave: i, abortWave: i}
  const interrupted = of('interrupted')
  if (interrupted.length > 0) return {...base, phase: 'interrupted', reason: `wave ${wave.name} was interrupted in ${names(interrupted)}`, resumeWave: i, abortWave: i}
  const paused = of('paused')
  if (paused.length > 0) return {...base, phase: 'paused', reason: `wave ${wave.name}: the rollout paused in ${names(paused)}${paused[0].reason ? ` (${paused[0].reason})` : ''}`, resumeWave: i, abortWave: i}
  const started = of('done')
  const missing = of('pending', 'unreachable')
  if (started.length === 0 && i > 0 && waves[i - 1].pause) {
    return {...base, phase: 'paused', reason: `paused after wave ${waves[i - 1].name}; wave ${wave.name} is next`, resumeWave: i, abortWave: i - 1}
  }
  const unreachable = of('unreachable')
  const why = unreachable.length > 0 ? `: ${unreachable.map((c) => `${c.cluster} unreachable (${c.reason})`).join('; ')}` : ''
  return {
    ...base,
    phase: 'halted',
    reason: started.length > 0 ? `wave ${wave.name} stopped with ${names(missing)} not applied${why}` : `the run stopped before wave ${wave.name}${why}`,
    resumeWave: i,
    abortWave: started.length > 0 ? i : i > 0 ? i - 1 : i,
  }
}

function clusterStatus(name: string, wave: string, o: ClusterObservation | undefined, fleet: string, current: FleetMark | undefined): ClusterStatus {
  if (!o) return {cluster: name, wave, phase: 'pending'}
  if (!o.reachable) return {cluster: name, wave, phase: 'unreachable', reason: o.reason}
  const mark = fleetMarkOf(o.state, fleet)
  if (!o.state || !mark || !current || mark.run !== current.run) return {cluster: name, wave, phase: 'pending'}
  const s = o.state
  return {cluster: name, wave, phase: s.phase, step: Math.min(s.step + 1, s.plan.steps.length), steps: s.plan.steps.length, ...(s.reason ? {reason: s.reason} : {})}
}

function names(cs: readonly ClusterStatus[]): string {
  return cs.map((c) => c.cluster).join(', ')
}
