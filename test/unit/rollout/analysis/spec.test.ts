import assert from 'node:assert/strict'
import {test} from 'node:test'
import {UserError} from '../../../../src/model/errors.js'
import {fillTemplate, isAnalysisDocument, parseAnalysis, parseArgList, resolveArgs} from '../../../../src/rollout/analysis/spec.js'

export const errorRate = () => ({
  apiVersion: 'strata.dev/v1alpha1',
  kind: 'Analysis',
  metadata: {name: 'error-rate', annotations: {'config.kubernetes.io/local-config': 'true'}},
  spec: {
    args: [{name: 'service'}, {name: 'threshold', default: '0.05'}],
    metrics: [
      {
        name: 'errors',
        interval: '30s',
        count: 5,
        initialDelay: '10s',
        successCondition: 'result[0] < {{args.threshold}}'.replace('{{args.threshold}}', '0.05'),
        failureLimit: 1,
        provider: {prometheus: {address: 'http://prom:9090', query: 'rate(errors{service="{{args.service}}",hash="{{canaryHash}}"}[1m])', headers: [{key: 'Authorization', valueFrom: {env: 'PROM_TOKEN'}}]}},
      },
      {name: 'probe', successCondition: 'result == "ok"', provider: {web: {url: 'http://svc/{{workload}}/health', jsonPath: "{$.data['status']}"}}},
    ],
  },
})

test('an Analysis parses with Argo AnalysisTemplate semantics and defaults', () => {
  const a = parseAnalysis(errorRate(), 'deploy/analysis.yaml')
  assert.equal(a.name, 'error-rate')
  assert.deepEqual(a.args, [{name: 'service', value: undefined}, {name: 'threshold', value: '0.05'}])
  const [m, w] = a.metrics
  assert.equal(m.intervalMs, 30_000)
  assert.equal(m.count, 5)
  assert.equal(m.initialDelayMs, 10_000)
  assert.equal(m.failureLimit, 1)
  assert.equal(m.inconclusiveLimit, 0)
  assert.equal(m.consecutiveErrorLimit, 4)
  assert.equal(m.provider.kind, 'prometheus')
  assert.equal(w.count, 1, 'no interval and no count: one measurement')
  assert.equal(w.provider.kind === 'web' && w.provider.method, 'GET')
  assert.deepEqual(w.provider.kind === 'web' && w.provider.jsonPath, ['data', 'status'])
  assert.ok(isAnalysisDocument(errorRate()))
  assert.ok(!isAnalysisDocument({apiVersion: 'v1', kind: 'Analysis'}))
})

function refused(mutate: (d: ReturnType<typeof errorRate>) => void, field: string, message: RegExp) {
  const d = errorRate()
  mutate(d)
  assert.throws(
    () => parseAnalysis(d, 'deploy/analysis.yaml'),
    (e: unknown) => e instanceof UserError && e.origin.file === 'deploy/analysis.yaml' && e.origin.field === field && message.test(e.message),
    `${field} ${message}`,
  )
}

test('bad input is refused naming the file and the field', () => {
  refused((d) => ((d.spec.metrics[0] as Record<string, unknown>).succesCondition = 'x'), 'spec.metrics[0].succesCondition', /unknown field/)
  refused((d) => ((d.spec as Record<string, unknown>).dryRun = []), 'spec.dryRun', /unknown field/)
  refused((d) => (d.spec.metrics[0].successCondition = 'result[0] <'), 'spec.metrics[0].successCondition', /invalid condition/)
  refused((d) => (d.spec.metrics[0].successCondition = 'value < 1'), 'spec.metrics[0].successCondition', /unknown name "value"/)
  refused((d) => (d.spec.metrics[0].interval = '30 seconds'), 'spec.metrics[0].interval', /not a duration/)
  refused((d) => (d.spec.metrics[0].count = -1), 'spec.metrics[0].count', /whole number/)
  refused((d) => (d.spec.metrics[0].provider.prometheus.query = 'up{job="{{args.job}}"}'), 'spec.metrics[0].provider.prometheus.query', /names no arg/)
  refused((d) => (d.spec.metrics[0].provider.prometheus.query = '{{podHash}}'), 'spec.metrics[0].provider.prometheus.query', /unknown placeholder/)
  refused((d) => (d.spec.metrics[0].provider = {} as never), 'spec.metrics[0].provider', /exactly one provider/)
  refused((d) => (d.spec.metrics[0].provider.prometheus.address = 'prom:9090'), 'spec.metrics[0].provider.prometheus.address', /not an http/)
  refused((d) => (d.spec.metrics[0].provider.prometheus.headers = [{key: 'X', value: 'a', valueFrom: {env: 'Y'}}] as never), 'spec.metrics[0].provider.prometheus.headers[0]', /exactly one of value and valueFrom/)
  refused((d) => (d.spec.metrics[1].provider = {web: {url: 'http://x', jsonPath: '$.data'}} as never), 'spec.metrics[1].provider.web.jsonPath', /not a JSONPath/)
  refused((d) => (d.spec.metrics[1].name = 'errors'), 'spec.metrics[1].name', /appears twice/)
  refused((d) => delete (d.spec.metrics[1] as Record<string, unknown>).successCondition, 'spec.metrics[1]', /neither successCondition nor failureCondition/)
  refused((d) => (d.spec.metrics = []), 'spec.metrics', /at least one metric/)
  refused((d) => (d.metadata.name = ''), 'metadata.name', /needs metadata.name/)
})

test('args: a workload value over the default; a missing one or an undeclared one is refused', () => {
  const a = parseAnalysis(errorRate(), 'a.yaml')
  assert.deepEqual(resolveArgs(a, {service: 'web'}, {field: 'x'}), {service: 'web', threshold: '0.05'})
  assert.deepEqual(resolveArgs(a, {service: 'web', threshold: '0.1'}, {field: 'x'}), {service: 'web', threshold: '0.1'})
  assert.throws(() => resolveArgs(a, {}, {field: 'x'}), (e: unknown) => e instanceof UserError && /needs a value for arg service/.test(e.message) && e.origin.field === 'spec.args[0]')
  assert.throws(() => resolveArgs(a, {service: 'w', sevrice: 'w'}, {file: 'd.yaml', field: 'metadata.annotations'}), /arg sevrice is not declared/)
  assert.deepEqual(parseArgList(' service=web , q=a=b ', {field: 'x'}), {service: 'web', q: 'a=b'})
  assert.throws(() => parseArgList('service', {field: 'x'}), UserError)
})

test('templating fills args and built-ins', () => {
  assert.equal(fillTemplate('{{args.service}}/{{ canaryHash }}/{{stableHash}}/{{namespace}}', {args: {service: 'web'}, builtins: {canaryHash: 'abc', namespace: 'prod'}}), 'web/abc//prod')
})
