// A reader for the plain shape most manifests and kustomizations have — block mappings and
// sequences, plain, quoted and literal (`|`) scalars, comments, `---` between documents — that
// builds the same values js-yaml builds under our go-yaml schemas, several times faster on a cold
// process (js-yaml's general reader is most of what parsing a large tree costs). Anything outside
// that shape (flow collections other than `[]`/`{}`, anchors, aliases, tags, folded or indented
// block scalars, escapes, multi-line plain or quoted scalars, tabs, CR, duplicate keys, directives,
// odd indentation, any syntax error) makes it give up, and js-yaml reads the text as before: it is
// a shortcut, never a second opinion. test/unit/yaml/block-parse.test.ts compares both readers on
// every YAML file of the fixtures and on edge cases.

/** What a plain scalar resolves to under the schema in use (the text itself when a string). */
export type PlainResolver = (plain: string) => unknown

/** Thrown to give up; caught at the top and never seen by callers. */
const giveUp: unique symbol = Symbol('giveUp')

// Characters js-yaml refuses or treats specially anywhere in a stream: tabs (indentation rules),
// CR (line breaks), controls, BOM and non-characters, and surrogates (checked by js-yaml).
const unsupported = /[\t\r\x00-\x08\x0b-\x1f\x7f-\x9f\ufeff\ufffe\uffff\ud800-\udfff]/
const maxDepth = 200

/** The documents of `text` (as js-yaml's loadAll), or undefined when the text is not of the plain shape. */
export function parseBlockYaml(text: string, resolve: PlainResolver): unknown[] | undefined {
  if (unsupported.test(text) || text.includes('__proto__')) return undefined
  try {
    return new BlockReader(text, resolve).documents()
  } catch (e) {
    if (e === giveUp) return undefined
    throw e
  }
}

function fail(): never {
  throw giveUp
}

/** `---` alone on its line starts a document; `...` (or `---` with more on the line) is not read here. */
function isDocumentStart(line: string): boolean {
  if (line.startsWith('---') || line.startsWith('...')) {
    if (line === '---') return true
    const c = line.charCodeAt(3)
    if (line.length === 3 || c === 0x20) fail()
  }
  return false
}

function indentOf(line: string): number {
  let i = 0
  while (line.charCodeAt(i) === 0x20) i++
  return i
}

/** Blank or only a comment. */
function isBlank(line: string): boolean {
  const i = indentOf(line)
  return i === line.length || line.charCodeAt(i) === 0x23
}

/** `-` followed by a space or the end of the line, at `col`. */
function isDash(line: string, col: number): boolean {
  if (line.charCodeAt(col) !== 0x2d) return false
  const next = line.charCodeAt(col + 1)
  return col + 1 === line.length || next === 0x20
}

class BlockReader {
  private readonly lines: string[]
  private readonly unterminated: boolean
  private readonly hasText: boolean
  private i = 0
  private depth = 0

  constructor(text: string, private readonly resolve: PlainResolver) {
    this.lines = text.split('\n')
    // js-yaml appends a line break to an unterminated text; only a block scalar on the last line
    // would tell (parse.ts trims what it adds there), so block scalars are then left to js-yaml.
    this.unterminated = text.length > 0 && !text.endsWith('\n')
    this.hasText = text !== '' && text !== '\n'
    if (!this.unterminated) this.lines.pop()
  }

  documents(): unknown[] {
    const docs: unknown[] = []
    let open = false
    for (;;) {
      this.skipBlank()
      if (this.i >= this.lines.length) {
        // Only blank lines or comments: js-yaml's answer ([] or [null]) depends on their spaces.
        if (docs.length === 0 && !open && this.hasText) fail()
        if (open) docs.push(null)
        return docs
      }
      const line = this.lines[this.i]
      if (isDocumentStart(line)) {
        if (open) docs.push(null)
        open = true
        this.i++
        continue
      }
      if (line.charCodeAt(0) === 0x25 || indentOf(line) !== 0) fail() // a directive, an indented root
      docs.push(isDash(line, 0) ? this.sequence(0) : this.mapping(0))
      open = false
      this.skipBlank()
      if (this.i < this.lines.length && !isDocumentStart(this.lines[this.i])) fail()
    }
  }

