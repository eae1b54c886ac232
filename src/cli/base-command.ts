import {Command} from '@oclif/core'
import {BugError, UserError, type ErrorOrigin} from '../model/errors.js'
import {ExitCode} from '../model/exit-codes.js'
import {formatUserError} from '../ui/errors.js'

/**
 * Maps errors to the exit-code table: input errors print one paragraph (no stack) and exit 2;
 * anything else is a strata bug, printed with its stack so it can be reported.
 */
export abstract class StrataCommand extends Command {
  protected override async catch(err: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<unknown> {
    // A script reading --json output gets a last line saying what went wrong, never silence.
    const json = this.argv.includes('--json')
    if (err instanceof UserError) {
      if (json) writeJsonError(err.message, err.origin, err.hint)
      process.stderr.write(`${formatUserError(err)}\n`)
      return this.exit(ExitCode.error)
    }
    // oclif's own parse errors (unknown flag, missing argument) are user errors too.
    if (err.oclif?.exit !== undefined && !(err instanceof BugError)) {
      if (err.oclif.exit === 0) return this.exit(0)
      if (json) writeJsonError(err.message, {}, 'See --help for usage.')
      process.stderr.write(`Error: ${err.message}\nSee --help for usage.\n`)
      return this.exit(ExitCode.error)
    }
    if (json) writeJsonError(`internal error (please report it): ${err.message}`, {})
    process.stderr.write(`strata: internal error (please report it): ${err.stack ?? err.message}\n`)
    return this.exit(ExitCode.error)
  }
}

/** The closing `--json` line of a command that failed: `{"type":"error","message",…,"file","line","field","hint"}`. */
export function writeJsonError(message: string, origin: ErrorOrigin, hint?: string, extra: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({type: 'error', ...extra, message, file: origin.file ?? null, line: origin.line ?? null, field: origin.field ?? null, hint: hint ?? null})}\n`)
}
