// A real Prometheus for the analysis end-to-end tests, started by scripts/prometheus (built from
// the Go module proxy into STRATA_PROMETHEUS_CACHE, like the control plane), and the loopback
// metrics endpoint it scrapes, whose values the test sets. No mock stands in for Prometheus.
//
//   const metrics = await metricsEndpoint()           // serves /metrics, /json on 127.0.0.1
//   metrics.set('app_error_ratio{app="web"}', 0.01)
//   const prom = await prometheus(t, [metrics.target]) // its own run folder; stopped after the test
//   prom.url                                           // http://127.0.0.1:PORT
import {spawn} from 'node:child_process'
import * as fs from 'node:fs'
import http from 'node:http'
import type {AddressInfo} from 'node:net'
import * as os from 'node:os'
import * as path from 'node:path'
import {lastLine, REPO, type ScriptResult} from './cluster.js'

/** What stops a helper's resources: a test (its TestContext), or a whole file (an `after` hook's list). */
export interface Cleanup {
  after(fn: () => Promise<void>): void
}

export const PROMETHEUS_SCRIPT = path.join(REPO, 'scripts', 'prometheus')

export function runPrometheusScript(args: string[], env: NodeJS.ProcessEnv): Promise<ScriptResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(PROMETHEUS_SCRIPT, args, {cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d
      process.stderr.write(d)
    })
    child.on('error', reject)
    child.on('close', (code, signal) => resolve({code: code ?? (signal ? 128 : 1), stdout, stderr}))
  })
}

export interface Prometheus {
  url: string
  /** Stops it (the test's "Prometheus went away"). */
  down(): Promise<void>
}

/** A Prometheus of this test (or file) alone (own run folder, own port) scraping `targets` every 500 ms; stopped after it. */
export async function prometheus(t: Cleanup, targets: string[]): Promise<Prometheus> {
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-e2e-prometheus-'))
  const env = {...process.env, STRATA_PROMETHEUS_RUN_DIR: runDir}
  const holder = process.env.NODE_TEST_CONTEXT?.startsWith('child') ? process.ppid : process.pid
  const r = await runPrometheusScript(['up', ...targets.flatMap((x) => ['--target', x]), '--interval', '500ms', '--auto-down-after', String(holder)], env)
  if (r.code !== 0) throw new Error(`scripts/prometheus up failed (exit ${r.code}); its output is above`)
  const down = async () => {
    await runPrometheusScript(['down'], env)
  }
  t.after(async () => {
    await down()
    fs.rmSync(runDir, {recursive: true, force: true})
  })
  return {url: lastLine(r.stdout), down}
}

export interface MetricsEndpoint {
  /** HOST:PORT for Prometheus' static target. */
  target: string
  url: string
  /** Sets a gauge (`name{labels}` → value) served at /metrics. */
  set(series: string, value: number): void
  /** Sets the JSON document served at /json. */
  json(doc: unknown): void
  /** The query strings /json was asked with, in order. */
  jsonQueries: URLSearchParams[]
  close(): Promise<void>
}

export async function metricsEndpoint(t: Cleanup): Promise<MetricsEndpoint> {
  const gauges = new Map<string, number>()
  let doc: unknown = {}
  const jsonQueries: URLSearchParams[] = []
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x')
    if (url.pathname === '/metrics') {
      const names = new Set([...gauges.keys()].map((s) => s.replace(/\{.*$/, '')))
      const lines = [...names].map((n) => `# TYPE ${n} gauge`)
      for (const [series, v] of gauges) lines.push(`${series} ${v}`)
      res.writeHead(200, {'content-type': 'text/plain; version=0.0.4'})
      res.end(lines.join('\n') + '\n')
    } else if (url.pathname === '/json') {
      jsonQueries.push(url.searchParams)
      res.writeHead(200, {'content-type': 'application/json'})
      res.end(JSON.stringify(doc))
    } else {
      res.writeHead(404)
      res.end()
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections() // Prometheus keeps its scrape connection open
    })
  t.after(close)
  return {
    target: `127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}`,
    set: (series, value) => gauges.set(series, value),
    json: (d) => (doc = d),
    jsonQueries,
    close,
  }
}
