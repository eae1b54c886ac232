// Runs a set of analyses for one batch (or one blue/green preview): measures each metric on its
// schedule through the MetricsPort, judges every value, and stops at the first decisive verdict.
// Pure over its ports: the clock, the sleep and the metrics edge are passed in, so the unit tests
// run a whole analysis on a fake clock, and a resumed process continues from saved measurements.
//
// Used by the canary batches and by blue/green:
//   const gen = runAnalyses(runs, {metrics, now, sleep}, {gate, previous, startedAt}, signal)
//   for (;;) { const r = await gen.next(); if (r.done) { r.value.verdict … } else emit(r.value) }
// - `runs`: resolved analyses (resolveAnalysisRuns: spec + arg values + built-ins)
// - `gate`: aborted when the batch's health gate is reached; open-ended metrics (interval without
//   count) end there, metrics with a count keep measuring until they reach it
// - `previous`/`startedAt`: from the rollout state, so `rollout resume` keeps the schedule and counts
// Verdict: Successful → pass; Failed → trip the breaker; Inconclusive → pause with `reason`.
import {fillTemplate, type AnalysisSpec, type MetricSpec, type Provider, type TemplateValues} from './spec.js'
import {analysisVerdict, judge, metricVerdict, nextMeasurementAt, type Measurement, type MetricVerdict, type Verdict} from './verdict.js'
import type {Value} from './expr.js'

/** A provider with every placeholder filled in, ready for the edge to send. */
export type ResolvedProvider = Provider

/** The edge that takes measurements (src/cluster/metrics-http.ts); it throws MeasureError on failure. */
export interface MetricsPort {
  measure(provider: ResolvedProvider, signal: AbortSignal): Promise<Value>
}

export class MeasureError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'MeasureError'
  }
}

export interface AnalysisRun {
  spec: AnalysisSpec
  values: TemplateValues
}

export interface AnalysisDeps {
  metrics: MetricsPort
  now: () => number
  /** Resolves after `ms` or when `signal` aborts (whichever first), never rejects. */
  sleep: (ms: number, signal: AbortSignal) => Promise<void>
}

export type AnalysisEvent =
  | {type: 'analysis-start'; analysis: string; metrics: string[]; startedAt: string}
  | {type: 'measurement'; analysis: string; measurement: Measurement}
  | {type: 'analysis-verdict'; analysis: string; verdict: Verdict; reason?: string; metrics: MetricVerdict[]}

export interface AnalysisOutcome {
  verdict: Exclude<Verdict, 'Running'>
  /** Which analysis and metric decided, and why (for the breaker / the pause message). */
  reason?: string
  measurements: Record<string, Measurement[]>
}

export interface AnalysisProgress {
  gate: AbortSignal
  /** Measurements saved before (per analysis name), oldest first. */
  previous?: Record<string, Measurement[]>
  /** When this batch's analysis started (ms), saved with the measurements. */
  startedAt?: number
}

/** Fills a provider's placeholders for one run. */
export function resolveProvider(p: Provider, values: TemplateValues): ResolvedProvider {
  const fill = (s: string) => fillTemplate(s, values)
  const headers = p.headers.map((h) => (h.value === undefined ? h : {...h, value: fill(h.value)}))
  if (p.kind === 'prometheus') return {...p, address: fill(p.address), query: fill(p.query), headers}
  return {...p, url: fill(p.url), body: p.body === undefined ? undefined : fill(p.body), headers}
}

export async function* runAnalyses(runs: readonly AnalysisRun[], deps: AnalysisDeps, progress: AnalysisProgress, signal: AbortSignal): AsyncGenerator<AnalysisEvent, AnalysisOutcome | undefined> {
  const startedAt = progress.startedAt ?? deps.now()
  const measurements: Record<string, Measurement[]> = {}
  for (const r of runs) {
    measurements[r.spec.name] = [...(progress.previous?.[r.spec.name] ?? [])]
    yield {type: 'analysis-start', analysis: r.spec.name, metrics: r.spec.metrics.map((m) => m.name), startedAt: new Date(startedAt).toISOString()}
  }
  const own = (run: AnalysisRun, m: MetricSpec) => measurements[run.spec.name].filter((x) => x.metric === m.name)
  const verdictOf = (run: AnalysisRun) => analysisVerdict(run.spec.metrics.map((m) => metricVerdict(m, own(run, m), progress.gate.aborted)))
  const decided = new Set<string>()
  for (;;) {
    if (signal.aborted) return undefined
    // Verdicts first: a resumed run may already be decided by what was saved.
    let allPassed = true
    for (const run of runs) {
      const v = verdictOf(run)
      if (v.verdict !== 'Running' && !decided.has(run.spec.name)) {
        decided.add(run.spec.name)
        yield {type: 'analysis-verdict', analysis: run.spec.name, verdict: v.verdict, reason: v.reason, metrics: run.spec.metrics.map((m) => metricVerdict(m, own(run, m), progress.gate.aborted))}
      }
      if (v.verdict === 'Failed' || v.verdict === 'Inconclusive') return {verdict: v.verdict, reason: `analysis ${run.spec.name}: ${v.reason}`, measurements}
      if (v.verdict !== 'Successful') allPassed = false
    }
    if (allPassed) return {verdict: 'Successful', measurements}
    // The earliest due measurement among still-running metrics.
    let due: {run: AnalysisRun; metric: MetricSpec; at: number} | undefined
    for (const run of runs) {
      for (const m of run.spec.metrics) {
        if (metricVerdict(m, own(run, m), progress.gate.aborted).verdict !== 'Running') continue
        const at = nextMeasurementAt(m, startedAt, own(run, m))
        if (at !== undefined && (!due || at < due.at)) due = {run, metric: m, at}
      }
    }
    if (!due) return {verdict: 'Successful', measurements} // nothing left to measure and nothing failed
    const wait = due.at - deps.now()
    if (wait > 0) {
      // Wake early when the gate is reached: an open-ended metric may be done then.
      const both = AbortSignal.any([signal, progress.gate])
      await deps.sleep(wait, progress.gate.aborted ? signal : both)
      continue
    }
    const m = await measureOnce(due.run, due.metric, deps, signal)
    if (signal.aborted) return undefined
    measurements[due.run.spec.name].push(m)
    yield {type: 'measurement', analysis: due.run.spec.name, measurement: m}
  }
}

async function measureOnce(run: AnalysisRun, metric: MetricSpec, deps: AnalysisDeps, signal: AbortSignal): Promise<Measurement> {
  let value: Value
  try {
    value = await deps.metrics.measure(resolveProvider(metric.provider, run.values), signal)
  } catch (e) {
    if (e instanceof MeasureError) return {metric: metric.name, at: new Date(deps.now()).toISOString(), phase: 'Error', message: e.message}
    throw e
  }
  const {phase, message} = judge(metric, value)
  return {metric: metric.name, at: new Date(deps.now()).toISOString(), phase, value, ...(message ? {message} : {})}
}
