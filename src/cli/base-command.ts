import {Command} from '@oclif/core'
import {BugError, UserError} from '../model/errors.js'
import {ExitCode} from '../model/exit-codes.js'
import {formatUserError} from '../ui/errors.js'

/**
 * Maps errors to the exit-code table: input errors print one paragraph (no stack) and exit 2;
 * anything else is a strata bug, printed with its stack so it can be reported.
 */
export abstract class StrataCommand extends Command {
  protected override async catch(err: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<unknown> {
    if (err instanceof UserError) {
      process.stderr.write(`${formatUserError(err)}\n`)
      return this.exit(ExitCode.error)
    }
    // oclif's own parse errors (unknown flag, missing argument) are user errors too.
    if (err.oclif?.exit !== undefined && !(err instanceof BugError)) {
      process.stderr.write(`Error: ${err.message}\nSee --help for usage.\n`)
      return this.exit(err.oclif.exit === 0 ? 0 : ExitCode.error)
    }
    process.stderr.write(`strata: internal error (please report it): ${err.stack ?? err.message}\n`)
    return this.exit(ExitCode.error)
  }
}
