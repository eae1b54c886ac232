// Strategic merge patch with the exact semantics of kustomize v5.5 (`patches:` with an SMP and
// `patchesStrategicMerge`): kyaml's merge2 walker, lists growing by prepending (patch elements
// first), no merge-key inference, and its quirks kept because users' output depends on them.
// Only `$patch: delete|replace|merge` are directives here; `$retainKeys`, `$setElementOrder/…` and
// `$deleteFromPrimitiveList/…` are ordinary fields to kustomize and pass through as such.
//
// The walk mirrors kyaml's node identity on private clones: a merged element is the target's
// own object updated in place, which decides what some of kyaml's list steps keep.

import {cloneJson, isObject, type JsonObject, type JsonValue} from '../../model/json.js'
import {UserError} from '../../model/errors.js'
import {cloneKeepingEmptyNulls, isEmptyNull} from '../yaml/empty-null.js'
import {builtinMergeSchema, type MergeSchemaLookup, type MergeSchemaNode} from './merge-schema.js'

type Node = JsonValue | undefined

/** kyaml's "persistent null": a null the target had and the patch did not touch stays in the output. */
const keptNull: unique symbol = Symbol('keptNull')
type WalkResult = Node | typeof keptNull

type Directive = 'merge' | 'replace' | 'delete'
const directiveKey = '$patch'

/**
 * Applies `patch` to `target` and returns the result; null when the patch deletes the object
 * (`$patch: delete` at the top) or leaves it empty — kustomize then drops the resource.
 * Neither input is modified. Identity fields (name, kind, namespace) are merged like any other;
 * restoring them, as kustomize does unless the patch allows a change, is the caller's job.
 */
export function strategicMerge(target: JsonObject, patch: JsonObject, schema: MergeSchemaLookup = builtinMergeSchema): JsonObject | null {
  const walker = new Walker(schema)
  const out = unwrap(walker.walk(cloneKeepingEmptyNulls(target), cloneJson(patch), undefined, undefined))
  if (!isObject(out) || Object.keys(out).length === 0) return null
  return out
}

function unwrap(v: WalkResult): Node {
  return v === keptNull ? null : v
}

function isMissingOrNull(v: Node): v is undefined | null {
  return v === undefined || v === null
}

function isEmptyMap(v: Node): boolean {
  return isObject(v) && Object.keys(v).length === 0
}

type NodeKind = 'map' | 'seq' | 'scalar'

function kindOf(v: JsonValue): NodeKind {
  return Array.isArray(v) ? 'seq' : isObject(v) ? 'map' : 'scalar'
}

/** A scalar's text as kyaml compares it; maps and lists have none. */
function text(v: JsonValue): string {
  if (v === null) return 'null'
  if (typeof v === 'object') return ''
  return String(v)
}

/** The value of `key` in an element as used for merge-key tuples: empty when absent, null or empty. */
function keyValue(elem: JsonValue, key: string): string {
  if (!isObject(elem) || !Object.hasOwn(elem, key)) return ''
  const v = elem[key]
  if (v === null || (typeof v === 'object' && (Array.isArray(v) ? v.length === 0 : Object.keys(v).length === 0))) return ''
  return text(v)
}

/** Field path for messages, built only when one is needed. */
type Path = {readonly parent: Path; readonly key: string} | undefined

function describePath(path: Path): string {
  const parts: string[] = []
  for (let p = path; p; p = p.parent) parts.push(p.key)
  return parts.length ? parts.reverse().join('.') : '(top level)'
}

class Walker {
  constructor(private readonly lookup: MergeSchemaLookup) {}

  walk(dest: Node, origin: Node, parentSchema: MergeSchemaNode | undefined, path: Path): WalkResult {
    const schema = parentSchema ?? this.schemaOf(dest) ?? this.schemaOf(origin)
    const first = !isMissingOrNull(dest) ? dest : !isMissingOrNull(origin) ? origin : undefined
    if (first === undefined) return this.walkMap(dest, origin, schema, path)
    const kind = kindOf(first)
    if (!isMissingOrNull(dest) && kindOf(dest) !== kind) throw shapeMismatch(path, kindOf(dest), kind)
    if (!isMissingOrNull(origin) && kindOf(origin) !== kind) throw shapeMismatch(path, kind, kindOf(origin))
    if (kind === 'map') return this.walkMap(dest, origin, schema, path)
    if (kind === 'seq') {
      if (schema?.list?.strategy === 'merge') return this.walkAssociativeList(dest, origin, schema, path)
      return origin !== undefined ? origin : dest
    }
    return origin !== undefined ? origin : dest
  }

