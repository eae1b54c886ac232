import {BoundedCache} from '../../model/bounded-cache.js'
import {UserError} from '../../model/errors.js'
import {isObject, type JsonValue} from '../../model/json.js'
import {resolvePlainScalarYaml11} from './go-yaml-schema.js'
import {compareGoYamlKeys} from './key-order.js'
import {formatGoFloat} from './go-float.js'

// kustomize prints each resource as sigs.k8s.io/yaml.JSONToYAML(json.Marshal(obj)): go-yaml v2's
// encoder over plain data. This is that emitter (libyaml's rules: scalar analysis, style choice,
// folding at 80 columns, block indentation) for the JSON data model, written for speed: one
// pass, string chunks, no intermediate node tree.

const bestWidth = 80
const bestIndent = 2

interface ScalarAnalysis {
  multiline: boolean
  flowPlainAllowed: boolean
  blockPlainAllowed: boolean
  singleQuotedAllowed: boolean
  blockAllowed: boolean
}

const isBreak = (c: number) => c === 0x0a || c === 0x0d || c === 0x85 || c === 0x2028 || c === 0x2029
const isBlank = (c: number) => c === 0x20 || c === 0x09
// go-yaml's is_printable works on UTF-8 bytes; these are the code points it accepts.
const isPrintable = (c: number) =>
  c === 0x0a || (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff)

function codePoints(s: string): number[] {
  const out: number[] = []
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1)
      if (d >= 0xdc00 && d <= 0xdfff) {
        out.push(((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000)
        i++
        continue
      }
    }
    out.push(c)
  }
  return out
}

// encoding/json passes these through raw, and go-yaml v2's reader (the second half of kustomize's
// JSON round trip) refuses them: kustomize fails with "control characters are not allowed".
// Unpaired surrogates cannot come from Go's UTF-8 strings at all.
const isRejectedByReader = (c: number) =>
  (c >= 0x7f && c <= 0x9f && c !== 0x85) || c === 0xfffe || c === 0xffff || (c >= 0xd800 && c <= 0xdfff)

function unprintable(c: number): UserError {
  const code = `U+${c.toString(16).toUpperCase().padStart(4, '0')}`
  return new UserError(
    `a string holds the character ${code}, which kustomize cannot print (yaml: control characters are not allowed)`,
    {},
    'Remove the character from the value, or encode the value (e.g. base64 in a Secret\'s data).',
  )
}

const flowIndicatorsFirst = new Set([...'#,[]{}&*!|>\'"%@`'].map((c) => c.charCodeAt(0)))
const flowIndicatorsInner = new Set([...',?[]{}'].map((c) => c.charCodeAt(0)))

