import {Command} from '@oclif/core'
import {BugError, UserError, type ErrorOrigin} from '../model/errors.js'
import {ExitCode} from '../model/exit-codes.js'
import {formatUserError} from '../ui/errors.js'
import {rewordOclifMessage} from './oclif-message.js'
import {suggestFlag} from './suggest.js'

/**
 * Maps errors to the exit-code table: input errors print one paragraph (no stack) and exit 2;
 * anything else is a strata bug, printed with its stack so it can be reported.
 */
export abstract class StrataCommand extends Command {
  /** `Did you mean --plan? ` for an unknown flag close to (or a kubectl synonym of) one of ours. */
  private flagSuggestion(err: Error): string | undefined {
    const [unknown] = unknownFlagsOf(err)
    if (!unknown) return undefined
    const known = Object.keys((this.constructor as typeof Command).flags ?? {})
    const best = suggestFlag(unknown, known)
    return best ? `Did you mean ${best}? ` : undefined
  }

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
      const message = rewordOclifMessage(err.message.replace(/\s*See more help with --help\s*$/, ''))
      const hint = `${this.flagSuggestion(err) ?? ''}See \`${this.config.bin} ${this.id?.replaceAll(':', ' ') ?? ''} --help\` for usage.`.replace(/ {2,}/g, ' ')
      if (json) writeJsonError(message, {}, hint)
      process.stderr.write(`Error: ${message}\n  ${hint}\n`)
      return this.exit(ExitCode.error)
    }
    if (json) writeJsonError(`internal error (please report it): ${err.message}`, {})
    process.stderr.write(`strata: internal error (please report it): ${err.stack ?? err.message}\n`)
    return this.exit(ExitCode.error)
  }
}

/** oclif's NonexistentFlagsError lists the flags it did not know. */
function unknownFlagsOf(err: Error): string[] {
  const flags = (err as {flags?: unknown}).flags
  return Array.isArray(flags) ? flags.map(String) : []
}

/** The closing `--json` line of a command that failed: `{"type":"error","message",…,"file","line","field","hint"}`. */
export function writeJsonError(message: string, origin: ErrorOrigin, hint?: string, extra: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({type: 'error', ...extra, message, file: origin.file ?? null, line: origin.line ?? null, field: origin.field ?? null, hint: hint ?? null})}\n`)
}
