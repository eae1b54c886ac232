// kustomize reads its own configuration (the kustomization file, `configurations:` files,
// replacement files, most builtin plugin configs) with sigs.k8s.io/yaml: YAML becomes JSON, which
// Go's encoding/json decodes into structs. That decoder's rules, reproduced here over a type
// schema, give the value back with each key spelled as its field:
//   - a key matches its field exactly or, failing that, case-insensitively (`nameprefix:`);
//   - keys that reach one field are decoded one after the other in byte order (the order
//     json.Marshal wrote the converted map in), so the last one wins for strings, numbers and
//     lists, maps gain entries, and structs (also list elements at the same index) are decoded into
//     field by field;
//   - an unknown key is an error with DisallowUnknownFields (`strict`), otherwise ignored;
//   - null leaves a scalar as it was and empties a map, list or struct.
// Repeated keys in one YAML mapping are resolved earlier, by the parser (the last one wins; see
// parse.ts), because go-yaml v2 builds the map before any of this happens.
// Resource documents are never decoded this way: their keys stay case-sensitive.
import {UserError} from '../model/errors.js'
import {isObject, type JsonObject, type JsonValue} from '../model/json.js'

export type FieldType =
  | 'string'
  | 'bool'
  | 'int'
  | 'stringList'
  | 'stringMap'
  | 'boolMap'
  | 'any'
  | {object: Record<string, FieldType>; open?: boolean}
  | {list: FieldType}

export interface GoDecodeOptions {
  file: string
  /** How messages name the document, e.g. `invalid Kustomization`. */
  what: string
  /** json.Decoder.DisallowUnknownFields: an unknown key is an error (otherwise it is dropped). */
  strict: boolean
  /**
   * sigs.k8s.io/yaml's Unmarshal (builtin plugin configs) turns a number or boolean into its text
   * where the target field is a string (its YAML-to-JSON step looks at the Go type); a kustomization
   * is converted without that hint, so there a number in a string field is an error.
   */
  scalarsToStrings?: boolean
}

/** strconv.FormatFloat(f, 'g', -1, 32): the shortest digits that read back as the same float32. */
function goFloat32String(x: number): string {
  const f = Math.fround(x)
  let digits = ''
  for (let p = 1; p <= 9; p++) {
    digits = f.toExponential(p - 1)
    if (Math.fround(Number(digits)) === f) break
  }
  const [mantissa, expText] = digits.split('e')
  const exp = Number(expText)
  if (exp < -4 || exp >= 6) {
    const e = Math.abs(exp)
    return `${mantissa}e${exp < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`
  }
  return String(Number(digits))
}

/** A YAML number or boolean as sigs.k8s.io/yaml writes it into a string field; undefined for anything else. */
function scalarAsString(v: JsonValue): string | undefined {
  if (typeof v === 'boolean') return v ? 'true' : 'false'
  if (typeof v === 'bigint') return String(v)
  if (typeof v !== 'number') return undefined
  // go-yaml reads a plain integer as int (written with FormatInt), anything else as float64.
  return Number.isSafeInteger(v) ? String(v) : goFloat32String(v)
}

/**
 * Go's case folding for field names (encoding/json foldName): ASCII letters to upper case, other
 * characters through simple lower-then-upper mapping, so the Kelvin sign matches `k` and `ſ`
 * matches `s`.
 */
export function goFoldName(name: string): string {
  let out = ''
  for (const ch of name) {
    if (ch.charCodeAt(0) < 0x80) {
      out += ch.toUpperCase()
      continue
    }
    const lower = ch.toLowerCase()
    const simpleLower = [...lower].length === 1 ? lower : ch
    const upper = simpleLower.toUpperCase()
    out += [...upper].length === 1 ? upper : simpleLower
  }
  return out
}

const foldedFields = new WeakMap<object, Map<string, string>>()

/** The field a key decodes into: its exact name first, else the first field equal under folding. */
function fieldOf(t: {object: Record<string, FieldType>}, key: string): string | undefined {
  if (Object.hasOwn(t.object, key)) return key
  let folded = foldedFields.get(t)
  if (!folded) {
    folded = new Map()
    for (const name of Object.keys(t.object)) if (!folded.has(goFoldName(name))) folded.set(goFoldName(name), name)
    foldedFields.set(t, folded)
  }
  return folded.get(goFoldName(key))
}

// json.Marshal sorts map keys by their bytes; for keys that fold to one ASCII field name, UTF-16
// code-unit order is the same order.
const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

function typeName(v: JsonValue): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'list'
  if (isObject(v)) return 'map'
  return typeof v === 'number' || typeof v === 'bigint' ? 'number' : typeof v
}

