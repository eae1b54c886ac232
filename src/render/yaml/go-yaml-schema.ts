import jsyaml from 'js-yaml'
import {writtenNull} from './empty-null.js'
import {parseGoTimestamp} from './go-time.js'

// Plain-scalar resolution as go-yaml v3 does it when kustomize (kyaml) decodes resources into
// interface{}: YAML 1.2 booleans and nulls only (yes/on stay strings), Go's ParseInt with base 0
// after dropping `_` (so 0x1F, 0o17, 0b101 and the YAML 1.1 octal 0755 are integers), a YAML-style
// float pattern, and timestamps decoded to time.Time (which JSON then prints as RFC 3339).

const nullValues = new Set(['', '~', 'null', 'Null', 'NULL'])
const trueValues = new Set(['true', 'True', 'TRUE'])
const falseValues = new Set(['false', 'False', 'FALSE'])
const specialFloats = new Map<string, number>([
  ['.inf', Infinity], ['.Inf', Infinity], ['.INF', Infinity],
  ['+.inf', Infinity], ['+.Inf', Infinity], ['+.INF', Infinity],
  ['-.inf', -Infinity], ['-.Inf', -Infinity], ['-.INF', -Infinity],
  ['.nan', NaN], ['.NaN', NaN], ['.NAN', NaN],
])
const yamlStyleFloat = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/
const maxInt64 = 9223372036854775807n
const minInt64 = -9223372036854775808n
const maxUint64 = 18446744073709551615n

/** Go's strconv.ParseInt/ParseUint with base 0 (prefixes 0x, 0o, 0b and a leading 0 for octal). */
function parseGoInt(s: string): bigint | undefined {
  let i = 0
  let neg = false
  if (s[0] === '+' || s[0] === '-') {
    neg = s[0] === '-'
    i = 1
  }
  let body = s.slice(i)
  let radix = 10
  if (/^0[xX]/.test(body)) {
    radix = 16
    body = body.slice(2)
  } else if (/^0[oO]/.test(body)) {
    radix = 8
    body = body.slice(2)
  } else if (/^0[bB]/.test(body)) {
    radix = 2
    body = body.slice(2)
  } else if (body.length > 1 && body[0] === '0') {
    radix = 8
    body = body.slice(1)
  }
  if (body === '') return undefined
  const digits = radix === 16 ? /^[0-9a-fA-F]+$/ : radix === 8 ? /^[0-7]+$/ : radix === 2 ? /^[01]+$/ : /^[0-9]+$/
  if (!digits.test(body)) return undefined
  const prefix = radix === 16 ? '0x' : radix === 8 ? '0o' : radix === 2 ? '0b' : ''
  const v = BigInt(prefix + body) * (neg ? -1n : 1n)
  // ParseUint (the fallback up to 2^64-1) takes no sign, so a signed value must fit int64.
  if (v < minInt64 || v > (i === 1 ? maxInt64 : maxUint64)) return undefined
  return v
}

function allDigits(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 48 || c > 57) return false
  }
  return true
}

export type GoScalar = null | boolean | number | bigint | string

/**
 * go-yaml's fallback after base-0 parsing fails: the digits after a `0b` (v2 and v3) or `0o` (v3
 * only) prefix are parsed again in that base, which lets a sign follow the prefix (`0b-101` is -5).
 */
function parseSignAfterPrefix(plain: string, octal: boolean): bigint | undefined {
  const p = plain.slice(0, 2)
  const sign = plain[2]
  if ((p !== '0b' && !(octal && p === '0o')) || (sign !== '+' && sign !== '-')) return undefined
  const v = parseGoInt(`${sign}${p}${plain.slice(3)}`)
  return v
}

/**
 * Resolves a plain (unquoted, untagged) scalar exactly as go-yaml v3 does (v2 when `yaml11`, minus
 * its extra booleans); undefined means "a string".
 */
