// `kind: Analysis` (apiVersion strata.dev/v1alpha1): a local-config document in the rendered tree
// that says how to judge a batch from metrics. Its `spec` follows Argo Rollouts' AnalysisTemplate
// (args, metrics[] with interval/count/initialDelay/successCondition/failureCondition and the
// three limits, a prometheus or web provider) so its users read it without a manual. Parsed
// strictly here, before any change is made: an unknown field, a condition that does not parse, a
// placeholder that names no arg, a malformed duration — each a UserError naming the file and field.
import {UserError} from '../../model/errors.js'
import {parseDuration} from '../../model/duration.js'
import {ExprError, parseExpr, type Expr} from './expr.js'

export {analysisApiVersion, analysisKind, isAnalysisDocument} from '../../model/strata-documents.js'

/** A header whose value is written inline, or read from an env var or a file at measurement time (a secret never lives in the tree). */
export interface HeaderSpec {
  key: string
  value?: string
  valueFrom?: {env?: string; file?: string}
}

export interface PrometheusProvider {
  kind: 'prometheus'
  address: string
  query: string
  timeoutMs: number
  headers: HeaderSpec[]
  insecure: boolean
}

export interface WebProvider {
  kind: 'web'
  url: string
  method: 'GET' | 'POST' | 'PUT'
  headers: HeaderSpec[]
  body?: string
  /** `{$.data.errorRate}` → ['data', 'errorRate']; absent: the whole JSON body is the result. */
  jsonPath?: Array<string | number>
  jsonPathText?: string
  timeoutMs: number
  insecure: boolean
}

export type Provider = PrometheusProvider | WebProvider

export interface MetricSpec {
  name: string
  intervalMs?: number
  /** Measurements to take; undefined = until the batch's gate (Argo: an interval without a count). */
  count?: number
  initialDelayMs: number
  successCondition?: {text: string; expr: Expr}
  failureCondition?: {text: string; expr: Expr}
  failureLimit: number
  inconclusiveLimit: number
  consecutiveErrorLimit: number
  provider: Provider
}

export interface ArgSpec {
  name: string
  /** `value` or `default` in the file; a value given by the workload overrides it. */
  value?: string
}

export interface AnalysisSpec {
  name: string
  file: string
  args: ArgSpec[]
  metrics: MetricSpec[]
}

/** Placeholders the rollout fills besides {{args.NAME}}: which workload, where, and its two pod-template hashes. */
export const builtinPlaceholders = ['app', 'namespace', 'workload', 'canaryHash', 'stableHash'] as const
export type BuiltinName = (typeof builtinPlaceholders)[number]

type Json = null | boolean | number | string | Json[] | {[k: string]: Json}
type Obj = {[k: string]: Json}
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Parses one Analysis document. `file` is where it came from, for errors. */
export function parseAnalysis(doc: unknown, file: string): AnalysisSpec {
  const fail = (field: string, message: string, hint?: string): never => {
    throw new UserError(message, {file, field}, hint)
  }
  if (!isObj(doc)) fail('', 'an Analysis document must be a map')
  const d = doc as Obj
  only(d, ['apiVersion', 'kind', 'metadata', 'spec'], '', fail)
  const md = d.metadata
  if (!isObj(md) || typeof md.name !== 'string' || md.name === '') fail('metadata.name', 'an Analysis needs metadata.name', 'Workloads refer to it by this name in strata.dev/analysis.')
  const name = (md as Obj).name as string
  const spec = d.spec
  if (!isObj(spec)) fail('spec', `Analysis ${name} has no spec`)
  only(spec as Obj, ['args', 'metrics'], 'spec', fail)

  const args: ArgSpec[] = []
  const rawArgs = (spec as Obj).args ?? []
  if (!Array.isArray(rawArgs)) fail('spec.args', 'spec.args must be a list of {name, value}')
  ;(rawArgs as Json[]).forEach((a, i) => {
    const at = `spec.args[${i}]`
    if (!isObj(a)) return fail(at, 'an arg must be a map with name and value (or default)')
    only(a, ['name', 'value', 'default'], at, fail)
    if (typeof a.name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_-]*$/.test(a.name)) fail(`${at}.name`, 'an arg needs a name of letters, digits, "-" and "_"')
    if (args.some((x) => x.name === a.name)) fail(`${at}.name`, `arg ${String(a.name)} is declared twice`)
    if (a.value !== undefined && a.default !== undefined) fail(at, 'give value or default, not both')
    const v = a.value ?? a.default
    if (v !== undefined && typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') fail(`${at}.value`, 'an arg value must be a string')
    args.push({name: a.name as string, value: v === undefined ? undefined : String(v)})
  })
  const argNames = new Set(args.map((a) => a.name))

  const rawMetrics = (spec as Obj).metrics
  if (!Array.isArray(rawMetrics) || rawMetrics.length === 0) fail('spec.metrics', `Analysis ${name} needs at least one metric in spec.metrics`)
  const metrics = (rawMetrics as Json[]).map((m, i) => parseMetric(m, `spec.metrics[${i}]`, argNames, fail))
  const seen = new Set<string>()
  metrics.forEach((m, i) => {
    if (seen.has(m.name)) fail(`spec.metrics[${i}].name`, `metric ${m.name} appears twice`)
    seen.add(m.name)
  })
  return {name, file, args, metrics}
}