/** libyaml's yaml_emitter_analyze_scalar. */
function analyze(s: string, cps: number[]): ScalarAnalysis {
  if (cps.length === 0) {
    return {multiline: false, flowPlainAllowed: false, blockPlainAllowed: true, singleQuotedAllowed: true, blockAllowed: false}
  }
  let blockIndicators = false
  let flowIndicators = false
  let lineBreaks = false
  let specialCharacters = false
  let leadingSpace = false
  let leadingBreak = false
  let trailingSpace = false
  let trailingBreak = false
  let breakSpace = false
  let spaceBreak = false
  let previousSpace = false
  let previousBreak = false
  if (s.startsWith('---') || s.startsWith('...')) {
    blockIndicators = true
    flowIndicators = true
  }
  let precededByWhitespace = true
  const n = cps.length
  let followedByWhitespace = n < 2 || isBlank(cps[1])
  for (let i = 0; i < n; i++) {
    const c = cps[i]
    if (i === 0) {
      if (flowIndicatorsFirst.has(c)) {
        flowIndicators = true
        blockIndicators = true
      }
      if (c === 0x3f || c === 0x3a) {
        flowIndicators = true
        if (followedByWhitespace) blockIndicators = true
      }
      if (c === 0x2d && followedByWhitespace) {
        flowIndicators = true
        blockIndicators = true
      }
    } else {
      if (flowIndicatorsInner.has(c)) flowIndicators = true
      if (c === 0x3a) {
        flowIndicators = true
        if (followedByWhitespace) blockIndicators = true
      }
      if (c === 0x23 && precededByWhitespace) {
        flowIndicators = true
        blockIndicators = true
      }
    }
    if (!isPrintable(c)) {
      specialCharacters = true
      if (isRejectedByReader(c)) throw unprintable(c)
    }
    if (isBreak(c)) lineBreaks = true
    if (c === 0x20) {
      if (i === 0) leadingSpace = true
      if (i === n - 1) trailingSpace = true
      if (previousBreak) breakSpace = true
      previousSpace = true
      previousBreak = false
    } else if (isBreak(c)) {
      if (i === 0) leadingBreak = true
      if (i === n - 1) trailingBreak = true
      if (previousSpace) spaceBreak = true
      previousBreak = true
      previousSpace = false
    } else {
      previousSpace = false
      previousBreak = false
    }
    precededByWhitespace = isBlank(c) || isBreak(c)
    followedByWhitespace = i + 2 >= n || isBlank(cps[i + 2])
  }
  const a: ScalarAnalysis = {multiline: lineBreaks, flowPlainAllowed: true, blockPlainAllowed: true, singleQuotedAllowed: true, blockAllowed: true}
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) {
    a.flowPlainAllowed = false
    a.blockPlainAllowed = false
  }
  if (trailingSpace) a.blockAllowed = false
  if (breakSpace) {
    a.flowPlainAllowed = false
    a.blockPlainAllowed = false
    a.singleQuotedAllowed = false
  }
  if (spaceBreak || specialCharacters) {
    a.flowPlainAllowed = false
    a.blockPlainAllowed = false
    a.singleQuotedAllowed = false
    a.blockAllowed = false
  }
  if (lineBreaks) {
    a.flowPlainAllowed = false
    a.blockPlainAllowed = false
  }
  if (flowIndicators) a.flowPlainAllowed = false
  if (blockIndicators) a.blockPlainAllowed = false
  return a
}

const base60Float = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/

/** go-yaml v2's encoder: a string that would read back as another type must be quoted. */
function canUsePlain(s: string): boolean {
  if (resolvePlainScalarYaml11(s) !== undefined) return false
  const c = s.charCodeAt(0)
  if ((c === 0x2b || c === 0x2d || (c >= 0x30 && c <= 0x39)) && s.includes(':') && base60Float.test(s)) return false
  return true
}

type Style = 'plain' | 'single' | 'double' | 'literal'

const spaceRuns: string[] = []
function spaces(n: number): string {
  return (spaceRuns[n] ??= ' '.repeat(n))
}

/** A line-oriented writer tracking the column like libyaml's emitter (in characters). */
class Writer {
  out = ''
  column = 0
  whitespace = true
  indention = true
  openEnded = false

  put(s: string, width = s.length): void {
    this.out += s
    this.column += width
  }

  breakLine(): void {
    this.out += '\n'
    this.column = 0
    this.whitespace = true
    this.indention = true
  }

  writeIndent(indent: number): void {
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.breakLine()
    if (this.column < indent) {
      this.out += spaces(indent - this.column)
      this.column = indent
    }
    this.whitespace = true
    this.indention = true
  }

  indicator(s: string, needWhitespace: boolean, isWhitespace: boolean, isIndention: boolean): void {
    if (needWhitespace && !this.whitespace) this.put(' ')
    this.put(s)
    this.whitespace = isWhitespace
    this.indention = this.indention && isIndention
    this.openEnded = false
  }
}

function chooseStyle(s: string, a: ScalarAnalysis, simpleKey: boolean): Style {
  let style: Style = s.includes('\n') ? 'literal' : canUsePlain(s) ? 'plain' : 'double'
  if (style === 'plain') {
    if (!a.blockPlainAllowed) style = 'single'
    if (s.length === 0 && simpleKey) style = 'single'
  }
  if (style === 'single' && !a.singleQuotedAllowed) style = 'double'
  if (style === 'literal' && (!a.blockAllowed || simpleKey)) style = 'double'
  return style
}

function writePlain(w: Writer, cps: number[], indent: number, allowBreaks: boolean): void {
  if (!w.whitespace) w.put(' ')
  if (!allowBreaks || w.column + cps.length <= bestWidth + 1) {
    w.put(String.fromCodePoint(...cps), cps.length)
    w.whitespace = false
    w.indention = false
    return
  }
  let spaces = false
  for (let i = 0; i < cps.length; i++) {
    const c = cps[i]
    if (c === 0x20) {
      if (allowBreaks && !spaces && w.column > bestWidth && i + 1 < cps.length && cps[i + 1] !== 0x20) {
        w.writeIndent(indent)
      } else {
        w.put(' ')
      }
      spaces = true
    } else {
      w.put(String.fromCodePoint(c), 1)
      spaces = false
    }
  }
  w.whitespace = false
  w.indention = false
}

