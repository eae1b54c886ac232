// Linearity without a wall-clock bound: a busy machine slows the small and the large input alike,
// so the ratio of their costs, measured in one process, reads the algorithm and not the machine.
// Four times the input costs about 4x when linear and 16x when quadratic.

/** Milliseconds one call of `work` takes; `work` makes its own assertions on what it built. */
async function timed(work: () => unknown): Promise<number> {
  const t0 = performance.now()
  await work()
  return performance.now() - t0
}

/**
 * How many times longer the work for `large` takes than the work for `small`, each the best of its
 * runs (the first run also warms V8 up). `prepare(n)` builds the input, untimed, and returns the
 * work to time. `describe` names both sizes and times for the assertion's message. `floorMs`: the
 * least the small run counts for, so that timer noise on a very quick run is no ratio.
 */
export async function growthOf(prepare: (n: number) => () => unknown, small: number, large: number, runs: {small: number; large: number} = {small: 3, large: 3}, floorMs = 0.5): Promise<{ratio: number; describe: string}> {
  const best = async (n: number, count: number) => {
    const work = prepare(n)
    let ms = Infinity
    for (let r = 0; r < count; r++) ms = Math.min(ms, await timed(work))
    return ms
  }
  const smallMs = await best(small, runs.small)
  const largeMs = await best(large, runs.large)
  const ratio = largeMs / Math.max(smallMs, floorMs)
  return {ratio, describe: `${small.toLocaleString('en-US')}: ${smallMs.toFixed(1)} ms, ${large.toLocaleString('en-US')}: ${largeMs.toFixed(1)} ms (${ratio.toFixed(1)}x)`}
}
