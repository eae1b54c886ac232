// The rendered set's fingerprint, saved with a paused rollout so `resume` can tell whether it is
// continuing the same render. Canonical JSON (sorted keys) per object, then the sorted per-object
// hashes are hashed again: the digest ignores key order and object order but nothing else.
import {createHash} from 'node:crypto'
import type {JsonObject, JsonValue} from '../model/json.js'

export function renderDigest(objects: readonly JsonObject[]): string {
  const hashes = objects.map((o) => sha256(canonicalJson(o)))
  hashes.sort()
  return sha256(hashes.join('\n'))
}

/** JSON with object keys sorted at every level; bigints written as plain integers. */
export function canonicalJson(v: JsonValue): string {
  if (v === null) return 'null'
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v)
    case 'number':
    case 'boolean':
      return JSON.stringify(v)
    case 'bigint':
      return v.toString()
  }
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`
  const keys = Object.keys(v).sort()
  const parts: string[] = []
  for (const k of keys) {
    const child = (v as JsonObject)[k]
    if (child === undefined) continue
    parts.push(`${JSON.stringify(k)}:${canonicalJson(child)}`)
  }
  return `{${parts.join(',')}}`
}

function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex')
}