type Fail = (field: string, message: string, hint?: string) => never

function only(o: Obj, allowed: string[], at: string, fail: Fail): void {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k)) fail(at ? `${at}.${k}` : k, `unknown field ${JSON.stringify(k)}`, `Known fields here: ${allowed.join(', ')}.`)
  }
}

function duration(v: Json | undefined, at: string, fail: Fail): number | undefined {
  if (v === undefined) return undefined
  const ms = typeof v === 'string' || typeof v === 'number' ? parseDuration(v) : undefined
  if (ms === undefined) fail(at, `${JSON.stringify(v)} is not a duration`, 'Write a duration such as 30s, 1m or 1m30s.')
  return ms
}

function count(v: Json | undefined, at: string, min: number, fail: Fail): number | undefined {
  if (v === undefined) return undefined
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min) fail(at, `${JSON.stringify(v)} must be a whole number of at least ${min}`)
  return n as number
}

function condition(v: Json | undefined, at: string, fail: Fail): {text: string; expr: Expr} | undefined {
  if (v === undefined) return undefined
  if (typeof v !== 'string' || v.trim() === '') return fail(at, 'a condition must be a non-empty expression over result')
  try {
    return {text: v, expr: parseExpr(v, ['result'])}
  } catch (e) {
    if (e instanceof ExprError) fail(at, `invalid condition ${JSON.stringify(v)}: ${e.message}`, 'Conditions use expr-lang syntax over result, e.g. result[0] < 0.05 or all(result, {# < 500}).')
    throw e
  }
}

/** Every {{…}} in `text` must name a declared arg or a built-in; checked when the file is read. */
function placeholders(text: string, at: string, argNames: Set<string>, fail: Fail): string {
  for (const m of text.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)) {
    const ref = m[1]
    if (ref.startsWith('args.')) {
      if (!argNames.has(ref.slice(5))) fail(at, `{{${ref}}} names no arg declared in spec.args`, `Declare it: args: [{name: ${ref.slice(5)}}].`)
    } else if (!(builtinPlaceholders as readonly string[]).includes(ref)) fail(at, `unknown placeholder {{${ref}}}`, `Use {{args.NAME}} or one of ${builtinPlaceholders.map((b) => `{{${b}}}`).join(', ')}.`)
  }
  return text
}

function headers(v: Json | undefined, at: string, argNames: Set<string>, fail: Fail): HeaderSpec[] {
  if (v === undefined) return []
  if (!Array.isArray(v)) return fail(at, 'headers must be a list of {key, value} or {key, valueFrom: {env|file}}')
  return v.map((h, i) => {
    const hat = `${at}[${i}]`
    if (!isObj(h)) return fail(hat, 'a header must be a map with key and value')
    only(h, ['key', 'value', 'valueFrom'], hat, fail)
    if (typeof h.key !== 'string' || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(h.key)) fail(`${hat}.key`, 'a header needs a key that is a valid HTTP header name')
    if ((h.value === undefined) === (h.valueFrom === undefined)) fail(hat, 'a header needs exactly one of value and valueFrom')
    if (h.value !== undefined) {
      if (typeof h.value !== 'string') fail(`${hat}.value`, 'a header value must be a string')
      return {key: h.key as string, value: placeholders(h.value as string, `${hat}.value`, argNames, fail)}
    }
    const from = h.valueFrom
    if (!isObj(from)) return fail(`${hat}.valueFrom`, 'valueFrom must be {env: NAME} or {file: PATH}')
    only(from, ['env', 'file'], `${hat}.valueFrom`, fail)
    const keys = Object.keys(from)
    if (keys.length !== 1 || typeof from[keys[0]] !== 'string' || from[keys[0]] === '') fail(`${hat}.valueFrom`, 'valueFrom must name exactly one env var or one file', 'e.g. valueFrom: {env: PROM_TOKEN} — the value is read when measuring and never printed.')
    return {key: h.key as string, valueFrom: {[keys[0]]: from[keys[0]] as string}}
  })
}

