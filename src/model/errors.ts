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

  /** One paragraph: where, what, and what to do. */
  describe(): string {
    const where = [this.origin.file && (this.origin.line ? `${this.origin.file}:${this.origin.line}` : this.origin.file), this.origin.field && `field ${this.origin.field}`]
      .filter(Boolean)
      .join(', ')
    return `${where ? `${where}: ` : ''}${this.message}${this.hint ? `\n  ${this.hint}` : ''}`
  }
}

/** An invariant the code relies on was broken: a strata bug, not the user's input. */
export class BugError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'BugError'
  }
}
