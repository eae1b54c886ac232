// Pure reading of pod status for the batch breaker: is a pod Ready, and has it failed in a way
// that waiting will not fix (crash loop, image that cannot be pulled, bad container config).
import {isObject, type JsonObject, type JsonValue} from '../../model/json.js'

/** Waiting reasons that mean the pod will not become Ready by itself. */
const hopelessWaitingReasons = new Set(['CrashLoopBackOff', 'ImagePullBackOff', 'ErrImagePull', 'CreateContainerConfigError', 'CreateContainerError', 'InvalidImageName'])

function objects(v: JsonValue | undefined): JsonObject[] {
  return Array.isArray(v) ? v.filter(isObject) : []
}

function statusOf(pod: JsonObject): JsonObject {
  return isObject(pod.status) ? pod.status : {}
}

export function isTerminating(pod: JsonObject): boolean {
  return isObject(pod.metadata) && pod.metadata.deletionTimestamp != null
}

export function isPodReady(pod: JsonObject): boolean {
  if (isTerminating(pod)) return false
  return objects(statusOf(pod).conditions).some((c) => c.type === 'Ready' && c.status === 'True')
}

/** Why the pod has failed for good, or undefined while it may still become Ready. */
export function podFailure(pod: JsonObject): string | undefined {
  const status = statusOf(pod)
  if (status.phase === 'Failed') return `phase Failed${typeof status.reason === 'string' ? ` (${status.reason})` : ''}`
  for (const c of [...objects(status.initContainerStatuses), ...objects(status.containerStatuses)]) {
    const state = isObject(c.state) ? c.state : {}
    const name = typeof c.name === 'string' ? c.name : '?'
    if (isObject(state.waiting) && typeof state.waiting.reason === 'string' && hopelessWaitingReasons.has(state.waiting.reason)) {
      return `container ${name}: ${state.waiting.reason}`
    }
    const restarts = typeof c.restartCount === 'number' ? c.restartCount : 0
    // One failed start may be a fluke the kubelet restarts away; a restart after an error is a crash.
    if (restarts > 0 && isObject(state.terminated) && typeof state.terminated.exitCode === 'number' && state.terminated.exitCode !== 0) {
      return `container ${name}: exited ${state.terminated.exitCode} after ${restarts} restart(s)`
    }
  }
  return undefined
}

export interface PodTally {
  /** Pods on the new template (not terminating). */
  updated: number
  ready: number
  /** `pod-name: why`, for the breaker's reason. */
  failed: string[]
  /** `pod-name: what it waits on`, for pods neither Ready nor failed (the timeout's report). */
  notReady: string[]
}

/** What keeps a pod from Ready, from its phase, Ready condition and waiting containers. */
export function podWaitingOn(pod: JsonObject): string {
  const status = statusOf(pod)
  const parts: string[] = [`phase ${typeof status.phase === 'string' ? status.phase : 'unknown'}`]
  const ready = objects(status.conditions).find((c) => c.type === 'Ready')
  if (ready) parts.push(`Ready=${String(ready.status)}${typeof ready.reason === 'string' ? ` (${ready.reason})` : ''}`)
  const scheduled = objects(status.conditions).find((c) => c.type === 'PodScheduled' && c.status !== 'True')
  if (scheduled) parts.push(`not scheduled${typeof scheduled.reason === 'string' ? ` (${scheduled.reason})` : ''}`)
  for (const c of objects(status.containerStatuses)) {
    const state = isObject(c.state) ? c.state : {}
    if (isObject(state.waiting) && typeof state.waiting.reason === 'string') parts.push(`container ${String(c.name)} waiting: ${state.waiting.reason}`)
  }
  return parts.join(', ')
}

export function tallyPods(pods: readonly JsonObject[]): PodTally {
  const tally: PodTally = {updated: 0, ready: 0, failed: [], notReady: []}
  for (const pod of pods) {
    if (isTerminating(pod)) continue
    tally.updated++
    const name = isObject(pod.metadata) ? String(pod.metadata.name) : '?'
    const failure = podFailure(pod)
    if (isPodReady(pod)) tally.ready++
    else if (!failure) tally.notReady.push(`${name}: ${podWaitingOn(pod)}`)
    if (failure) tally.failed.push(`${name}: ${failure}`)
  }
  return tally
}
