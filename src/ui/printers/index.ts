// Which printer shows a rollout's events: `--json` → json; a terminal → the live tty view;
// anything else (CI logs, pipes, TERM=dumb) → plain lines.
import type {Theme} from '../theme.js'
import {makeJsonPrinter} from './json.js'
import {makePlainPrinter} from './plain.js'
import {makeTtyPrinter} from './tty.js'
import type {EventPrinter} from './types.js'

export type {EventPrinter} from './types.js'
export {jsonEventLine} from './json.js'

export function makePrinter(kind: 'tty' | 'plain' | 'json', out: NodeJS.WritableStream, theme: Theme, now: () => number = Date.now): EventPrinter {
  switch (kind) {
    case 'json':
      return makeJsonPrinter(out)
    case 'plain':
      return makePlainPrinter(out, theme, now)
    case 'tty':
      return makeTtyPrinter(out, theme, now)
  }
}

export function choosePrinterKind(json: boolean, stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): 'tty' | 'plain' | 'json' {
  if (json) return 'json'
  // CI runners often allocate a pseudo-terminal whose log cannot replay cursor movement.
  if (stream.isTTY !== true || env.TERM === 'dumb' || (env.CI !== undefined && env.CI !== '' && env.CI !== 'false')) return 'plain'
  return 'tty'
}
