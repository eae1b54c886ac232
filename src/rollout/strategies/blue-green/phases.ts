// The blue/green state machine, pure: given the saved record and what the cluster looks like now,
// the ONE next thing to do. The executor performs it, saves the record it returns, and asks again,
// so any process can pick the rollout up from the saved record (`rollout resume`) and a step that
// was performed but not saved (a crash between the write and the save) is recognised, not redone.
//
//   pin        first change of a Deployment that ran without blue/green: pin the active Service
//              to the live ReplicaSet so the new pods (same user labels) never receive traffic early
//   start      apply the new version Deployment
//   preview    point the preview Service (when there is one) at it
//   verify     wait until all its pods are Ready and its analyses pass: Failed fails the rollout
//              (auto-abort), Inconclusive pauses it here with the reason — `rollout resume` runs the
//              analyses afresh, `rollout abort` removes the new version (the active Service never moved)
//   ready      pause here when asked (strata.dev/rollout pause semantics); else promote
//   promoted   the active Service switched in one write; old pods stay for the scale-down delay
//   done       the old version removed
import {UserError} from '../../../model/errors.js'
import type {JsonObject} from '../../../model/json.js'
import type {PlanObjectId} from '../../types.js'
import {pinReplicaSetPatch, selectVersionPatch} from './objects.js'
import {blueGreenHashLabel, podTemplateHashLabel, type BlueGreenSpec} from './spec.js'

export type BlueGreenPhase = 'pin' | 'start' | 'preview' | 'verify' | 'ready' | 'promoted' | 'done'

/** What the active Service selected before this rollout: a blue/green version, or the pre-blue/green ReplicaSet. */
export type BlueGreenOrigin = {deployment: string; hash: string} | {deployment: string; podTemplateHash: string}

export interface BlueGreenRecord {
  id: PlanObjectId
  spec: BlueGreenSpec
  previous: BlueGreenOrigin
  next: {deployment: string; hash: string}
  phase: BlueGreenPhase
  /** Epoch ms of the switch; the old version goes at promotedAt + spec.scaleDownDelayMs. */
  promotedAt?: number
  /** Paused before promotion (auto-promote false); the next run, a `rollout resume`, releases it. */
  promotionHeld?: boolean
  promotionReleased?: boolean
}

/** Verdict of the analyses gating promotion ('none' when the Deployment has none). */
export type AnalysisVerdict = 'none' | 'pending' | 'pass' | 'fail' | 'inconclusive'

export interface BlueGreenObservation {
  now: number
  /** The active Service's switch keys as they are in the cluster now. */
  active: {hash?: string; podTemplateHash?: string}
  /** The new version Deployment's pods: Ready, desired, and those that will not become Ready. */
  newReady: number
  desired: number
  newFailed: string[]
  analysis: AnalysisVerdict
  /** Which analysis and metric decided a 'fail' or 'inconclusive', and why (runAnalyses' reason). */
  analysisReason?: string
  /** The plan pauses before promotion and `rollout resume` has not released it yet. */
  holdBeforePromotion: boolean
}

export type BlueGreenAction =
  | {type: 'patch-service'; service: string; patch: JsonObject; why: string}
  | {type: 'apply-new'}
  | {type: 'wait'; why: string; untilMs?: number}
  | {type: 'pause'; reason: string}
  | {type: 'fail'; reason: string}
  | {type: 'remove-version'; deployment: string}
  /** Abort: wait until the named Deployment's pods are gone (before unpinning the Service from the old ReplicaSet). */
  | {type: 'wait-gone'; deployment: string}
  | {type: 'done'}

export interface BlueGreenStep {
  action: BlueGreenAction
  /** The record to save once the action is performed. */
  record: BlueGreenRecord
}

function describe(r: BlueGreenRecord): string {
  return `Deployment ${r.id.namespace}/${r.id.name}`
}

/** The patch that points a Service back at the previous version. */
export function backToPrevious(previous: BlueGreenOrigin): JsonObject {
  return 'hash' in previous ? selectVersionPatch(previous.hash) : pinReplicaSetPatch(previous.podTemplateHash)
}

function activeIsPrevious(r: BlueGreenRecord, active: BlueGreenObservation['active']): boolean {
  return 'hash' in r.previous ? active.hash === r.previous.hash : active.podTemplateHash === r.previous.podTemplateHash && active.hash === undefined
}