export function resolvePlainScalar(s: string, yaml11 = false, timestamps = true): GoScalar | undefined {
  if (nullValues.has(s)) return null
  if (trueValues.has(s)) return true
  if (falseValues.has(s)) return false
  const special = specialFloats.get(s)
  if (special !== undefined) return special
  const c = s.charCodeAt(0)
  if (c === 46) {
    // strconv.ParseFloat on the raw text: no '_' stripping here, and overflow is an error.
    if (!yamlStyleFloat.test(s)) return undefined
    const f = Number(s)
    return Number.isFinite(f) ? f : undefined
  }
  const digitOrSign = (c >= 48 && c <= 57) || c === 43 || c === 45
  if (!digitOrSign) return undefined
  // The common number (a port, a replica count): decimal digits without a leading 0, short enough
  // to be a safe integer. No timestamp (that needs a '-'), no base prefix, no '_': the rules below
  // would reach the same Number through a BigInt.
  if (c !== 48 && s.length <= 15 && allDigits(s)) return Number(s)
  if (timestamps) {
    const ts = parseGoTimestamp(s)
    if (ts !== undefined) return ts
  }
  const plain = s.includes('_') ? s.replace(/_/g, '') : s
  const int = parseGoInt(plain) ?? (yamlStyleFloat.test(plain) ? undefined : parseSignAfterPrefix(plain, !yaml11))
  if (int !== undefined) return int >= -9007199254740991n && int <= 9007199254740991n ? Number(int) : int
  if (yamlStyleFloat.test(plain)) {
    // ParseFloat fails on overflow, and go-yaml then keeps the text as a string (`1e500`).
    const f = Number(plain)
    return Number.isFinite(f) ? f : undefined
  }
  return undefined
}

// js-yaml calls implicit resolvers only for plain scalars, which is what the rules above are for.
// It calls construct right after a resolve that matched, on the same text: the value resolve
// worked out is handed over instead of resolving the text twice.
let resolvedText: string | undefined
let resolvedValue: GoScalar | undefined
const goPlainScalar = new jsyaml.Type('tag:yaml.org,2002:go-plain', {
  kind: 'scalar',
  resolve: (data: string | null) => {
    if (data === null) return false
    const v = resolvePlainScalar(data)
    if (v === undefined) return false
    resolvedText = data
    resolvedValue = v
    return true
  },
  construct: (data: string | null) => {
    const v = data === resolvedText ? resolvedValue : resolvePlainScalar(data ?? '')
    resolvedText = resolvedValue = undefined
    return v
  },
})

// The empty plain scalar (`key:`) reaches the null type, not the resolver above.
const nullType = new jsyaml.Type('tag:yaml.org,2002:null', {
  kind: 'scalar',
  resolve: (data: string | null) => data === null || nullValues.has(data),
  construct: () => null,
})

// For resource documents: a written null becomes a placeholder that settleNulls (empty-null.ts)
// turns back into null, so that the empty ones can be told apart.
const trackingNullType = new jsyaml.Type('tag:yaml.org,2002:null', {
  kind: 'scalar',
  resolve: (data: string | null) => data === null || nullValues.has(data),
  construct: (data: string | null) => (data ? writtenNull : null),
})

const explicitTyped = (tag: 'int' | 'float' | 'bool') =>
  new jsyaml.Type(`tag:yaml.org,2002:${tag}`, {
    kind: 'scalar',
    resolve: (data: string | null) => {
      const v = resolvePlainScalar(data ?? '')
      return tag === 'bool' ? typeof v === 'boolean' : typeof v === 'number'
    },
    construct: (data: string | null) => resolvePlainScalar(data ?? ''),
  })

// go-yaml v3 supports merge keys (`<<: *base`); js-yaml ships the type but its typings omit `types`.
const mergeType = (jsyaml as unknown as {types: {merge: jsyaml.Type}}).types.merge

// go-yaml v3 decodes !!binary to the raw bytes, which encoding/json then writes as UTF-8 text
// (invalid sequences become U+FFFD). Go's decoder skips line breaks and rejects anything else
// outside the base64 alphabet.
const base64Text = /^[A-Za-z0-9+/]*={0,2}$/
const binaryType = new jsyaml.Type('tag:yaml.org,2002:binary', {
  kind: 'scalar',
  resolve: (data: string | null) => {
    const b = (data ?? '').replace(/[\r\n]/g, '')
    return b.length % 4 === 0 && base64Text.test(b)
  },
  construct: (data: string | null) => Buffer.from((data ?? '').replace(/[\r\n]/g, ''), 'base64').toString('utf8'),
})

