// `strata render` on the fast path (see fast-path.ts): the command's own body (run-render.ts)
// with the error handling of StrataCommand.catch — the same paragraph and exit code 2 for an
// input error, the same report for a bug.
import {UserError} from '../model/errors.js'
import {ExitCode} from '../model/exit-codes.js'
import {formatUserError} from '../ui/errors.js'
import {runRender, type RenderCommandFlags} from './run-render.js'

export async function runFast(dir: string, flags: Record<string, unknown>): Promise<void> {
  try {
    await runRender(dir, flags as unknown as RenderCommandFlags)
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e))
    if (err instanceof UserError) process.stderr.write(`${formatUserError(err)}\n`)
    else process.stderr.write(`strata: internal error (please report it): ${err.stack ?? err.message}\n`)
    // As oclif's error handler: exit at once (stderr is written synchronously; stdout got nothing).
    process.exit(ExitCode.error)
  }
}
