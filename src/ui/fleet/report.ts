// `fleet plan` and `fleet status` for people: per wave, per cluster. The plans are apply's own
// text (objects by identity only, never Secret content).
import type {ClusterPlan} from '../../fleet/plan-fleet.js'
import type {FleetStatus, WaveStatus} from '../../fleet/fleet-status.js'
import type {Fleet} from '../../fleet/types.js'
import {formatPlanText, planToJson} from '../../rollout/plan-format.js'
import type {Theme} from '../theme.js'

export function formatFleetPlan(fleet: Fleet, plans: readonly ClusterPlan[], theme: Theme): string {
  const out: string[] = [theme.header(`Fleet ${fleet.name} (app ${fleet.app}): ${fleet.waves.length} waves, ${fleet.clusters.length} clusters`)]
  for (const w of fleet.waves) {
    out.push('', theme.header(`wave ${w.name}${waveTraits(w)}`))
    for (const p of plans.filter((x) => x.wave === w.name)) {
      if (p.error) out.push(theme.error(`[${p.cluster}] cannot plan: ${p.error}`))
      else if (p.changes === 0) out.push(theme.dim(`[${p.cluster}] no changes`))
      else {
        out.push(`[${p.cluster}] ${p.changes} change${p.changes === 1 ? '' : 's'}`)
        out.push(...formatPlanText(p.plan!, theme).trimEnd().split('\n').map((l) => `  ${l}`))
      }
    }
  }
  const changed = plans.filter((p) => p.changes > 0).length
  const failed = plans.filter((p) => p.error).length
  out.push('', `${changed} of ${plans.length} clusters would change${failed ? theme.error(`; ${failed} could not be planned`) : ''}`)
  return `${out.join('\n')}\n`
}

export function fleetPlanJson(fleet: Fleet, plans: readonly ClusterPlan[]): object {
  return {
    fleet: fleet.name,
    app: fleet.app,
    waves: fleet.waves.map((w) => ({
      name: w.name,
      clusters: plans.filter((p) => p.wave === w.name).map((p) => ({cluster: p.cluster, changes: p.changes, error: p.error ?? null, plan: p.plan ? planToJson(p.plan) : null})),
    })),
  }
}

export function formatFleetStatus(status: FleetStatus, renders: boolean | undefined, next: {resume: string; abort: string; apply: string}, theme: Theme): string {
  const head = `fleet ${status.fleet} (app ${status.app}): ${status.phase} — ${status.reason}`
  const out = [status.phase === 'done' ? theme.added(head) : status.phase === 'paused' || status.phase === 'running' ? theme.warn(head) : status.phase === 'not-started' ? head : theme.error(head)]
  if (status.run) {
    out.push(`run started ${status.run}, fleet digest ${status.digest?.slice(0, 12)}${renders === undefined ? '' : renders ? ' (the fleet file renders it)' : theme.warn(' (the fleet file now renders something else: resume would be refused)')}`)
  }
  for (const w of status.waves) {
    out.push(theme.header(`wave ${w.name}${waveTraits(w)}`))
    const pad = Math.max(...w.clusters.map((c) => c.cluster.length))
    for (const c of w.clusters) {
      const step = c.step !== undefined && c.phase !== 'done' ? ` at step ${c.step}/${c.steps}` : ''
      const line = `  ${c.cluster.padEnd(pad)}  ${c.phase}${step}${c.reason ? `: ${c.reason}` : ''}`
      out.push(c.phase === 'done' ? theme.added(line) : c.phase === 'pending' ? theme.dim(line) : c.phase === 'paused' || c.phase === 'running' ? theme.warn(line) : theme.error(line))
    }
  }
  if (status.phase === 'paused' || status.phase === 'halted' || status.phase === 'interrupted') out.push(`continue: ${next.resume}`, `roll back the wave: ${next.abort}`)
  else if (status.phase === 'aborted' || status.phase === 'not-started') out.push(`start a run: ${next.apply}`)
  return `${out.join('\n')}\n`
}

function waveTraits(w: Pick<WaveStatus, 'pause' | 'maxParallel' | 'maxFailures'>): string {
  const t = [w.maxParallel > 1 ? `maxParallel ${w.maxParallel}` : '', w.maxFailures > 0 ? `maxFailures ${w.maxFailures}` : '', w.pause ? 'pause after' : ''].filter(Boolean)
  return t.length ? ` (${t.join(', ')})` : ''
}
