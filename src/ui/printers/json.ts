// `--json`: one compact JSON object per event per line. Events name objects by id only; the one
// event that carries objects (`init`, with the plan) is reduced to the plan's identities.
// Step numbers are 1-based, as the text says them ("step 2/3") and as every other JSON document
// of strata counts them; the core counts from 0 and this edge is where that changes.
import {planToJson} from '../../rollout/plan-format.js'
import type {RolloutEvent} from '../../rollout/types.js'
import type {EventPrinter} from './types.js'

export function jsonEventLine(e: RolloutEvent): string {
  return jsonLine(jsonEventData(e))
}

/** The event as `--json` writes it (the plan reduced to identities); `fleet` adds the cluster's name to it. */
export function jsonEventData(e: RolloutEvent): object {
  return e.type === 'init' ? {...e, plan: planToJson(e.plan), fromStep: e.fromStep + 1} : 'step' in e ? {...e, step: e.step + 1} : e
}

export function jsonLine(data: object): string {
  return JSON.stringify(data, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))
}

export function makeJsonPrinter(out: NodeJS.WritableStream): EventPrinter {
  return {
    event: (e) => void out.write(`${jsonEventLine(e)}\n`),
    close: () => {},
  }
}