function writeSingleQuoted(w: Writer, cps: number[], indent: number, allowBreaks: boolean): void {
  w.indicator("'", true, false, false)
  let spaces = false
  let breaks = false
  for (let i = 0; i < cps.length; i++) {
    const c = cps[i]
    if (c === 0x20) {
      if (allowBreaks && !spaces && w.column > bestWidth && i !== 0 && i !== cps.length - 1 && cps[i + 1] !== 0x20) {
        w.writeIndent(indent)
      } else {
        w.put(' ')
      }
      spaces = true
    } else if (isBreak(c)) {
      // Only non-'\n' breaks reach here (strings with '\n' use literal or double-quoted style):
      // libyaml copies the break character itself and starts a new line.
      w.put(String.fromCodePoint(c), 1)
      w.column = 0
      w.indention = true
      breaks = true
    } else {
      if (breaks) w.writeIndent(indent)
      if (c === 0x27) w.put("'")
      w.put(String.fromCodePoint(c), 1)
      w.indention = false
      spaces = false
      breaks = false
    }
  }
  w.indicator("'", false, false, false)
}

const namedEscapes = new Map<number, string>([
  [0x00, '0'], [0x07, 'a'], [0x08, 'b'], [0x09, 't'], [0x0a, 'n'], [0x0b, 'v'], [0x0c, 'f'], [0x0d, 'r'],
  [0x1b, 'e'], [0x22, '"'], [0x5c, '\\'], [0x85, 'N'], [0xa0, '_'], [0x2028, 'L'], [0x2029, 'P'],
])

function hex(c: number, digits: number): string {
  return c.toString(16).toUpperCase().padStart(digits, '0')
}

function writeDoubleQuoted(w: Writer, cps: number[], indent: number, allowBreaks: boolean): void {
  w.indicator('"', true, false, false)
  // go-yaml's is_bom ignores its index: a value starting with a BOM has every character escaped.
  const startsWithBom = cps[0] === 0xfeff
  let spaces = false
  for (let i = 0; i < cps.length; i++) {
    const c = cps[i]
    if (!isPrintable(c) || startsWithBom || isBreak(c) || c === 0x22 || c === 0x5c) {
      const named = namedEscapes.get(c)
      const esc = named !== undefined ? `\\${named}` : c <= 0xff ? `\\x${hex(c, 2)}` : c <= 0xffff ? `\\u${hex(c, 4)}` : `\\U${hex(c, 8)}`
      w.put(esc)
      spaces = false
    } else if (c === 0x20) {
      if (allowBreaks && !spaces && w.column > bestWidth && i !== 0 && i !== cps.length - 1) {
        w.writeIndent(indent)
        if (cps[i + 1] === 0x20) w.put('\\')
      } else {
        w.put(' ')
      }
      spaces = true
    } else {
      w.put(String.fromCodePoint(c), 1)
      spaces = false
    }
  }
  w.indicator('"', false, false, false)
}

function writeLiteral(w: Writer, s: string, cps: number[], indent: number): void {
  w.indicator('|', true, false, false)
  // Block scalar hints: an indentation indicator when the text starts with a space or a break,
  // and the chomping indicator from how many line breaks end it.
  if (cps[0] === 0x20 || isBreak(cps[0])) w.put(String(bestIndent))
  w.openEnded = false
  const last = cps.length - 1
  if (!isBreak(cps[last])) w.put('-')
  else if (last === 0 || isBreak(cps[last - 1])) {
    w.put('+')
    w.openEnded = true
  }
  w.breakLine()
  let breaks = true
  for (const c of cps) {
    if (isBreak(c)) {
      // libyaml writes '\n' as a line break but copies LS/PS/CR as they are, only resetting its
      // column count; either way the next text is indented afresh.
      w.out += c === 0x0a ? '\n' : String.fromCodePoint(c)
      w.column = 0
      w.indention = true
      breaks = true
    } else {
      if (breaks) w.writeIndent(indent)
      w.put(String.fromCodePoint(c), 1)
      w.indention = false
      breaks = false
    }
  }
  void s
}

