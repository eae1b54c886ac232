import jsyaml from 'js-yaml'

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
  if (v > maxUint64 || v < minInt64) return undefined
  return v
}

const timestampPattern = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[Tt]|[ \t]+)(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,9}))?[ \t]*(Z|[-+]\d{1,2}(?::?\d{2})?)?)?$/

/** go-yaml v3's timestamp forms, rendered as Go's time.Time MarshalJSON would (RFC 3339, nanoseconds trimmed). */
function goTimestamp(s: string): string | undefined {
  const m = timestampPattern.exec(s)
  if (!m) return undefined
  const [, y, mo, d, h, mi, se, frac, zone] = m
  // Go's layouts accept 1- or 2-digit month/day/time fields; the date-only form needs exactly YYYY-M-D.
  if (!h && (mo.length > 2 || d.length > 2)) return undefined
  const month = Number(mo)
  const day = Number(d)
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined
  const date = new Date(Date.UTC(Number(y), month - 1, day))
  if (date.getUTCDate() !== day) return undefined
  const pad = (n: string | number, w = 2) => String(n).padStart(w, '0')
  if (!h) return `${y}-${pad(month)}-${pad(day)}T00:00:00Z`
  if (Number(h) > 23 || Number(mi) > 59 || Number(se) > 59) return undefined
  // Go's time.Parse requires a 2-digit zone hour in "Z07:00"; the space-separated form has no zone.
  let zoneOut = 'Z'
  if (zone && zone !== 'Z') {
    const zm = /^([-+])(\d{1,2})(?::?(\d{2}))?$/.exec(zone)!
    if (zm[2].length !== 2 || zm[3] === undefined) return undefined
    zoneOut = zm[2] === '00' && zm[3] === '00' && zm[1] === '+' ? 'Z' : `${zm[1]}${zm[2]}:${zm[3]}`
  }
  const fraction = frac ? frac.replace(/0+$/, '') : ''
  return `${y}-${pad(month)}-${pad(day)}T${pad(h)}:${pad(mi)}:${pad(se)}${fraction ? `.${fraction}` : ''}${zoneOut}`
}

export type GoScalar = null | boolean | number | bigint | string

/** Resolves a plain (unquoted, untagged) scalar exactly as go-yaml v3 does; undefined means "a string". */
export function resolvePlainScalar(s: string): GoScalar | undefined {
  if (nullValues.has(s)) return null
  if (trueValues.has(s)) return true
  if (falseValues.has(s)) return false
  const special = specialFloats.get(s)
  if (special !== undefined) return special
  const c = s.charCodeAt(0)
  const digitOrSign = (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46
  if (!digitOrSign) return undefined
  const ts = goTimestamp(s)
  if (ts !== undefined) return ts
  const plain = s.includes('_') ? s.replace(/_/g, '') : s
  const int = parseGoInt(plain)
  if (int !== undefined) return int >= -9007199254740991n && int <= 9007199254740991n ? Number(int) : int
  if (yamlStyleFloat.test(plain)) return Number(plain)
  return undefined
}

// js-yaml calls implicit resolvers only for plain scalars, which is what the rules above are for.
const goPlainScalar = new jsyaml.Type('tag:yaml.org,2002:go-plain', {
  kind: 'scalar',
  resolve: (data: string | null) => data !== null && resolvePlainScalar(data) !== undefined,
  construct: (data: string | null) => resolvePlainScalar(data ?? ''),
})

// The empty plain scalar (`key:`) reaches the null type, not the resolver above.
const nullType = new jsyaml.Type('tag:yaml.org,2002:null', {
  kind: 'scalar',
  resolve: (data: string | null) => data === null || nullValues.has(data),
  construct: () => null,
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

export const goYamlSchema = jsyaml.FAILSAFE_SCHEMA.extend({
  implicit: [nullType, goPlainScalar, mergeType],
  explicit: [explicitTyped('int'), explicitTyped('float'), explicitTyped('bool')],
})

// kustomization.yaml itself is decoded by sigs.k8s.io/yaml (go-yaml v2, YAML 1.1): there `yes`,
// `on`, `y` and friends are booleans, so a kustomization that writes `namePrefix: yes` fails the
// same way kustomize fails.
const yaml11True = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON', ...trueValues])
const yaml11False = new Set(['n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF', ...falseValues])

export function resolvePlainScalarYaml11(s: string): GoScalar | undefined {
  if (yaml11True.has(s)) return true
  if (yaml11False.has(s)) return false
  return resolvePlainScalar(s)
}

const yaml11PlainScalar = new jsyaml.Type('tag:yaml.org,2002:go-plain-1.1', {
  kind: 'scalar',
  resolve: (data: string | null) => data !== null && resolvePlainScalarYaml11(data) !== undefined,
  construct: (data: string | null) => resolvePlainScalarYaml11(data ?? ''),
})

export const goYaml11Schema = jsyaml.FAILSAFE_SCHEMA.extend({
  implicit: [nullType, yaml11PlainScalar, mergeType],
  explicit: [explicitTyped('int'), explicitTyped('float'), explicitTyped('bool')],
})