  /** A map that names its own type (apiVersion and kind) brings its schema, e.g. a Pod inside a CRD. */
  private schemaOf(v: Node): MergeSchemaNode | undefined {
    if (!isObject(v)) return undefined
    const apiVersion = v.apiVersion
    const kind = v.kind
    if (isMissingOrNull(apiVersion) || isMissingOrNull(kind) || typeof apiVersion === 'object' || typeof kind === 'object') return undefined
    const av = String(apiVersion)
    const k = String(kind)
    return av && k ? this.lookup(av, k) : undefined
  }

  private visitMap(dest: Node, origin: Node, path: Path): WalkResult {
    if (isMissingOrNull(dest)) {
      // Adding: an unknown directive is left in place here and rejected on the next visit.
      const ps = isObject(origin) ? mapDirective(origin, path, false) : 'merge'
      if (ps === 'delete') return undefined
      if (origin === undefined && dest === null) return keptNull
      return origin
    }
    if (origin === null) return undefined
    const ps = isObject(origin) ? mapDirective(origin, path, true) : 'merge'
    if (ps === 'delete') return undefined
    if (ps === 'replace') return origin
    return dest
  }

  private walkMap(dest: Node, origin: Node, schema: MergeSchemaNode | undefined, path: Path): WalkResult {
    const merged = this.visitMap(dest, origin, path)
    if (merged === undefined || merged === keptNull || !isObject(merged)) return merged
    const from = isObject(origin) ? origin : undefined
    // The field set is fixed before any field changes: the destination's, then the patch's own.
    const keys = Object.keys(merged)
    if (from && from !== merged) for (const key of Object.keys(from)) if (!Object.hasOwn(merged, key)) keys.push(key)
    for (const key of keys) this.setField(merged, key, from, schema, path)
    return merged
  }

  private setField(into: JsonObject, key: string, from: JsonObject | undefined, schema: MergeSchemaNode | undefined, path: Path): void {
    const d = Object.hasOwn(into, key) ? into[key] : undefined
    const o = from && Object.hasOwn(from, key) ? from[key] : undefined
    // A null the patch does not mention persists only if it was written (merge2 keeps a null node
    // with a value: `null`, `~`); one written as nothing (`key:`) is cleared.
    if (d === null && o === undefined) {
      if (isEmptyNull(into, key)) delete into[key]
      return
    }
    const val = this.walk(d, o, schema?.field(key), {parent: path, key})
    if (val === keptNull) into[key] = null
    else if (val === undefined || val === null) delete into[key]
    else into[key] = val
  }

  private walkAssociativeList(dest: Node, origin: Node, schema: MergeSchemaNode, path: Path): WalkResult {
    let list: JsonValue[]
    if (isMissingOrNull(dest)) {
      if (!Array.isArray(origin)) return origin
      list = origin
    } else {
      if (origin === null) return undefined
      const ps = Array.isArray(origin) ? listDirective(origin, path) : {directive: 'merge' as const, list: origin}
      if (ps.directive === 'delete') return undefined
      if (ps.directive === 'replace') list = ps.list as JsonValue[]
      else list = dest as JsonValue[]
      if (Array.isArray(origin)) origin = ps.list
    }
    const patchList = Array.isArray(origin) ? origin : undefined
    const keys = schema.list?.strategy === 'merge' ? schema.list.mergeKeys : []
    const elemSchema = schema.elements
    if (keys.length > 0) {
      const fast = this.mergeIndexed(list, patchList, keys, elemSchema, path)
      if (fast) return fast
      const values = elementValues([patchList, list], keys)
      return this.setElements(values, keys, list, patchList, elemSchema, path)
    }
    const fast = mergeScalarsIndexed(list, patchList)
    if (fast) return fast
    const values: string[][] = []
    const seen = new Set<string>()
    for (const src of [patchList, list]) {
      if (!src) continue
      for (const item of src) {
        const t = primitiveText(item)
        if (seen.has(t)) continue
        seen.add(t)
        values.push([t])
      }
    }
    return this.setElements(values, [''], list, patchList, elemSchema, path)
  }

