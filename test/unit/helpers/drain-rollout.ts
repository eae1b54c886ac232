// Runs a rollout generator (runApply, resume, abort) to its end, keeping every event and the
// state it returns; the tests that drive whole rollouts on MemoryCluster share this one copy (fleet
// runs too: any generator of events and a result).
import type {RolloutEvent, RolloutState} from '../../../src/rollout/types.js'

export async function drainRollout<E = RolloutEvent, R = RolloutState>(gen: AsyncGenerator<E, R>): Promise<{events: E[]; state: R}> {
  const events: E[] = []
  let r = await gen.next()
  while (!r.done) {
    events.push(r.value)
    r = await gen.next()
  }
  return {events, state: r.value}
}
