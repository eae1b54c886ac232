import {BoundedCache} from '../model/bounded-cache.js'
import {UserError} from '../model/errors.js'
import {isObject, type JsonObject, type JsonValue} from '../model/json.js'
import {formatResId, resIdOf, type ResId, type Resource} from '../model/resource.js'

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

interface PathSegment {
  key: string
  /** Marked `[]` in the spec: kustomize never creates it, and turns an explicit null into `[]`. */
  seq: boolean
}

const pathCache = new BoundedCache<string, PathSegment[]>()

function parseFieldPath(path: string): PathSegment[] {
  let segs = pathCache.get(path)
  if (segs) return segs
  const parts: string[] = []
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
  segs = parts.filter((p) => p !== '').map(toSegment)
  pathCache.set(path, segs)
  return segs
}

function toSegment(p: string): PathSegment {
  return p.endsWith('[]') ? {key: p.slice(0, -2), seq: true} : {key: p, seq: false}
}

/** Splits a field path into keys (cached: the same few specs are applied to every resource). */
export function splitFieldPath(path: string): string[] {
  return parseFieldPath(path).map((s) => s.key)
}

/**
 * A field path ran into something it cannot walk (a scalar where a map or list should be), or a
 * visitor found the field with the wrong type. Callers add the file and object; kustomize fails
 * the build in the same places.
 */
export class FieldPathError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'FieldPathError'
  }
}

/**
 * Calls `visit(holder, key)` for every place the path reaches in `obj`: `holder[key]` is the
 * field (it may be absent or null when `create` is set; the visitor decides what to create there).
 * Follows kustomize's fieldspec filter: with `create`, missing or null intermediate maps are
 * created, but never a segment marked `[]`; a null `[]` segment becomes `[]` even without `create`
 * (kustomize does that too, and it shows in the output); sequences are walked element by element;
 * a scalar in the middle of the path throws FieldPathError.
 */
export function visitFieldPath(obj: JsonValue, path: string | string[], create: boolean, visit: (holder: JsonObject, key: string) => void): void {
  const segs = typeof path === 'string' ? parseFieldPath(path) : path.map(toSegment)
  if (segs.length === 0) return
  walk(obj, segs, 0, create, visit)
}

function walk(node: JsonValue, segs: PathSegment[], i: number, create: boolean, visit: (holder: JsonObject, key: string) => void): void {
  if (node === null) return
  if (Array.isArray(node)) {
    for (const el of node) walk(el, segs, i, create, visit)
    return
  }
  if (!isObject(node)) throw new FieldPathError('expected sequence or mapping node')
  const {key, seq} = segs[i]
  const last = i === segs.length - 1
  let next = node[key]
  if (next === undefined) {
    if (!create || seq) return
    if (last) return visit(node, key)
    next = node[key] = {}
  } else if (next === null) {
    if (seq) next = node[key] = []
    else if (create && !last) next = node[key] = {}
  }
  if (last) return visit(node, key)
  walk(next, segs, i + 1, create, visit)
}

/**
 * kustomize's FsSlice.MergeAll: appends the incoming specs that are not already present. A spec is
 * "present" when one with the same path exists whose group/version/kind agree with every field the
 * incoming spec sets; if that one differs in `create`, the merge fails (kustomize's "conflicting
 * fieldspecs"), reported by returning the offending spec.
 */
export function mergeFieldSpecs(base: readonly FieldSpec[], incoming: readonly FieldSpec[]): {merged: FieldSpec[]; conflict?: FieldSpec} {
  const merged = [...base]
  const byPath = new Map<string, FieldSpec[]>()
  for (const fs of merged) byPath.set(fs.path, [...(byPath.get(fs.path) ?? []), fs])
  for (const fs of incoming) {
    const same = byPath.get(fs.path)?.find((x) => gvkSelectedBy(x, fs))
    if (same) {
      if (Boolean(same.create) !== Boolean(fs.create)) return {merged, conflict: fs}
      continue
    }
    merged.push(fs)
    byPath.set(fs.path, [...(byPath.get(fs.path) ?? []), fs])
  }
  return {merged}
}

/** kustomize's Gvk.IsSelected: every non-empty field of `selector` equals the one in `x`. */
export function gvkSelectedBy(x: Pick<FieldSpec, 'group' | 'version' | 'kind'>, selector: Pick<FieldSpec, 'group' | 'version' | 'kind'>): boolean {
  if (selector.group && selector.group !== (x.group ?? '')) return false
  if (selector.version && selector.version !== (x.version ?? '')) return false
  if (selector.kind && selector.kind !== (x.kind ?? '')) return false
  return true
}

/** kyaml's field-spec filter refuses to reach a field with no name: a matching spec written without a path. */
export function emptyFieldNameError(r: Resource): UserError {
  return new UserError(`considering field '' of object ${formatResId(resIdOf(r.obj))}: cannot set or create an empty field name`, {file: r.origin.file}, 'Give the field spec a path (e.g. metadata/labels), or drop it.')
}

/**
 * Walks every spec that matches the resource's group/version/kind (kustomize's fieldspec filter
 * per FsSlice entry, in order). `create` defaults to each spec's own flag; pass `false` for
 * transformers that never create (images). A FieldPathError from the walk or from `visit`
 * becomes a UserError naming the field, the object and its file, as kustomize words it.
 */
export function applyFieldSpecs(
  r: Resource,
  specs: readonly FieldSpec[],
  visit: (holder: JsonObject, key: string, spec: FieldSpec) => void,
  options: {create?: boolean} = {},
): void {
  const id = resIdOf(r.obj)
  for (const spec of specs) {
    if (!fieldSpecMatches(spec, id)) continue
    if (spec.path === '') throw emptyFieldNameError(r)
    try {
      visitFieldPath(r.obj, spec.path, options.create ?? Boolean(spec.create), (holder, key) => visit(holder, key, spec))
    } catch (e) {
      if (!(e instanceof FieldPathError)) throw e
      throw new UserError(
        `considering field '${spec.path}' of object ${formatResId(id)}: ${e.message}`,
        {file: r.origin.file, field: spec.path.replaceAll('/', '.')},
        'Fix the type of that field in the resource (a map or list is expected along the path).',
      )
    }
  }
}