  /**
   * The common case in linear time: every element of both lists is a map with a non-empty value
   * for each merge key, and no key tuple repeats within a list. The result is then exactly what
   * the general path below computes: patch elements first, in patch order, then the target's
   * others; with several keys (ports) kyaml moves the target's elements after the patch-only ones.
   */
  private mergeIndexed(list: JsonValue[], patchList: JsonValue[] | undefined, keys: readonly string[], elemSchema: MergeSchemaNode | undefined, path: Path): JsonValue[] | undefined {
    const destIndex = indexByKeys(list, keys)
    if (!destIndex) return undefined
    const patchIndex = patchList === list ? destIndex : indexByKeys(patchList, keys)
    if (!patchIndex) return undefined
    const order = [...patchIndex.keys()]
    for (const id of destIndex.keys()) if (!patchIndex.has(id)) order.push(id)
    const merged = new Map<string, JsonValue>()
    for (const id of order) {
      const d = destIndex.get(id)
      const o = patchIndex.get(id)
      const val = unwrap(this.walk(d?.elem, o?.elem, elemSchema, path))
      if (isMissingOrNull(val) || isEmptyMap(val)) continue
      const values = (d ?? o)!.values
      if (isObject(val)) keys.forEach((k, i) => Object.hasOwn(val, k) || (val[k] = plainScalar(values[i])))
      // A surviving target element is what kyaml keeps, even when the walk returned the patch's (replace).
      merged.set(id, d ? d.elem : val)
    }
    const out: JsonValue[] = []
    if (keys.length === 1) {
      for (const id of order) if (merged.has(id)) out.push(merged.get(id)!)
      return out
    }
    for (const id of order) if (merged.has(id) && !destIndex.has(id)) out.push(merged.get(id)!)
    for (const [id, d] of destIndex) if (merged.has(id)) out.push(d.elem)
    return out
  }

  // kyaml's setAssociativeSequenceElements followed by its prepend-mode appendListNode.
  private setElements(
    valuesList: string[][],
    keys: readonly string[],
    initialDest: JsonValue[],
    patchList: JsonValue[] | undefined,
    elemSchema: MergeSchemaNode | undefined,
    path: Path,
  ): WalkResult {
    let dest = initialDest
    let items: JsonValue[] = []
    if (keys.length > 1) mergeValues(valuesList)
    const withValue = keysWithAnyValue(valuesList, keys)
    let validKeys: readonly string[] = keys
    let validValues: string[] = []
    for (const values of valuesList) {
      if (values.length === 0) continue
      ;[validKeys, validValues] = validateKeys(withValue, values, keys)
      const [lookKeys, lookValues] = validateKeys(keysWithAnyValue([validValues], validKeys), validValues, validKeys)
      // Two sources, as kyaml walks them: the target's current list (which shrinks as elements are
      // deleted) and the patch's list.
      const destElem = findElement(dest, lookKeys, lookValues)
      const originElem = patchList ? findElement(patchList, lookKeys, lookValues) : undefined
      let val = unwrap(this.walk(destElem, originElem, elemSchema, path))
      let removed = false
      for (let i = 0; i < validKeys.length; i++) {
        if (isMissingOrNull(val) || isEmptyMap(val)) {
          dest = elementSetter(dest, undefined, validKeys, validValues, path)
          removed = true
        } else if (validKeys[i] !== '' && isObject(val) && !Object.hasOwn(val, validKeys[i]) && validValues[i] !== '') {
          val[validKeys[i]] = plainScalar(validValues[i])
        }
      }
      if (removed) continue
      items = elementSetter(items, val, validKeys, validValues, path)
    }
    if (valuesList.length > 0) items = appendList(items, dest, validKeys, path)
    else items = dest
    return items
  }
}

function kindName(k: NodeKind): string {
  return k === 'seq' ? 'list' : k === 'map' ? 'map' : 'single value'
}

function shapeMismatch(path: Path, inTarget: NodeKind, inPatch: NodeKind): UserError {
  return new UserError(
    `strategic merge patch: ${describePath(path)} is a ${kindName(inTarget)} in the target but a ${kindName(inPatch)} in the patch`,
    {field: describePath(path)},
    'Make the patch give this field the same shape (map, list or single value) as the resource it patches.',
  )
}

function unknownDirective(value: string, path: Path): UserError {
  return new UserError(
    `strategic merge patch: unknown patch strategy '${value}' at ${describePath(path)}`,
    {field: describePath(path)},
    "kustomize accepts `$patch: merge`, `$patch: replace` or `$patch: delete`.",
  )
}