const timestampType = new jsyaml.Type('tag:yaml.org,2002:timestamp', {
  kind: 'scalar',
  resolve: (data: string | null) => parseGoTimestamp(data ?? '') !== undefined,
  construct: (data: string | null) => parseGoTimestamp(data ?? ''),
})

// Any other tag (`!Ref x`, `!!set`) is ignored by go-yaml v3 when decoding into interface{}: the
// node keeps its plain value (a scalar stays the text as written). js-yaml matches an empty
// `multi` tag as a prefix of every tag it does not know.
const anyTag = (kind: 'scalar' | 'sequence' | 'mapping') =>
  new jsyaml.Type('', {
    kind,
    multi: true,
    construct: (data: unknown) => (kind === 'scalar' ? (data ?? '') : kind === 'sequence' ? (data ?? []) : (data ?? {})),
  })
const otherTags = [anyTag('scalar'), anyTag('sequence'), anyTag('mapping')]

export const goYamlSchema = jsyaml.FAILSAFE_SCHEMA.extend({
  implicit: [nullType, goPlainScalar, mergeType],
  explicit: [explicitTyped('int'), explicitTyped('float'), explicitTyped('bool'), binaryType, timestampType, ...otherTags],
})

/** goYamlSchema for resource documents, whose written and empty nulls kyaml's merge tells apart (see empty-null.ts). */
export const goYamlTrackingSchema = jsyaml.FAILSAFE_SCHEMA.extend({
  implicit: [trackingNullType, goPlainScalar, mergeType],
  explicit: [explicitTyped('int'), explicitTyped('float'), explicitTyped('bool'), binaryType, timestampType, ...otherTags],
})

// kustomization.yaml itself is decoded by sigs.k8s.io/yaml (go-yaml v2, YAML 1.1): there `yes`,
// `on`, `y` and friends are booleans, so a kustomization that writes `namePrefix: yes` fails the
// same way kustomize fails.
const yaml11True = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON', ...trueValues])
const yaml11False = new Set(['n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF', ...falseValues])

/**
 * `timestamps`: go-yaml v2 resolves a timestamp (so its emitter quotes a string that looks like
 * one), but decoding into interface{} — how sigs.k8s.io/yaml reads JSON 6902 patches — keeps the
 * text as written, where v3 (kyaml) makes it a time.Time.
 */
export function resolvePlainScalarYaml11(s: string, timestamps = true): GoScalar | undefined {
  if (yaml11True.has(s)) return true
  if (yaml11False.has(s)) return false
  return resolvePlainScalar(s, true, timestamps)
}

const yaml11PlainScalar = new jsyaml.Type('tag:yaml.org,2002:go-plain-1.1', {
  kind: 'scalar',
  resolve: (data: string | null) => data !== null && resolvePlainScalarYaml11(data, false) !== undefined,
  construct: (data: string | null) => resolvePlainScalarYaml11(data ?? '', false),
})

export const goYaml11Schema = jsyaml.FAILSAFE_SCHEMA.extend({
  implicit: [nullType, yaml11PlainScalar, mergeType],
  explicit: [explicitTyped('int'), explicitTyped('float'), explicitTyped('bool'), binaryType, timestampType, ...otherTags],
})

/**
 * What a plain scalar becomes under each schema above, for the block reader (block-parse.ts): the
 * implicit types in js-yaml's order (null, then the go-yaml resolution), the text when neither
 * matches.
 */
export const plainScalarResolvers = {
  '1.2': (s: string): unknown => (nullValues.has(s) ? null : (resolvePlainScalar(s) ?? s)),
  tracking: (s: string): unknown => (nullValues.has(s) ? writtenNull : (resolvePlainScalar(s) ?? s)),
  '1.1': (s: string): unknown => (nullValues.has(s) ? null : (resolvePlainScalarYaml11(s, false) ?? s)),
}