/**
 * kustomize's JSON round trip reads strings back with go-yaml v2, a YAML 1.1 parser: a raw NEL
 * (U+0085, which JSON does not escape) is a line break inside a double-quoted scalar, so it is
 * folded like one: blanks around it dropped, one break becomes a space, n breaks n-1 newlines.
 */
function foldRawNel(s: string): string {
  return s.replace(/ *\u0085(?:[ ]*\u0085)* */g, (run) => {
    const breaks = run.split('\u0085').length - 1
    return breaks === 1 ? ' ' : '\n'.repeat(breaks - 1)
  })
}

/**
 * Most strings in manifests (names, labels, images, quantities) are ASCII words with `. _ / - : = +`
 * and no spaces: libyaml's analysis can only find them plain-safe (no indicator where it matters,
 * nothing to fold), so whether they are written plain rests on resolution alone.
 */
function isPlainSafeWord(s: string): boolean {
  const n = s.length
  if (n === 0) return false
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i)
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || c === 0x2f || c === 0x3d || c === 0x2b) continue
    // '-' or ':' is an indicator when followed by the end; '.' and '-' runs at the start mark documents.
    if (c === 0x2d || c === 0x3a) {
      if (i === n - 1 && (c === 0x3a || i === 0)) return false
      continue
    }
    if (c === 0x2e) continue
    return false
  }
  return !(n >= 3 && (s.startsWith('---') || s.startsWith('...')))
}

function writeString(w: Writer, s: string, indent: number, simpleKey: boolean): void {
  if (isPlainSafeWord(s) && canUsePlain(s)) {
    if (!w.whitespace) w.put(' ')
    w.put(s)
    w.whitespace = false
    w.indention = false
    return
  }
  if (s.includes('\u0085')) s = foldRawNel(s)
  const cps = codePoints(s)
  const a = analyze(s, cps)
  const style = chooseStyle(s, a, simpleKey)
  const allowBreaks = !simpleKey
  switch (style) {
    case 'plain':
      return writePlain(w, cps, indent, allowBreaks)
    case 'single':
      return writeSingleQuoted(w, cps, indent, allowBreaks)
    case 'double':
      return writeDoubleQuoted(w, cps, indent, allowBreaks)
    case 'literal':
      return writeLiteral(w, s, cps, indent)
  }
}

const minInt64 = -(2n ** 63n)
const maxUint64 = 2n ** 64n - 1n

function formatNumber(n: number): string {
  if (!Number.isFinite(n)) {
    throw new UserError(`the number ${n} is not finite; kustomize cannot write it (json: unsupported value)`, {}, 'Quote the value (e.g. ".inf") if it is meant as a string.')
  }
  // json.Marshal prints integral values below 1e21 as integers (shortest digits padded with
  // zeros), which go-yaml v2 reads back as ints only within int64/uint64, else as floats.
  if (Number.isInteger(n) && Math.abs(n) < 1e21) {
    const text = String(n === 0 ? 0 : n)
    if (Number.isSafeInteger(n)) return text
    const v = BigInt(text)
    if (v >= minInt64 && v <= maxUint64) return text
  }
  return formatGoFloat(n)
}

function writeScalar(w: Writer, v: JsonValue, indent: number, simpleKey: boolean): void {
  if (typeof v === 'string') return writeString(w, v, indent, simpleKey)
  const text = v === null ? 'null' : typeof v === 'boolean' || typeof v === 'bigint' ? String(v) : formatNumber(v as number)
  if (!w.whitespace) w.put(' ')
  w.put(text)
  w.whitespace = false
  w.indention = false
}

function sortedKeys(obj: Record<string, unknown>): string[] {
  return Object.keys(obj).sort(compareGoYamlKeys)
}

/** `[]` or `{}` in flow style, as go-yaml writes an empty collection. */
function writeEmpty(w: Writer, open: '[' | '{', close: ']' | '}'): void {
  w.indicator(open, true, true, false)
  w.indicator(close, false, false, false)
}

/** A block mapping whose entries sit at `indent`; `inline` when the first key follows "- ". */
interface KeyText {
  text: string
  width: number
}

