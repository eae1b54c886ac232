import type {UserError} from '../model/errors.js'

/** The one-paragraph form of an input error: `Error: <where>: <what>` then the fix, indented. */
export function formatUserError(err: UserError): string {
  return `Error: ${err.describe()}`
}