function expected(t: FieldType): string {
  if (typeof t === 'string') {
    return {string: 'a string', bool: 'true or false', int: 'an integer', stringList: 'a list of strings', stringMap: 'a map of strings', boolMap: 'a map of booleans', any: 'any value'}[t]
  }
  return 'object' in t ? 'a map' : 'a list'
}

/**
 * `value` decoded as a Go value of type `t` (see the top of this file); `field` names it in
 * messages. Throws a UserError naming the file and field for a wrong type or, when strict, an
 * unknown field. The input is not modified.
 */
export function goDecode(value: JsonValue, t: FieldType, field: string, opts: GoDecodeOptions): JsonValue {
  return decode(value, t, field, opts, undefined)
}

function decode(value: JsonValue, t: FieldType, field: string, opts: GoDecodeOptions, into: JsonValue | undefined): JsonValue {
  if (t === 'any') return value
  if (value === null) {
    const scalar = t === 'string' || t === 'bool' || t === 'int'
    return scalar && into !== undefined ? into : null
  }
  const fail = (why?: string): never => {
    throw new UserError(
      `${opts.what}: field ${field} must be ${expected(t)}, found ${why ?? typeName(value)}`,
      {file: opts.file, field},
      'Fix the field to the expected type (quote values such as yes, no, on, off or numbers that must stay strings).',
    )
  }
  if (opts.scalarsToStrings) value = coerced(value, t)
  if (typeof t === 'string') {
    switch (t) {
      case 'string':
        if (typeof value !== 'string') fail()
        return value
      case 'bool':
        if (typeof value !== 'boolean') fail()
        return value
      case 'int':
        if (!((typeof value === 'number' && Number.isInteger(value)) || typeof value === 'bigint')) fail()
        return value
      case 'stringList':
        if (!Array.isArray(value)) fail()
        ;(value as JsonValue[]).forEach((v, i) => {
          if (typeof v !== 'string') fail(`${typeName(v)} at index ${i}`)
        })
        return value
      case 'stringMap':
      case 'boolMap': {
        if (!isObject(value)) fail()
        const want = t === 'stringMap' ? 'string' : 'boolean'
        for (const [k, v] of Object.entries(value as JsonObject)) {
          if (v !== null && typeof v !== want) fail(`${typeName(v)} for key ${JSON.stringify(k)}`)
        }
        // A second key for the same map field adds its entries (Go decodes into the existing map).
        return isObject(into) ? {...into, ...(value as JsonObject)} : value
      }
    }
  }
  if ('list' in t) {
    if (!Array.isArray(value)) fail()
    // Go decodes each element into the one already at that index, if any.
    const before = Array.isArray(into) ? into : []
    return (value as JsonValue[]).map((v, i) => decode(v, t.list, `${field}[${i}]`, opts, before[i]))
  }
  if (!isObject(value)) fail()
  return decodeStruct(value as JsonObject, t, field, opts, isObject(into) ? into : undefined)
}

function coerced(value: JsonValue, t: FieldType): JsonValue {
  if (t === 'string') return scalarAsString(value) ?? value
  if (t === 'stringList' && Array.isArray(value)) return value.map((v) => scalarAsString(v) ?? v)
  if (t === 'stringMap' && isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scalarAsString(v) ?? v]))
  return value
}

/** `a.b`, or just `b` at the top of a document decoded without a name. */
const join = (field: string, key: string) => (field ? `${field}.${key}` : key)

function decodeStruct(value: JsonObject, t: {object: Record<string, FieldType>; open?: boolean}, field: string, opts: GoDecodeOptions, into: JsonObject | undefined): JsonObject {
  const out: JsonObject = into ? {...into} : {}
  // Keys grouped by the field they reach, fields in the order they first appear.
  const byField = new Map<string, string[]>()
  for (const key of Object.keys(value)) {
    const name = fieldOf(t, key)
    if (name === undefined) {
      if (t.open) out[key] = value[key]
      else if (opts.strict) {
        throw new UserError(`${opts.what}: unknown field "${join(field, key)}"`, {file: opts.file, field: join(field, key)}, `Known fields here: ${Object.keys(t.object).join(', ')}.`)
      }
      continue
    }
    const keys = byField.get(name)
    if (keys) keys.push(key)
    else byField.set(name, [key])
  }
  for (const [name, keys] of byField) {
    if (keys.length > 1) keys.sort(byteOrder)
    let v: JsonValue | undefined = out[name]
    for (const key of keys) v = decode(value[key], t.object[name], join(field, key), opts, v)
    out[name] = v as JsonValue
  }
  return out
}
