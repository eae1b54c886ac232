// The data model every render stage works on: plain JSON-like values, exactly what kustomize's
// JSON round trip keeps (comments and scalar styles are not preserved by `kustomize build`).
// Integers beyond 2^53 stay exact as bigint, as Go keeps them as int64/uint64.
export type JsonPrimitive = null | boolean | number | bigint | string
export type JsonValue = JsonPrimitive | JsonValue[] | JsonObject
export interface JsonObject {
  [key: string]: JsonValue
}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** Deep copy of JSON data; faster than structuredClone for plain trees. */
export function cloneJson<T extends JsonValue>(v: T): T {
  if (Array.isArray(v)) return v.map((x) => cloneJson(x)) as T
  if (isObject(v)) {
    const out: JsonObject = {}
    for (const k of Object.keys(v)) out[k] = cloneJson(v[k])
    return out as T
  }
  return v
}
