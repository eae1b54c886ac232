import {BoundedCache} from '../../model/bounded-cache.js'
import {isObject, type JsonObject, type JsonValue} from '../../model/json.js'
import {resolvePlainScalar} from '../yaml/go-yaml-schema.js'

// Field paths of replacements and vars (`spec.containers.[name=app].image`, `a.0.b`, `x.*.y`),
// walked over plain JSON the way kyaml walks YAML nodes: the source side is kyaml's PathGetter
// (exact `[k=v]` matches, `-` for the last element, no wildcard), the target side its PathMatcher
// (`[k=v]` is an unanchored Go regexp, `*` visits every element, and `create` builds what is
// missing). A walk that meets the wrong kind of node fails the way kyaml does.

/** A field path step that cannot be taken; callers add the file, object and path. */
export class ReplacementPathError extends Error {}

/**
 * kustomize's SmarterPathSplitter: splits on `.` (a `\.` stays inside a key), keeps a bracketed
 * `[k=v]` whole even when it contains dots, and unwraps other dotted brackets (`[a.b/c]` → `a.b/c`).
 */
export function splitReplacementPath(path: string): string[] {
  let parts = path.split('.')
  if (parts.length > 1 && parts[0] === '') parts = parts.slice(1)
  const unescaped: string[] = [parts[0]]
  for (let i = 1; i < parts.length; i++) {
    const last = unescaped.length - 1
    if (unescaped[last].endsWith('\\')) unescaped[last] = unescaped[last].slice(0, -1) + '.' + parts[i]
    else unescaped.push(parts[i])
  }
  const out: string[] = []
  for (let i = 0; i < unescaped.length; i++) {
    const elem = unescaped[i]
    if (!elem.startsWith('[') || elem.endsWith(']')) {
      out.push(elem)
      continue
    }
    const bracketed = [elem]
    while (i < unescaped.length - 1) {
      i++
      bracketed.push(unescaped[i])
      if (unescaped[i].endsWith(']')) break
    }
    const joined = bracketed.join('.')
    out.push(joined.includes('=') ? joined : joined.replace(/^\[+|\]+$/g, ''))
  }
  return out
}

const isListIndex = (p: string) => p.startsWith('[') && p.endsWith(']')
/** Go's strconv.Atoi succeeding with a value >= 0. */
const isIndexNumber = (p: string) => /^[+-]?[0-9]+$/.test(p) && Number(p) >= 0

function splitIndexNameValue(p: string): [field: string, value: string] {
  const inner = p.slice(1, -1)
  const eq = inner.indexOf('=')
  if (eq < 0) throw new ReplacementPathError('list path element must contain fieldName=fieldValue for element to match')
  return [inner.slice(0, eq), inner.slice(eq + 1)]
}

function nodeKind(v: JsonValue): string {
  if (Array.isArray(v)) return 'SequenceNode'
  return isObject(v) ? 'MappingNode' : 'ScalarNode'
}

function wrongKind(expected: 'MappingNode' | 'SequenceNode', v: JsonValue): ReplacementPathError {
  return new ReplacementPathError(`wrong node kind: expected ${expected} but got ${nodeKind(v)}`)
}

/** The text kyaml holds for a scalar (the source's own spelling is not kept here; numbers print as JS does). */
export function scalarText(v: JsonValue): string {
  if (v === null) return 'null'
  if (typeof v === 'string') return v
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v)
  return ''
}

/**
 * kustomize's `Lookup` (PathGetter without create): the value at `parts`, `undefined` when absent.
 * A null on the way ends the walk as "absent"; a null at the end is returned.
 */
export function lookupField(obj: JsonValue, parts: readonly string[]): JsonValue | undefined {
  let node: JsonValue = obj
  for (const raw of parts) {
    const part = raw.trim()
    if (part === '') continue
    if (/^[+-]?[0-9]+$/.test(part)) {
      const idx = Number(part)
      if (idx < 0) throw new ReplacementPathError(`array index ${idx} cannot be negative`)
      const elems = elementsOf(node)
      if (idx >= elems.length) return undefined
      node = elems[idx]
    } else if (part === '-') {
      const elems = elementsOf(node)
      if (elems.length === 0) return undefined
      node = elems[elems.length - 1]
    } else if (part === '*') {
      throw new ReplacementPathError('wildcard is not supported in PathGetter')
    } else if (isListIndex(part)) {
      const [field, value] = splitIndexNameValue(part)
      if (node !== null && !Array.isArray(node)) throw wrongKind('SequenceNode', node)
      const found = (node ?? []).find((el) =>
        field === '' ? !isObject(el) && !Array.isArray(el) && scalarText(el) === value : isObject(el) && el[field] !== undefined && scalarText(el[field]) === value,
      )
      if (found === undefined) return undefined
      node = found
    } else {
      if (node === null) return undefined
      if (!isObject(node)) throw wrongKind('MappingNode', node)
      const next: JsonValue | undefined = node[part]
      if (next === undefined) return undefined
      node = next
    }
  }
  return node
}

function elementsOf(node: JsonValue): JsonValue[] {
  if (node === null) return []
  if (!Array.isArray(node)) throw wrongKind('SequenceNode', node)
  return node
}

/** Where a matched target field lives: `holder[key]`. */
export interface FieldSlot {
  holder: JsonObject | JsonValue[]
  key: string | number
  /** The walk made this leaf (kyaml gives it no tag, so a scalar written there is resolved like plain YAML). */
  created: boolean
}