  private skipBlank(): void {
    while (this.i < this.lines.length && isBlank(this.lines[this.i])) this.i++
  }

  /** The indentation of the next content line, -1 at the end or at a document marker. */
  private nextIndent(): number {
    this.skipBlank()
    if (this.i >= this.lines.length) return -1
    const line = this.lines[this.i]
    return isDocumentStart(line) ? -1 : indentOf(line)
  }

  private enter(): void {
    if (++this.depth > maxDepth) fail()
  }

  private mapping(indent: number): Record<string, unknown> {
    this.enter()
    const out: Record<string, unknown> = {}
    for (;;) {
      const line = this.lines[this.i]
      const content = line.slice(indent)
      const {key, rest} = splitKey(content)
      const name = this.keyName(key)
      if (Object.hasOwn(out, name)) fail() // js-yaml refuses it (or, for kustomizations, keeps the last): its call
      this.i++
      out[name] = rest === '' ? this.nested(indent, true) : this.inline(rest, indent)
      const next = this.nextIndent()
      if (next < indent) break
      if (next > indent || isDash(this.lines[this.i], indent)) fail()
    }
    this.depth--
    return out
  }

  private sequence(indent: number): unknown[] {
    this.enter()
    const out: unknown[] = []
    for (;;) {
      const line = this.lines[this.i]
      let col = indent + 1
      while (line.charCodeAt(col) === 0x20) col++
      const rest = line.slice(col)
      if (rest === '' || rest.charCodeAt(0) === 0x23) {
        this.i++
        out.push(this.nested(indent, false))
      } else if (isDash(rest, 0)) {
        fail() // a compact nested sequence
      } else if (startsKey(rest)) {
        // A compact mapping: its keys line up with the first one, after the dash.
        this.lines[this.i] = ' '.repeat(col) + rest
        out.push(this.mapping(col))
      } else {
        this.i++
        out.push(this.inline(rest, indent))
      }
      const next = this.nextIndent()
      // A line at this indentation that is no item ends the list (the next key of a mapping that
      // holds it at its own indentation; anywhere else the caller refuses it).
      if (next < indent || (next === indent && !isDash(this.lines[this.i], indent))) break
      if (next > indent) fail()
    }
    this.depth--
    return out
  }

  /**
   * The node below a `key:` (or a `-`) with nothing after it on its line: a deeper block, a
   * sequence at the key's own indentation (`key:` then `- item`), or an empty node (null).
   */
  private nested(parentIndent: number, sequenceAtSameIndent: boolean): unknown {
    const next = this.nextIndent()
    if (next < 0 || next < parentIndent) return null
    const line = this.lines[this.i]
    if (next === parentIndent) return sequenceAtSameIndent && isDash(line, next) ? this.sequence(next) : null
    if (isDash(line, next)) return this.sequence(next)
    if (!startsKey(line.slice(next))) fail() // a scalar on its own line
    return this.mapping(next)
  }

  /** A value that starts on the line of its key or dash (`rest`, not empty, not a comment). */
  private inline(rest: string, parentIndent: number): unknown {
    const c = rest.charCodeAt(0)
    if (c === 0x22 || c === 0x27) return quoted(rest)
    if (c === 0x7c) return this.literal(rest, parentIndent)
    if (c === 0x5b || c === 0x7b) {
      // `[]` and `{}` only, as empty lists and maps are written; other flow collections go to js-yaml.
      const closing = c === 0x5b ? ']' : '}'
      const after = rest.slice(1).trimStart()
      if (!after.startsWith(closing) || !isEndOfValue(after.slice(1))) fail()
      return c === 0x5b ? [] : {}
    }
    return this.resolve(plainText(rest))
  }

