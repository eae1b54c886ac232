import assert from 'node:assert/strict'
import * as os from 'node:os'
import {describe, test} from 'node:test'
import {statusText} from '../../../src/commands/rollout/status.js'
import type {RolloutState} from '../../../src/rollout/types.js'

const paused: RolloutState = {
  version: 1,
  app: 'shop',
  namespace: 'team-a',
  phase: 'paused',
  plan: {app: 'shop', namespace: 'team-a', digest: 'd', steps: [{index: 0, name: 'config-storage', category: 'config-storage', wave: 0, items: [], pauseAfter: true}, {index: 1, name: 'workloads', category: 'workloads', wave: 0, items: []}]},
  step: 1,
  workloads: {},
  previousTemplates: {},
  reason: 'pause after step 1',
  startedAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:01.000Z',
}

describe('rollout status text', () => {
  test('continue and roll back name the cluster flags the status was asked with', () => {
    const text = statusText(paused, {kubeconfig: '/etc/kube/prod config', context: 'prod'})
    assert.match(text, /^continue: strata rollout resume shop -n team-a --kubeconfig '\/etc\/kube\/prod config' --context prod$/m)
    assert.match(text, /^roll back: strata rollout abort shop -n team-a --kubeconfig '\/etc\/kube\/prod config' --context prod$/m)
  })

  test('"held by" only while the holder may be running it; a paused one was last run by it; a gone or silent one is said so', () => {
    const at = new Date(Date.now() - 1000).toISOString()
    const holder = {pid: 4242, host: 'ci-runner-7', startedAt: at, heartbeatAt: at}
    assert.match(statusText({...paused, holder}, {}), /^last run by pid 4242 on ci-runner-7 \(last heartbeat /m)
    assert.doesNotMatch(statusText({...paused, holder}, {}), /held by/)
    const running = {...paused, phase: 'running' as const}
    assert.match(statusText({...running, holder}, {}), /^held by pid 4242 on ci-runner-7 \(heartbeat /m)
    const old = new Date(Date.now() - 600_000).toISOString()
    const silent = statusText({...running, holder: {...holder, heartbeatAt: old}}, {})
    assert.match(silent, /^held by pid 4242 on ci-runner-7, silent since /m)
    assert.match(silent, /hung, cut off from the API server, or gone/)
    assert.match(silent, /^if it is gone, continue: strata rollout resume shop -n team-a --force$/m)
    // A pid on this very host that is not running: proven gone, no "held by" at all.
    const gone = statusText({...running, holder: {...holder, host: os.hostname(), pid: 2 ** 22 + 1}}, {})
    assert.doesNotMatch(gone, /held by/)
    assert.match(gone, /^the process that ran it is gone \(pid 4194305 is not running on /m)
    assert.match(gone, /^continue: strata rollout resume shop -n team-a$/m)
  })
})

test('rollout status shows the analysis verdict and its measurements, errors by their message', () => {
  const id = {key: 'apps/Deployment/team-a/web', apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'team-a', name: 'web'}
  const state: RolloutState = {
    ...paused,
    reason: 'Deployment team-a/web: analysis errors: metric rate: 1 inconclusive measurement(s), limit 0; last value [0.1]',
    workloads: {
      [id.key]: {
        id,
        strategy: 'canary',
        previous: {},
        batchesDone: 1,
        shares: [0.5, 1],
        analysis: {
          batch: 1,
          startedAt: '2026-01-01T00:00:00.000Z',
          verdict: 'Inconclusive',
          reason: 'metric rate: 1 inconclusive measurement(s), limit 0',
          measurements: {errors: [{metric: 'rate', at: '2026-01-01T00:00:05.000Z', phase: 'Error', message: 'prom:9090: ECONNREFUSED'}, {metric: 'rate', at: '2026-01-01T00:00:10.000Z', phase: 'Inconclusive', value: [0.1]}]},
        },
      },
    },
  }
  const text = statusText(state, {})
  assert.match(text, /analysis of batch 1 \(started 2026-01-01T00:00:00.000Z\): Inconclusive — metric rate/)
  assert.match(text, /errors rate 2026-01-01T00:00:05.000Z Error: prom:9090: ECONNREFUSED/)
  assert.match(text, /errors rate 2026-01-01T00:00:10.000Z Inconclusive: \[0.1\]/)
})

test('a blue/green workload paused on an inconclusive analysis: the phase, which Service serves what, the measurements of the new version', () => {
  const id = {key: 'apps/Deployment/team-a/web', apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'team-a', name: 'web'}
  const state: RolloutState = {
    ...paused,
    reason: 'Deployment team-a/web: analysis inconclusive for web-bbbbbbbbbb: analysis errors: metric rate: 1 inconclusive measurement(s), limit 0; last value [0.1]; web still serves web-aaaaaaaaaa — resume to run the analysis again, abort to remove web-bbbbbbbbbb',
    workloads: {
      [id.key]: {
        id,
        strategy: 'blue-green',
        previous: {},
        batchesDone: 0,
        shares: [1],
        blueGreen: {id, spec: {activeService: 'web', previewService: 'web-preview', scaleDownDelayMs: 30_000}, previous: {deployment: 'web-aaaaaaaaaa', hash: 'aaaaaaaaaa'}, next: {deployment: 'web-bbbbbbbbbb', hash: 'bbbbbbbbbb'}, phase: 'verify'},
        analysis: {batch: 1, startedAt: '2026-01-01T00:00:00.000Z', verdict: 'Inconclusive', reason: 'metric rate: 1 inconclusive measurement(s), limit 0', measurements: {errors: [{metric: 'rate', at: '2026-01-01T00:00:05.000Z', phase: 'Inconclusive', value: [0.1]}]}},
      },
    },
  }
  const text = statusText(state, {})
  assert.match(text, /^  Deployment team-a\/web: blue-green verify \(/m)
  assert.match(text, /^    web-aaaaaaaaaa → web-bbbbbbbbbb; web serves web-aaaaaaaaaa, web-preview previews web-bbbbbbbbbb$/m)
  assert.match(text, /^    analysis of the new version web-bbbbbbbbbb \(started 2026-01-01T00:00:00.000Z\): Inconclusive — metric rate/m)
  assert.match(text, /^      errors rate 2026-01-01T00:00:05.000Z Inconclusive: \[0.1\]$/m)
  assert.match(text, /^reason: .*resume to run the analysis again, abort to remove web-bbbbbbbbbb$/m)
})
