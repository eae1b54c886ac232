// Runs a rollout generator (runApply, resume, abort) to its end, keeping every event and the
// state it returns; the tests that drive whole rollouts on MemoryCluster share this one copy.
import type {RolloutEvent, RolloutState} from '../../../src/rollout/types.js'

export async function drainRollout(gen: AsyncGenerator<RolloutEvent, RolloutState>): Promise<{events: RolloutEvent[]; state: RolloutState}> {
  const events: RolloutEvent[] = []
  let r = await gen.next()
  while (!r.done) {
    events.push(r.value)
    r = await gen.next()
  }
  return {events, state: r.value}
}
