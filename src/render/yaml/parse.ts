import jsyaml from 'js-yaml'
import {UserError} from '../../model/errors.js'
import {isObject, type JsonValue} from '../../model/json.js'
import {settleNulls} from './empty-null.js'
import {parseBlockYaml} from './block-parse.js'
import {goYaml11Schema, goYamlSchema, goYamlTrackingSchema, plainScalarResolvers} from './go-yaml-schema.js'

// Resource files are parsed with js-yaml (an order of magnitude faster than the `yaml` package on
// manifests) under a schema that resolves plain scalars exactly as go-yaml v3, which kustomize uses.

function invalidYaml(err: unknown, file: string, text: string): UserError {
  const e = err as {reason?: string; mark?: {line: number; column: number; position: number}; message?: string}
  // js-yaml's message quotes the offending source lines; only its reason and position are kept,
  // because the source may hold secret values.
  const reason = e.reason ?? 'invalid YAML'
  let line = e.mark ? e.mark.line + 1 : undefined
  let column = e.mark ? e.mark.column + 1 : undefined
  // An unterminated quoted scalar is reported where it starts, as go-yaml does, not at the end of the file.
  const quote = /within a (double|single) quoted scalar/.exec(reason)
  if (quote && e.mark) {
    const at = text.lastIndexOf(quote[1] === 'double' ? '"' : "'", e.mark.position - 1)
    if (at >= 0) {
      const before = text.slice(0, at)
      line = before.split('\n').length
      column = at - before.lastIndexOf('\n')
    }
  }
  return new UserError(`invalid YAML: ${reason}${column ? ` (column ${column})` : ''}`, {file, line}, 'Fix the YAML syntax at that line.')
}

// js-yaml 4.3 refuses nesting past 100 levels by default; go-yaml v3 (kubectl kustomize) allows
// 10,000. Real manifests stay far below 1000 (deep CRD schemas reach ~60), and past a few thousand
// levels the recursive steps after parsing (clone, merge, emit) would overflow the stack.
const maxDepth = 1000

export interface ParseOptions {
  /** Resource documents: remember which nulls were written as nothing (see empty-null.ts). YAML 1.2 only. */
  emptyNulls?: boolean
  /**
   * What a key repeated in one mapping does: an error (go-yaml v3, how kyaml reads resources and
   * patches), or the last one wins (go-yaml v2 decoding into a map, how sigs.k8s.io/yaml reads a
   * kustomization or a replacement file).
   */
  duplicateKeys?: 'error' | 'last-wins'
}

/** All documents of a multi-document YAML file, as kustomize reads them (empty documents kept as null). */
export function parseYamlDocuments(text: string, file: string, yamlVersion: '1.1' | '1.2' = '1.2', options: ParseOptions = {}): JsonValue[] {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
  // The common shape is read by the block reader; it gives up on anything else, which js-yaml reads.
  let docs = (parseBlockYaml(text, plainScalarResolvers[yamlVersion === '1.1' ? '1.1' : options.emptyNulls ? 'tracking' : '1.2']) as JsonValue[] | undefined) ?? loadWithJsYaml(text, file, yamlVersion, options)
  if (options.emptyNulls && yamlVersion === '1.2') {
    const mayHaveAliases = text.includes('*')
    docs = docs.map((d) => settleNulls(d, mayHaveAliases))
  }
  // An alias is only possible where the text has a `*`; the walk stays off the common path.
  if (text.includes('*')) {
    try {
      docs.forEach((d, i) => checkAliasing(d, file, i + 1))
    } catch (err) {
      if (err instanceof RangeError) throw new UserError('YAML nesting is too deep', {file}, 'Flatten the document.')
      throw err
    }
  }
  if (text.includes('__proto__')) docs.forEach((d, i) => rejectProtoKeys(d, file, `document ${i + 1}`, new Set()))
  // go-yaml reads .inf/.nan as floats that encoding/json then refuses, so kustomize fails on them;
  // the text test keeps the walk off the common path.
  if (/\.(inf|nan)/i.test(text)) docs.forEach((d, i) => rejectNonFinite(d, file, `document ${i + 1}`))
  return docs
}

/** The documents as js-yaml reads them under the go-yaml schema of `yamlVersion`. */
function loadWithJsYaml(text: string, file: string, yamlVersion: '1.1' | '1.2', options: ParseOptions): JsonValue[] {
  try {
    return jsyaml.loadAll(text, undefined, {
      schema: yamlVersion === '1.1' ? goYaml11Schema : options.emptyNulls ? goYamlTrackingSchema : goYamlSchema,
      filename: file,
      maxDepth,
      // js-yaml's `json` option changes nothing but this: a repeated key overrides instead of failing.
      json: options.duplicateKeys === 'last-wins',
      listener: endsInUnterminatedLine(text) ? keepUnterminatedLastLine(text.length) : null,
    } as jsyaml.LoadOptions) as JsonValue[]
  } catch (err) {
    if (err instanceof RangeError) throw new UserError('YAML nesting is too deep', {file}, 'Flatten the document.')
    throw invalidYaml(err, file, text)
  }
}

/** True when the file's last line has content and no line break after it. */
function endsInUnterminatedLine(text: string): boolean {
  const last = text.charCodeAt(text.length - 1)
  if (text.length === 0 || last === 0x0a || last === 0x0d) return false
  return /\S/.test(text.slice(text.lastIndexOf('\n') + 1))
}

