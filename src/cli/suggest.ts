// "Did you mean": the nearest known word to a mistyped command or flag (optimal string alignment
// distance: a swap of two neighbours is one edit, as in `statsu` → `status`), and the flags users
// bring from kubectl under another name (`--dry-run` is `--plan` here).

/** Edits (insert, delete, substitute, swap neighbours) from a to b. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({length: a.length + 1}, (_, i) => Array.from({length: b.length + 1}, (_, j) => (i === 0 ? j : j === 0 ? i : 0)))
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1)
    }
  }
  return d[a.length][b.length]
}

/** The closest candidate within a third of the word's length (at least 2 edits), or undefined. */
export function nearest(word: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.max(2, Math.floor(word.length / 3))
  let best: {c: string; d: number} | undefined
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase())
    if (d <= limit && (!best || d < best.d)) best = {c, d}
  }
  return best?.c
}

/** kubectl's (and habit's) flag names that strata spells differently, per flag it means. */
const flagSynonyms: Record<string, string[]> = {
  'dry-run': ['plan', 'dry-run'],
  'all-namespaces': ['namespace'],
  filename: ['dir'],
}

/** `--dry-run` on apply → `--plan`; `--namspace` → `--namespace`; undefined when nothing is close. */
export function suggestFlag(unknown: string, known: readonly string[]): string | undefined {
  const name = unknown.replace(/^-+/, '').replace(/=.*$/, '')
  const synonym = flagSynonyms[name]?.find((s) => known.includes(s) && s !== name)
  if (synonym) return `--${synonym}`
  const close = nearest(name, known)
  return close ? `--${close}` : undefined
}
