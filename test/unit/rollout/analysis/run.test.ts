import assert from 'node:assert/strict'
import {test} from 'node:test'
import type {Value} from '../../../../src/rollout/analysis/expr.js'
import {MeasureError, runAnalyses, type AnalysisEvent, type AnalysisOutcome, type MetricsPort} from '../../../../src/rollout/analysis/run.js'
import {parseAnalysis, type AnalysisSpec} from '../../../../src/rollout/analysis/spec.js'
import type {Measurement} from '../../../../src/rollout/analysis/verdict.js'

/** A fake clock whose sleep advances time (or stops early when the signal aborts). */
function fakeClock(start = 1_000_000) {
  let t = start
  return {
    now: () => t,
    sleep: async (ms: number, signal: AbortSignal) => {
      if (!signal.aborted) t += ms
    },
  }
}

function analysis(metric: Record<string, unknown>): AnalysisSpec {
  return parseAnalysis({apiVersion: 'strata.dev/v1alpha1', kind: 'Analysis', metadata: {name: 'a'}, spec: {args: [{name: 'svc'}], metrics: [{name: 'm', provider: {prometheus: {address: 'http://p', query: 'q{s="{{args.svc}}",h="{{canaryHash}}"}'}}, ...metric}]}}, 'a.yaml')
}

async function drain(gen: AsyncGenerator<AnalysisEvent, AnalysisOutcome | undefined>) {
  const events: AnalysisEvent[] = []
  for (;;) {
    const r = await gen.next()
    if (r.done) return {events, outcome: r.value}
    events.push(r.value)
  }
}

function scripted(values: Array<Value | Error>, seen: string[] = []): MetricsPort {
  let i = 0
  return {
    async measure(p) {
      seen.push(p.kind === 'prometheus' ? p.query : p.url)
      const v = values[Math.min(i++, values.length - 1)]
      if (v instanceof Error) throw v
      return v
    },
  }
}

const values = {args: {svc: 'web'}, builtins: {canaryHash: 'h1'}}

test('a passing analysis measures count times on its schedule, with placeholders filled, then is Successful', async () => {
  const clock = fakeClock()
  const seen: string[] = []
  const {events, outcome} = await drain(runAnalyses([{spec: analysis({interval: '10s', count: 3, initialDelay: '5s', successCondition: 'result[0] < 0.05'}), values}], {metrics: scripted([[0.01]], seen), ...clock}, {gate: new AbortController().signal}, new AbortController().signal))
  assert.equal(outcome?.verdict, 'Successful')
  const times = events.filter((e) => e.type === 'measurement').map((e) => Date.parse((e as {measurement: Measurement}).measurement.at) - 1_000_000)
  assert.deepEqual(times, [5000, 15000, 25000])
  assert.deepEqual(seen, Array(3).fill('q{s="web",h="h1"}'))
  assert.equal(events.at(-1)?.type, 'analysis-verdict')
})

test('a failing measurement fails the analysis at once (failureLimit 0) with the value in the reason', async () => {
  const {outcome} = await drain(runAnalyses([{spec: analysis({interval: '10s', count: 5, successCondition: 'result[0] < 0.05'}), values}], {metrics: scripted([[0.01], [0.5]]), ...fakeClock()}, {gate: new AbortController().signal}, new AbortController().signal))
  assert.equal(outcome?.verdict, 'Failed')
  assert.match(outcome!.reason!, /analysis a: metric m: 1 failed measurement\(s\), limit 0; last value \[0.5\]/)
  assert.equal(outcome!.measurements.a.length, 2)
})

test('provider errors past consecutiveErrorLimit fail the analysis', async () => {
  const {outcome} = await drain(runAnalyses([{spec: analysis({interval: '1s', count: 20, successCondition: 'result[0] < 1', consecutiveErrorLimit: 2}), values}], {metrics: scripted([[0], new MeasureError('p:9090: ECONNREFUSED')]), ...fakeClock()}, {gate: new AbortController().signal}, new AbortController().signal))
  assert.equal(outcome?.verdict, 'Failed')
  assert.match(outcome!.reason!, /3 consecutive errors, limit 2; last: p:9090: ECONNREFUSED/)
})

