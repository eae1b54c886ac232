import assert from 'node:assert/strict'
import {describe, test} from 'node:test'
import {parseFleet} from '../../../src/fleet/fleet-file.js'
import {fleetStatus, type ClusterObservation} from '../../../src/fleet/fleet-status.js'
import type {FleetMark, RolloutPhase, RolloutState} from '../../../src/rollout/types.js'

const fleet = parseFleet(
  `apiVersion: strata.dev/v1alpha1
kind: Fleet
metadata: {name: shop}
spec:
  path: overlays/{cluster}
  clusters:
  - {name: canary, labels: {tier: canary}}
  - {name: eu-1, labels: {tier: main}}
  - {name: eu-2, labels: {tier: main}}
  waves:
  - {name: canary, selector: {tier: canary}, pause: true}
  - {name: main, selector: {tier: main}, maxParallel: 2}
`,
  '/x/fleet.yaml',
)

const run = '2026-01-02T00:00:00.000Z'
function seen(cluster: string, phase: RolloutPhase, mark: Partial<FleetMark> | null = {}, reason?: string): ClusterObservation {
  const state = {version: 1, app: 'shop', namespace: 'shop', phase, plan: {app: 'shop', namespace: 'shop', digest: 'p', steps: [{}, {}]}, step: 1, workloads: {}, previousTemplates: {}, startedAt: run, updatedAt: run, ...(reason ? {reason} : {})} as unknown as RolloutState
  if (mark) state.fleet = {name: 'shop', run, wave: 'canary', digest: 'd1', ...mark}
  return {cluster, reachable: true, state}
}

describe('fleet status', () => {
  test('no mark anywhere: not started (a plain apply of the app is not a fleet run)', () => {
    const s = fleetStatus(fleet, [seen('canary', 'done', null), {cluster: 'eu-1', reachable: true}])
    assert.equal(s.phase, 'not-started')
    assert.equal(s.run, undefined)
  })

  test('paused between waves: resume goes on with the next wave, abort rolls back the one done', () => {
    const s = fleetStatus(fleet, [seen('canary', 'done'), {cluster: 'eu-1', reachable: true}, {cluster: 'eu-2', reachable: false, reason: 'cannot reach the API server'}])
    assert.equal(s.phase, 'paused')
    assert.equal(s.digest, 'd1')
    assert.deepEqual([s.resumeWave, s.abortWave], [1, 0])
    assert.deepEqual(s.waves[1].clusters.map((c) => c.phase), ['pending', 'unreachable'])
  })

  test("an older run's marks are history: the newest run decides", () => {
    const old = {run: '2025-12-31T00:00:00.000Z', digest: 'd0', wave: 'main'}
    const s = fleetStatus(fleet, [seen('canary', 'done'), seen('eu-1', 'done', old), seen('eu-2', 'done', old)])
    assert.equal(s.phase, 'paused')
    assert.deepEqual(s.waves[1].clusters.map((c) => c.phase), ['pending', 'pending'])
  })

  test('a wave stopped part way is halted and names what is missing; a failed cluster is halted with its reason', () => {
    const part = fleetStatus(fleet, [seen('canary', 'done'), seen('eu-1', 'done', {wave: 'main'}), {cluster: 'eu-2', reachable: false, reason: 'cannot reach it'}])
    assert.equal(part.phase, 'halted')
    assert.match(part.reason, /wave main stopped with eu-2 not applied: eu-2 unreachable \(cannot reach it\)/)
    assert.deepEqual([part.resumeWave, part.abortWave], [1, 1])
    const failed = fleetStatus(fleet, [seen('canary', 'done'), seen('eu-1', 'failed', {wave: 'main'}, 'health gate failed'), seen('eu-2', 'done', {wave: 'main'})])
    assert.equal(failed.phase, 'halted')
    assert.match(failed.reason, /eu-1 failed \(health gate failed\)/)
  })

  test('running, interrupted, aborted and done', () => {
    assert.equal(fleetStatus(fleet, [seen('canary', 'running')]).phase, 'running')
    assert.equal(fleetStatus(fleet, [seen('canary', 'interrupted')]).phase, 'interrupted')
    assert.equal(fleetStatus(fleet, [seen('canary', 'aborted')]).phase, 'aborted')
    assert.equal(fleetStatus(fleet, [seen('canary', 'aborted')]).abortWave, undefined)
    const done = fleetStatus(fleet, [seen('canary', 'done'), seen('eu-1', 'done', {wave: 'main'}), seen('eu-2', 'done', {wave: 'main'})])
    assert.equal(done.phase, 'done')
    assert.equal(done.resumeWave, undefined)
  })

  test("a cluster's own rollout pause pauses the fleet in its wave", () => {
    const s = fleetStatus(fleet, [seen('canary', 'paused', {}, 'batch 1 of 2 done')])
    assert.equal(s.phase, 'paused')
    assert.deepEqual([s.resumeWave, s.abortWave], [0, 0])
    assert.match(s.reason, /the rollout paused in canary \(batch 1 of 2 done\)/)
  })
})
