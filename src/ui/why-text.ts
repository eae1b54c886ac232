// `strata why` as text: each field with its value, then the layers that made it, last first.
import type {JsonValue} from '../model/json.js'
import type {WhyLayer, WhyReport} from '../render/provenance/why.js'

function show(v: JsonValue | undefined): string {
  return JSON.stringify(v) ?? ''
}

function at(file: string | undefined, line: number | undefined): string {
  return file ? (line ? `${file}:${line}` : file) : ''
}

/** Where a layer is written: `resource base/deploy.yaml:12`, `patches[0] (web.yaml:9) in overlays/prod/kustomization.yaml`. */
export function describeLayer(l: WhyLayer): string {
  if (l.by === 'resource') return `resource ${at(l.file, l.line)}`
  if (!l.file) return `${l.by} (build)`
  const entry = l.entry ?? l.by
  if (l.entryFile) return `${entry} (${at(l.entryFile, l.entryLine)}) in ${l.file}`
  return `${entry} in ${at(l.file, l.line)}`
}

function describeChange(l: WhyLayer): string {
  if (l.change === 'origin') return show(l.after)
  if (l.change === 'set') return `set to ${show(l.after)}`
  if (l.change === 'removed') return `removed (was ${show(l.before)})`
  return `${show(l.before)} → ${show(l.after)}`
}

export function formatWhyText(report: WhyReport): string {
  const o = report.object
  const lines = [`${o.kind}/${o.namespace ? `${o.namespace}/` : ''}${o.name} (${o.apiVersion})`]
  for (const f of report.fields) {
    lines.push(`${f.path}: ${show(f.value)}`)
    for (const l of f.layers) lines.push(`  ${describeLayer(l)}: ${describeChange(l)}${l.note ? `  (${l.note})` : ''}`)
  }
  return `${lines.join('\n')}\n`
}
