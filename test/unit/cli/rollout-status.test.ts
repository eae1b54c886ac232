import assert from 'node:assert/strict'
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
})
