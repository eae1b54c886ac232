import {isObject, type JsonValue} from '../../model/json.js'

/**
 * Go's encoding/json.Marshal of decoded JSON data, byte for byte: object keys sorted by their
 * UTF-8 bytes, and strings escaped like JSON.stringify plus `<`, `>`, `&`, U+2028 and U+2029
 * as \u escapes (Go's HTML-safe default). kustomize hashes this encoding.
 */
export function goJsonMarshal(v: JsonValue): string {
  if (v === null) return 'null'
  if (typeof v === 'string') return goJsonString(v)
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : JSON.stringify(v)
  if (typeof v === 'boolean') return v ? 'true' : 'false'
  if (Array.isArray(v)) return `[${v.map(goJsonMarshal).join(',')}]`
  if (isObject(v)) {
    const keys = Object.keys(v).sort(compareUtf8)
    return `{${keys.map((k) => `${goJsonString(k)}:${goJsonMarshal(v[k])}`).join(',')}}`
  }
  return 'null'
}

const htmlUnsafe = /[<>&\u2028\u2029]/g

function goJsonString(s: string): string {
  return JSON.stringify(s).replace(htmlUnsafe, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

/**
 * UTF-8 byte order, which is code point order. Plain `<` compares UTF-16 units, which puts
 * surrogate pairs (U+10000 and up) before U+E000..U+FFFF; shifting unit values fixes that.
 */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x !== y) return codePointRank(x) - codePointRank(y)
  }
  return a.length - b.length
}

function codePointRank(unit: number): number {
  if (unit < 0xd800) return unit
  return unit >= 0xe000 ? unit - 0x800 : unit + 0x2000
}
