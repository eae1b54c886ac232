// Runs tasks at most `limit` at once and yields the events they emit as they come, so a wave's
// clusters roll out in parallel while one stream reaches the printer. `more()` is asked before each
// launch: a wave that has failed too often starts no further cluster (those running finish).
export async function* runPool<T, E, R>(items: readonly T[], limit: number, task: (item: T, emit: (e: E) => void) => Promise<R>, more: () => boolean = () => true): AsyncGenerator<E, (R | undefined)[]> {
  const queue: E[] = []
  const results: (R | undefined)[] = items.map(() => undefined)
  let wake: (() => void) | undefined
  const notify = (): void => {
    const w = wake
    wake = undefined
    w?.()
  }
  let active = 0
  let next = 0
  let failure: {error: unknown} | undefined
  const launch = (): void => {
    while (!failure && active < limit && next < items.length && more()) {
      const i = next++
      active++
      task(items[i], (e) => {
        queue.push(e)
        notify()
      }).then(
        (r) => {
          results[i] = r
        },
        (error: unknown) => {
          failure ??= {error}
        },
      ).finally(() => {
        active--
        notify()
      })
    }
  }
  for (;;) {
    while (queue.length > 0) yield queue.shift()!
    launch()
    if (active === 0 && queue.length === 0) break
    if (queue.length === 0) await new Promise<void>((r) => (wake = r))
  }
  // Tasks report their own failures as results; one that threw is a bug, surfaced once all stopped.
  if (failure) throw failure.error
  return results
}
