// `strata lint` as text: one paragraph per finding (where, what, what to do), then a count.
import type {LintReport} from '../lint/finding.js'

export function formatLintText(report: LintReport): string {
  const lines: string[] = []
  for (const f of report.findings) {
    lines.push(`${f.file} ${f.field}: ${f.message} [${f.rule}]`)
    lines.push(`  fix: ${f.fix}`)
  }
  if (report.renderError) lines.push(`render stopped: ${report.renderError.replaceAll('\n', '\n  ')}`)
  const since = report.base ? ` introduced since ${report.base.ref}` : ''
  const n = report.findings.length
  if (n === 0) lines.push(report.base && !report.base.changed ? `no findings${since} (no input of ${report.dir} changed)` : `no findings${since}`)
  else {
    const counts = new Map<string, number>()
    for (const f of report.findings) counts.set(f.rule, (counts.get(f.rule) ?? 0) + 1)
    lines.push(`${n} finding${n === 1 ? '' : 's'}${since} (${[...counts].map(([r, c]) => `${c} ${r}`).join(', ')})`)
  }
  return `${lines.join('\n')}\n`
}
