// JSON 6902 patches with kustomize v5.5's semantics. kustomize applies them with evanphx/json-patch
// v4, which departs from RFC 6902 in ways users rely on: `replace` of a missing object key adds
// it, negative array indexes count from the end, `add` without a value adds null, and `test` of a
// missing key against null passes. Each operation's target is resolved and checked here the way
// v4 does it (same failures, similar messages); fast-json-patch then performs the edit.
//
// Error messages never carry document content: fast-json-patch's errors hold the whole target
// (possibly a Secret), so they are never passed through.

import jsonpatch, {type Operation} from 'fast-json-patch'
import {UserError} from '../../model/errors.js'
import {cloneJson, isObject, type JsonObject, type JsonValue} from '../../model/json.js'
import {parseYamlDocuments, protoKeyError} from '../yaml/parse.js'

export type {Operation} from 'fast-json-patch'

const hint6902 = 'Each entry is {op: add|remove|replace|move|copy|test, path: /json/pointer, value or from}.'

/**
 * Reads a JSON 6902 patch from YAML or JSON text. Like kustomize, text that starts with `[` is
 * read as JSON (so a YAML flow list that is not valid JSON is rejected).
 */
export function parseJson6902(text: string, file: string): Operation[] {
  const trimmed = text.trimStart()
  let data: unknown
  if (trimmed.startsWith('[')) {
    try {
      data = JSON.parse(trimmed)
    } catch (e) {
      throw new UserError(
        `JSON 6902 patch is not valid JSON: ${(e as Error).message}`,
        {file},
        'A patch that starts with `[` is read as JSON; write it as a YAML list (`- op: add`) or as valid JSON.',
      )
    }
  } else {
    // YAML 1.1 because kustomize converts the patch with go-yaml v2 (yes/no are booleans, 0x10 is 16);
    // js-yaml rather than the `yaml` package: 10,000 operations parse in a tenth of the time.
    const docs = parseYamlDocuments(text, file, '1.1').filter((d) => d !== null)
    if (docs.length > 1) throw new UserError('JSON 6902 patch is not valid YAML: expected one document, found several', {file}, hint6902)
    data = docs[0] ?? null
  }
  if (!Array.isArray(data)) throw new UserError('JSON 6902 patch must be a list of operations', {file}, hint6902)
  data.forEach((op, i) => {
    if (!isObject(op)) throw new UserError(`JSON 6902 patch entry ${i} is not an operation object`, {file, field: `[${i}]`}, hint6902)
  })
  return data as Operation[]
}

/** Applies the operations to a copy of `target`; the input is never modified. */
export function applyJson6902(target: JsonObject, ops: unknown, where: {file: string}): JsonObject {
  if (!Array.isArray(ops)) throw new UserError('JSON 6902 patch must be a list of operations', {file: where.file}, hint6902)
  let doc: JsonValue = cloneJson(target)
  ops.forEach((raw, index) => {
    if (!isObject(raw)) throw new UserError(`JSON 6902 patch entry ${index} is not an operation object`, {file: where.file, field: `[${index}]`}, hint6902)
    rejectProtoOperand(raw, where.file, index)
    try {
      doc = applyOne(doc, raw)
    } catch (e) {
      if (!(e instanceof OpFailure)) throw e
      const op = typeof raw.op === 'string' ? raw.op : 'unknown'
      const path = typeof raw.path === 'string' ? ` ${raw.path}` : ''
      throw new UserError(`JSON 6902 patch operation ${index} (${op}${path}) failed: ${e.message}`, {file: where.file, field: `[${index}]`}, e.hint)
    }
  })
  if (!isObject(doc)) throw new UserError('JSON 6902 patch turned the resource into something that is not an object', {file: where.file}, 'Patch fields of the resource, not the whole document.')
  return doc
}

/**
 * fast-json-patch throws a TypeError for a `__proto__` (or constructor/prototype) path, and a value
 * holding a `__proto__` key would become a prototype when copied; both are refused as user errors
 * (see protoKeyError) before the operation runs.
 */
function rejectProtoOperand(op: JsonObject, file: string, index: number): void {
  for (const name of ['path', 'from'] as const) {
    const pointer = op[name]
    if (typeof pointer !== 'string') continue
    const tokens = pointer.split('/').map(decodeToken)
    if (tokens.some((t, i) => t === '__proto__' || (t === 'prototype' && tokens[i - 1] === 'constructor'))) {
      throw new UserError(`JSON 6902 patch operation ${index} has a ${name} through __proto__ or constructor/prototype, which is not supported`, {file, field: `[${index}].${name}`}, 'Rename the key: strata cannot hold it safely (JavaScript treats it as the object prototype).')
    }
  }
  const stack: JsonValue[] = [op.value ?? null]
  while (stack.length > 0) {
    const v = stack.pop()
    if (v === null || typeof v !== 'object') continue
    if (!Array.isArray(v) && Object.hasOwn(v, '__proto__')) throw protoKeyError(file, `[${index}].value`)
    for (const x of Array.isArray(v) ? v : Object.values(v)) stack.push(x)
  }
}

