// Fleet printers over one event stream: `--json` (each event one line; a cluster's rollout events
// carry `cluster` and `wave`), plain lines for CI logs, and the live tty view (tty.ts).
import type {FleetEvent} from '../../fleet/types.js'
import {jsonEventData, jsonLine} from '../printers/json.js'
import {seconds} from '../printers/describe-event.js'
import type {Theme} from '../theme.js'
import {FleetDescriber} from './describe.js'
import {makeFleetTtyPrinter} from './tty.js'

export interface FleetPrinter {
  event(e: FleetEvent): void
  close(): void
}

export function fleetJsonLine(e: FleetEvent): string {
  if (e.type !== 'cluster-event') return jsonLine(e)
  const {type, ...rest} = jsonEventData(e.event) as {type: string}
  return jsonLine({type, cluster: e.cluster, wave: e.wave, ...rest})
}

export function makeFleetPrinter(kind: 'tty' | 'plain' | 'json', out: NodeJS.WritableStream, theme: Theme, now: () => number = Date.now): FleetPrinter {
  switch (kind) {
    case 'json':
      return {event: (e) => void out.write(`${fleetJsonLine(e)}\n`), close: () => {}}
    case 'plain': {
      const start = now()
      const describer = new FleetDescriber(theme)
      return {
        event(e) {
          const stamp = theme.dim(`[${seconds(now() - start)}]`)
          for (const line of describer.lines(e)) out.write(`${stamp} ${line}\n`)
        },
        close() {},
      }
    }
    case 'tty':
      return makeFleetTtyPrinter(out, theme, now)
  }
}
