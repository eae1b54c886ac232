import {UserError} from '../../model/errors.js'
import {isObject, type JsonObject, type JsonValue} from '../../model/json.js'
import {sha256Hex} from '../../model/sha256.js'
import {metadataOf, resIdOf} from '../../model/resource.js'
import type {ResourceSet} from '../../model/resource-set.js'
import {goJsonMarshal} from './go-json.js'

/**
 * kustomize's name-suffix hash (api/hasher): sha256 over a Go-JSON encoding of the object's
 * content, first 10 hex digits, with 0 1 3 a e replaced by g h k m t (so the suffix never
 * looks like a number or contains a vowel).
 *
 * The encoding has `name: ""` whatever the object is called: kustomize looks the name up with
 * `yaml.Lookup("metadata/name")`, which treats the path as one field name and finds nothing. So
 * prefixes, suffixes, namespaces and labels never change the hash; only the content does.
 * Absent `data` encodes as "" (not {}); `binaryData` / `stringData` only when they are maps.
 */
export function contentHash(obj: JsonObject): string {
  const kind = obj.kind
  let encoded: JsonObject
  if (kind === 'ConfigMap') {
    encoded = {kind, name: '', data: fieldValue(obj, 'data')}
    if (isObject(obj.binaryData)) encoded.binaryData = obj.binaryData
  } else if (kind === 'Secret') {
    encoded = {kind, name: '', type: fieldValue(obj, 'type'), data: fieldValue(obj, 'data')}
    if (isObject(obj.stringData)) encoded.stringData = obj.stringData
  } else {
    // kustomize marshals the parsed YAML node (line, column and style included) for other
    // kinds, so the hash depends on source formatting that a JSON model does not keep.
    throw new UserError(
      `cannot compute kustomize's name hash for kind ${String(kind)}: kustomize hashes only ConfigMap and Secret content reproducibly`,
      {},
      'Remove the internal.config.kubernetes.io/needsHashSuffix annotation from this resource, or name it explicitly.',
    )
  }
  return encodeHash(sha256Hex(goJsonMarshal(encoded)))
}

// getNodeValues in the hasher: a missing field is "", a scalar its text, a map itself, and any
// other node (a list) fails to decode into a map and becomes null.
function fieldValue(obj: JsonObject, name: string): JsonValue {
  const v = obj[name]
  if (v === undefined) return ''
  if (v === null) return 'null'
  if (typeof v === 'string') return v
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  return isObject(v) ? v : null
}

const hashAlphabet: Record<string, string> = {'0': 'g', '1': 'h', '3': 'k', a: 'm', e: 't'}

function encodeHash(hex: string): string {
  return hex.slice(0, 10).replace(/[013ae]/g, (c) => hashAlphabet[c])
}

/**
 * kustomize's HashTransformer, run once on the top-level kustomization after all its
 * transformers and before name references are fixed: every resource marked `needsHash` gets
 * `-<hash>` appended to its name; its old id goes to `meta.previousIds` so references can
 * follow. `needsHash` stays set, as kustomize keeps its annotation until output. In place.
 */
export function addHashSuffixes(set: ResourceSet): void {
  let renamed = false
  for (const r of set) {
    if (!r.meta.needsHash) continue
    let hash: string
    try {
      hash = contentHash(r.obj)
    } catch (e) {
      if (e instanceof UserError) throw new UserError(e.message, {file: r.origin.file}, e.hint)
      throw e
    }
    r.meta.previousIds.push(resIdOf(r.obj))
    const md = metadataOf(r.obj)
    md.name = `${typeof md.name === 'string' ? md.name : ''}-${hash}`
    renamed = true
  }
  if (renamed) set.reindex()
}
