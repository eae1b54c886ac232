// CI logs: one line per event, stamped with the time since the printer started
// (`[12.3s] step 2/5 config-storage: 3 objects`), colorless unless the theme says otherwise.
import type {RolloutEvent} from '../../rollout/types.js'
import type {Theme} from '../theme.js'
import {describeEvent, seconds} from './describe-event.js'
import type {EventPrinter} from './types.js'

export function makePlainPrinter(out: NodeJS.WritableStream, theme: Theme, now: () => number): EventPrinter {
  const start = now()
  let steps = 0
  return {
    event(e: RolloutEvent) {
      if (e.type === 'init') steps = e.plan.steps.length
      const stamp = `[${seconds(now() - start)}]`
      for (const line of describeEvent(e, steps, theme)) out.write(`${theme.dim(stamp)} ${line}\n`)
    },
    close() {},
  }
}
