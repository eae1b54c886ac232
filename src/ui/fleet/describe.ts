// One or more lines per fleet event, shared by the plain printer and the tty view's log. A
// cluster's own rollout events are described as `strata apply` describes them, prefixed with the
// cluster's name; their `continue: strata rollout resume …` hints are left out because the fleet
// prints its own (`strata fleet resume FILE`).
import type {FleetEvent} from '../../fleet/types.js'
import type {RolloutEvent} from '../../rollout/types.js'
import {describeEvent, seconds} from '../printers/describe-event.js'
import type {Theme} from '../theme.js'

/** Keeps each cluster's step count (known from its `init`) for describeEvent. */
export class FleetDescriber {
  private readonly steps = new Map<string, number>()
  constructor(private readonly theme: Theme) {}

  lines(e: FleetEvent): string[] {
    const t = this.theme
    switch (e.type) {
      case 'fleet-start': {
        const clusters = e.waves.reduce((n, w) => n + w.clusters.length, 0)
        return [t.header(`fleet ${e.fleet} (app ${e.app}): ${e.waves.length} wave${e.waves.length === 1 ? '' : 's'}, ${clusters} cluster${clusters === 1 ? '' : 's'}${e.resumed ? `, resuming the run of ${e.run} from wave ${e.waves[e.fromWave]?.name}` : ''}`)]
      }
      case 'wave-start':
        return [t.header(`wave ${e.wave}: ${e.clusters.join(', ') || 'no cluster'}`)]
      case 'cluster-start':
        return [`[${e.cluster}] ${e.action === 'apply' ? 'applying' : e.action === 'resume' ? 'resuming its rollout' : 'rolling back'}`]
      case 'cluster-skip':
        return [t.dim(`[${e.cluster}] skipped: ${e.reason}`)]
      case 'cluster-event':
        return this.clusterLines(e.cluster, e.event)
      case 'cluster-done': {
        const text = `[${e.cluster}] ${e.phase}${e.reason ? `: ${e.reason}` : ''}`
        return [e.phase === 'done' ? t.added(text) : e.phase === 'paused' ? t.warn(text) : e.phase === 'aborted' && !e.reason ? t.warn(text) : t.error(text)]
      }
      case 'wave-done':
        return [`wave ${e.wave}: ${e.done.length} done${e.failed.length ? `, failed: ${e.failed.join(', ')}` : ''}${e.paused.length ? `, paused: ${e.paused.join(', ')}` : ''}`]
      case 'fleet-halted':
        return [
          t.error(`fleet halted in wave ${e.wave}: ${e.failed.length} failed cluster${e.failed.length === 1 ? '' : 's'} (${e.failed.join(', ')}), more than maxFailures ${e.maxFailures}; later waves untouched`),
          ...(e.aborted.length ? [`  rolled back: ${e.aborted.join(', ')}`] : []),
        ]
      case 'fleet-paused':
        return [t.warn(`fleet paused in wave ${e.wave}: ${e.reason}`), `  continue: ${e.resumeCommand}`, `  roll back the wave: ${e.abortCommand}`]
      case 'fleet-summary': {
        const width = Math.max(...e.clusters.map((c) => c.cluster.length))
        const head = `fleet ${e.fleet} ${e.phase} in ${seconds(e.elapsedMs)}`
        return [
          e.phase === 'done' ? t.header(t.added(head)) : e.phase === 'paused' || e.phase === 'aborted' ? t.header(t.warn(head)) : t.header(t.error(head)),
          ...e.clusters.map((c) => `  ${c.cluster.padEnd(width)}  ${c.wave}: ${c.phase}${c.reason ? ` (${c.reason})` : ''}`),
        ]
      }
    }
  }

  private clusterLines(cluster: string, e: RolloutEvent): string[] {
    if (e.type === 'init') this.steps.set(cluster, e.plan.steps.length)
    let lines = describeEvent(e, this.steps.get(cluster) ?? 0, this.theme)
    if (e.type === 'paused' || e.type === 'interrupted') lines = lines.slice(0, 1)
    return lines.map((l) => `[${cluster}] ${l}`)
  }
}
