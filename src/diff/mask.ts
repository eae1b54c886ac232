// Secret values never leave strata unless the user asks (--show-secrets). A Secret's `data` and
// `stringData` values are replaced by markers that still say what changed; anything that does
// not have the expected shape is hidden whole (fail closed).
import {isObject, type JsonObject} from '../model/json.js'

export const secretMask = {
  unchanged: '<unchanged>',
  before: '<changed (before)>',
  after: '<changed (after)>',
  added: '<added>',
  removed: '<removed>',
  /** For a `data` or `stringData` field that is not a map of strings. */
  hidden: '<hidden>',
} as const

const secretFields = ['data', 'stringData']

export function isSecret(obj: JsonObject | undefined): boolean {
  return obj !== undefined && obj.kind === 'Secret' && (obj.apiVersion === 'v1' || obj.apiVersion === undefined)
}

/**
 * Masked copies of the two sides of a Secret's diff (non-Secrets are returned as they are).
 * Only keys survive; each value becomes a marker comparing it with the other side.
 */
export function maskSecretPair(before: JsonObject | undefined, after: JsonObject | undefined): {before?: JsonObject; after?: JsonObject} {
  if (!isSecret(before) && !isSecret(after)) return {before, after}
  const b = before && stripSecretAnnotations(before)
  const a = after && stripSecretAnnotations(after)
  for (const f of secretFields) {
    const bv = b?.[f]
    const av = a?.[f]
    const bMap = stringMap(bv)
    const aMap = stringMap(av)
    if (b && bv !== undefined) b[f] = bMap ? maskSide(bMap, aMap, 'before') : secretMask.hidden
    if (a && av !== undefined) a[f] = aMap ? maskSide(aMap, bMap, 'after') : secretMask.hidden
  }
  return {before: b, after: a}
}

function maskSide(own: Record<string, string>, other: Record<string, string> | undefined, side: 'before' | 'after'): JsonObject {
  const out: JsonObject = {}
  for (const k of Object.keys(own)) {
    if (other && k in other) out[k] = other[k] === own[k] ? secretMask.unchanged : secretMask[side]
    else out[k] = side === 'after' ? secretMask.added : secretMask.removed
  }
  return out
}

function stringMap(v: unknown): Record<string, string> | undefined {
  if (!isObject(v)) return undefined
  for (const x of Object.values(v)) if (typeof x !== 'string') return undefined
  return v as Record<string, string>
}

// A shallow copy whose metadata drops annotations that can hold a copy of the data.
function stripSecretAnnotations(obj: JsonObject): JsonObject {
  const out = {...obj}
  if (isObject(out.metadata) && isObject(out.metadata.annotations) && 'kubectl.kubernetes.io/last-applied-configuration' in out.metadata.annotations) {
    const annotations = {...out.metadata.annotations}
    delete annotations['kubectl.kubernetes.io/last-applied-configuration']
    out.metadata = {...out.metadata, annotations}
  }
  return out
}

/**
 * Every Secret value of `objects` in the forms it can appear in a message (as sent, base64 of a
 * stringData value, decoded data value), for scrubbing text that came from elsewhere.
 */
export function secretValues(objects: Iterable<JsonObject | undefined>): Set<string> {
  const out = new Set<string>()
  const add = (s: string) => {
    // Very short values would garble messages when replaced and are no real secret.
    if (s.length >= 4) out.add(s)
  }
  for (const obj of objects) {
    if (!isSecret(obj)) continue
    for (const f of secretFields) {
      const m = obj![f]
      if (!isObject(m)) continue
      for (const v of Object.values(m)) {
        if (typeof v !== 'string') continue
        add(v)
        if (f === 'data') add(Buffer.from(v, 'base64').toString('utf8'))
        else add(Buffer.from(v, 'utf8').toString('base64'))
      }
    }
  }
  return out
}

/** `text` with every occurrence of a value in `values` replaced by `<hidden>`. */
export function scrub(text: string, values: ReadonlySet<string>): string {
  let out = text
  // Longest first, so a value containing another is replaced whole.
  for (const v of [...values].sort((x, y) => y.length - x.length)) if (out.includes(v)) out = out.split(v).join('<hidden>')
  return out
}
