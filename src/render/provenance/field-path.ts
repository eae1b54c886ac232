// Field paths as people write them: `spec.template.spec.containers[name=web].image`,
// `metadata.labels["app.kubernetes.io/name"]`, `spec.ports[0]`. A list whose items all have a
// distinct `name` is addressed by name (it stays the same item when a patch inserts another
// before it); any other list by index.
import {isObject, type JsonValue} from '../../model/json.js'

export type PathSegment = {key: string} | {index: number} | {match: string; value: string}

const plainKey = /^[A-Za-z_$][A-Za-z0-9_$-]*$/

export function formatFieldPath(segs: readonly PathSegment[]): string {
  let out = ''
  for (const s of segs) {
    if ('key' in s) out += plainKey.test(s.key) ? (out ? `.${s.key}` : s.key) : `[${JSON.stringify(s.key)}]`
    else if ('index' in s) out += `[${s.index}]`
    else out += `[${s.match}=${/[\]"]/.test(s.value) ? JSON.stringify(s.value) : s.value}]`
  }
  return out
}

export class FieldPathError extends Error {}

/** Parses the written form; `a.b` parts are keys, `[N]` indexes, `[k=v]` matches, `["k"]` quoted keys. */
export function parseFieldPath(text: string): PathSegment[] {
  const segs: PathSegment[] = []
  let i = 0
  while (i < text.length) {
    const c = text[i]
    if (c === '.') {
      i++
      continue
    }
    if (c === '[') {
      const end = closingBracket(text, i)
      const inner = text.slice(i + 1, end).trim()
      i = end + 1
      if (/^\d+$/.test(inner)) segs.push({index: Number(inner)})
      else if (/^["']/.test(inner)) segs.push({key: unquote(inner, text)})
      else {
        const eq = inner.indexOf('=')
        if (eq <= 0) throw new FieldPathError(`'[${inner}]' in '${text}' is neither an index, a quoted key nor key=value`)
        const value = inner.slice(eq + 1).trim()
        segs.push({match: inner.slice(0, eq).trim(), value: /^["']/.test(value) ? unquote(value, text) : value})
      }
      continue
    }
    let j = i
    while (j < text.length && text[j] !== '.' && text[j] !== '[') j++
    segs.push({key: text.slice(i, j)})
    i = j
  }
  return segs
}

function closingBracket(text: string, open: number): number {
  let quote = ''
  for (let i = open + 1; i < text.length; i++) {
    const c = text[i]
    if (quote) {
      if (c === '\\') i++
      else if (c === quote) quote = ''
    } else if (c === '"' || c === "'") quote = c
    else if (c === ']') return i
  }
  throw new FieldPathError(`unclosed '[' in '${text}'`)
}

function unquote(s: string, text: string): string {
  if (s.startsWith("'")) {
    if (!s.endsWith("'") || s.length < 2) throw new FieldPathError(`unclosed quote in '${text}'`)
    return s.slice(1, -1)
  }
  try {
    return JSON.parse(s) as string
  } catch {
    throw new FieldPathError(`bad quoted key ${s} in '${text}'`)
  }
}

/** Whether a list's items are addressed by `name`: all maps with distinct scalar names. */
function namedItems(list: readonly JsonValue[]): boolean {
  if (list.length === 0) return false
  const seen = new Set<string>()
  for (const item of list) {
    if (!isObject(item)) return false
    const n = item.name
    if (typeof n !== 'string' && typeof n !== 'number') return false
    if (seen.has(String(n))) return false
    seen.add(String(n))
  }
  return true
}

function itemSegment(list: readonly JsonValue[], i: number, named: boolean): PathSegment {
  return named ? {match: 'name', value: String((list[i] as {name: string | number}).name)} : {index: i}
}

/** Every leaf (scalar, empty map, empty list) of `value` by its written path. */
export function flattenFields(value: JsonValue, into = new Map<string, JsonValue>(), prefix: PathSegment[] = []): Map<string, JsonValue> {
  if (Array.isArray(value)) {
    if (value.length === 0) into.set(formatFieldPath(prefix), value)
    const named = namedItems(value)
    value.forEach((item, i) => flattenFields(item, into, [...prefix, itemSegment(value, i, named)]))
    return into
  }
  if (isObject(value)) {
    const keys = Object.keys(value)
    if (keys.length === 0 && prefix.length) into.set(formatFieldPath(prefix), value)
    for (const k of keys) flattenFields(value[k], into, [...prefix, {key: k}])
    return into
  }
  into.set(formatFieldPath(prefix), value)
  return into
}

/**
 * The written path, in the form flattenFields uses, of the field `query` names in `obj` (an index
 * where the canonical form matches by name, or the other way round); undefined when absent.
 * A key that is not there may be a dotted key written without quotes (`labels.app.kubernetes.io/name`).
 */
export function resolveFieldPath(obj: JsonValue, query: readonly PathSegment[]): string | undefined {
  const out: PathSegment[] = []
  let node: JsonValue = obj
  for (let i = 0; i < query.length; i++) {
    const q = query[i]
    if (Array.isArray(node)) {
      const list: JsonValue[] = node
      let at = -1
      if ('index' in q) at = q.index < list.length ? q.index : -1
      else if ('match' in q) at = list.findIndex((item) => isObject(item) && item[q.match] !== undefined && String(item[q.match]) === q.value)
      if (at < 0) return undefined
      out.push(itemSegment(list, at, namedItems(list)))
      node = list[at]
      continue
    }
    if (!isObject(node) || !('key' in q)) return undefined
    let key = q.key
    let j = i
    // A dotted key written plainly: join the following plain parts until a key of the map matches.
    while (!(key in node)) {
      const next = query[j + 1]
      if (!next || !('key' in next)) return undefined
      key += `.${next.key}`
      j++
    }
    i = j
    out.push({key})
    node = node[key]
  }
  return formatFieldPath(out)
}

/** Whether `path` is `prefix` or a field below it. */
export function isUnderPath(path: string, prefix: string): boolean {
  return prefix === '' || path === prefix || (path.startsWith(prefix) && (path[prefix.length] === '.' || path[prefix.length] === '['))
}
