// Hand-driven clock and timers for the scheduler tests: advance() fires due timers in time order
// and lets promise callbacks settle after each, so no test sleeps.
import type {Timers} from '../../../src/watch/timers.js'

export interface FakeTimers extends Timers {
  advance(ms: number): Promise<void>
  flush(): Promise<void>
  pending(): number
}

export function fakeTimers(start = 1_000_000): FakeTimers {
  let now = start
  let nextId = 1
  const timers = new Map<number, {at: number; fn: () => void}>()
  const flush = async (): Promise<void> => {
    for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r))
  }
  return {
    now: () => now,
    setTimeout(fn, ms) {
      const id = nextId++
      timers.set(id, {at: now + Math.max(0, ms), fn})
      return id
    },
    clearTimeout(handle) {
      timers.delete(handle as number)
    },
    pending: () => timers.size,
    flush,
    async advance(ms) {
      const target = now + ms
      await flush()
      for (;;) {
        let due: [number, {at: number; fn: () => void}] | undefined
        for (const e of timers) if (e[1].at <= target && (!due || e[1].at < due[1].at || (e[1].at === due[1].at && e[0] < due[0]))) due = e
        if (!due) break
        timers.delete(due[0])
        now = due[1].at
        due[1].fn()
        await flush()
      }
      now = target
      await flush()
    },
  }
}
