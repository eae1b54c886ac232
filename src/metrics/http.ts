// An edge module (like src/cluster for the API server): the MetricsPort over HTTP: a Prometheus instant query (/api/v1/query — the API Thanos, Mimir and
// VictoriaMetrics serve too) or any JSON endpoint. The edge of the analysis core: it alone does
// network and reads credential files/env vars. A credential's value never appears in an error,
// an event or a log line: errors name the host, the status and the env var or file, nothing else.
import {readFile} from 'node:fs/promises'
import http from 'node:http'
import https from 'node:https'
import {MeasureError, type MetricsPort, type ResolvedProvider} from '../rollout/analysis/run.js'
import type {Value} from '../rollout/analysis/expr.js'
import type {HeaderSpec} from '../rollout/analysis/spec.js'

const maxBody = 8 * 1024 * 1024

export function httpMetrics(env: NodeJS.ProcessEnv = process.env): MetricsPort {
  return {
    async measure(p: ResolvedProvider, signal: AbortSignal): Promise<Value> {
      const headers = await resolveHeaders(p.headers, env)
      if (p.kind === 'prometheus') {
        const url = new URL(p.address.replace(/\/+$/, '') + '/api/v1/query')
        url.searchParams.set('query', p.query)
        const body = await request(url, 'GET', headers, undefined, p.timeoutMs, p.insecure, signal)
        return prometheusValue(body, url.host)
      }
      const url = new URL(p.url)
      if (p.body !== undefined && !Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json'
      const text = await request(url, p.method, headers, p.body, p.timeoutMs, p.insecure, signal)
      let json: unknown
      try {
        json = JSON.parse(text)
      } catch {
        throw new MeasureError(`${url.host} answered with something that is not JSON`)
      }
      return p.jsonPath ? pick(json as Value, p.jsonPath, p.jsonPathText!) : (json as Value)
    },
  }
}

async function resolveHeaders(specs: HeaderSpec[], env: NodeJS.ProcessEnv): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const h of specs) {
    if (h.value !== undefined) out[h.key] = h.value
    else if (h.valueFrom?.env !== undefined) {
      const v = env[h.valueFrom.env]
      if (v === undefined) throw new MeasureError(`header ${h.key}: environment variable ${h.valueFrom.env} is not set`)
      out[h.key] = v
    } else if (h.valueFrom?.file !== undefined) {
      try {
        out[h.key] = (await readFile(h.valueFrom.file, 'utf8')).trim()
      } catch (e) {
        throw new MeasureError(`header ${h.key}: cannot read ${h.valueFrom.file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`)
      }
    }
  }
  return out
}

function request(url: URL, method: string, headers: Record<string, string>, body: string | undefined, timeoutMs: number, insecure: boolean, signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const lib = url.protocol === 'https:' ? https : http
    // agent: false — a fresh connection per measurement: they are seconds apart, and a pooled
    // keep-alive socket the server has since closed would turn into a spurious ECONNRESET error.
    const req = lib.request(url, {method, agent: false, headers: {Accept: 'application/json', ...headers}, timeout: timeoutMs, signal, ...(url.protocol === 'https:' ? {rejectUnauthorized: !insecure} : {})}, (res) => {
      const chunks: Buffer[] = []
      let size = 0
      res.on('data', (c: Buffer) => {
        size += c.length
        if (size > maxBody) req.destroy(new MeasureError(`${url.host} answered with more than ${maxBody} bytes`))
        else chunks.push(c)
      })
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        const status = res.statusCode ?? 0
        if (status < 200 || status > 299) reject(new MeasureError(`${url.host} answered ${status}${errorDetail(text)}`))
        else resolve(text)
      })
      res.on('error', (e) => reject(e instanceof MeasureError ? e : new MeasureError(`${url.host}: ${e.message}`)))
    })
    req.on('timeout', () => req.destroy(new MeasureError(`${url.host} did not answer within ${timeoutMs}ms`)))
    req.on('error', (e) => reject(e instanceof MeasureError ? e : new MeasureError(`${url.host}: ${(e as NodeJS.ErrnoException).code ?? e.message}`)))
    if (body !== undefined) req.write(body)
    req.end()
  })
}

/** Prometheus puts its own reason in `error`; a short one helps (a bad PromQL query, say). */
function errorDetail(text: string): string {
  try {
    const j = JSON.parse(text) as {error?: unknown}
    if (typeof j.error === 'string') return `: ${j.error.slice(0, 300)}`
  } catch {
    // not JSON: say nothing more, the body may be an HTML page
  }
  return ''
}

const sampleValue = (v: unknown): number => (typeof v === 'string' ? (v === '+Inf' ? Infinity : v === '-Inf' ? -Infinity : Number(v)) : Number.NaN)

/** A vector becomes the list of its sample values (in Prometheus' order), a scalar its number. */
export function prometheusValue(text: string, host: string): Value {
  let j: {status?: unknown; data?: {resultType?: unknown; result?: unknown}; error?: unknown}
  try {
    j = JSON.parse(text)
  } catch {
    throw new MeasureError(`${host} answered with something that is not the Prometheus API`)
  }
  if (j.status !== 'success' || !j.data) throw new MeasureError(`${host}: query failed${typeof j.error === 'string' ? `: ${j.error}` : ''}`)
  const {resultType, result} = j.data
  if (resultType === 'vector' && Array.isArray(result)) return result.map((s: {value?: unknown[]}) => sampleValue(s.value?.[1]))
  if (resultType === 'scalar' && Array.isArray(result)) return sampleValue(result[1])
  if (resultType === 'string' && Array.isArray(result)) return String(result[1])
  throw new MeasureError(`${host}: a ${String(resultType)} result cannot be judged; write an instant query that returns a vector or a scalar`)
}

function pick(json: Value, path: Array<string | number>, text: string): Value {
  let cur: Value = json
  for (const step of path) {
    if (typeof step === 'number' && Array.isArray(cur) && step < cur.length) cur = cur[step]
    else if (typeof step === 'string' && cur && typeof cur === 'object' && !Array.isArray(cur) && Object.hasOwn(cur, step)) cur = cur[step]
    else throw new MeasureError(`jsonPath ${text} finds nothing in the answer`)
  }
  return cur
}
