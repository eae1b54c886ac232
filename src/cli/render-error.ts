// What `strata render` prints for a failed render, whichever process rendered it: the paragraph
// StrataCommand.catch prints for an input error, a bug report for anything else.
import {UserError} from '../model/errors.js'
import {formatUserError} from '../ui/errors.js'

export function renderErrorText(e: unknown): string {
  const err = e instanceof Error ? e : new Error(String(e))
  if (err instanceof UserError) return `${formatUserError(err)}\n`
  return `strata: internal error (please report it): ${err.stack ?? err.message}\n`
}
