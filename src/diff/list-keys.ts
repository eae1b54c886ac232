// Which lists have identity by key. The server's associative lists (x-kubernetes-list-map-keys)
// are, for built-in kinds, the strategic-merge keys kustomize's schema table already holds, so
// diff reads the same table; lists of kinds it does not know compare by position.
import {builtinMergeSchema, type MergeSchemaNode} from '../render/patch/merge-schema.js'
import {isObject, type JsonObject, type JsonValue} from '../model/json.js'

export type SchemaNode = MergeSchemaNode | undefined

export function schemaOf(obj: JsonObject | undefined): SchemaNode {
  if (!obj) return undefined
  const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : ''
  const kind = typeof obj.kind === 'string' ? obj.kind : ''
  return builtinMergeSchema(apiVersion, kind)
}

/** How elements of the list at `node` are matched. */
export type ListIdentity = {by: 'key'; keys: readonly string[]} | {by: 'set'} | {by: 'position'}

export function listIdentity(node: SchemaNode, a: readonly JsonValue[], b: readonly JsonValue[]): ListIdentity {
  const list = node?.list
  if (list?.strategy !== 'merge') return {by: 'position'}
  if (list.mergeKeys.length === 0) {
    return a.every(isScalar) && b.every(isScalar) ? {by: 'set'} : {by: 'position'}
  }
  // A list whose elements lack an object shape cannot be keyed; fall back rather than guess.
  return a.every(isObject) && b.every(isObject) ? {by: 'key', keys: list.mergeKeys} : {by: 'position'}
}

function isScalar(v: JsonValue): boolean {
  return v === null || typeof v !== 'object'
}

/**
 * The key of a list element. A `protocol` key the element leaves out is `TCP`, the default the
 * server fills in before it matches (container and service ports).
 */
export function elementKey(el: JsonObject, keys: readonly string[]): JsonValue[] {
  return keys.map((k) => {
    const v = el[k]
    if (v === undefined && k === 'protocol') return 'TCP'
    return v === undefined ? null : v
  })
}

export function keyString(values: readonly JsonValue[]): string {
  return values.map((v) => (typeof v === 'bigint' ? v.toString() : JSON.stringify(v))).join('\u0000')
}
