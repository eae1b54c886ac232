// `strata list`: a kubectl-style table (columns padded, `-` for nothing recorded, ages as kubectl
// prints them) and the JSON document scripts read. Pure: the command writes what these return.
import type {AppSummary} from '../apps/list-apps.js'

/** kubectl's short ages: 45s, 12m, 3h, 5d (floor, as kubectl's HumanDuration at these sizes). */
export function shortAge(fromIso: string | undefined, now: number): string {
  if (!fromIso) return '-'
  const seconds = Math.max(0, Math.floor((now - Date.parse(fromIso)) / 1000))
  if (!Number.isFinite(seconds)) return '-'
  if (seconds < 120) return `${seconds}s`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 120) return `${minutes}m`
  const hours = Math.floor(minutes / 60)
  if (hours < 48) return `${hours}h`
  return `${Math.floor(hours / 24)}d`
}

function rolloutCell(app: AppSummary): string {
  if (app.stateError) return 'unreadable'
  if (!app.phase) return '-'
  if (app.phase === 'done' || app.phase === 'aborted' || !app.step) return app.phase
  // A running rollout nobody runs any more is not running: say so, as `rollout status` does.
  const holder = app.holder === 'gone' ? ', process gone' : app.holder === 'silent' ? ', no heartbeat' : ''
  return `${app.phase} (step ${app.step.at}/${app.step.of}${holder})`
}

export function formatAppTable(apps: readonly AppSummary[], now: number): string {
  const header = ['NAME', 'NAMESPACE', 'SOURCE', 'OBJECTS', 'LAST APPLY', 'ROLLOUT']
  const rows = apps.map((a) => [a.name, a.namespace, a.source.text ?? '-', String(a.objects), shortAge(a.lastApply, now), rolloutCell(a)])
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('   ')
  return [header, ...rows].map(line).join('\n') + '\n'
}

export function appsJson(apps: readonly AppSummary[]) {
  return {
    apps: apps.map((a) => ({
      name: a.name,
      namespace: a.namespace,
      source: a.source.text ?? null,
      repo: a.source.repo ?? null,
      commit: a.source.commit ?? null,
      path: a.source.path ?? null,
      objects: a.objects,
      lastApply: a.lastApply ?? null,
      phase: a.phase ?? null,
      step: a.step?.at ?? null,
      steps: a.step?.of ?? null,
      reason: a.reason ?? null,
      holder: a.holder ?? null,
      ...(a.stateError ? {stateError: a.stateError} : {}),
    })),
  }
}
