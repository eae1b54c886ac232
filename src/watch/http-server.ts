// The HTTP side of `strata watch --listen host:port`:
//   GET  /healthz          200 while the process serves requests (liveness)
//   GET  /readyz           200 once ready (see readinessOf), else 503 with the reason
//   GET  /metrics          Prometheus text from the MetricsRegistry
//   POST /webhook          a push payload (GitHub, Gitea/Gogs, GitLab): triggers the apps watching
//                          the pushed repository and ref → 202 {"triggered": [...]}
//   POST /webhook/<app>    triggers that app whatever the payload → 202, 404 when unknown
// Webhooks need a shared secret (environment or file); without one the endpoint answers 404.
// Authentication comes before anything else, so an unauthenticated caller learns nothing about app
// names: HMAC-SHA256 of the raw body (X-Hub-Signature-256, X-Gitea-Signature, X-Gogs-Signature)
// or GitLab's X-Gitlab-Token, both compared in constant time; 401 otherwise. Bodies are capped
// (413), and the secret never appears in a response or an event.
import {createHash, timingSafeEqual} from 'node:crypto'
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'
import {UserError} from '../model/errors.js'
import type {JsonValue} from '../model/json.js'
import type {WatchedApp} from '../reconcile/app-config.js'
import type {MetricsRegistry} from './metrics.js'
import {verifySignature} from './signature.js'
import {pushInfoOf, webhookMatcher} from './webhook-match.js'

export const defaultMaxBodyBytes = 1024 * 1024

export interface ListenAddress {
  host: string
  port: number
}

export type TriggerOutcome = 'queued' | 'coalesced' | 'unknown' | 'stopping'

export interface Readiness {
  ready: boolean
  detail: string
}

export type HttpEvent = {kind: 'webhook'; status: number; apps: string[]; detail: string}

export interface WatchServerOptions {
  apps: readonly WatchedApp[]
  trigger: (app: string) => TriggerOutcome
  metrics: MetricsRegistry
  readiness: () => Readiness
  webhookSecret?: string
  maxBodyBytes?: number
  onEvent?: (e: HttpEvent) => void
}

/** `--listen` value: `host:port`, `:port` (all interfaces) or `[v6]:port`. */
export function parseListenAddress(text: string): ListenAddress {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text.trim())
  const port = m ? Number(m[3]) : NaN
  if (!m || port > 65535) {
    throw new UserError(`--listen "${text}" is not host:port`, {field: '--listen'}, 'Write e.g. 127.0.0.1:8080, :8080 (all interfaces) or [::1]:8080.')
  }
  return {host: m[1] ?? (m[2] || '0.0.0.0'), port}
}

/**
 * Readiness: without leader election, ready once every app has had its first reconcile attempt (a
 * failed one counts: readiness says "serving", the app's health is in /metrics). With leader
 * election, a standby is ready once it has completed an election round — a standby that never
 * became Ready would block the rolling update of a 2-replica Deployment — and the leader once
 * every app has had an attempt since it took over.
 */
export function readinessOf(input: {allAttempted: boolean; election?: {leading: boolean; roundDone: boolean}}): Readiness {
  const {allAttempted, election} = input
  if (election && !election.roundDone) return {ready: false, detail: 'leader election has not completed a round yet'}
  if (election && !election.leading) return {ready: true, detail: 'standby: another replica holds the lease'}
  return allAttempted ? {ready: true, detail: election ? 'leader: every app reconciled at least once' : 'every app reconciled at least once'} : {ready: false, detail: 'waiting for the first reconcile of every app'}
}

/** Constant-time equality of two strings of any length (compares their SHA-256 digests). */
export function secretEquals(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest()
  const b = createHash('sha256').update(expected).digest()
  return timingSafeEqual(a, b)
}

export function webhookAuthentic(secret: string, body: Buffer, headers: IncomingMessage['headers']): boolean {
  const one = (h: string | string[] | undefined): string | undefined => (Array.isArray(h) ? h[0] : h)
  const gitlab = one(headers['x-gitlab-token'])
  if (gitlab !== undefined) return secretEquals(gitlab, secret)
  const signature = one(headers['x-hub-signature-256']) ?? one(headers['x-gitea-signature']) ?? one(headers['x-gogs-signature'])
  return verifySignature(secret, body, signature)
}

export class WatchServer {
  private readonly server: Server
  private readonly match: ReturnType<typeof webhookMatcher>
  private readonly names: Set<string>
  private readonly maxBody: number

  constructor(private readonly options: WatchServerOptions) {
    this.match = webhookMatcher(options.apps)
    this.names = new Set(options.apps.map((a) => a.name))
    this.maxBody = options.maxBodyBytes ?? defaultMaxBodyBytes
    this.server = createServer((req, res) => {
      this.handle(req, res).catch(() => send(res, 500, {error: 'internal error'}))
    })
    // A slow or silent client must not hold a connection (and a shutdown) open.
    this.server.requestTimeout = 10_000
    this.server.headersTimeout = 5_000
  }

