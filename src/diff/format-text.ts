// The human form of a diff: per changed object a header with its id and a unified diff of its
// YAML (live → after apply), then one summary line saying how the comparison was made.
import type {JsonObject} from '../model/json.js'
import {emitYaml} from '../render/yaml/emit.js'
import type {Theme} from '../ui/theme.js'
import type {DiffId, DiffMode, DiffReport, ResourceDiff} from './types.js'
import {diffLines, unifiedHunks, type LineOp} from './unified.js'

const marks = {add: '+', change: '~', delete: '-', error: '!', unchanged: ' '} as const

/** `Deployment.apps web-ns/web`, `ClusterRole reader`. */
export function formatDiffId(id: DiffId): string {
  const gk = id.group ? `${id.kind}.${id.group}` : id.kind
  return `${gk} ${id.namespace ? `${id.namespace}/` : ''}${id.name}`
}

export function formatDiffText(report: DiffReport, theme: Theme, options: {context?: number} = {}): string {
  const parts: string[] = []
  for (const r of report.resources) {
    if (r.action === 'unchanged') continue
    if (r.retainedBy !== undefined) parts.push(theme.dim(`= ${formatDiffId(r.id)}: kept while in use (${r.retainedBy})`) + '\n')
    else parts.push(formatResourceDiff(r, theme, options.context ?? 3))
  }
  parts.push(formatSummary(report, theme))
  return parts.join('\n')
}

/** One object's header and unified diff of its YAML (also used by `strata preview`). */
export function formatResourceDiff(r: ResourceDiff, theme: Theme, context = 3): string {
  const extras = [r.mode && r.mode !== 'server' ? `${r.mode}${r.modeReason ? `: ${r.modeReason}` : ''}` : '', r.note ?? ''].filter(Boolean)
  const color = r.action === 'add' ? theme.added : r.action === 'delete' ? theme.removed : r.action === 'error' ? theme.error : (s: string) => s
  let out = theme.header(color(`${marks[r.action]} ${formatDiffId(r.id)}: ${r.action}`)) + (extras.length ? theme.dim(` (${extras.join('; ')})`) : '') + '\n'
  if (r.action === 'error') return out + `  ${r.error ?? 'unknown error'}\n`
  const before = r.before ? yamlLines(r.before) : []
  const after = r.after ? yamlLines(r.after) : []
  const ops: LineOp[] = r.action === 'add' ? after.map((text) => ({op: '+', text})) : r.action === 'delete' ? before.map((text) => ({op: '-', text})) : diffLines(before, after)
  for (const h of unifiedHunks(ops, r.action === 'change' ? context : Number.MAX_SAFE_INTEGER)) {
    out += theme.hunk(`@@ -${h.beforeStart},${h.beforeLength} +${h.afterStart},${h.afterLength} @@`) + '\n'
    for (const l of h.lines) {
      const line = `${l.op}${l.text}`
      out += (l.op === '+' ? theme.added(line) : l.op === '-' ? theme.removed(line) : line) + '\n'
    }
  }
  return out
}

function yamlLines(obj: JsonObject): string[] {
  const text = emitYaml(obj)
  return text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n')
}

const modeWords: Record<DiffMode, string> = {
  server: 'server-side dry-run',
  matched: 'matching live field by field',
  'read-only': 'read-only (GET only)',
  rendered: 'the render only (its kind or namespace is not in the cluster yet)',
}

export function formatSummary(report: DiffReport, theme: Theme): string {
  const s = report.summary
  const counts = [`${s.add} to add`, `${s.change} to change`, `${s.delete} to delete`, `${s.unchanged} unchanged`]
  if (s.retained) counts.push(`${s.retained} kept while in use`)
  if (s.error) counts.push(theme.error(`${s.error} failed`))
  const used = (Object.keys(report.modes) as DiffMode[]).filter((m) => report.modes[m] > 0)
  const how = used.length === 1 ? modeWords[used[0]] : used.map((m) => `${modeWords[m]} for ${report.modes[m]}`).join(', ')
  const inv = report.inventory
  const inventory = inv.found ? '' : theme.dim(`\nNo inventory yet (Secret ${inv.namespace}/${inv.name}): nothing is reported for deletion.`)
  return `Summary: ${counts.join(', ')}${how ? `; compared by ${how}` : ''}.${inventory}\n`
}