  /** A `|`, `|-` or `|+` block scalar, as js-yaml reads it (its indentation found from the first line). */
  private literal(header: string, parentIndent: number): string {
    if (this.unterminated) fail()
    const chomp = header.charCodeAt(1)
    const mode = chomp === 0x2d ? 'strip' : chomp === 0x2b ? 'keep' : 'clip'
    if (!isEndOfValue(header.slice(mode === 'clip' ? 1 : 2))) fail()
    const body: string[] = []
    let indent = -1
    for (; this.i < this.lines.length; this.i++) {
      const line = this.lines[this.i]
      const lead = indentOf(line)
      if (lead === line.length) {
        // A blank line: part of the text, unless it holds more spaces than the text's indentation
        // (js-yaml keeps those spaces, or refuses them before the first line).
        if (indent < 0 ? lead > parentIndent + 1 : lead > indent) fail()
        body.push('')
        continue
      }
      if (indent < 0) {
        if (lead <= parentIndent) break
        indent = lead
      } else if (lead < indent) {
        if (lead > parentIndent) fail()
        break
      }
      body.push(line.slice(indent))
    }
    let end = body.length
    while (end > 0 && body[end - 1] === '') end--
    const text = body.slice(0, end).join('\n')
    if (mode === 'strip') return text
    if (mode === 'clip') return end > 0 ? `${text}\n` : ''
    return end > 0 ? `${text}\n${'\n'.repeat(body.length - end)}` : '\n'.repeat(body.length)
  }

  private keyName(key: string): string {
    const c = key.charCodeAt(0)
    // Quoted, flow, anchored, tagged, aliased or complex keys, and the merge key, go to js-yaml.
    if (key === '' || key === '<<' || '\'"[]{}&*!|>%@`?#,-:'.includes(key[0]) || key.endsWith(' ') || key.includes(' #') || c === 0x20) fail()
    return String(this.resolve(key))
  }
}

/** `key: rest` or `key:` — rest without its leading spaces, '' when only a comment or nothing follows. */
function splitKey(content: string): {key: string; rest: string} {
  const at = content.indexOf(': ')
  if (at < 0) {
    if (!content.endsWith(':')) fail()
    return {key: content.slice(0, -1), rest: ''}
  }
  const rest = content.slice(at + 2).trimStart()
  return {key: content.slice(0, at), rest: rest.charCodeAt(0) === 0x23 ? '' : rest}
}

/** Whether a line's content (after a dash) is a `key:` entry rather than a scalar. */
function startsKey(content: string): boolean {
  const c = content.charCodeAt(0)
  if (c === 0x22 || c === 0x27) {
    // A quoted scalar, unless a colon follows it (a quoted key, left to js-yaml).
    const value = quotedEnd(content)
    if (/^\s*:/.test(content.slice(value))) fail()
    return false
  }
  const plain = content.indexOf(' #') >= 0 ? content.slice(0, content.indexOf(' #')) : content
  return plain.includes(': ') || plain.trimEnd().endsWith(':')
}

/** Nothing, spaces, or spaces and a comment (a `#` right after a value is not a comment). */
function isEndOfValue(s: string): boolean {
  const t = s.trimStart()
  return t === '' || (t.charCodeAt(0) === 0x23 && t.length < s.length)
}

/** Index just past the closing quote of the quoted scalar that starts `s`. */
function quotedEnd(s: string): number {
  const q = s[0]
  for (let i = 1; i < s.length; i++) {
    if (s[i] === '\\' && q === '"') fail() // escapes: js-yaml decodes them
    if (s[i] === q) {
      if (q === "'" && s[i + 1] === "'") {
        i++
        continue
      }
      return i + 1
    }
  }
  return fail() // continues on the next line
}

function quoted(rest: string): string {
  const end = quotedEnd(rest)
  if (!isEndOfValue(rest.slice(end))) fail()
  const inner = rest.slice(1, end - 1)
  return rest[0] === "'" ? inner.replaceAll("''", "'") : inner
}

/** A plain scalar's text: up to a comment, without trailing spaces; anything js-yaml reads otherwise gives up. */
function plainText(rest: string): string {
  const c = rest[0]
  // Indicators that start something other than a plain scalar (or need their next character read).
  if ('&*!>%@`,#?:]}'.includes(c) || (c === '-' && (rest.length === 1 || rest[1] === ' '))) fail()
  const hash = rest.indexOf(' #')
  const text = (hash >= 0 ? rest.slice(0, hash) : rest).trimEnd()
  if (text.includes(': ') || text.endsWith(':')) fail()
  return text
}
