import {UserError} from '../../model/errors.js'
import {isObject, type JsonObject, type JsonValue} from '../../model/json.js'
import {formatResId, metadataOf, resIdKey, resIdOf, type Resource} from '../../model/resource.js'
import type {ResourceSet} from '../../model/resource-set.js'
import {originAnnotationKey} from '../build-metadata.js'
import {putKey} from './put-key.js'

/**
 * kustomize's appendReplaceOrMerge for one generated resource. Builds an index of the set
 * (O(n)), so with several generated resources call `mergeAllGenerated` once instead.
 */
export function mergeGenerated(set: ResourceSet, generated: Resource, file: string): void {
  mergeAllGenerated(set, [generated], file)
}

/**
 * kustomize's AbsorbAll of generator output (api/resmap/reswrangler.go appendReplaceOrMerge),
 * in order, so a later generator sees earlier ones. A generated object matches an existing
 * resource by its current id or any previous id (so an overlay's `cm` finds a base's `p-cm`,
 * and the base's hash suffix is not applied yet: hashing happens once at the top level).
 * Namespaces compare as kustomize's effective namespace ('' == 'default').
 *
 * - no match: `merge`/`replace` is an error; otherwise appended.
 * - one match: `create` (or no/unknown behavior) is an error. `replace` and `merge` keep the
 *   generated object but take the existing name, namespace and previous ids, with labels and
 *   annotations of both (generated wins on a shared key); `merge` also merges `data` and
 *   `binaryData` the same way. Everything else (type, immutable, other fields) is the generated
 *   object's. The hash suffix stays only if both wanted it. `merge` keeps the existing origin.
 *   The matched resource is updated in place, keeping its position in the set.
 */
export function mergeAllGenerated(set: ResourceSet, generated: Iterable<Resource>, file: string): void {
  const byId = new Map<string, Resource[]>()
  const index = (key: string, r: Resource) => {
    const list = byId.get(key)
    if (!list) byId.set(key, [r])
    else if (!list.includes(r)) list.push(r)
  }
  const indexAll = (r: Resource) => {
    for (const id of r.meta.previousIds) index(resIdKey(id), r)
    index(resIdKey(resIdOf(r.obj)), r)
  }
  for (const r of set) indexAll(r)

  let idsChanged = false
  for (const g of generated) {
    const id = resIdOf(g.obj)
    const matches = byId.get(resIdKey(id)) ?? []
    const where = {file, field: g.origin.generator}
    if (matches.length === 0) {
      if (g.meta.behavior === 'merge' || g.meta.behavior === 'replace') {
        throw new UserError(
          `${formatResId(id)} does not exist; cannot ${g.meta.behavior}`,
          where,
          `behavior: ${g.meta.behavior} needs an object of that name from the resources, bases or earlier generators; check the name and namespace, or use behavior: create.`,
        )
      }
      set.add(g)
      indexAll(g)
      continue
    }
    if (matches.length > 1) {
      throw new UserError(`several objects could accept the merge of ${formatResId(id)}: ${matches.map((m) => formatResId(resIdOf(m.obj))).join(', ')}`, where, 'Give the generated object a namespace that singles out one of them.')
    }
    const old = matches[0]
    if (g.meta.behavior !== 'merge' && g.meta.behavior !== 'replace') {
      throw new UserError(
        `${formatResId(id)} already exists (from ${old.origin.file}); behavior must be merge or replace`,
        where,
        'Set behavior: merge or behavior: replace to change the existing object, or give the generator another name.',
      )
    }
    const oldKey = resIdKey(resIdOf(old.obj))
    const obj = combine(old.obj, g.obj, g.meta.behavior === 'merge')
    old.obj = obj
    if (g.meta.behavior === 'replace') old.origin = g.origin
    old.meta = {...old.meta, needsHash: Boolean(old.meta.needsHash && g.meta.needsHash)}
    if (!old.meta.needsHash) delete old.meta.needsHash
    const newKey = resIdKey(resIdOf(obj))
    if (newKey !== oldKey) {
      index(newKey, old)
      idsChanged = true
    }
  }
  if (idsChanged) set.reindex()
}

// CopyMergeMetaDataFieldsFrom (+ MergeDataMapFrom / MergeBinaryDataMapFrom for merge).
function combine(old: JsonObject, generated: JsonObject, mergeData: boolean): JsonObject {
  const obj: JsonObject = {...generated}
  const md = {...metadataOf(generated)}
  obj.metadata = md
  const oldMd = isObject(old.metadata) ? old.metadata : {}
  setStringMap(md, 'labels', stringMap(oldMd.labels), stringMap(md.labels))
  setStringMap(md, 'annotations', stringMap(oldMd.annotations), stringMap(md.annotations))
  md.name = oldMd.name ?? ''
  if (typeof oldMd.namespace === 'string' && oldMd.namespace !== '') md.namespace = oldMd.namespace
  else delete md.namespace
  if (mergeData) {
    // merge keeps the existing object's origin annotation (buildMetadata originAnnotations), as kustomize does.
    const origin = stringMap(oldMd.annotations)[originAnnotationKey]
    if (origin !== undefined) (md.annotations as JsonObject)[originAnnotationKey] = origin
    setStringMap(obj, 'data', stringMap(old.data), stringMap(generated.data))
    setStringMap(obj, 'binaryData', stringMap(old.binaryData), stringMap(generated.binaryData))
  }
  return obj
}

// kyaml's Set*Map: clears the field and writes it back only when the merged map is non-empty.
function setStringMap(target: JsonObject, field: string, older: JsonObject, newer: JsonObject): void {
  const merged: JsonObject = {...older, ...newer}
  if (Object.keys(merged).length > 0) target[field] = merged
  else delete target[field]
}

// kyaml reads these maps as string -> scalar text; non-string scalars become their text.
function stringMap(v: JsonValue | undefined): JsonObject {
  if (!isObject(v)) return {}
  const out: JsonObject = {}
  for (const [k, x] of Object.entries(v)) putKey(out, k, x === null ? '' : typeof x === 'object' ? x : String(x))
  return out
}
