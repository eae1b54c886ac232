// The only chalk import: every colored string goes through a Theme, so output is plain whenever
// color is off (not a TTY, NO_COLOR, --no-color) without each printer checking.
import {Chalk} from 'chalk'

export interface Theme {
  added(s: string): string
  removed(s: string): string
  hunk(s: string): string
  header(s: string): string
  dim(s: string): string
  error(s: string): string
  warn(s: string): string
}

export function makeTheme(color: boolean): Theme {
  const c = new Chalk({level: color ? 1 : 0})
  return {
    added: (s) => c.green(s),
    removed: (s) => c.red(s),
    hunk: (s) => c.cyan(s),
    header: (s) => c.bold(s),
    dim: (s) => c.dim(s),
    error: (s) => c.red.bold(s),
    warn: (s) => c.yellow(s),
  }
}

/** Color when asked (`--color` / `--no-color`), else when writing to a terminal and NO_COLOR is unset. */
export function wantsColor(flag: boolean | undefined, stream: {isTTY?: boolean}, env: NodeJS.ProcessEnv = process.env): boolean {
  if (flag !== undefined) return flag
  return stream.isTTY === true && !env.NO_COLOR
}
