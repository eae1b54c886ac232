// How `strata rollout status --watch` shows a followed rollout: one line per change (CI logs), the
// same line redrawn in place on a terminal, or one JSON object per line. Step numbers are 1-based
// everywhere here, as people count them ("step 2/5").
import type {ClusterTarget} from '../model/follow-up.js'
import {rolloutCommand} from '../model/follow-up.js'
import type {FollowEnd} from '../rollout/follow-status.js'
import {describeId} from '../rollout/plan.js'
import type {RolloutState} from '../rollout/types.js'
import type {Theme} from './theme.js'

function stepText(s: RolloutState): string {
  const total = s.plan.steps.length
  const current = s.plan.steps[s.step]
  return current ? `step ${s.step + 1}/${total} ${current.name}` : `all ${total} steps done`
}

function batchesText(s: RolloutState): string[] {
  return Object.values(s.workloads).map((w) => (w.blueGreen ? `${describeId(w.id)} blue-green ${w.blueGreen.phase}` : `${describeId(w.id)} batch ${w.batchesDone}/${w.shares.length}`))
}

/** `rollout shop (namespace shop): running, step 2/5 services; Deployment shop/web batch 1/3` */
export function followLine(s: RolloutState): string {
  const batches = batchesText(s)
  return `rollout ${s.app} (namespace ${s.namespace}): ${s.phase}, ${stepText(s)}${batches.length ? `; ${batches.join(', ')}` : ''}`
}

/** The terminal's one live line: a bar of steps done, then the line above (cut to the width). */
export function followBar(s: RolloutState, columns: number): string {
  const total = Math.max(1, s.plan.steps.length)
  const width = 20
  const filled = Math.round((Math.min(s.step, total) / total) * width)
  const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${followLine(s)}`
  return line.length > columns ? `${line.slice(0, Math.max(0, columns - 1))}…` : line
}

export function followJson(s: RolloutState) {
  const current = s.plan.steps[s.step]
  return {
    type: 'status',
    app: s.app,
    namespace: s.namespace,
    phase: s.phase,
    step: Math.min(s.step + 1, s.plan.steps.length),
    steps: s.plan.steps.length,
    stepName: current?.name ?? null,
    workloads: Object.values(s.workloads).map((w) => ({kind: w.id.kind, namespace: w.id.namespace, name: w.id.name, batch: w.batchesDone, batches: w.shares.length, ...(w.blueGreen ? {blueGreen: w.blueGreen.phase} : {})})),
    reason: s.reason ?? null,
    updatedAt: s.updatedAt,
  }
}

function endKind(end: FollowEnd): string {
  return end.kind === 'phase' ? end.phase : end.kind
}

export function followEndJson(end: FollowEnd, app: string, namespace: string, exitCode: number) {
  const reason = end.kind === 'phase' ? end.state.reason ?? null : end.kind === 'stalled' ? end.reason : null
  return {type: endKind(end), app, namespace, exitCode, reason}
}

/** The closing lines: how it ended and, when it did not finish, what to run next. */
export function followEndText(end: FollowEnd, app: string, namespace: string, theme: Theme, target?: ClusterTarget): string[] {
  const resume = rolloutCommand('resume', app, namespace, target)
  const abort = rolloutCommand('abort', app, namespace, target)
  switch (end.kind) {
    case 'gone':
      return [theme.error(`the rollout state of ${app} (Secret strata-rollout-${app} in ${namespace}) is gone: the app was deleted`)]
    case 'timeout':
      return [theme.warn(`rollout ${app} is still running; stopped watching at --timeout`), `watch again: ${rolloutCommand('status', app, namespace, target)} --watch`]
    case 'stalled':
      // A silent holder may still be running: resume and abort take it over only with --force.
      if (!end.gone) return [theme.error(`rollout ${app} stopped part way: ${end.reason}`), `if it is gone, continue: ${resume} --force`, `or roll back: ${abort} --force`]
      return [theme.error(`rollout ${app} stopped part way: ${end.reason}`), `continue: ${resume}`, `roll back: ${abort}`]
    case 'phase':
      switch (end.phase) {
        case 'done':
          return [`rollout ${app} done: all ${end.state.plan.steps.length} steps applied and healthy`]
        case 'paused':
          return [theme.warn(`rollout ${app} paused${end.state.reason ? `: ${end.state.reason}` : ''}`), `continue: ${resume}`, `roll back: ${abort}`]
        case 'aborted':
          return [theme.error(`rollout ${app} was aborted${end.state.reason ? `: ${end.state.reason}` : ''}`)]
        case 'failed':
        case 'interrupted':
          return [theme.error(`rollout ${app} ${end.phase}${end.state.reason ? `: ${end.state.reason}` : ''}`), `continue: ${resume}`, `roll back: ${abort}`]
      }
  }
}
