// Line diff for the text output: Myers' O((N+M)·D) algorithm after trimming the common prefix and
// suffix (most object diffs are a few lines in a long document), grouped into unified-diff hunks.

export type LineOp = {op: ' ' | '-' | '+'; text: string}

export interface Hunk {
  /** 1-based start lines and lengths, as in `@@ -a,b +c,d @@`. */
  beforeStart: number
  beforeLength: number
  afterStart: number
  afterLength: number
  lines: LineOp[]
}

/** The edit script turning `a` into `b`, as kept/removed/added lines in order. */
export function diffLines(a: readonly string[], b: readonly string[]): LineOp[] {
  let pre = 0
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++
  let suf = 0
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++
  const out: LineOp[] = a.slice(0, pre).map((text) => ({op: ' ', text}))
  out.push(...myers(a.slice(pre, a.length - suf), b.slice(pre, b.length - suf)))
  for (const text of a.slice(a.length - suf)) out.push({op: ' ', text})
  return out
}

function myers(a: readonly string[], b: readonly string[]): LineOp[] {
  const n = a.length
  const m = b.length
  if (n === 0) return b.map((text) => ({op: '+', text}))
  if (m === 0) return a.map((text) => ({op: '-', text}))
  const max = n + m
  const offset = max + 1
  const v = new Int32Array(2 * max + 3)
  // trace[d] is the frontier before round d: what backtracking through round d needs.
  const trace: Int32Array[] = []
  const down = (f: Int32Array, k: number, d: number) => k === -d || (k !== d && f[offset + k - 1] < f[offset + k + 1])
  search: for (let d = 0; d <= max; d++) {
    trace.push(v.slice())
    for (let k = -d; k <= d; k += 2) {
      let x = down(v, k, d) ? v[offset + k + 1] : v[offset + k - 1] + 1
      let y = x - k
      while (x < n && y < m && a[x] === b[y]) {
        x++
        y++
      }
      v[offset + k] = x
      if (x >= n && y >= m) break search
    }
  }
  const ops: LineOp[] = []
  let x = n
  let y = m
  for (let d = trace.length - 1; d >= 0; d--) {
    const f = trace[d]
    const k = x - y
    const prevK = down(f, k, d) ? k + 1 : k - 1
    const prevX = d === 0 ? 0 : f[offset + prevK]
    const prevY = d === 0 ? 0 : prevX - prevK
    while (x > prevX && y > prevY) {
      x--
      y--
      ops.push({op: ' ', text: a[x]})
    }
    if (d === 0) break
    if (x === prevX) ops.push({op: '+', text: b[prevY]})
    else ops.push({op: '-', text: a[prevX]})
    x = prevX
    y = prevY
  }
  return ops.reverse()
}

/** Hunks with `context` unchanged lines around each change; empty when nothing changed. */
export function unifiedHunks(ops: readonly LineOp[], context = 3): Hunk[] {
  const hunks: Hunk[] = []
  let i = 0
  // Line numbers before op i.
  let aLine = 0
  let bLine = 0
  const advance = (op: LineOp) => {
    if (op.op !== '+') aLine++
    if (op.op !== '-') bLine++
  }
  while (i < ops.length) {
    if (ops[i].op === ' ') {
      advance(ops[i])
      i++
      continue
    }
    // Start a hunk `context` lines back.
    const start = Math.max(0, i - context)
    const back = i - start
    const hunk: Hunk = {beforeStart: aLine - back + 1, afterStart: bLine - back + 1, beforeLength: 0, afterLength: 0, lines: []}
    for (let j = start; j < i; j++) hunk.lines.push(ops[j])
    let end = i
    // Extend while the next change is within 2*context unchanged lines.
    for (;;) {
      while (end < ops.length && ops[end].op !== ' ') end++
      let run = 0
      while (end + run < ops.length && ops[end + run].op === ' ') run++
      if (end + run < ops.length && run <= 2 * context) {
        end += run
        continue
      }
      break
    }
    for (let j = i; j < end; j++) {
      hunk.lines.push(ops[j])
      advance(ops[j])
    }
    const tail = Math.min(context, ops.length - end)
    for (let j = end; j < end + tail; j++) {
      hunk.lines.push(ops[j])
      advance(ops[j])
    }
    i = end + tail
    for (const l of hunk.lines) {
      if (l.op !== '+') hunk.beforeLength++
      if (l.op !== '-') hunk.afterLength++
    }
    // An empty side starts at the line before, as diff -u prints it.
    if (hunk.beforeLength === 0) hunk.beforeStart--
    if (hunk.afterLength === 0) hunk.afterStart--
    hunks.push(hunk)
  }
  return hunks
}
