import assert from 'node:assert/strict'
import {test} from 'node:test'
import fc from 'fast-check'
import {parseExpr} from '../../../../src/rollout/analysis/expr.js'
import type {MetricSpec} from '../../../../src/rollout/analysis/spec.js'
import {analysisVerdict, judge, metricVerdict, nextMeasurementAt, type Measurement, type MeasurementPhase} from '../../../../src/rollout/analysis/verdict.js'

const cond = (text: string) => ({text, expr: parseExpr(text)})
const metric = (over: Partial<MetricSpec> = {}): MetricSpec => ({
  name: 'm',
  intervalMs: 1000,
  count: 5,
  initialDelayMs: 0,
  successCondition: cond('result < 1'),
  failureLimit: 0,
  inconclusiveLimit: 0,
  consecutiveErrorLimit: 4,
  provider: {kind: 'web', url: 'http://x', method: 'GET', headers: [], timeoutMs: 1000, insecure: false},
  ...over,
})
const ms = (...phases: MeasurementPhase[]): Measurement[] => phases.map((phase, i) => ({metric: 'm', at: new Date(i * 1000).toISOString(), phase}))

test('judge: Argo evaluateResult for each combination of conditions', () => {
  assert.equal(judge({successCondition: cond('result < 1')}, 0).phase, 'Successful')
  assert.equal(judge({successCondition: cond('result < 1')}, 2).phase, 'Failed')
  assert.equal(judge({failureCondition: cond('result > 5')}, 2).phase, 'Successful')
  assert.equal(judge({failureCondition: cond('result > 5')}, 6).phase, 'Failed')
  const both = {successCondition: cond('result < 1'), failureCondition: cond('result > 5')}
  assert.equal(judge(both, 0).phase, 'Successful')
  assert.equal(judge(both, 6).phase, 'Failed')
  assert.equal(judge(both, 3).phase, 'Inconclusive')
  assert.equal(judge({successCondition: cond('result < 1'), failureCondition: cond('result < 2')}, 0).phase, 'Failed', 'failure wins')
  const err = judge({successCondition: cond('result[0] < 1')}, [])
  assert.equal(err.phase, 'Error')
  assert.match(err.message!, /out of range/)
  assert.equal(judge({successCondition: cond('result + 1')}, 0).phase, 'Error', 'a non-bool condition is an error, not a pass')
})

test('metric limits: failureLimit, inconclusiveLimit, consecutiveErrorLimit (reset by a success), count', () => {
  assert.equal(metricVerdict(metric(), ms('Successful', 'Failed')).verdict, 'Failed')
  assert.equal(metricVerdict(metric({failureLimit: 1}), ms('Failed', 'Successful')).verdict, 'Running')
  assert.equal(metricVerdict(metric({failureLimit: 1}), ms('Failed', 'Failed')).verdict, 'Failed')
  assert.equal(metricVerdict(metric(), ms('Inconclusive')).verdict, 'Inconclusive')
  assert.equal(metricVerdict(metric({inconclusiveLimit: 2}), ms('Inconclusive', 'Inconclusive')).verdict, 'Running')
  assert.equal(metricVerdict(metric({count: 10}), ms('Error', 'Error', 'Error', 'Error')).verdict, 'Running')
  const five = metricVerdict(metric({count: 10}), ms('Error', 'Error', 'Error', 'Error', 'Error'))
  assert.equal(five.verdict, 'Failed')
  assert.match(five.reason!, /5 consecutive errors, limit 4/)
  assert.equal(metricVerdict(metric({count: 10}), ms('Error', 'Error', 'Error', 'Error', 'Successful', 'Error')).verdict, 'Running')
  // Errors are no evidence: they never count toward `count`, so three errors under the limit are not a pass.
  assert.equal(metricVerdict(metric({count: 3}), ms('Successful', 'Error', 'Successful')).verdict, 'Running')
  assert.equal(metricVerdict(metric({count: 3}), ms('Successful', 'Error', 'Successful', 'Successful')).verdict, 'Successful')
  assert.equal(metricVerdict(metric({count: 3}), ms('Error', 'Error', 'Error')).verdict, 'Running')
  assert.equal(metricVerdict(metric({count: undefined}), ms('Error', 'Error'), true).verdict, 'Running', 'open-ended: errors alone never pass at the gate')
  assert.equal(metricVerdict(metric({count: undefined}), ms('Successful')).verdict, 'Running')
  assert.equal(metricVerdict(metric({count: undefined}), ms('Successful'), true).verdict, 'Successful', 'open-ended: ends at the gate')
  assert.equal(metricVerdict(metric({count: undefined}), [], true).verdict, 'Running', 'never passed on no evidence')
  assert.equal(metricVerdict(metric({count: 3}), ms('Successful'), true).verdict, 'Running', 'a count is measured out even past the gate')
})

test('analysis verdict: Failed over Inconclusive over Running; Successful only when all are', () => {
  const v = (verdict: 'Running' | 'Successful' | 'Failed' | 'Inconclusive', metric = 'm') => ({metric, verdict, reason: 'r', measured: 0, successful: 0, failed: 0, inconclusive: 0, errors: 0, consecutiveErrors: 0})
  assert.equal(analysisVerdict([v('Successful'), v('Inconclusive'), v('Failed', 'x')]).verdict, 'Failed')
  assert.match(analysisVerdict([v('Successful'), v('Failed', 'x')]).reason!, /metric x/)
  assert.equal(analysisVerdict([v('Running'), v('Inconclusive')]).verdict, 'Inconclusive')
  assert.equal(analysisVerdict([v('Running'), v('Successful')]).verdict, 'Running')
  assert.equal(analysisVerdict([v('Successful'), v('Successful')]).verdict, 'Successful')
})

test('schedule: initialDelay, then every interval from the last measurement, none after count', () => {
  const m = metric({initialDelayMs: 5000, intervalMs: 2000, count: 2})
  assert.equal(nextMeasurementAt(m, 100_000, []), 105_000)
  assert.equal(nextMeasurementAt(m, 100_000, [{metric: 'm', at: new Date(106_000).toISOString(), phase: 'Successful'}]), 108_000)
  assert.equal(nextMeasurementAt(m, 100_000, ms('Successful', 'Successful')), undefined)
  assert.notEqual(nextMeasurementAt(m, 100_000, ms('Successful', 'Error')), undefined, 'an error is measured again')
})

test('property: a metric fails exactly when failures exceed the limit before any other limit trips', () => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom<MeasurementPhase>('Successful', 'Failed'), {maxLength: 12}), fc.integer({min: 0, max: 4}), (phases, limit) => {
      const v = metricVerdict(metric({count: 100, failureLimit: limit}), ms(...phases))
      const failures = phases.filter((p) => p === 'Failed').length
      return (v.verdict === 'Failed') === failures > limit
    }),
    {numRuns: 300},
  )
})

test('property: a verdict once decided never changes as more measurements arrive', () => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom<MeasurementPhase>('Successful', 'Failed', 'Inconclusive', 'Error'), {maxLength: 15}), fc.integer({min: 0, max: 3}), (phases, limit) => {
      const m = metric({count: 100, failureLimit: limit, inconclusiveLimit: limit, consecutiveErrorLimit: limit})
      let decided: string | undefined
      for (let i = 1; i <= phases.length; i++) {
        const v = metricVerdict(m, ms(...phases.slice(0, i))).verdict
        if (decided && v !== decided) return false
        if (v !== 'Running') decided = v
      }
      return true
    }),
    {numRuns: 300},
  )
})
