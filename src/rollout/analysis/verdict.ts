// Measurements → verdicts with Argo Rollouts' semantics, as pure functions (the clock is passed in):
// - one measurement: failureCondition true → Failed; successCondition true → Successful; with only
//   a successCondition a false one is Failed, with only a failureCondition a false one is
//   Successful, with both and neither true → Inconclusive; a query or evaluation error → Error.
// - one metric: Failed once failed > failureLimit, Inconclusive once inconclusive > inconclusiveLimit,
//   Failed (by errors) once consecutive errors > consecutiveErrorLimit (a success resets the run);
//   Successful when its count of judged measurements is reached, or when the batch's gate ends an
//   open-ended metric that judged at least one. Errors never count toward `count` (as in Argo):
//   a metric whose every query failed has no evidence and never passes.
// - an analysis: any metric Failed → Failed; else any Inconclusive → Inconclusive; else all
//   Successful → Successful; else Running.
import {evaluate, ExprError, type Value} from './expr.js'
import type {MetricSpec} from './spec.js'

export type MeasurementPhase = 'Successful' | 'Failed' | 'Inconclusive' | 'Error'
export type Verdict = 'Running' | 'Successful' | 'Failed' | 'Inconclusive'

/** One measurement, as saved in the rollout state and shown by `rollout status`. */
export interface Measurement {
  metric: string
  /** ISO time the measurement finished. */
  at: string
  phase: MeasurementPhase
  /** The value the condition saw (JSON), absent on an error. */
  value?: Value
  /** Why it errored (never carries a credential: providers build it from status and URL host). */
  message?: string
}

export interface MetricVerdict {
  metric: string
  verdict: Verdict
  reason?: string
  measured: number
  successful: number
  failed: number
  inconclusive: number
  errors: number
  consecutiveErrors: number
}

/** Judges one value against the metric's conditions. */
export function judge(metric: Pick<MetricSpec, 'successCondition' | 'failureCondition'>, result: Value): {phase: MeasurementPhase; message?: string} {
  try {
    const check = (c: MetricSpec['successCondition'], which: string) => {
      if (!c) return undefined
      const v = evaluate(c.expr, {result})
      if (typeof v !== 'boolean') throw new ExprError(`${which} ${JSON.stringify(c.text)} gave ${JSON.stringify(v)}, not true or false`)
      return v
    }
    const failed = check(metric.failureCondition, 'failureCondition')
    const succeeded = check(metric.successCondition, 'successCondition')
    const fail = failed ?? (succeeded === undefined ? false : !succeeded)
    const success = succeeded ?? !fail
    if (fail) return {phase: 'Failed'}
    return success ? {phase: 'Successful'} : {phase: 'Inconclusive'}
  } catch (e) {
    if (e instanceof ExprError) return {phase: 'Error', message: e.message}
    throw e
  }
}

/** The state of one metric after `measurements` (its own, oldest first). `gateReached`: the batch's gate ended it. */
export function metricVerdict(metric: MetricSpec, measurements: readonly Measurement[], gateReached = false): MetricVerdict {
  const out: MetricVerdict = {metric: metric.name, verdict: 'Running', measured: 0, successful: 0, failed: 0, inconclusive: 0, errors: 0, consecutiveErrors: 0}
  for (const m of measurements) {
    out.measured++
    if (m.phase === 'Error') {
      out.errors++
      out.consecutiveErrors++
    } else {
      out.consecutiveErrors = 0
      if (m.phase === 'Successful') out.successful++
      else if (m.phase === 'Failed') out.failed++
      else out.inconclusive++
    }
    // The first limit crossed decides, as the measurements arrive.
    if (out.failed > metric.failureLimit) return {...out, verdict: 'Failed', reason: `${out.failed} failed measurement(s), limit ${metric.failureLimit}${m.value === undefined ? '' : `; last value ${JSON.stringify(m.value)}`}`}
    if (out.consecutiveErrors > metric.consecutiveErrorLimit) return {...out, verdict: 'Failed', reason: `${out.consecutiveErrors} consecutive errors, limit ${metric.consecutiveErrorLimit}${m.message ? `; last: ${m.message}` : ''}`}
    if (out.inconclusive > metric.inconclusiveLimit) return {...out, verdict: 'Inconclusive', reason: `${out.inconclusive} inconclusive measurement(s), limit ${metric.inconclusiveLimit}${m.value === undefined ? '' : `; last value ${JSON.stringify(m.value)}`}`}
  }
  const judged = out.measured - out.errors
  if (metric.count !== undefined && judged >= metric.count) return {...out, verdict: 'Successful'}
  // An open-ended metric ends at the gate, but a batch is never passed on no evidence at all.
  if (gateReached && metric.count === undefined && judged > 0) return {...out, verdict: 'Successful'}
  return out
}

/** Folds metric verdicts into the analysis verdict. */
export function analysisVerdict(metrics: readonly MetricVerdict[]): {verdict: Verdict; reason?: string} {
  const failed = metrics.find((m) => m.verdict === 'Failed')
  if (failed) return {verdict: 'Failed', reason: `metric ${failed.metric}: ${failed.reason}`}
  const inconclusive = metrics.find((m) => m.verdict === 'Inconclusive')
  if (inconclusive) return {verdict: 'Inconclusive', reason: `metric ${inconclusive.metric}: ${inconclusive.reason}`}
  if (metrics.every((m) => m.verdict === 'Successful')) return {verdict: 'Successful'}
  return {verdict: 'Running'}
}

/**
 * When the metric's next measurement is due (ms since epoch), or undefined when it takes no more.
 * `startedAt`: when the analysis began for this batch (saved, so a resumed run keeps its schedule).
 */
export function nextMeasurementAt(metric: MetricSpec, startedAt: number, measurements: readonly Measurement[]): number | undefined {
  if (metric.count !== undefined && measurements.filter((m) => m.phase !== 'Error').length >= metric.count) return undefined
  if (measurements.length === 0) return startedAt + metric.initialDelayMs
  return Date.parse(measurements[measurements.length - 1].at) + (metric.intervalMs ?? 0)
}