export function nextBlueGreenStep(r: BlueGreenRecord, o: BlueGreenObservation): BlueGreenStep {
  const at = (phase: BlueGreenPhase, extra: Partial<BlueGreenRecord> = {}): BlueGreenRecord => ({...r, ...extra, phase})
  switch (r.phase) {
    case 'pin':
      if (activeIsPrevious(r, o.active)) return nextBlueGreenStep(at('start'), o)
      return {action: {type: 'patch-service', service: r.spec.activeService, patch: backToPrevious(r.previous), why: 'keep traffic on the current pods while the new version starts'}, record: at('start')}
    case 'start':
      return {action: {type: 'apply-new'}, record: at('preview')}
    case 'preview':
      if (!r.spec.previewService) return nextBlueGreenStep(at('verify'), o)
      return {action: {type: 'patch-service', service: r.spec.previewService, patch: selectVersionPatch(r.next.hash), why: `point ${r.spec.previewService} at ${r.next.deployment}`}, record: at('verify')}
    case 'verify': {
      if (o.newFailed.length > 0) return {action: {type: 'fail', reason: `${describe(r)}: new version ${r.next.deployment} has pods that will not become Ready: ${o.newFailed.join('; ')}`}, record: r}
      // A decided analysis decides at once, Ready pods or not (as a canary batch's does).
      const why = o.analysisReason ? `: ${o.analysisReason}` : ''
      if (o.analysis === 'fail') return {action: {type: 'fail', reason: `${describe(r)}: analysis failed for ${r.next.deployment}${why}`}, record: r}
      if (o.analysis === 'inconclusive') {
        // Stays in verify: the resume that releases it runs the analyses again from the start.
        const reason = `${describe(r)}: analysis inconclusive for ${r.next.deployment}${why}; ${r.spec.activeService} still serves ${r.previous.deployment} — resume to run the analysis again, abort to remove ${r.next.deployment}`
        return {action: {type: 'pause', reason}, record: r}
      }
      if (o.newReady < o.desired) return {action: {type: 'wait', why: `${o.newReady}/${o.desired} new pods Ready`}, record: r}
      if (o.analysis === 'pending') return {action: {type: 'wait', why: 'analysis running'}, record: r}
      return nextBlueGreenStep(at('ready'), o)
    }
    case 'ready': {
      // Performed before the crash but not saved: the switch is already there.
      if (o.active.hash === r.next.hash) return {action: {type: 'wait', why: 'promoted; old version kept for the scale-down delay', untilMs: o.now + r.spec.scaleDownDelayMs}, record: at('promoted', {promotedAt: o.now})}
      if (o.holdBeforePromotion) {
        const reason = `${describe(r)}: ${r.next.deployment} is Ready${r.spec.previewService ? ` behind ${r.spec.previewService}` : ''}; resume to switch ${r.spec.activeService}`
        // Held until a later run (`rollout resume`) releases it; an analysis pause never sets this.
        return {action: {type: 'pause', reason}, record: {...r, promotionHeld: true, promotionReleased: false}}
      }
      // Never a moment without Ready endpoints: the switch waits for every new pod, checked again here.
      if (o.newReady < o.desired) return {action: {type: 'wait', why: `${o.newReady}/${o.desired} new pods Ready before the switch`}, record: r}
      return {
        action: {type: 'patch-service', service: r.spec.activeService, patch: selectVersionPatch(r.next.hash), why: `switch ${r.spec.activeService} to ${r.next.deployment}`},
        record: at('promoted', {promotedAt: o.now}),
      }
    }
    case 'promoted': {
      const until = (r.promotedAt ?? o.now) + r.spec.scaleDownDelayMs
      if (o.now < until) return {action: {type: 'wait', why: 'old version kept for the scale-down delay', untilMs: until}, record: r}
      return {action: {type: 'remove-version', deployment: r.previous.deployment}, record: at('done')}
    }
    case 'done':
      return {action: {type: 'done'}, record: r}
  }
}

/**
 * Abort at any point before the old version is removed: the active Service back on the old pods
 * first (they are still running and Ready), the preview Service with it, THEN the new version
 * deleted — traffic never points at pods that are going away.
 */
export function abortBlueGreenSteps(r: BlueGreenRecord, active: BlueGreenObservation['active']): BlueGreenAction[] {
  if (r.phase === 'done') {
    throw new UserError(
      `${describe(r)}: the previous version ${r.previous.deployment} was removed after the scale-down delay, so there is nothing to switch back to`,
      {field: 'strata.dev/scale-down-delay'},
      'Apply the previous revision (it rolls out blue/green like any change), or use a longer scale-down delay.',
    )
  }
  const steps: BlueGreenAction[] = []
  if (!activeIsPrevious(r, active)) steps.push({type: 'patch-service', service: r.spec.activeService, patch: backToPrevious(r.previous), why: `switch ${r.spec.activeService} back to ${r.previous.deployment}`})
  if (r.spec.previewService) steps.push({type: 'patch-service', service: r.spec.previewService, patch: backToPrevious(r.previous), why: `point ${r.spec.previewService} back at ${r.previous.deployment}`})
  steps.push({type: 'remove-version', deployment: r.next.deployment})
  if ('podTemplateHash' in r.previous) {
    // A pin on one ReplicaSet would select nothing after the next ordinary change of the
    // Deployment; once the new pods are gone the user's selector alone is right again.
    const unpin = {spec: {selector: {[podTemplateHashLabel]: null, [blueGreenHashLabel]: null}}}
    steps.push({type: 'wait-gone', deployment: r.next.deployment})
    steps.push({type: 'patch-service', service: r.spec.activeService, patch: unpin, why: `${r.spec.activeService} back to its own selector`})
    if (r.spec.previewService) steps.push({type: 'patch-service', service: r.spec.previewService, patch: unpin, why: `${r.spec.previewService} back to its own selector`})
  }
  return steps
}
