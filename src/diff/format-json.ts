// `strata diff --json`: one document for CI bots. Unchanged objects are only counted.
import type {DiffReport} from './types.js'

export function formatDiffJson(report: DiffReport): string {
  const doc = {
    summary: report.summary,
    modes: report.modes,
    inventory: report.inventory,
    resources: report.resources.filter((r) => r.action !== 'unchanged'),
  }
  return jsonText(doc)
}

/** Indented JSON and a newline; exact integers kept as bigint print as plain numbers. */
export function jsonText(doc: unknown): string {
  let big = false
  const text = JSON.stringify(
    doc,
    (_k, v: unknown) => {
      if (typeof v !== 'bigint') return v
      big = true
      return `\u0000big:${v}`
    },
    2,
  )
  return `${big ? text.replace(/"\\u0000big:(-?\d+)"/g, '$1') : text}\n`
}
