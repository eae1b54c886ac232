// One line per event, shared by the plain printer and the tty view's log above its live area.
import {describeId} from '../../rollout/plan.js'
import {percent} from '../../rollout/plan-format.js'
import type {RolloutEvent} from '../../rollout/types.js'
import type {Theme} from '../theme.js'

export function seconds(ms: number): string {
  return `${(Math.max(0, ms) / 1000).toFixed(1)}s`
}

/** "3/8", or "3" when the step count is unknown (a printer that saw no `init` for the run): never "3/0". */
function stepOf(step: number, steps: number): string {
  return steps > 0 ? `${step + 1}/${steps}` : `${step + 1}`
}

/** Lines for an event (more than one for reports); `steps` is the plan's step count, known from `init`. */
export function describeEvent(e: RolloutEvent, steps: number, theme: Theme): string[] {
  switch (e.type) {
    case 'init':
      return [`${e.resumed ? 'resuming' : 'rollout of'} ${e.plan.app} (namespace ${e.plan.namespace}): ${e.plan.steps.length} steps${e.resumed ? `, from step ${e.fromStep + 1}` : ''}`]
    case 'step-start':
      return [theme.header(`step ${stepOf(e.step, steps)} ${e.name}: ${e.items} object${e.items === 1 ? '' : 's'}`)]
    case 'applied':
      return [`  ${e.result === 'created' ? theme.added(`${describeId(e.id)} created`) : e.result === 'configured' ? theme.hunk(`${describeId(e.id)} configured`) : theme.dim(`${describeId(e.id)} unchanged`)}`]
    case 'apply-failed':
      return [theme.error(`  ${describeId(e.id)} failed: ${e.message}`)]
    case 'health':
      return [`  ${describeId(e.id)} ${healthWord(e.health.status, theme)}: ${e.health.message}`]
    case 'batch':
      return [`  ${describeId(e.id)} batch ${e.batch}/${e.of} (${percent(e.share)}): ${e.ready}/${e.desired} ready, ${e.updated} updated`]
    case 'step-done':
      return [`step ${stepOf(e.step, steps)} done in ${seconds(e.elapsedMs)}`]
    case 'deleted':
      return [`  ${e.result === 'deleted' ? theme.removed(`${describeId(e.id)} deleted`) : e.result === 'kept' ? theme.dim(`${describeId(e.id)} kept`) : theme.error(`${describeId(e.id)} not deleted`)}${e.reason ? `: ${e.reason}` : ''}`]
    case 'paused':
      return [
        // The reason names the workload and batch (or the step) itself: say each once.
        theme.warn(`paused ${e.workload ? 'in' : 'after'} step ${stepOf(e.step, steps)}: ${e.reason}`),
        `  continue: ${e.resumeCommand}`,
        `  roll back: ${e.abortCommand}`,
      ]
    case 'failed':
      return [theme.error(`failed in step ${stepOf(e.step, steps)}: ${e.reason}`), `  retry: ${e.resumeCommand}`, `  roll back: ${e.abortCommand}`]
    case 'breaker':
      return [theme.error(`circuit breaker: ${describeId(e.id)}: ${e.reason}${e.aborted ? ' (workload rolled back)' : ''}`)]
    case 'gate-failed':
      return [theme.error(`health gate failed: ${describeId(e.id)}: ${e.health.message}`), ...e.report.split('\n').filter((l) => l !== '').map((l) => `  ${l}`)]
    case 'aborted':
      return [theme.warn(`aborted${e.by ? ` at the request of ${e.by}` : ''}: restored ${e.restored.length === 0 ? 'nothing' : e.restored.map(describeId).join(', ')}`)]
    case 'nothing-to-abort':
      return [
        e.phase === 'done' ? `nothing to abort: the rollout is done (to go back, apply the earlier tree or \`strata rollback\`)` : `nothing to abort: the rollout was already aborted${e.reason ? ` (${e.reason})` : ''}`,
        `  status: ${e.statusCommand}`,
      ]
    case 'stopping':
      return [theme.warn(`stop requested by ${e.request.by} at ${e.request.at}${e.request.reason ? ` (${e.request.reason})` : ''}: rolling back as \`strata rollout abort\` would`)]
    case 'stop-requested':
      return [
        theme.warn(`asked process ${e.holder.pid} on ${e.holder.host} (running since ${e.holder.startedAt}) to stop: it rolls back at its next check`),
        e.waiting ? '  waiting for it to finish the rollback' : `  follow: ${e.statusCommand}`,
      ]
    case 'stop-waiting':
      return [`  still waiting for process ${e.holder.pid} on ${e.holder.host} (${seconds(e.elapsedMs)}; last heartbeat ${seconds(e.heartbeatAgeMs)} ago)`]
    case 'interrupted':
      return [theme.warn(`interrupted in step ${stepOf(e.step, steps)}; state saved`), `  continue: ${e.resumeCommand}`]
    case 'warning':
      return [theme.warn(`warning: ${e.message}`)]
    case 'analysis':
      return describeAnalysis(e, theme)
    case 'blue-green':
      return [`  ${describeId(e.id)} blue/green: ${e.message}`]
    case 'done':
      return [theme.header(`done in ${seconds(e.elapsedMs)}: ${e.applied} applied, ${e.unchanged} unchanged, ${e.deleted} deleted`)]
  }
}

function describeAnalysis(e: Extract<RolloutEvent, {type: 'analysis'}>, theme: Theme): string[] {
  const a = e.event
  const who = `${describeId(e.id)} ${e.version ? `new version ${e.version}` : `batch ${e.batch}`}: analysis ${a.analysis}`
  switch (a.type) {
    case 'analysis-start':
      return [`  ${who} started (${a.metrics.join(', ')})`]
    case 'measurement': {
      const m = a.measurement
      const what = m.phase === 'Error' ? `error: ${m.message}` : `${JSON.stringify(m.value)}${m.message ? ` (${m.message})` : ''}`
      const phase = m.phase === 'Successful' ? theme.added(m.phase) : m.phase === 'Inconclusive' ? theme.warn(m.phase) : theme.error(m.phase)
      return [`  ${who} ${m.metric} ${phase}: ${what}`]
    }
    case 'analysis-verdict': {
      const v = a.verdict === 'Successful' ? theme.added(a.verdict) : a.verdict === 'Inconclusive' ? theme.warn(a.verdict) : theme.error(a.verdict)
      return [`  ${who} ${v}${a.reason ? `: ${a.reason}` : ''}`]
    }
  }
}

function healthWord(status: 'healthy' | 'progressing' | 'failed', theme: Theme): string {
  return status === 'healthy' ? theme.added(status) : status === 'failed' ? theme.error(status) : theme.dim(status)
}
