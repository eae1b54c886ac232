// A YAML null comes in two spellings that JSON cannot tell apart: written (`key: null`, `~`,
// `Null`) and empty (`key:` with nothing after it, as helm charts often leave a value). kyaml's
// strategic merge keeps a destination null the patch does not touch only when it was written
// (merge2's "persistent null" needs a non-empty node value); an empty one is cleared. So resource
// documents remember which of their map keys hold an empty null, on a hidden property of the map
// that holds them: JSON output, key order and every transformer ignore it, and a copy that drops
// it (a JSON 6902 patch, which kustomize runs on a JSON round trip) turns the nulls into written
// ones, as kustomize's round trip does.

import {isObject, type JsonObject, type JsonValue} from '../../model/json.js'

const emptyNullKeys: unique symbol = Symbol('emptyNullKeys')

type Marked = JsonObject & {[emptyNullKeys]?: Set<string>}

/**
 * What the null type of the tracking schema constructs for a written null, replaced by a real
 * null before the document leaves the parser (settleNulls). js-yaml never calls a type's
 * constructor for an empty node, so the written ones are the only nulls it can label. As a
 * mapping key it still reads `null` (js-yaml turns keys into strings, after checking the class).
 */
class WrittenNull {
  get [Symbol.toStringTag](): string {
    return 'WrittenNull'
  }

  toString(): string {
    return 'null'
  }
}

export const writtenNull = new WrittenNull()

/**
 * Replaces the written-null placeholders of a freshly parsed document with null and marks the map
 * keys whose null was empty. Returns the settled value (a document may itself be a written null).
 */
export function settleNulls(doc: unknown, mayHaveAliases: boolean): JsonValue {
  if (doc === writtenNull) return null
  settle(doc, mayHaveAliases ? new Set() : undefined)
  return doc as JsonValue
}

function settle(v: unknown, seen: Set<object> | undefined): void {
  if (v === null || typeof v !== 'object') return
  // An alias makes a node reachable twice (or from inside itself); the first visit settles it.
  if (seen) {
    if (seen.has(v)) return
    seen.add(v)
  }
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      if (v[i] === writtenNull) v[i] = null
      else settle(v[i], seen)
    }
    return
  }
  const obj = v as Marked
  let empty: Set<string> | undefined
  for (const key of Object.keys(obj)) {
    const x = obj[key] as unknown
    if (x === writtenNull) obj[key] = null
    else if (x === null) (empty ??= new Set()).add(key)
    else settle(x, seen)
  }
  if (empty) Object.defineProperty(obj, emptyNullKeys, {value: empty, enumerable: false, writable: true})
}

/** Whether `obj[key]` is a null that was written as nothing in its YAML source. */
export function isEmptyNull(obj: JsonObject, key: string): boolean {
  return obj[key] === null && ((obj as Marked)[emptyNullKeys]?.has(key) ?? false)
}

/** A deep copy that keeps the empty-null marks (cloneJson drops them). */
export function cloneKeepingEmptyNulls<T extends JsonValue>(v: T): T {
  if (Array.isArray(v)) return v.map((x) => cloneKeepingEmptyNulls(x)) as T
  if (!isObject(v)) return v
  const out: Marked = {}
  for (const k of Object.keys(v)) out[k] = cloneKeepingEmptyNulls(v[k])
  const marks = (v as Marked)[emptyNullKeys]
  if (marks) Object.defineProperty(out, emptyNullKeys, {value: new Set(marks), enumerable: false, writable: true})
  return out as T
}
