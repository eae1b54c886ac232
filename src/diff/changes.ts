// Semantic comparison of two normalized objects: maps unordered, keyed lists matched by their
// merge keys (reordering is not a change), everything else by value. Returns the changed paths;
// one walk over both trees, with a Map per keyed list, so cost is linear in the object size.
import {isObject, type JsonObject, type JsonValue} from '../model/json.js'
import {elementKey, keyString, listIdentity, type SchemaNode} from './list-keys.js'
import {fieldSegment, finishPath, indexSegment, keySegment, setSegment} from './paths.js'

export interface CompareOptions {
  /** A second chance for scalars that differ as written (quantities in read-only mode). */
  sameScalar?: (a: JsonValue, b: JsonValue, path: string) => boolean
}

/** Paths (see paths.ts) where `before` and `after` differ; empty when they are the same. */
export function changedPaths(before: JsonValue | undefined, after: JsonValue | undefined, schema: SchemaNode, options: CompareOptions = {}): string[] {
  const out: string[] = []
  walk(before, after, schema, '', options, out)
  return out.map(finishPath)
}

function walk(a: JsonValue | undefined, b: JsonValue | undefined, node: SchemaNode, path: string, options: CompareOptions, out: string[]): void {
  if (a === undefined || b === undefined) {
    if (a !== b) out.push(path)
    return
  }
  if (isObject(a) && isObject(b)) {
    for (const k of Object.keys(a)) walk(a[k], b[k], node?.field(k), path + fieldSegment(k), options, out)
    for (const k of Object.keys(b)) if (!(k in a)) out.push(path + fieldSegment(k))
    return
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    walkList(a, b, node, path, options, out)
    return
  }
  if (isObject(a) || isObject(b) || Array.isArray(a) || Array.isArray(b)) {
    out.push(path)
    return
  }
  if (sameScalar(a, b)) return
  if (options.sameScalar?.(a, b, finishPath(path))) return
  out.push(path)
}

function sameScalar(a: JsonValue, b: JsonValue): boolean {
  if (a === b) return true
  // Exact integers may come back as bigint on one side and number on the other.
  return (typeof a === 'bigint' || typeof b === 'bigint') && (typeof a === 'number' || typeof b === 'number') && String(a) === String(b)
}

function walkList(a: JsonValue[], b: JsonValue[], node: SchemaNode, path: string, options: CompareOptions, out: string[]): void {
  const id = listIdentity(node, a, b)
  if (id.by === 'key') {
    const byKey = new Map<string, JsonObject>()
    for (const el of b as JsonObject[]) byKey.set(keyString(elementKey(el, id.keys)), el)
    const seen = new Set<string>()
    for (const el of a as JsonObject[]) {
      const values = elementKey(el, id.keys)
      const k = keyString(values)
      seen.add(k)
      walk(el, byKey.get(k), node?.elements, path + keySegment(id.keys, values), options, out)
    }
    for (const el of b as JsonObject[]) {
      const values = elementKey(el, id.keys)
      if (!seen.has(keyString(values))) out.push(path + keySegment(id.keys, values))
    }
    return
  }
  if (id.by === 'set') {
    const inA = new Set(a.map((v) => keyString([v])))
    const inB = new Set(b.map((v) => keyString([v])))
    for (const v of a) if (!inB.has(keyString([v]))) out.push(path + setSegment(v))
    for (const v of b) if (!inA.has(keyString([v]))) out.push(path + setSegment(v))
    return
  }
  const n = Math.max(a.length, b.length)
  for (let i = 0; i < n; i++) walk(a[i], b[i], node?.elements, path + indexSegment(i), options, out)
}

/**
 * `before` with its keyed lists in `after`'s order (elements only `before` has keep their place
 * at the end), so a printed diff shows changes rather than moves. Returns a new tree where it
 * reorders; unchanged subtrees are shared.
 */
export function alignOrder(before: JsonValue, after: JsonValue | undefined, node: SchemaNode): JsonValue {
  if (after === undefined) return before
  if (isObject(before) && isObject(after)) {
    let out: JsonObject | undefined
    for (const k of Object.keys(before)) {
      const v = alignOrder(before[k], after[k], node?.field(k))
      if (v !== before[k]) (out ??= {...before})[k] = v
    }
    return out ?? before
  }
  if (!Array.isArray(before) || !Array.isArray(after)) return before
  const id = listIdentity(node, before, after)
  if (id.by !== 'key') {
    if (id.by === 'set') return before
    let changed = false
    const out = before.map((el, i) => {
      const v = alignOrder(el, after[i], node?.elements)
      if (v !== el) changed = true
      return v
    })
    return changed ? out : before
  }
  const byKey = new Map<string, JsonObject>()
  for (const el of before as JsonObject[]) byKey.set(keyString(elementKey(el, id.keys)), el)
  const out: JsonValue[] = []
  const placed = new Set<JsonObject>()
  for (const el of after as JsonObject[]) {
    const match = byKey.get(keyString(elementKey(el, id.keys)))
    if (match === undefined || placed.has(match)) continue
    placed.add(match)
    out.push(alignOrder(match, el, node?.elements))
  }
  for (const el of before as JsonObject[]) if (!placed.has(el)) out.push(el)
  return out
}
