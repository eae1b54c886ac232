import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {UserError} from '../../../../src/model/errors.js'
import type {JsonObject} from '../../../../src/model/json.js'
import {abortBlueGreenSteps, nextBlueGreenStep, type BlueGreenAction, type BlueGreenObservation, type BlueGreenRecord} from '../../../../src/rollout/strategies/blue-green/phases.js'

const id = {key: 'apps/Deployment/shop/web', apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web'}

function record(over: Partial<BlueGreenRecord> = {}): BlueGreenRecord {
  return {
    id,
    spec: {activeService: 'web', previewService: 'web-preview', scaleDownDelayMs: 30_000},
    previous: {deployment: 'web-aaaaaaaaaa', hash: 'aaaaaaaaaa'},
    next: {deployment: 'web-bbbbbbbbbb', hash: 'bbbbbbbbbb'},
    phase: 'pin',
    ...over,
  }
}

function observe(over: Partial<BlueGreenObservation> = {}): BlueGreenObservation {
  return {now: 1_000, active: {hash: 'aaaaaaaaaa'}, newReady: 0, desired: 3, newFailed: [], analysis: 'none', holdBeforePromotion: false, ...over}
}

function selectorPatch(a: BlueGreenAction): JsonObject {
  assert.equal(a.type, 'patch-service')
  return ((a as {patch: JsonObject}).patch.spec as JsonObject).selector as JsonObject
}

describe('nextBlueGreenStep: a whole rollout', () => {
  test('start, preview, wait, promote in one write after all new pods are Ready, keep old for the delay, remove it', () => {
    let r = record()
    let s = nextBlueGreenStep(r, observe())
    // Active already on the previous version: no pin write, straight to the new Deployment.
    assert.deepEqual(s.action, {type: 'apply-new'})
    r = s.record
    s = nextBlueGreenStep(r, observe())
    assert.equal(s.action.type === 'patch-service' && s.action.service, 'web-preview')
    assert.deepEqual(selectorPatch(s.action), {'strata.dev/bg-hash': 'bbbbbbbbbb', 'pod-template-hash': null})
    r = s.record
    s = nextBlueGreenStep(r, observe({newReady: 2}))
    assert.deepEqual(s.action, {type: 'wait', why: '2/3 new pods Ready'})
    assert.equal(s.record.phase, 'verify')
    s = nextBlueGreenStep(r, observe({newReady: 3, now: 5_000}))
    assert.equal(s.action.type === 'patch-service' && s.action.service, 'web')
    assert.deepEqual(selectorPatch(s.action), {'strata.dev/bg-hash': 'bbbbbbbbbb', 'pod-template-hash': null})
    assert.equal(s.record.phase, 'promoted')
    assert.equal(s.record.promotedAt, 5_000)
    r = s.record
    s = nextBlueGreenStep(r, observe({active: {hash: 'bbbbbbbbbb'}, newReady: 3, now: 34_999}))
    assert.deepEqual(s.action, {type: 'wait', why: 'old version kept for the scale-down delay', untilMs: 35_000})
    s = nextBlueGreenStep(r, observe({active: {hash: 'bbbbbbbbbb'}, newReady: 3, now: 35_000}))
    assert.deepEqual(s.action, {type: 'remove-version', deployment: 'web-aaaaaaaaaa'})
    assert.equal(s.record.phase, 'done')
    assert.deepEqual(nextBlueGreenStep(s.record, observe()).action, {type: 'done'})
  })
  test('first change of a Deployment without blue/green: the active Service is pinned to the live ReplicaSet first', () => {
    const r = record({previous: {deployment: 'web', podTemplateHash: '5d9f'}})
    const s = nextBlueGreenStep(r, observe({active: {}}))
    assert.equal(s.action.type === 'patch-service' && s.action.service, 'web')
    assert.deepEqual(selectorPatch(s.action), {'pod-template-hash': '5d9f', 'strata.dev/bg-hash': null})
    assert.equal(s.record.phase, 'start')
    // Pinned already (a resumed process): no second write.
    assert.deepEqual(nextBlueGreenStep(r, observe({active: {podTemplateHash: '5d9f'}})).action, {type: 'apply-new'})
  })
  test('without a preview Service the preview phase writes nothing', () => {
    const r = record({phase: 'preview', spec: {activeService: 'web', scaleDownDelayMs: 0}})
    const s = nextBlueGreenStep(r, observe({newReady: 1}))
    assert.deepEqual(s.action, {type: 'wait', why: '1/3 new pods Ready'})
    assert.equal(s.record.phase, 'verify')
  })
  test('a delay of 0 removes the old version at the next step', () => {
    const r = record({phase: 'promoted', promotedAt: 1_000, spec: {activeService: 'web', scaleDownDelayMs: 0}})
    assert.deepEqual(nextBlueGreenStep(r, observe({now: 1_000})).action, {type: 'remove-version', deployment: 'web-aaaaaaaaaa'})
  })
})

describe('nextBlueGreenStep: gates', () => {
  const verify = record({phase: 'verify'})
  test('crashing new pods fail the rollout, naming them', () => {
    const s = nextBlueGreenStep(verify, observe({newReady: 1, newFailed: ['web-bbbbbbbbbb-x: CrashLoopBackOff']}))
    assert.equal(s.action.type, 'fail')
    assert.match((s.action as {reason: string}).reason, /web-bbbbbbbbbb-x: CrashLoopBackOff/)
  })
  test('analysis: pending waits, pass promotes', () => {
    assert.deepEqual(nextBlueGreenStep(verify, observe({newReady: 3, analysis: 'pending'})).action, {type: 'wait', why: 'analysis running'})
    assert.equal(nextBlueGreenStep(verify, observe({newReady: 3, analysis: 'pass'})).record.phase, 'promoted')
  })
  test('a passing or pending analysis does not promote before every new pod is Ready', () => {
    for (const analysis of ['pass', 'pending'] as const) assert.deepEqual(nextBlueGreenStep(verify, observe({newReady: 1, analysis})).action, {type: 'wait', why: '1/3 new pods Ready'})
  })
  test('a failed analysis fails the rollout at once, Ready pods or not, naming what decided it', () => {
    for (const newReady of [1, 3]) {
      const s = nextBlueGreenStep(verify, observe({newReady, analysis: 'fail', analysisReason: 'analysis errors: metric rate: 1 failed measurement(s), limit 0'}))
      assert.deepEqual(s.action, {type: 'fail', reason: 'Deployment shop/web: analysis failed for web-bbbbbbbbbb: analysis errors: metric rate: 1 failed measurement(s), limit 0'})
      assert.equal(s.record, verify, 'nothing to save: abort works from verify')
    }
  })
  test('an inconclusive analysis pauses in verify with the reason; no promotion hold is set, so resume re-verifies', () => {
    for (const newReady of [1, 3]) {
      const s = nextBlueGreenStep(verify, observe({newReady, analysis: 'inconclusive', analysisReason: 'analysis errors: metric rate: 1 inconclusive measurement(s), limit 0; last value [0.07]'}))
      assert.equal(s.action.type, 'pause')
      const reason = (s.action as {reason: string}).reason
      assert.match(reason, /^Deployment shop\/web: analysis inconclusive for web-bbbbbbbbbb: analysis errors: metric rate: 1 inconclusive measurement\(s\), limit 0; last value \[0\.07\]/)
      assert.match(reason, /web still serves web-aaaaaaaaaa — resume to run the analysis again, abort to remove web-bbbbbbbbbb$/)
      assert.equal(s.record.phase, 'verify')
      assert.equal(s.record.promotionHeld, undefined)
    }
    // Without a reason from the analysis the pause still says what it is.
    assert.match((nextBlueGreenStep(verify, observe({analysis: 'inconclusive'})).action as {reason: string}).reason, /^Deployment shop\/web: analysis inconclusive for web-bbbbbbbbbb; web still serves/)
  })
  test('pods that will not become Ready fail before an analysis verdict is looked at', () => {
    const s = nextBlueGreenStep(verify, observe({newReady: 1, newFailed: ['web-bbbbbbbbbb-x: CrashLoopBackOff'], analysis: 'inconclusive'}))
    assert.equal(s.action.type, 'fail')
  })
  test('pause before promotion: paused while held (saved as held), no switch', () => {
    const s = nextBlueGreenStep(verify, observe({newReady: 3, holdBeforePromotion: true}))
    assert.equal(s.action.type, 'pause')
    assert.match((s.action as {reason: string}).reason, /web-bbbbbbbbbb is Ready behind web-preview; resume to switch web/)
    assert.equal(s.record.phase, 'ready')
    assert.equal(s.record.promotionHeld, true)
    assert.equal(s.record.promotionReleased, false)
  })
  test('resumed after a pause: the switch waits again if pods stopped being Ready meanwhile', () => {
    const ready = record({phase: 'ready'})
    assert.deepEqual(nextBlueGreenStep(ready, observe({newReady: 2})).action, {type: 'wait', why: '2/3 new pods Ready before the switch'})
    assert.equal(nextBlueGreenStep(ready, observe({newReady: 3})).action.type, 'patch-service')
  })
  test('a promotion written but not saved (crash) is recognised, not written again', () => {
    const s = nextBlueGreenStep(record({phase: 'ready'}), observe({active: {hash: 'bbbbbbbbbb'}, newReady: 3, now: 7_000}))
    assert.equal(s.action.type, 'wait')
    assert.equal(s.record.phase, 'promoted')
    assert.equal(s.record.promotedAt, 7_000)
  })
})

describe('abortBlueGreenSteps', () => {
  test('paused on an inconclusive analysis: the active Service is not written, the new version goes', () => {
    const paused = nextBlueGreenStep(record({phase: 'verify'}), observe({newReady: 3, analysis: 'inconclusive'})).record
    const steps = abortBlueGreenSteps(paused, {hash: 'aaaaaaaaaa'})
    assert.ok(!steps.some((s) => s.type === 'patch-service' && s.service === 'web'))
    assert.deepEqual(steps.at(-1), {type: 'remove-version', deployment: 'web-bbbbbbbbbb'})
  })
  test('before promotion: active untouched, preview back, new version removed', () => {
    const steps = abortBlueGreenSteps(record({phase: 'verify'}), {hash: 'aaaaaaaaaa'})
    assert.deepEqual(
      steps.map((s) => [s.type, 'service' in s ? s.service : 'deployment' in s ? s.deployment : '']),
      [
        ['patch-service', 'web-preview'],
        ['remove-version', 'web-bbbbbbbbbb'],
      ],
    )
  })
  test('after promotion, within the delay: active switched back FIRST, then the new version removed', () => {
    const steps = abortBlueGreenSteps(record({phase: 'promoted', promotedAt: 1}), {hash: 'bbbbbbbbbb'})
    assert.equal(steps[0].type === 'patch-service' && steps[0].service, 'web')
    assert.deepEqual(selectorPatch(steps[0]), {'strata.dev/bg-hash': 'aaaaaaaaaa', 'pod-template-hash': null})
    assert.equal(steps.at(-1)?.type, 'remove-version')
  })
  test('first change aborted: back on the pinned ReplicaSet, new pods gone, THEN the pin removed', () => {
    const r = record({phase: 'promoted', previous: {deployment: 'web', podTemplateHash: '5d9f'}})
    const steps = abortBlueGreenSteps(r, {hash: 'bbbbbbbbbb'})
    assert.deepEqual(
      steps.map((s) => s.type),
      ['patch-service', 'patch-service', 'remove-version', 'wait-gone', 'patch-service', 'patch-service'],
    )
    assert.deepEqual(selectorPatch(steps[0]), {'pod-template-hash': '5d9f', 'strata.dev/bg-hash': null})
    assert.deepEqual(selectorPatch(steps[4]), {'pod-template-hash': null, 'strata.dev/bg-hash': null})
  })
  test('after the old version was removed, abort is refused with what to do instead', () => {
    assert.throws(() => abortBlueGreenSteps(record({phase: 'done'}), {hash: 'bbbbbbbbbb'}), (e: unknown) => e instanceof UserError && /nothing to switch back to/.test(e.message) && e.hint !== undefined)
  })
})