/** A failed operation, described without any document content. */
class OpFailure extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message)
  }
}

const missingPathHint = 'Check the path against the resource as it is at this point of the build (earlier patches and transformers included).'

interface Slot {
  container: JsonObject | JsonValue[]
  /** Decoded last token. */
  key: string
  /** Pointer to the container, re-encoded for fast-json-patch. */
  parent: string
}

function decodeToken(t: string): string {
  return t.replaceAll('~1', '/').replaceAll('~0', '~')
}

function encodeToken(t: string): string {
  return t.replaceAll('~', '~0').replaceAll('/', '~1')
}

/** Go's strconv.Atoi: optional sign, decimal digits. */
function atoi(s: string): number | undefined {
  return /^[+-]?[0-9]+$/.test(s) ? Number(s) : undefined
}

/**
 * v4's findObject: every token but the last must lead to an existing map or list (the leading
 * token is skipped whatever it is, as v4 does); undefined when the path does not resolve.
 */
function resolve(doc: JsonValue, path: string): Slot | undefined {
  const tokens = path.split('/')
  if (tokens.length < 2) return undefined
  let cur: JsonValue = doc
  let parent = ''
  for (let i = 1; i < tokens.length - 1; i++) {
    const part = decodeToken(tokens[i])
    let next: JsonValue | undefined
    if (Array.isArray(cur)) {
      const idx = arrayIndex(cur.length, part, false)
      if (idx === undefined) return undefined
      next = cur[idx]
      parent += `/${idx}`
    } else if (isObject(cur)) {
      if (!Object.hasOwn(cur, part)) return undefined
      next = cur[part]
      parent += `/${encodeToken(part)}`
    } else return undefined
    if (next === null || typeof next !== 'object') return undefined
    cur = next
  }
  if (cur === null || typeof cur !== 'object') return undefined
  return {container: cur, key: decodeToken(tokens[tokens.length - 1]), parent}
}

/** An element's index (negative counts from the end; one past the end allowed for inserts), or undefined. */
function arrayIndex(length: number, key: string, forInsert: boolean): number | undefined {
  const idx = atoi(key)
  if (idx === undefined) return undefined
  const size = forInsert ? length + 1 : length
  if (idx >= size || idx < -size) return undefined
  return idx < 0 ? idx + size : idx
}

function invalidIndex(key: string): OpFailure {
  return new OpFailure(`Unable to access invalid index: ${key}: invalid index referenced`, missingPathHint)
}

function stringField(op: JsonObject, name: 'path' | 'from', kind: string): string {
  const v = op[name]
  if (typeof v !== 'string') throw new OpFailure(`${kind} operation failed to decode ${name}`, hint6902)
  return v
}

/** The pointer fast-json-patch gets for a resolved slot, with the index made absolute. */
function pointer(slot: Slot, key: string): string {
  return `${slot.parent}/${encodeToken(key)}`
}

function run(doc: JsonValue, op: Operation): JsonValue {
  return jsonpatch.applyOperation(doc, op, false, true).newDocument
}

function read(slot: Slot, what: string): {value: JsonValue; key: string} {
  const c = slot.container
  if (Array.isArray(c)) {
    const idx = arrayIndex(c.length, slot.key, false)
    if (idx === undefined) throw new OpFailure(`error in ${what}: ${invalidIndex(slot.key).message}`, missingPathHint)
    return {value: c[idx], key: String(idx)}
  }
  // v4 reads a missing key as null rather than failing.
  return {value: Object.hasOwn(c, slot.key) ? c[slot.key] : null, key: slot.key}
}

function addAt(doc: JsonValue, slot: Slot, value: JsonValue, path: string): JsonValue {
  const c = slot.container
  if (Array.isArray(c)) {
    if (slot.key === '-') return run(doc, {op: 'add', path: `${slot.parent}/-`, value})
    if (atoi(slot.key) === undefined) throw new OpFailure(`error in add for path: '${path}': value was not a proper array index: '${slot.key}'`, missingPathHint)
    const idx = arrayIndex(c.length, slot.key, true)
    if (idx === undefined) throw new OpFailure(`error in add for path: '${path}': ${invalidIndex(slot.key).message}`, missingPathHint)
    return run(doc, {op: 'add', path: pointer(slot, String(idx)), value})
  }
  return run(doc, {op: 'add', path: pointer(slot, slot.key), value})
}

