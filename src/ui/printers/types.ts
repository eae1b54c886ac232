import type {RolloutEvent} from '../../rollout/types.js'

/** Reads the executor's event stream and shows it; `close` after the last event (final output, timers stopped). */
export interface EventPrinter {
  event(e: RolloutEvent): void
  close(): void
}