  /** Starts listening; resolves with the bound address (port 0 → the ephemeral port chosen). */
  listen(address: ListenAddress): Promise<ListenAddress> {
    return new Promise((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException): void => {
        reject(new UserError(`cannot listen on ${address.host}:${address.port} (${err.code ?? err.message})`, {field: '--listen'}, 'Choose a free port or another address.'))
      }
      this.server.once('error', onError)
      this.server.listen(address.port, address.host, () => {
        this.server.off('error', onError)
        const a = this.server.address() as AddressInfo
        resolve({host: a.address, port: a.port})
      })
    })
  }

  /** Stops accepting, lets requests in progress finish until `deadlineMs`, then drops what is left. */
  close(deadlineMs = 5_000): Promise<void> {
    return new Promise((resolve) => {
      if (!this.server.listening) return resolve()
      const timer = setTimeout(() => this.server.closeAllConnections(), deadlineMs)
      timer.unref()
      this.server.close(() => {
        clearTimeout(timer)
        resolve()
      })
      this.server.closeIdleConnections()
    })
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]
    const method = req.method ?? 'GET'
    if (path === '/healthz' || path === '/readyz' || path === '/metrics') {
      if (method !== 'GET' && method !== 'HEAD') return methodNotAllowed(res, 'GET, HEAD')
      if (path === '/healthz') return sendText(res, 200, 'ok\n')
      if (path === '/metrics') return sendText(res, 200, this.options.metrics.render(), 'text/plain; version=0.0.4; charset=utf-8')
      const r = this.options.readiness()
      return sendText(res, r.ready ? 200 : 503, `${r.detail}\n`)
    }
    const hook = /^\/webhook(?:\/([^/]+))?\/?$/.exec(path)
    if (!hook) return send(res, 404, {error: 'not found'})
    if (method !== 'POST') return methodNotAllowed(res, 'POST')
    const secret = this.options.webhookSecret
    if (!secret) return this.webhookDone(res, 404, [], 'webhook disabled: no secret configured')

    const body = await readBody(req, this.maxBody)
    if (body === 'too-large') {
      // Answer, then drop the connection rather than read the rest of an oversized upload.
      res.setHeader('Connection', 'close')
      res.once('finish', () => req.destroy())
      return this.webhookDone(res, 413, [], `body larger than ${this.maxBody} bytes`)
    }
    if (!webhookAuthentic(secret, body, req.headers)) return this.webhookDone(res, 401, [], 'missing or wrong signature')

    if (hook[1] !== undefined) {
      let app: string
      try {
        app = decodeURIComponent(hook[1])
      } catch {
        return this.webhookDone(res, 404, [], 'unknown app')
      }
      if (!this.names.has(app)) return this.webhookDone(res, 404, [], 'unknown app')
      return this.triggerApps(res, [app])
    }

    if (header(req, 'x-github-event') === 'ping' || header(req, 'x-gitea-event') === 'ping') return this.webhookDone(res, 200, [], 'ping')
    const payload = parsePayload(body, header(req, 'content-type'))
    if (payload === undefined) return this.webhookDone(res, 400, [], 'the body is not a JSON push payload')
    return this.triggerApps(res, this.match(pushInfoOf(payload)))
  }

  private triggerApps(res: ServerResponse, apps: string[]): void {
    const triggered: string[] = []
    for (const app of apps) {
      const outcome = this.options.trigger(app)
      if (outcome === 'stopping') return this.webhookDone(res, 503, [], 'shutting down')
      if (outcome !== 'unknown') triggered.push(app)
    }
    this.webhookDone(res, 202, triggered, triggered.length ? 'triggered' : 'no app watches this repository and ref')
  }

  private webhookDone(res: ServerResponse, status: number, apps: string[], detail: string): void {
    this.options.onEvent?.({kind: 'webhook', status, apps, detail})
    send(res, status, status < 300 ? {triggered: apps, detail} : {error: detail})
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name]
  return Array.isArray(v) ? v[0] : v
}

function readBody(req: IncomingMessage, max: number): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'])
    if (Number.isFinite(declared) && declared > max) return resolve('too-large')
    const chunks: Buffer[] = []
    let size = 0
    let over = false
    req.on('data', (chunk: Buffer) => {
      if (over) return
      size += chunk.length
      if (size > max) {
        over = true
        chunks.length = 0
        resolve('too-large')
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => {
      if (!over) resolve(Buffer.concat(chunks))
    })
    req.on('error', reject)
  })
}

/** JSON bodies, and GitHub's form encoding (`payload=<urlencoded JSON>`). */
function parsePayload(body: Buffer, contentType: string | undefined): JsonValue | undefined {
  let text = body.toString('utf8')
  if (contentType?.startsWith('application/x-www-form-urlencoded')) {
    const form = new URLSearchParams(text).get('payload')
    if (form === null) return undefined
    text = form
  }
  try {
    return JSON.parse(text) as JsonValue
  } catch {
    return undefined
  }
}

function methodNotAllowed(res: ServerResponse, allow: string): void {
  res.setHeader('Allow', allow)
  send(res, 405, {error: 'method not allowed'})
}

function send(res: ServerResponse, status: number, body: Record<string, JsonValue>): void {
  sendText(res, status, `${JSON.stringify(body)}\n`, 'application/json')
}

function sendText(res: ServerResponse, status: number, text: string, contentType = 'text/plain; charset=utf-8'): void {
  if (res.headersSent) return
  res.writeHead(status, {'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store'})
  res.end(res.req.method === 'HEAD' ? undefined : text)
}
