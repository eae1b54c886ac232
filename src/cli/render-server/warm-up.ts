// V8 optimizes render's code only once it has run it many times: a server's first renders of a
// 1 500-resource tree take about twice as long as they do after thirty (README, speed), so a user
// who renders a few times in a session would meet mostly half-warm code. After a request whose
// render took long enough to matter, the server renders it again while no client waits, output
// discarded, until its time stops falling; the user's next call then meets optimized code. The
// renders only read the tree (the server never writes files, runs helm or fetches: client.ts).

/** A render this long (ms) is worth warming; shorter ones warm up by themselves within a few calls. */
export const warmUpFromMs = 100
/** A tree is rendered at most this many times for warm-up, however slowly its time settles. */
export const maxWarmUpRenders = 30
/** Settled: the best of the last `settleWindow` renders is within `settleGain` of the best before them. */
const settleWindow = 4
const settleGain = 0.03

/** Whether another warm-up render of a request is worth it, given its render times (ms) so far. */
export function wantsAnotherWarmUp(times: readonly number[]): boolean {
  if (times.length === 0) return true // the request that started the server, not rendered here yet
  if (times.length >= maxWarmUpRenders) return false
  if (Math.max(...times) < warmUpFromMs) return false
  if (times.length <= settleWindow) return true
  const bestBefore = Math.min(...times.slice(0, -settleWindow))
  const bestRecent = Math.min(...times.slice(-settleWindow))
  return bestRecent < bestBefore * (1 - settleGain)
}

export type WarmUpEnd = 'settled' | 'client waiting' | 'render failed'

export interface WarmUpPort {
  /** Renders the request once, after any render in progress; its time (ms), or undefined when it failed. */
  renderOnce(): Promise<number | undefined>
  /** Whether a client's request waits: warm-up gives way to it at once. */
  clientWaiting(): boolean
  /** Lets pending I/O (a client connecting) be seen before the next render. */
  yieldToClients(): Promise<void>
}

/**
 * Renders until wantsAnotherWarmUp says no, pushing each time onto `times` (the request's record,
 * which the next client call of the same request continues when a client interrupted).
 */
export async function warmUp(times: number[], port: WarmUpPort): Promise<WarmUpEnd> {
  while (wantsAnotherWarmUp(times)) {
    await port.yieldToClients()
    if (port.clientWaiting()) return 'client waiting'
    const ms = await port.renderOnce()
    if (ms === undefined) return 'render failed'
    times.push(ms)
  }
  return 'settled'
}