function removeAt(doc: JsonValue, slot: Slot, context: string): JsonValue {
  const c = slot.container
  if (Array.isArray(c)) {
    const idx = arrayIndex(c.length, slot.key, false)
    if (idx === undefined) throw new OpFailure(`${context}: ${invalidIndex(slot.key).message}`, missingPathHint)
    return run(doc, {op: 'remove', path: pointer(slot, String(idx))})
  }
  if (!Object.hasOwn(c, slot.key)) throw new OpFailure(`${context}: Unable to remove nonexistent key: ${slot.key}: missing value`, missingPathHint)
  return run(doc, {op: 'remove', path: pointer(slot, slot.key)})
}

function opValue(op: JsonObject): JsonValue {
  return Object.hasOwn(op, 'value') ? (op.value ?? null) : null
}

function applyOne(doc: JsonValue, op: JsonObject): JsonValue {
  const kind = typeof op.op === 'string' ? op.op : 'unknown'
  switch (kind) {
    case 'add': {
      const path = stringField(op, 'path', kind)
      const slot = resolve(doc, path)
      if (!slot) throw new OpFailure(`add operation does not apply: doc is missing path: "${path}": missing value`, missingPathHint)
      return addAt(doc, slot, cloneJson(opValue(op)), path)
    }
    case 'remove': {
      const path = stringField(op, 'path', kind)
      const slot = resolve(doc, path)
      if (!slot) throw new OpFailure(`remove operation does not apply: doc is missing path: "${path}": missing value`, missingPathHint)
      return removeAt(doc, slot, `error in remove for path: '${path}'`)
    }
    case 'replace': {
      const path = stringField(op, 'path', kind)
      const value = cloneJson(opValue(op))
      if (path === '') {
        if (value === null || typeof value !== 'object') throw new OpFailure('replace operation value must be object or array', hint6902)
        return value
      }
      const slot = resolve(doc, path)
      if (!slot) throw new OpFailure(`replace operation does not apply: doc is missing path: ${path}: missing value`, missingPathHint)
      if (Array.isArray(slot.container)) {
        const idx = arrayIndex(slot.container.length, slot.key, false)
        if (idx === undefined) throw new OpFailure(`replace operation does not apply: doc is missing key: ${path}: missing value`, missingPathHint)
        return run(doc, {op: 'replace', path: pointer(slot, String(idx)), value})
      }
      // A missing map key is set, not refused (v4).
      return run(doc, {op: 'replace', path: pointer(slot, slot.key), value})
    }
    case 'move': {
      const from = stringField(op, 'from', kind)
      const source = resolve(doc, from)
      if (!source) throw new OpFailure(`move operation does not apply: doc is missing from path: ${from}: missing value`, missingPathHint)
      const {value} = read(source, `move for path: '${source.key}'`)
      doc = removeAt(doc, source, `error in move for path: '${source.key}'`)
      const path = stringField(op, 'path', kind)
      const dest = resolve(doc, path)
      if (!dest) throw new OpFailure(`move operation does not apply: doc is missing destination path: ${path}: missing value`, missingPathHint)
      return addAt(doc, dest, value, path)
    }
    case 'copy': {
      const from = stringField(op, 'from', kind)
      const source = resolve(doc, from)
      if (!source) throw new OpFailure(`copy operation does not apply: doc is missing from path: ${from}: missing value`, missingPathHint)
      const {value} = read(source, `copy for from: '${from}'`)
      const path = stringField(op, 'path', kind)
      const dest = resolve(doc, path)
      if (!dest) throw new OpFailure(`copy operation does not apply: doc is missing destination path: ${path}: missing value`, missingPathHint)
      return addAt(doc, dest, cloneJson(value), path)
    }
    case 'test': {
      const path = stringField(op, 'path', kind)
      const want = opValue(op)
      const failed = new OpFailure(`testing value ${path} failed: test failed`, 'The resource does not have the value this `test` operation requires, so the patch stops here.')
      if (path === '') {
        if (!jsonEqual(doc, want)) throw failed
        return doc
      }
      const slot = resolve(doc, path)
      if (!slot) throw new OpFailure(`test operation does not apply: is missing path: ${path}: missing value`, missingPathHint)
      const {value} = read(slot, `test for path: '${path}'`)
      if (value === null || want === null) {
        if (value === null && want === null) return doc
        throw failed
      }
      if (!jsonEqual(value, want)) throw failed
      return doc
    }
    default:
      throw new OpFailure(`Unexpected kind: ${kind}`, hint6902)
  }
}

function jsonEqual(a: JsonValue, b: JsonValue): boolean {
  if (a === b) return true
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]))
  if (isObject(a)) {
    if (!isObject(b)) return false
    const ka = Object.keys(a)
    if (ka.length !== Object.keys(b).length) return false
    return ka.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]))
  }
  return false
}
