import {isObject, type JsonObject, type JsonValue} from '../model/json.js'
import type {ResId} from '../model/resource.js'

/**
 * kustomize's FieldSpec: which kinds a transformer touches and where. `path` is slash-separated;
 * `[]` after a segment is allowed and sequences are traversed implicitly (every element), as in
 * kustomize. `\/` escapes a slash inside a key (e.g. `metadata/annotations/a\/b`).
 */
export interface FieldSpec {
  group?: string
  version?: string
  kind?: string
  path: string
  create?: boolean
}

export function fieldSpecMatches(spec: FieldSpec, id: Pick<ResId, 'group' | 'version' | 'kind'>): boolean {
  if (spec.kind && spec.kind !== id.kind) return false
  if (spec.group !== undefined && spec.group !== '' && spec.group !== id.group) return false
  if (spec.version !== undefined && spec.version !== '' && spec.version !== id.version) return false
  return true
}

const pathCache = new Map<string, string[]>()

/** Splits a field path into keys (cached: the same few specs are applied to every resource). */
export function splitFieldPath(path: string): string[] {
  let parts = pathCache.get(path)
  if (parts) return parts
  parts = []
  let cur = ''
  for (let i = 0; i < path.length; i++) {
    const c = path[i]
    if (c === '\\' && path[i + 1] === '/') {
      cur += '/'
      i++
    } else if (c === '/') {
      parts.push(cur)
      cur = ''
    } else cur += c
  }
  parts.push(cur)
  parts = parts.filter((p) => p !== '').map((p) => (p.endsWith('[]') ? p.slice(0, -2) : p))
  pathCache.set(path, parts)
  return parts
}

/**
 * Calls `visit(holder, key)` for every place the path reaches in `obj`: `holder[key]` is the
 * field (it may be absent when `create` is set and the holder exists). With `create`, missing
 * intermediate maps are created, as kustomize does for labels and namespaces.
 */
export function visitFieldPath(obj: JsonValue, path: string | string[], create: boolean, visit: (holder: JsonObject, key: string) => void): void {
  const parts = typeof path === 'string' ? splitFieldPath(path) : path
  walk(obj, parts, 0, create, visit)
}

function walk(node: JsonValue, parts: string[], i: number, create: boolean, visit: (holder: JsonObject, key: string) => void): void {
  if (Array.isArray(node)) {
    for (const el of node) walk(el, parts, i, create, visit)
    return
  }
  if (!isObject(node)) return
  const key = parts[i]
  if (i === parts.length - 1) {
    if (key in node || create) visit(node, key)
    return
  }
  let next = node[key]
  if (next === undefined || next === null) {
    if (!create) return
    next = {}
    node[key] = next
  }
  walk(next, parts, i + 1, create, visit)
}