/** What `create` makes at the leaf: a node of the kind of the value about to be written. */
export type CreateKind = 'none' | 'scalar' | 'map' | 'seq'

const regexCache = new BoundedCache<string, RegExp>()

function goRegexp(pattern: string): RegExp {
  let re = regexCache.get(pattern)
  if (!re) {
    try {
      re = new RegExp(pattern)
    } catch (e) {
      throw new ReplacementPathError(`error parsing regexp ${JSON.stringify(pattern)}: ${(e as Error).message}`)
    }
    regexCache.set(pattern, re)
  }
  return re
}

/**
 * The text kyaml matches `[k=re]` against: the YAML form of the value. Strings that YAML would
 * read as another type are double-quoted there, as go-yaml prints them.
 */
function matchText(v: JsonValue): string {
  if (typeof v === 'string') return resolvePlainScalar(v) === undefined ? v.trim() : JSON.stringify(v)
  if (isObject(v) || Array.isArray(v)) return JSON.stringify(v)
  return scalarText(v)
}

/** A plain scalar kyaml created without a tag: it reads back as whatever YAML resolves it to. */
export function untaggedScalar(text: string): JsonValue {
  const r = resolvePlainScalar(text)
  return r === undefined ? text : r
}

/**
 * kustomize's PathMatcher: every field `parts` reaches in `obj`, creating missing steps when
 * `create` is not 'none' (maps, or lists before an index or `[k=v]` step, and a leaf of the
 * given kind). Throws ReplacementPathError where kyaml fails.
 */
export function matchFields(obj: JsonObject, parts: readonly string[], create: CreateKind): FieldSlot[] {
  const out: FieldSlot[] = []
  // The root is addressed through a one-slot holder so every step sees (holder, key).
  matchAt({root: obj}, 'root', false, parts, 0, create, out)
  return out
}

function createdNode(next: string | undefined, create: CreateKind): JsonValue {
  if (next !== undefined && (isListIndex(next) || isIndexNumber(next))) return []
  if (next === undefined) return create === 'seq' ? [] : create === 'map' ? {} : null
  return {}
}

type Holder = JsonObject | JsonValue[]

function get(holder: Holder, key: string | number): JsonValue {
  return (holder as Record<string | number, JsonValue>)[key]
}

function matchAt(holder: Holder, key: string | number, created: boolean, parts: readonly string[], i: number, create: CreateKind, out: FieldSlot[]): void {
  if (i === parts.length) {
    out.push({holder, key, created})
    return
  }
  const part = parts[i]
  const node = get(holder, key)
  if (isIndexNumber(part)) return matchIndex(node, Number(part), parts, i, create, out)
  if (isListIndex(part)) return matchList(node, part, parts, i, create, out)
  if (part === '*') {
    for (const [j] of elementsOf(node).entries()) matchAt(node as JsonValue[], j, false, parts, i + 1, create, out)
    return
  }
  matchField(node, part, parts, i, create, out)
}

function matchField(node: JsonValue, name: string, parts: readonly string[], i: number, create: CreateKind, out: FieldSlot[]): void {
  if (node === null) {
    // kyaml appends the new field to the null node itself, where it never reaches the output;
    // the walk goes on in that detached place, so the write is lost without an error.
    if (create !== 'none') matchDetached(parts, i, create, out)
    return
  }
  if (!isObject(node)) throw wrongKind('MappingNode', node)
  let created = false
  if (node[name] === undefined) {
    if (create === 'none') return
    node[name] = createdNode(parts[i + 1], create)
    created = i + 1 === parts.length
  }
  matchAt(node, name, created, parts, i + 1, create, out)
}

function matchDetached(parts: readonly string[], i: number, create: CreateKind, out: FieldSlot[]): void {
  const detached: JsonObject = {}
  matchField(detached, parts[i], parts, i, create, out)
}

function matchIndex(node: JsonValue, idx: number, parts: readonly string[], i: number, create: CreateKind, out: FieldSlot[]): void {
  const elems = node === null ? [] : elementsOf(node)
  let created = false
  if (elems.length === idx && create !== 'none') {
    elems.push(createdNode(parts[i + 1], create))
    created = i + 1 === parts.length
  }
  if (elems.length < idx + 1) throw new ReplacementPathError(`index ${idx} specified but only ${elems.length} elements found`)
  matchAt(elems, idx, created, parts, i + 1, create, out)
}

function matchList(node: JsonValue, part: string, parts: readonly string[], i: number, create: CreateKind, out: FieldSlot[], retried = false): void {
  const [field, pattern] = splitIndexNameValue(part)
  const re = goRegexp(pattern)
  const elems = node === null ? [] : elementsOf(node)
  const before = out.length
  for (const [j, el] of elems.entries()) {
    if (field === '') {
      // A primitive match selects the element itself; kyaml ignores the rest of the path here.
      if (re.test(matchText(el))) out.push({holder: elems, key: j, created: false})
      continue
    }
    if (!isObject(el) || el[field] === undefined) continue
    if (re.test(matchText(el[field]))) matchAt(elems, j, false, parts, i + 1, create, out)
  }
  if (out.length > before || create === 'none' || retried) return
  elems.push(field === '' ? untaggedScalar(pattern) : {[field]: untaggedScalar(pattern)})
  // Searched again, as kyaml does, so the new element is found through the same rules.
  matchList(elems, part, parts, i, create, out, true)
}