/** Reads and removes a map's `$patch`; an unknown value is an error only when `strict`. */
function mapDirective(patch: JsonObject, path: Path, strict: boolean): Directive | 'unknown' {
  if (!Object.hasOwn(patch, directiveKey)) return 'merge'
  const v = text(patch[directiveKey])
  if (v === 'delete' || v === 'replace' || v === 'merge') {
    delete patch[directiveKey]
    return v
  }
  if (strict) throw unknownDirective(v, path)
  return 'unknown'
}

/** A list directive is an element whose only field is `$patch`; recognized ones are removed from the list. */
function listDirective(patch: JsonValue[], path: Path): {directive: Directive; list: JsonValue[]} {
  const el = patch.find((e) => isObject(e) && Object.hasOwn(e, directiveKey)) as JsonObject | undefined
  if (!el || Object.keys(el).length > 1) return {directive: 'merge', list: patch}
  const v = text(el[directiveKey])
  if (v === 'delete' || v === 'replace' || v === 'merge') return {directive: v, list: elementSetter(patch, undefined, [directiveKey], [v], path)}
  throw unknownDirective(v, path)
}

function primitiveText(item: JsonValue): string {
  return item === null ? 'null' : text(item)
}

/** Unique key tuples, patch elements first then target-only ones (kyaml's prepend order). */
function elementValues(sources: readonly (JsonValue[] | undefined)[], keys: readonly string[]): string[][] {
  const out: string[][] = []
  const seen = new Set<string>()
  for (const src of sources) {
    if (!src) continue
    for (const elem of src) {
      const values = keys.map((k) => keyValue(elem, k))
      const id = values.join('\u0000')
      if (seen.has(id)) continue
      seen.add(id)
      out.push(values)
    }
  }
  return out
}

interface Keyed {
  elem: JsonObject
  values: string[]
}

/** Elements by key tuple; undefined when some element is not a map, lacks a key value, or repeats a tuple. */
function indexByKeys(list: JsonValue[] | undefined, keys: readonly string[]): Map<string, Keyed> | undefined {
  const index = new Map<string, Keyed>()
  if (!list) return index
  for (const elem of list) {
    if (!isObject(elem)) return undefined
    const values: string[] = []
    for (const k of keys) {
      const v = keyValue(elem, k)
      if (v === '') return undefined
      values.push(v)
    }
    const id = values.join('\u0000')
    if (index.has(id)) return undefined
    index.set(id, {elem, values})
  }
  return index
}

/** Linear merge of scalar lists (finalizers) when both hold distinct, non-empty scalars: patch values first, then the target's others. */
function mergeScalarsIndexed(list: JsonValue[], patchList: JsonValue[] | undefined): JsonValue[] | undefined {
  const dest = indexScalars(list)
  const patch = patchList === undefined ? new Map<string, JsonValue>() : indexScalars(patchList)
  if (!dest || !patch) return undefined
  const out: JsonValue[] = []
  for (const [t, v] of patch) out.push(dest.has(t) ? dest.get(t)! : v)
  for (const [t, v] of dest) if (!patch.has(t)) out.push(v)
  return out
}

function indexScalars(list: JsonValue[]): Map<string, JsonValue> | undefined {
  const index = new Map<string, JsonValue>()
  for (const item of list) {
    if (item === null || typeof item === 'object' || item === '') return undefined
    const t = text(item)
    if (index.has(t)) return undefined
    index.set(t, item)
  }
  return index
}

// Multi-key lists (ports): tuples that share a value and differ only where one side is empty are
// the same element, e.g. {containerPort: 80} and {containerPort: 80, protocol: TCP}.
function mergeValues(valuesList: string[][]): void {
  for (let i = 0; i < valuesList.length; i++) {
    for (let j = 0; j < valuesList.length; j++) {
      const m = matchValues(valuesList[i], valuesList[j])
      if (m) {
        valuesList[i] = m
        valuesList[j] = m
      }
    }
  }
}

function matchValues(a: string[], b: string[]): string[] | undefined {
  if (a.length !== b.length) return undefined
  let common = false
  const res: string[] = []
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) {
      common = true
      res.push(a[i])
    } else if (a[i] !== '' && b[i] !== '') return undefined
    else res.push(a[i] !== '' ? a[i] : b[i])
  }
  return common ? res : undefined
}