/**
 * js-yaml appends a line break to a file that lacks one before parsing, so a block scalar (`|`,
 * `>`, `|+`) on the last line gains a final newline that the file does not have. go-yaml (and so
 * kustomize) keeps the value as written: `|` then reads "a\nb", printed back as `|-`. The listener
 * sees each node as it closes; a string scalar whose reading ran past the original end of the text
 * got that appended break, and it is taken off before the value is stored.
 */
function keepUnterminatedLastLine(length: number): (event: string, state: {kind: string | null; result: unknown; position: number}) => void {
  return (event, state) => {
    if (event !== 'close' || state.kind !== 'scalar' || state.position <= length) return
    if (typeof state.result === 'string' && state.result.endsWith('\n')) state.result = state.result.slice(0, -1)
  }
}

// go-yaml v3's rule against alias bombs (decode.go, allowedAliasRatio): once a document has decoded
// more than 1000 nodes and more than 100 of them through aliases, the share that came from aliases
// may be at most 99% up to 400,000 nodes, falling linearly to 10% at 4,000,000.
const aliasRatioLow = 400_000
const aliasRatioHigh = 4_000_000

function allowedAliasRatio(decoded: number): number {
  if (decoded <= aliasRatioLow) return 0.99
  if (decoded >= aliasRatioHigh) return 0.1
  return 0.99 - (0.89 * (decoded - aliasRatioLow)) / (aliasRatioHigh - aliasRatioLow)
}

// A subtree larger than this is counted as this large: it keeps the sums finite, and a document
// that aliases such a subtree fails the ratio anyway (a file cannot hold that many own nodes).
const sizeCeiling = 1e12

/**
 * js-yaml resolves an alias to the anchored object itself, so parsing costs nothing, but every
 * later walk (clone, patch, emit) expands the aliases — a billion-laughs document would hang the
 * render. This walk counts nodes the way go-yaml decodes them (a mapping's keys included, an
 * alias's whole target again), without expanding: each object's size is computed once, on first
 * visit in document order, and a later visit of the same object is an alias. The ratio only grows
 * while an alias is expanded, so checking after each one is the same as go-yaml's check per node.
 * An alias to a node that contains it (which js-yaml accepts) is refused: nothing can expand it.
 */
function checkAliasing(doc: JsonValue, file: string, index: number): void {
  const size = new Map<object, number>()
  const open = new Set<object>()
  let decoded = 1 // the document node
  let aliased = 0
  const excessive = () =>
    new UserError(
      `document ${index} contains excessive aliasing (${Math.min(aliased, sizeCeiling)} of ${Math.min(decoded, sizeCeiling)} nodes come from aliases)`,
      {file},
      'Write the repeated parts out or use fewer nested aliases; a YAML alias bomb is refused as go-yaml refuses it.',
    )
  const visit = (v: JsonValue): void => {
    if (v === null || typeof v !== 'object') {
      decoded++
      return
    }
    const known = size.get(v)
    if (known !== undefined) {
      decoded += 1 + known
      aliased += known
      if (aliased > 100 && decoded > 1000 && aliased / decoded > allowedAliasRatio(decoded)) throw excessive()
      return
    }
    if (open.has(v)) throw new UserError(`document ${index} has an alias inside the node it refers to`, {file}, 'An anchor cannot contain an alias to itself; write the structure out.')
    open.add(v)
    const start = decoded
    decoded++
    if (Array.isArray(v)) for (const x of v) visit(x)
    else
      for (const k of Object.keys(v)) {
        decoded++
        visit(v[k])
      }
    open.delete(v)
    size.set(v, Math.min(decoded - start, sizeCeiling))
  }
  visit(doc)
}

/**
 * kustomize keeps a `__proto__` key like any other, but every JavaScript object that a later step
 * copies it into (`out[key] = value`) would take the value as its prototype instead: the key would
 * vanish from the output and the object would inherit the value's fields. Refused at the door.
 */
function rejectProtoKeys(v: JsonValue, file: string, field: string, seen: Set<object>): void {
  if (v === null || typeof v !== 'object' || seen.has(v)) return
  seen.add(v)
  if (Array.isArray(v)) v.forEach((x, i) => rejectProtoKeys(x, file, `${field}[${i}]`, seen))
  else {
    if (Object.hasOwn(v, '__proto__')) throw protoKeyError(file, `${field}.__proto__`)
    for (const k of Object.keys(v)) rejectProtoKeys(v[k], file, `${field}.${k}`, seen)
  }
}

export function protoKeyError(file: string, field: string): UserError {
  return new UserError('the key __proto__ is not supported', {file, field}, 'Rename the key: strata cannot hold a __proto__ key safely (JavaScript treats it as the object prototype).')
}

function rejectNonFinite(v: JsonValue, file: string, field: string): void {
  if (typeof v === 'number' && !Number.isFinite(v)) {
    throw new UserError(`the value ${v} is not a finite number, which kustomize cannot write (json: unsupported value)`, {file, field}, 'Quote it (e.g. ".inf") if it is meant as a string.')
  }
  if (Array.isArray(v)) v.forEach((x, i) => rejectNonFinite(x, file, `${field}[${i}]`))
  else if (isObject(v)) for (const k of Object.keys(v)) rejectNonFinite(v[k], file, `${field}.${k}`)
}

/** A single-document file (a kustomization, a patch file). */
export function parseYamlDocument(text: string, file: string, options: ParseOptions = {}): JsonValue {
  const docs = parseYamlDocuments(text, file, '1.2', options).filter((d) => d !== null)
  if (docs.length > 1) throw new UserError('expected one YAML document, found several', {file}, 'Keep one document in this file.')
  return docs[0] ?? null
}
