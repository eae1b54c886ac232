import type {RolloutPhase} from './types.js'

/** The verb phrase for a phase, so messages read "the rollout of shop has failed", not "is failed". */
export const phasePredicate: Record<RolloutPhase, string> = {
  running: 'is running',
  paused: 'is paused',
  failed: 'has failed',
  interrupted: 'was interrupted',
  aborted: 'was aborted',
  done: 'is done',
}
