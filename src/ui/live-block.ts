// A block of lines at the bottom of a terminal, redrawn in place with ANSI cursor movement: the
// live views of `apply` (printers/tty.ts) and `fleet` (fleet/tty.ts) draw their frames through it.
// Redraws are throttled so a burst of events costs one frame; lines that must stay readable are
// logged above the block and scroll normally. The block's lines are cut to the terminal width: a
// wrapped line would break the cursor arithmetic. Lines logged above it are not: they scroll away
// with the terminal, and a cut resume command or failure reason could no longer be read or pasted.

export const redrawIntervalMs = 80

export interface LiveBlockOptions {
  /** Terminal width; defaults to the stream's `columns`, else 80. */
  columns?: number
  /** Timers for the throttled redraw (tests pass their own). */
  setTimer?: (fn: () => void, ms: number) => {unref?: () => void}
  clearTimer?: (t: unknown) => void
}

export interface LiveBlock {
  /** A line cut to the terminal width (an ellipsis marks the cut). */
  cut(s: string): string
  /** Draws the frame now. */
  draw(): void
  /** Draws the frame within redrawIntervalMs. */
  schedule(): void
  /** Writes lines above the block, which is then drawn again below them; long ones wrap. */
  log(lines: string[]): void
  /** Stops the timer; with `last`, draws the frame a final time (it stays on screen). */
  close(last: boolean): void
  readonly closed: boolean
}

export function liveBlock(out: NodeJS.WritableStream, frame: (cut: (s: string) => string) => string[], now: () => number, options: LiveBlockOptions = {}): LiveBlock {
  const setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms))
  const clearTimer = options.clearTimer ?? ((t) => clearTimeout(t as NodeJS.Timeout))
  let drawn = 0
  let lastDraw = -Infinity
  let timer: unknown
  let closed = false

  const width = (): number => Math.max(20, (options.columns ?? (out as {columns?: number}).columns ?? 80) - 1)
  const cut = (s: string): string => {
    const chars = [...s]
    return chars.length <= width() ? s : `${chars.slice(0, width() - 1).join('')}…`
  }
  function erase(): string {
    const s = drawn > 0 ? `\x1b[${drawn}A\r\x1b[J` : ''
    drawn = 0
    return s
  }
  function draw(): void {
    if (timer !== undefined) {
      clearTimer(timer)
      timer = undefined
    }
    const lines = frame(cut)
    out.write(erase() + lines.join('\n') + '\n')
    drawn = lines.length
    lastDraw = now()
  }
  return {
    cut,
    draw,
    schedule() {
      if (closed || timer !== undefined) return
      const wait = redrawIntervalMs - (now() - lastDraw)
      if (wait <= 0) return draw()
      const t = setTimer(() => {
        timer = undefined
        if (!closed) draw()
      }, wait)
      t.unref?.()
      timer = t
    },
    log(lines) {
      out.write(erase() + lines.join('\n') + '\n')
      draw()
    },
    close(last) {
      if (closed) return
      if (timer !== undefined) clearTimer(timer)
      timer = undefined
      if (last || drawn > 0) draw()
      closed = true
    },
    get closed() {
      return closed
    },
  }
}