function str(v: Json | undefined, at: string, fail: Fail, required: boolean): string | undefined {
  if (v === undefined) return required ? fail(at, 'is required') : undefined
  if (typeof v !== 'string' || (required && v === '')) fail(at, 'must be a string')
  return v as string
}

function bool(v: Json | undefined, at: string, fail: Fail): boolean {
  if (v === undefined) return false
  if (typeof v !== 'boolean') fail(at, 'must be true or false')
  return v as boolean
}

function parseMetric(m: Json, at: string, argNames: Set<string>, fail: Fail): MetricSpec {
  if (!isObj(m)) return fail(at, 'a metric must be a map')
  only(m, ['name', 'interval', 'count', 'initialDelay', 'successCondition', 'failureCondition', 'failureLimit', 'inconclusiveLimit', 'consecutiveErrorLimit', 'provider'], at, fail)
  if (typeof m.name !== 'string' || m.name === '') fail(`${at}.name`, 'a metric needs a name')
  const intervalMs = duration(m.interval, `${at}.interval`, fail)
  if (intervalMs === 0) fail(`${at}.interval`, 'an interval must be longer than 0s')
  const successCondition = condition(m.successCondition, `${at}.successCondition`, fail)
  const failureCondition = condition(m.failureCondition, `${at}.failureCondition`, fail)
  if (!successCondition && !failureCondition) fail(at, `metric ${String(m.name)} has neither successCondition nor failureCondition`, 'Without one, every measurement would pass: write e.g. successCondition: result[0] < 0.05.')
  let n = count(m.count, `${at}.count`, 1, fail)
  if (n === undefined && intervalMs === undefined) n = 1 // Argo: no interval and no count → one measurement
  if (n !== undefined && n > 1 && intervalMs === undefined) fail(`${at}.interval`, `count ${n} needs an interval between the measurements`)
  const p = m.provider
  const pat = `${at}.provider`
  if (!isObj(p)) return fail(pat, 'a metric needs a provider: prometheus or web')
  only(p, ['prometheus', 'web'], pat, fail)
  if (Object.keys(p).length !== 1) fail(pat, 'give exactly one provider: prometheus or web')
  let provider: Provider
  if (isObj(p.prometheus)) {
    const q = p.prometheus
    const qat = `${pat}.prometheus`
    only(q, ['address', 'query', 'timeout', 'headers', 'insecure'], qat, fail)
    const address = placeholders(str(q.address, `${qat}.address`, fail, true)!, `${qat}.address`, argNames, fail)
    if (!/^https?:\/\//.test(address)) fail(`${qat}.address`, `${JSON.stringify(address)} is not an http(s) URL`, 'e.g. address: http://prometheus.monitoring:9090')
    provider = {
      kind: 'prometheus',
      address,
      query: placeholders(str(q.query, `${qat}.query`, fail, true)!, `${qat}.query`, argNames, fail),
      timeoutMs: duration(q.timeout, `${qat}.timeout`, fail) ?? 30_000,
      headers: headers(q.headers, `${qat}.headers`, argNames, fail),
      insecure: bool(q.insecure, `${qat}.insecure`, fail),
    }
  } else if (isObj(p.web)) {
    const w = p.web
    const wat = `${pat}.web`
    only(w, ['url', 'method', 'headers', 'body', 'jsonPath', 'timeout', 'insecure'], wat, fail)
    const url = placeholders(str(w.url, `${wat}.url`, fail, true)!, `${wat}.url`, argNames, fail)
    if (!/^https?:\/\//.test(url)) fail(`${wat}.url`, `${JSON.stringify(url)} is not an http(s) URL`)
    const method = (str(w.method, `${wat}.method`, fail, false) ?? 'GET').toUpperCase()
    if (method !== 'GET' && method !== 'POST' && method !== 'PUT') fail(`${wat}.method`, `method ${method} is not GET, POST or PUT`)
    const body = str(w.body, `${wat}.body`, fail, false)
    if (body !== undefined && method === 'GET') fail(`${wat}.body`, 'a GET request carries no body', 'Set method: POST.')
    const jsonPathText = str(w.jsonPath, `${wat}.jsonPath`, fail, false)
    provider = {
      kind: 'web',
      url,
      method: method as WebProvider['method'],
      headers: headers(w.headers, `${wat}.headers`, argNames, fail),
      body: body === undefined ? undefined : placeholders(body, `${wat}.body`, argNames, fail),
      jsonPath: jsonPathText === undefined ? undefined : parseJsonPath(jsonPathText, `${wat}.jsonPath`, fail),
      jsonPathText,
      timeoutMs: duration(w.timeout, `${wat}.timeout`, fail) ?? 10_000,
      insecure: bool(w.insecure, `${wat}.insecure`, fail),
    }
  } else return fail(pat, 'a provider must be prometheus: {…} or web: {…}')
  return {
    name: m.name as string,
    intervalMs,
    count: n,
    initialDelayMs: duration(m.initialDelay, `${at}.initialDelay`, fail) ?? 0,
    successCondition,
    failureCondition,
    failureLimit: count(m.failureLimit, `${at}.failureLimit`, 0, fail) ?? 0,
    inconclusiveLimit: count(m.inconclusiveLimit, `${at}.inconclusiveLimit`, 0, fail) ?? 0,
    consecutiveErrorLimit: count(m.consecutiveErrorLimit, `${at}.consecutiveErrorLimit`, 0, fail) ?? 4,
    provider,
  }
}

/** Argo's web jsonPath, the kubectl JSONPath subset it is used with: `{$.data.x}`, `{$.items[0].v}`, `{$['a-b']}`. */
export function parseJsonPath(text: string, at: string, fail: Fail): Array<string | number> {
  const m = /^\{\s*\$(.*)\}$/.exec(text.trim())
  if (!m) fail(at, `${JSON.stringify(text)} is not a JSONPath`, 'Write it like {$.data.errorRate}.')
  const path: Array<string | number> = []
  const re = /\.([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\]|\[['"]([^'"]+)['"]\]/y
  const rest = m![1].trim()
  let i = 0
  while (i < rest.length) {
    re.lastIndex = i
    const s = re.exec(rest)
    if (!s) fail(at, `${JSON.stringify(text)}: cannot read the path at ${JSON.stringify(rest.slice(i))}`, 'Supported: .field, [index], [\'field\'].')
    path.push(s![1] ?? (s![2] !== undefined ? Number(s![2]) : s![3]))
    i = re.lastIndex
  }
  return path
}

/** Values the placeholders of one run resolve to. */
export interface TemplateValues {
  args: Record<string, string>
  builtins: Partial<Record<BuiltinName, string>>
}

/**
 * The arg values of one run: a value given by the workload (`strata.dev/analysis-args`) over the
 * file's value/default. An arg left without a value is refused (before any change).
 */
export function resolveArgs(spec: AnalysisSpec, given: Record<string, string>, origin: {file?: string; field: string}): Record<string, string> {
  for (const k of Object.keys(given)) {
    if (!spec.args.some((a) => a.name === k)) throw new UserError(`arg ${k} is not declared by Analysis ${spec.name}`, origin, `Declared args: ${spec.args.map((a) => a.name).join(', ') || '(none)'}.`)
  }
  const out: Record<string, string> = {}
  for (const a of spec.args) {
    const v = Object.hasOwn(given, a.name) ? given[a.name] : a.value
    if (v === undefined) throw new UserError(`Analysis ${spec.name} needs a value for arg ${a.name}`, {file: spec.file, field: `spec.args[${spec.args.indexOf(a)}]`}, `Give it a default in the Analysis, or a value on the workload: strata.dev/analysis-args: "${a.name}=VALUE".`)
    out[a.name] = v
  }
  return out
}

/** Replaces {{args.X}} and built-ins (validated by parseAnalysis). A built-in the rollout does not know yet becomes "". */
export function fillTemplate(text: string, values: TemplateValues): string {
  return text.replace(/\{\{\s*([^}]*?)\s*\}\}/g, (_, ref: string) => (ref.startsWith('args.') ? values.args[ref.slice(5)] ?? '' : values.builtins[ref as BuiltinName] ?? ''))
}

/** `name=value,name2=value2` (the strata.dev/analysis-args annotation / --analysis-arg). */
export function parseArgList(text: string, origin: {file?: string; field: string}): Record<string, string> {
  const out: Record<string, string> = {}
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const eq = part.indexOf('=')
    if (eq <= 0) throw new UserError(`${JSON.stringify(part)} is not NAME=VALUE`, origin, 'e.g. strata.dev/analysis-args: "service=web,threshold=0.05"')
    out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim()
  }
  return out
}
