import {test} from 'node:test'
import assert from 'node:assert/strict'
import {MetricsRegistry} from '../../../src/watch/metrics.js'

test('renders counters, gauges and histograms in the Prometheus text format', () => {
  const m = new MetricsRegistry()
  m.counter('strata_sync_errors_total', 'Failed reconciles.')
  m.gauge('strata_queue_depth', 'Apps waiting.')
  m.histogram('strata_sync_duration_seconds', 'Reconcile duration.', [1, 0.1])
  m.inc('strata_sync_errors_total', {app: 'shop'})
  m.inc('strata_sync_errors_total', {app: 'shop'}, 2)
  m.set('strata_queue_depth', {}, 3)
  m.observe('strata_sync_duration_seconds', {app: 'a"b'}, 0.05)
  m.observe('strata_sync_duration_seconds', {app: 'a"b'}, 0.5)
  assert.equal(
    m.render(),
    [
      '# HELP strata_sync_errors_total Failed reconciles.',
      '# TYPE strata_sync_errors_total counter',
      'strata_sync_errors_total{app="shop"} 3',
      '# HELP strata_queue_depth Apps waiting.',
      '# TYPE strata_queue_depth gauge',
      'strata_queue_depth 3',
      '# HELP strata_sync_duration_seconds Reconcile duration.',
      '# TYPE strata_sync_duration_seconds histogram',
      'strata_sync_duration_seconds_bucket{app="a\\"b",le="0.1"} 1',
      'strata_sync_duration_seconds_bucket{app="a\\"b",le="1"} 2',
      'strata_sync_duration_seconds_bucket{app="a\\"b",le="+Inf"} 2',
      'strata_sync_duration_seconds_sum{app="a\\"b"} 0.55',
      'strata_sync_duration_seconds_count{app="a\\"b"} 2',
      '',
    ].join('\n'),
  )
})

test('remove drops every series of an app', () => {
  const m = new MetricsRegistry()
  m.gauge('g', 'x')
  m.set('g', {app: 'a'}, 1)
  m.set('g', {app: 'b'}, 2)
  m.remove({app: 'a'})
  assert.match(m.render(), /g\{app="b"\} 2/)
  assert.doesNotMatch(m.render(), /app="a"/)
})

test('a metric used before it is defined, or as the wrong type, is a bug', () => {
  const m = new MetricsRegistry()
  m.gauge('g', 'x')
  assert.throws(() => m.inc('g'))
  assert.throws(() => m.set('nope', {}, 1))
})