function keysWithAnyValue(valuesList: readonly string[][], keys: readonly string[]): Set<string> {
  const set = new Set<string>()
  for (const values of valuesList) values.forEach((v, i) => v !== '' && set.add(keys[i]))
  return set
}

/** Drops the keys no element has a value for (e.g. protocol when no port names one). */
function validateKeys(withValue: Set<string>, values: string[], keys: readonly string[]): [readonly string[], string[]] {
  if (withValue.size === 0) return [keys, values]
  const vk: string[] = []
  const vv: string[] = []
  keys.forEach((k, i) => {
    if (withValue.has(k)) {
      vk.push(k)
      vv.push(values[i])
    }
  })
  return [vk, vv]
}

/** First element whose fields all equal the values exactly (kyaml's ElementMatcher). */
function findElement(list: JsonValue[], keys: readonly string[], values: readonly string[]): JsonValue | undefined {
  if (keys.length === 0 || keys[0] === '') {
    const want = values[0] ?? ''
    return list.find((e) => primitiveText(e) === want)
  }
  return list.find((e) => isObject(e) && keys.every((k, i) => Object.hasOwn(e, k) && text(e[k]) === values[i]))
}

/**
 * kyaml's ElementSetter: removes (element undefined) or replaces every element matching the
 * key/value pairs, appends when none matched. An empty value matches any element that has the
 * key; null and empty-map elements are dropped on the way.
 */
function elementSetter(list: JsonValue[], element: JsonValue | undefined, keysIn: readonly string[], values: readonly string[], path: Path): JsonValue[] {
  const keys = keysIn.length === 0 ? [''] : keysIn
  const mappingSetter = keys[0] !== '' && values.length > 0 && values[0] !== ''
  const out: JsonValue[] = []
  let matched = false
  for (const elem of list) {
    if (elem === null || isEmptyMap(elem)) continue
    if (!isObject(elem) && mappingSetter) {
      out.push(elem)
      continue
    }
    let val: boolean | undefined
    let found = true
    for (let j = 0; j < keys.length; j++) {
      if (j < values.length) val = fieldMatches(elem, keys[j], values[j], path)
      if (!val) {
        found = false
        break
      }
    }
    if (!found) {
      if (values.length > 0) out.push(elem)
      continue
    }
    matched = true
    if (element === undefined) continue
    out.push(element)
  }
  if (isMissingOrNull(element)) return out
  if (!matched) out.push(element)
  return out
}

function fieldMatches(elem: JsonValue, key: string, value: string, path: Path): boolean {
  if (key === '') {
    if (typeof elem === 'object' && elem !== null) throw listShapeError(path)
    return text(elem) === value
  }
  if (!isObject(elem)) throw listShapeError(path)
  if (!Object.hasOwn(elem, key)) return false
  return value === '' || text(elem[key]) === value
}

function listShapeError(path: Path): UserError {
  return new UserError(
    `strategic merge patch: the list at ${describePath(path)} mixes maps and single values`,
    {field: describePath(path)},
    'Every element of a list merged by key must be a map (or, for lists like finalizers, a single value).',
  )
}

// kyaml's appendListNode: the target's surviving elements go into the merged list — replacing the
// element with the same key values where there is one, at its position — or at the end.
function appendList(items: JsonValue[], dest: JsonValue[], keys: readonly string[], path: Path): JsonValue[] {
  let out = items
  for (const elem of dest) {
    if (keys[0] === '') {
      out = elementSetter(out, elem, [''], [primitiveText(elem)], path)
      continue
    }
    const v: string[] = []
    for (const key of keys) {
      if (elem === null) {
        out = [...out, elem]
        continue
      }
      if (!isObject(elem)) throw listShapeError(path)
      if (!Object.hasOwn(elem, key)) {
        out = [...out, elem]
        continue
      }
      v.push(text(elem[key]))
    }
    if (keys.length > 1) out = elementSetter(out, undefined, keys, v, path)
    out = elementSetter(out, elem, keys, v, path)
  }
  return out
}

/** A value kyaml writes back as an untagged scalar: it reads back as a number or boolean when it looks like one. */
function plainScalar(s: string): JsonValue {
  if (/^-?(0|[1-9][0-9]*)$/.test(s)) return Number(s)
  if (s === 'true' || s === 'false') return s === 'true'
  return s
}