// The same few hundred keys recur in every document; a simple key's text depends on nothing but
// the key (it is never folded), so it is worked out once per process (bounded: generated keys
// must not grow it without limit).
const simpleKeyTexts = new BoundedCache<string, KeyText>()

function simpleKeyText(key: string): KeyText {
  let t = simpleKeyTexts.get(key)
  if (t === undefined) {
    rejectNelKey(key)
    const w = new Writer()
    writeString(w, key, bestIndent, true)
    t = {text: w.out, width: w.column}
    simpleKeyTexts.set(key, t)
  }
  return t
}

function writeMapping(w: Writer, obj: Record<string, JsonValue>, indent: number, keys: string[] = sortedKeys(obj)): void {
  for (const key of keys) {
    w.writeIndent(indent)
    // Keys longer than 128 UTF-8 bytes or holding any line break are not simple keys in libyaml.
    if (simpleKeyTexts.has(key) || isSimpleKey(key)) {
      const t = simpleKeyText(key)
      w.put(t.text, t.width)
      w.whitespace = false
      w.indention = false
      w.indicator(':', false, false, false)
    } else {
      rejectNelKey(key)
      w.indicator('?', true, false, true)
      writeString(w, key, indent + bestIndent, false)
      w.writeIndent(indent)
      w.indicator(':', true, false, true)
    }
    writeValue(w, obj[key], indent, true)
  }
}

function utf8Length(s: string): number {
  let n = s.length
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdbff) {
      n += 2 // the pair's two units already count 2 of its 4 bytes
      i++
    } else if (c >= 0x800) n += 2
    else if (c >= 0x80) n += 1
  }
  return n
}

function rejectNelKey(key: string): void {
  if (key.includes('\u0085')) {
    // Inside JSON's flow mapping a raw NEL breaks the key over two lines, which go-yaml v2 rejects.
    throw new UserError('a map key holds the character U+0085 (next line), which kustomize cannot print', {}, 'Rename the key without that character.')
  }
}

function isSimpleKey(key: string): boolean {
  if (key.length > 42 && utf8Length(key) > 128) return false
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i)
    if (c === 0x0a || c === 0x0d || c === 0x85 || c === 0x2028 || c === 0x2029) return false
  }
  return true
}

function writeSequence(w: Writer, items: JsonValue[], indent: number): void {
  for (const item of items) {
    w.writeIndent(indent)
    w.indicator('-', true, false, true)
    writeValue(w, item, indent, false)
  }
}

/** A node inside a collection whose own indent is `parentIndent`. */
function writeValue(w: Writer, v: JsonValue, parentIndent: number, inMapping: boolean): void {
  if (Array.isArray(v)) {
    if (v.length === 0) return writeEmpty(w, '[', ']')
    // A sequence that is a mapping value is not indented (go-yaml v2, kustomize's output), unless
    // it follows the ": " of a complex key, where libyaml's indention flag is still set.
    writeSequence(w, v, inMapping && !w.indention ? parentIndent : parentIndent + bestIndent)
    return
  }
  if (isObject(v)) {
    // The sorted keys serve both the emptiness test and the mapping (one Object.keys per map).
    const keys = sortedKeys(v)
    if (keys.length === 0) return writeEmpty(w, '{', '}')
    writeMapping(w, v, parentIndent + bestIndent, keys)
    return
  }
  writeScalar(w, v, parentIndent + bestIndent, false)
}

/** One document, exactly as go-yaml v2 marshals it (ends with a newline). */
export function emitYaml(value: JsonValue): string {
  const w = new Writer()
  if (isObject(value) && Object.keys(value).length > 0) writeMapping(w, value, 0)
  else if (Array.isArray(value) && value.length > 0) writeSequence(w, value, 0)
  else writeValue(w, value, -bestIndent, false)
  // go-yaml's encoder clears open_ended before ending the stream, so a `|+` scalar at the end is
  // not followed by a `...` marker (checked with kubectl kustomize).
  w.writeIndent(0)
  // Reading a character flattens V8's rope of `+=` pieces now, while it is small; joining thousands
  // of unflattened documents into a stream is several times slower.
  w.out.charCodeAt(0)
  return w.out
}

/** A stream of documents as `kustomize build` prints it: `---` between documents. */
export function emitYamlStream(values: JsonValue[]): string {
  return values.map(emitYaml).join('---\n')
}