test('neither condition true is Inconclusive: the rollout pauses with the reason', async () => {
  const {outcome} = await drain(runAnalyses([{spec: analysis({successCondition: 'result[0] < 0.05', failureCondition: 'result[0] > 0.2'}), values}], {metrics: scripted([[0.1]]), ...fakeClock()}, {gate: new AbortController().signal}, new AbortController().signal))
  assert.equal(outcome?.verdict, 'Inconclusive')
  assert.match(outcome!.reason!, /inconclusive/)
})

test('an open-ended metric runs until the gate, then passes on what it measured', async () => {
  const clock = fakeClock()
  const gate = new AbortController()
  let n = 0
  const metrics: MetricsPort = {
    async measure() {
      if (++n === 4) gate.abort()
      return [0]
    },
  }
  const {outcome} = await drain(runAnalyses([{spec: analysis({interval: '10s', successCondition: 'result[0] < 1'}), values}], {metrics, ...clock}, {gate: gate.signal}, new AbortController().signal))
  assert.equal(outcome?.verdict, 'Successful')
  assert.equal(outcome!.measurements.a.length, 4)
})

test('a resumed run continues from the saved measurements and start time', async () => {
  const start = 1_000_000
  const clock = fakeClock(start + 60_000)
  const previous = {a: [{metric: 'm', at: new Date(start + 10_000).toISOString(), phase: 'Successful' as const, value: [0]}]}
  const {events, outcome} = await drain(runAnalyses([{spec: analysis({interval: '10s', count: 2, successCondition: 'result[0] < 1'}), values}], {metrics: scripted([[0]]), ...clock}, {gate: new AbortController().signal, previous, startedAt: start}, new AbortController().signal))
  assert.equal(outcome?.verdict, 'Successful')
  assert.equal(events.filter((e) => e.type === 'measurement').length, 1, 'one more measurement reaches the count of 2')
})

test('a saved failure decides a resumed run without measuring again', async () => {
  const previous = {a: [{metric: 'm', at: new Date(0).toISOString(), phase: 'Failed' as const, value: [9]}]}
  const {events, outcome} = await drain(runAnalyses([{spec: analysis({interval: '10s', count: 3, successCondition: 'result[0] < 1'}), values}], {metrics: scripted([new Error('must not be called')]), ...fakeClock()}, {gate: new AbortController().signal, previous, startedAt: 0}, new AbortController().signal))
  assert.equal(outcome?.verdict, 'Failed')
  assert.equal(events.filter((e) => e.type === 'measurement').length, 0)
})

test('a stop request ends the run without a verdict', async () => {
  const stop = new AbortController()
  const metrics: MetricsPort = {
    async measure() {
      stop.abort()
      return [0]
    },
  }
  const {outcome} = await drain(runAnalyses([{spec: analysis({interval: '10s', count: 3, successCondition: 'result[0] < 1'}), values}], {metrics, ...fakeClock()}, {gate: new AbortController().signal}, stop.signal))
  assert.equal(outcome, undefined)
})

test('two analyses: the first decisive failure wins', async () => {
  const ok = analysis({interval: '10s', count: 3, successCondition: 'result[0] < 1'})
  const bad = {...analysis({interval: '10s', count: 3, successCondition: 'result[0] < 0'}), name: 'b'}
  const {outcome} = await drain(runAnalyses([{spec: ok, values}, {spec: bad, values}], {metrics: scripted([[0.5]]), ...fakeClock()}, {gate: new AbortController().signal}, new AbortController().signal))
  assert.equal(outcome?.verdict, 'Failed')
  assert.match(outcome!.reason!, /^analysis b:/)
})
