// The three forms of a preview: text for a terminal, markdown for a pull-request comment (a
// summary table first, one collapsible section per root, cut to fit GitHub's comment limit), JSON
// for bots. Object diffs are printed by src/diff's formatter, so they read as `strata diff`.
import {formatResourceDiff} from '../diff/format-text.js'
import {jsonText} from '../diff/format-json.js'
import {makeTheme, type Theme} from '../ui/theme.js'
import type {PreviewReport, RevisionLabel, RootPreview} from './run.js'

/** GitHub refuses comments longer than this many characters. */
export const githubCommentLimit = 65_536

export const PreviewFormat = {text: 'text', markdown: 'markdown', json: 'json'} as const
export type PreviewFormat = (typeof PreviewFormat)[keyof typeof PreviewFormat]

function label(r: RevisionLabel): string {
  return r.commit ? `${r.ref} (${r.commit.slice(0, 12)})` : r.ref
}

function countsText(r: RootPreview): string {
  return `+${r.counts.add} ~${r.counts.change} -${r.counts.delete}`
}

function statusWords(r: RootPreview): string {
  return r.status === 'added' ? 'new root' : r.status === 'deleted' ? 'deleted root' : r.status === 'unchanged' ? 'inputs changed, output the same' : r.status
}

function summaryLine(report: PreviewReport): string {
  const s = report.summary
  const errors = s.errors ? `, ${s.errors} failed to render` : ''
  return `${s.roots} root${s.roots === 1 ? '' : 's'} affected (${s.changedRoots} with changes${errors}): ${s.add} object${s.add === 1 ? '' : 's'} to add, ${s.change} to change, ${s.delete} to remove.`
}

export function formatPreviewText(report: PreviewReport, theme: Theme): string {
  const parts: string[] = [theme.dim(`Comparing ${label(report.base)} (merge base) with ${label(report.head)}.`) + '\n']
  for (const r of report.roots) {
    const head = theme.header(`=== ${r.root} (${statusWords(r)}${r.status === 'error' ? '' : `: ${countsText(r)}`})`)
    if (r.status === 'error') {
      parts.push(`${head}\n${theme.error(r.error ?? 'render failed')}\n`)
      continue
    }
    const body = r.objects.map((o) => formatResourceDiff(o, theme)).join('')
    parts.push(`${head}\n${r.note ? theme.warn(`${r.note}\n`) : ''}${body}`)
  }
  parts.push(summaryTableText(report) + summaryLine(report) + '\n')
  return parts.join('\n')
}

function summaryTableText(report: PreviewReport): string {
  if (report.roots.length === 0) return ''
  const width = Math.max(4, ...report.roots.map((r) => r.root.length))
  const num = (n: number) => String(n).padStart(5)
  const rows = report.roots.map((r) => `${r.root.padEnd(width)} ${r.status === 'error' ? '  error' : `${num(r.counts.add)} ${num(r.counts.change)} ${num(r.counts.delete)}`}${r.status === 'added' || r.status === 'deleted' ? `  (${statusWords(r)})` : ''}`)
  const heading = (mark: string) => mark.padStart(5)
  return `${'ROOT'.padEnd(width)} ${heading('+')} ${heading('~')} ${heading('-')}\n${rows.join('\n')}\n`
}

export function formatPreviewJson(report: PreviewReport): string {
  return jsonText(report)
}

/**
 * Markdown for a pull-request comment. With `limit`, sections that do not fit are left out and
 * a last line points to the full report (`fullReport`: the --output file, when there is one).
 */
export function formatPreviewMarkdown(report: PreviewReport, options: {limit?: number; fullReport?: string} = {}): string {
  const plain = makeTheme(false)
  const title = `### strata preview\n\nComparing \`${label(report.base)}\` (merge base) with \`${label(report.head)}\`: ${summaryLine(report)}\n\n`
  const rows = report.roots.map((r) => `| \`${r.root}\` | ${r.status === 'error' ? '❌ error' : statusWords(r)} | ${r.status === 'error' ? '' : r.counts.add} | ${r.status === 'error' ? '' : r.counts.change} | ${r.status === 'error' ? '' : r.counts.delete} |\n`)
  const tableHead = report.roots.length ? '| Root | Status | + | ~ | − |\n| --- | --- | --: | --: | --: |\n' : ''
  const sections = report.roots
    .filter((r) => r.status === 'error' || r.objects.length > 0 || r.note)
    .map((r) => {
      const body = r.status === 'error' ? (r.error ?? 'render failed') : `${r.note ? `${r.note}\n\n` : ''}${r.objects.map((o) => formatResourceDiff(o, plain)).join('')}`
      const fence = fenceFor(body)
      const summary = `<code>${escapeHtml(r.root)}</code> — ${r.status === 'error' ? 'error' : `${statusWords(r)}: ${countsText(r)}`}`
      return `<details><summary>${summary}</summary>\n\n${fence}${r.status === 'error' ? 'text' : 'diff'}\n${body.endsWith('\n') ? body : `${body}\n`}${fence}\n\n</details>\n\n`
    })
  const limit = options.limit
  if (limit === undefined) return title + tableHead + rows.join('') + (tableHead ? '\n' : '') + sections.join('')
  const pointer = (shownRows: number, shownSections: number) =>
    `\n_Cut to fit a ${githubCommentLimit.toLocaleString('en-US')}-character comment: ${shownRows} of ${rows.length} roots in the table, ${shownSections} of ${sections.length} diffs shown. ` +
    (options.fullReport ? `The full report is in \`${options.fullReport}\`._\n` : 'Run `strata preview --output FILE` for the full report._\n')
  const reserve = pointer(rows.length, sections.length).length + 16
  let out = title + tableHead
  let shownRows = 0
  for (const row of rows) {
    if (out.length + row.length + reserve > limit) break
    out += row
    shownRows++
  }
  out += '\n'
  let shownSections = 0
  for (const s of sections) {
    if (out.length + s.length + reserve > limit) break
    out += s
    shownSections++
  }
  if (shownRows === rows.length && shownSections === sections.length) return out
  return out + pointer(shownRows, shownSections)
}

/** A code fence longer than any run of backticks in the text, so the text cannot close it. */
function fenceFor(text: string): string {
  let longest = 0
  for (const m of text.matchAll(/`+/g)) longest = Math.max(longest, m[0].length)
  return '`'.repeat(Math.max(3, longest + 1))
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}
