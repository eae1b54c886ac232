// User errors (bad input: say which file, which field, what to do) are a different type from bugs,
// so commands can print the first as one paragraph and exit 2, and keep stack traces for the second.

export interface ErrorOrigin {
  /** Path of the file the problem is in, relative to the render root where possible. */
  file?: string
  /** 1-based line in that file, when known. */
  line?: number
  /** Field path inside the file, e.g. `patches[2].target`. */
  field?: string
}

export class UserError extends Error {
  readonly origin: ErrorOrigin
  readonly hint?: string
  constructor(message: string, origin: ErrorOrigin = {}, hint?: string) {
    super(message)
    this.name = 'UserError'
    this.origin = origin
    this.hint = hint
  }

  /**
   * One paragraph: where, what, and what to do. A field that is a flag or an argument (`--name`,
   * `NAME`) is kept for `--json` but not printed as a prefix: the message and hint name the flag
   * in a sentence, and a prefix would name flags the user never passed.
   */
  describe(): string {
    const field = this.origin.field !== undefined && !isCommandLineField(this.origin.field) ? this.origin.field : undefined
    const where = [this.origin.file && (this.origin.line ? `${this.origin.file}:${this.origin.line}` : this.origin.file), field && `field ${field}`]
      .filter(Boolean)
      .join(', ')
    return `${where ? `${where}: ` : ''}${this.message}${this.hint ? `\n  ${this.hint}` : ''}`
  }
}

/** `--max-deletions`, `-n`, `NAME`: an origin on the command line rather than in a file. */
export function isCommandLineField(field: string): boolean {
  return field.startsWith('-') || /^[A-Z][A-Z_]*$/.test(field)
}

/** An invariant the code relies on was broken: a strata bug, not the user's input. */
export class BugError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'BugError'
  }
}
