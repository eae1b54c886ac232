// ClusterPort over HTTPS to the cluster kubectl would pick (kubeconfig.ts, kubeconfig-merge.ts).
// A context with static credentials is used directly; anything more (exec plugins, auth providers,
// proxies, a pod's service account) goes through @kubernetes/client-node.
// Requests are plain HTTPS with JSON bodies so objects come back exactly as the server sent them
// (the typed client would turn timestamps into Dates and drop fields it does not model), over
// one keep-alive connection pool for the whole run.
import * as http from 'node:http'
import * as https from 'node:https'
import * as tls from 'node:tls'
import {UserError} from '../model/errors.js'
import {isObject, type JsonObject, type JsonValue} from '../model/json.js'
import {splitApiVersion} from '../model/resource.js'
import {ClusterError, clusterErrorFromStatus, type ApiStatus} from './errors.js'
import {defaultFieldManager, type ApplyOptions, type ClusterPort, type DeleteOptions, type ListOptions, type ObjectRef, type PatchOptions, type ResourceMapping, type WatchEvent, type WatchRequest} from './port.js'
import {inCluster, loadKubeconfig, staticCredentials} from './kubeconfig.js'
import {minifiedKubeconfig, type KubeconfigSelection} from './kubeconfig-merge.js'
import {defaultRateLimit, TokenBucket, type RateLimit} from './rate-limit.js'
import {defaultRetryPolicy, parseRetryAfter, withRetry, type RetryPolicy} from './retry.js'

export interface KubeClusterOptions {
  /** Path of a kubeconfig file; without it, $KUBECONFIG's files or ~/.kube/config, merged as kubectl merges them. */
  kubeconfig?: string
  /** Context to use instead of the file's current-context. */
  context?: string
  /** Upper bound of parallel connections (the caller bounds parallel requests). */
  maxSockets?: number
  retry?: RetryPolicy
  /** Per-request timeout. */
  timeoutMs?: number
  /** Client-side limit on requests per second (--qps, --burst); every attempt, retries included, takes a token. */
  rateLimit?: RateLimit
  /**
   * Ask the server once (GET /version) before returning the port, so that wrong or expired
   * credentials and an unreachable server are one UserError instead of one failure per object.
   */
  probe?: boolean
}

interface Response {
  status: number
  body: string
  retryAfter?: number
}

/** Loads the kubeconfig and returns a port to its cluster; input problems are UserErrors. */
export async function kubeCluster(options: KubeClusterOptions = {}): Promise<ClusterPort> {
  const retry = options.retry ?? defaultRetryPolicy
  const timeoutMs = options.timeoutMs ?? 30_000
  const limiter = new TokenBucket(options.rateLimit ?? defaultRateLimit)
  const target = loadKubeconfig(options)
  const origin = target === inCluster ? 'in-cluster service account' : target.origin
  const creds = target === inCluster ? undefined : staticCredentials(target)
  if (creds) {
    const tlsOptions = {ca: creds.ca, cert: creds.cert, key: creds.key, servername: creds.servername, rejectUnauthorized: !creds.insecure}
    const agent = tlsAgent({keepAlive: true, maxSockets: options.maxSockets ?? 32, ...tlsOptions}, origin)
    const headers: Record<string, string> = {}
    if (creds.token) headers.Authorization = `Bearer ${creds.token}`
    else if (creds.basic) headers.Authorization = `Basic ${Buffer.from(`${creds.basic.username}:${creds.basic.password}`).toString('base64')}`
    const port = new KubeCluster(async () => headers, new URL(creds.server), {requests: agent, watches: watchAgent(tlsOptions)}, creds.namespace, retry, timeoutMs, limiter)
    if (options.probe) await port.probe(origin)
    return port
  }
  const port = await clientNodeCluster(target, origin, options, retry, timeoutMs, limiter)
  if (options.probe) await port.probe(origin)
  return port
}

/** Everything beyond static credentials (exec plugins, auth providers, proxies, in-cluster), through client-node. */
async function clientNodeCluster(target: KubeconfigSelection | typeof inCluster, origin: string, options: KubeClusterOptions, retry: RetryPolicy, timeoutMs: number, limiter: TokenBucket): Promise<KubeCluster> {
  // Loaded on first use: client-node brings every generated API model with it (~0.8 s of module
  // loading). The config module alone, since the package index adds ~0.3 s more.
  const {KubeConfig} = await import('@kubernetes/client-node/dist/config.js')
  const kc = new KubeConfig()
  const tls: https.RequestOptions = {}
  try {
    // client-node is handed the context strata selected, never its own merge of the files: its
    // merge picks other entries than kubectl's.
    if (target === inCluster) kc.loadFromCluster()
    else kc.loadFromString(JSON.stringify(forClientNode(minifiedKubeconfig(target))))
    await kc.applyToHTTPSOptions(tls)
  } catch (err) {
    if (err instanceof UserError) throw err
    throw new UserError(`cannot use the kubeconfig: ${(err as Error).message}`, {file: origin}, 'Fix the context, cluster or user entry there (`kubectl config view --minify` shows it), or pick another context with --context.')
  }
  const cluster = kc.getCurrentCluster()!
  const server = new URL(cluster.server)
  // client-node makes a new agent per call; one keep-alive agent saves a TLS handshake per request.
  const tlsOptions: https.AgentOptions = {
    ca: tls.ca,
    cert: tls.cert,
    key: tls.key,
    pfx: tls.pfx,
    passphrase: tls.passphrase,
    servername: tls.servername,
    ...(tls.rejectUnauthorized !== undefined ? {rejectUnauthorized: tls.rejectUnauthorized} : {}),
  }
  const direct = !(cluster.proxyUrl || server.protocol === 'http:')
  const agent: http.Agent = direct ? tlsAgent({keepAlive: true, maxSockets: options.maxSockets ?? 32, ...tlsOptions}, origin) : (tls.agent as http.Agent)
  const namespace = target === inCluster ? kc.getContextObject(kc.getCurrentContext())?.namespace?.trim() : target.namespace
  let cache: {headers: Record<string, string>; until: number} | undefined
  const auth = async (): Promise<Record<string, string>> => {
    const now = Date.now()
    if (cache && cache.until > now) return cache.headers
    const opts: https.RequestOptions = {headers: {}}
    // Tokens from exec plugins and OIDC expire; client-node refreshes them here, so the result
    // is cached only briefly.
    await kc.applyToHTTPSOptions(opts)
    const headers: Record<string, string> = {}
    for (const [k, v] of Object.entries(opts.headers ?? {})) if (typeof v === 'string') headers[k] = v
    if (opts.auth) headers.Authorization = `Basic ${Buffer.from(opts.auth).toString('base64')}`
    cache = {headers, until: now + 10_000}
    return headers
  }
  return new KubeCluster(auth, server, {requests: agent, watches: direct ? watchAgent(tlsOptions) : agent}, namespace || 'default', retry, timeoutMs, limiter)
}

/**
 * A keep-alive agent whose certificates were checked once here: Node reads them only when the
 * first connection opens, where a bad PEM would surface as an exception from inside a request.
 */
function tlsAgent(options: https.AgentOptions, origin: string): https.Agent {
  try {
    tls.createSecureContext(options)
  } catch (err) {
    throw new UserError(`the kubeconfig's TLS material cannot be used: ${(err as Error).message}`, {file: origin}, 'Check certificate-authority, client-certificate and client-key (and their -data forms) of the context in use.')
  }
  return new https.Agent(options)
}

/**
 * Watch streams hold their connection for minutes: they get their own pool, so that however many
 * kinds and namespaces are watched, requests never wait behind them for a socket.
 */
function watchAgent(options: https.AgentOptions): https.Agent {
  return new https.Agent({...options, keepAlive: true})
}

/** client-node spells kubectl's `tokenFile` as `token-file`; everything else it reads as kubectl writes it. */
function forClientNode(doc: Record<string, unknown>): Record<string, unknown> {
  const users = (doc.users as {name: string; user: Record<string, unknown>}[]).map((u) => (typeof u.user.tokenFile === 'string' ? {...u, user: {...u.user, 'token-file': u.user.tokenFile}} : u))
  return {...doc, users}
}

class KubeCluster implements ClusterPort {
  private discovery = new Map<string, Promise<Map<string, ResourceMapping> | undefined>>()
  private groupVersions = new Map<string, Promise<string[]>>()
  constructor(
    private readonly authHeaders: () => Promise<Record<string, string>>,
    private readonly server: URL,
    private readonly agents: {requests: http.Agent; watches: http.Agent},
    readonly defaultNamespace: string,
    private readonly retry: RetryPolicy,
    private readonly timeoutMs: number,
    private readonly limiter: TokenBucket,
  ) {}

  /** GET /version as the server answers it (gitVersion, platform, …), with the address asked. */
  async serverVersion(): Promise<{server: string; version: JsonObject | undefined}> {
    return {server: this.server.origin, version: await this.send('GET', '/version', undefined, undefined, 'version', false)}
  }

  /** See KubeClusterOptions.probe. The messages carry the server address, never a credential. */
  async probe(kubeconfig: string): Promise<void> {
    try {
      await this.send('GET', '/version', undefined, undefined, 'version', false)
    } catch (e) {
      if (!(e instanceof ClusterError)) throw e
      if (e.status === 401) {
        throw new UserError(
          `the API server at ${this.server.origin} rejected the credentials (HTTP 401 Unauthorized)`,
          {file: kubeconfig},
          'The token or client certificate of the kubeconfig user is wrong or has expired: get fresh credentials, or pick another context with --context.',
        )
      }
      if (e.status === 0) {
        throw new UserError(`cannot reach the API server at ${this.server.origin} (${e.reason})`, {file: kubeconfig}, 'Check that the cluster is running and that the kubeconfig server address is right (and --context, if given).')
      }
      // Anything else (403 on /version, 5xx after retries): the real requests will say more.
    }
  }

  mapping(apiVersion: string, kind: string): Promise<ResourceMapping | undefined> {
    let gv = this.discovery.get(apiVersion)
    if (!gv) {
      gv = this.discover(apiVersion)
      // A failed discovery is not cached: the next caller tries again.
      gv.catch(() => this.discovery.delete(apiVersion))
      this.discovery.set(apiVersion, gv)
    }
    return gv.then((m) => {
      const found = m?.get(kind)
      // Only answers are cached, not absences: a CRD applied a moment ago serves its kind now, and
      // a long-lived port (apply's later steps, watch) must see it.
      if (!found) {
        if (this.discovery.get(apiVersion) === gv) this.discovery.delete(apiVersion)
        this.groupVersions.delete(splitApiVersion(apiVersion).group)
      }
      return found
    })
  }

  async mappingForGroupKind(group: string, kind: string): Promise<ResourceMapping | undefined> {
    if (group === '') return this.mapping('v1', kind)
    let versions = this.groupVersions.get(group)
    if (!versions) {
      versions = this.send('GET', `/apis/${group}`, undefined, undefined, `discover ${group}`, false).then((g) => {
        if (!g) return []
        const preferred = isObject(g.preferredVersion) && typeof g.preferredVersion.version === 'string' ? [g.preferredVersion.version] : []
        const all = Array.isArray(g.versions) ? g.versions.map((v) => (isObject(v) && typeof v.version === 'string' ? v.version : '')).filter(Boolean) : []
        return [...new Set([...preferred, ...all])]
      })
      versions.catch(() => this.groupVersions.delete(group))
      this.groupVersions.set(group, versions)
    }
    for (const v of await versions) {
      const m = await this.mapping(`${group}/${v}`, kind)
      if (m) return m
    }
    return undefined
  }

  private async discover(apiVersion: string): Promise<Map<string, ResourceMapping> | undefined> {
    const {group, version} = splitApiVersion(apiVersion)
    const res = await this.send('GET', group ? `/apis/${group}/${version}` : `/api/${version}`, undefined, undefined, `discover ${apiVersion}`, false)
    if (res === undefined) return undefined
    const out = new Map<string, ResourceMapping>()
    const resources = isObject(res) && Array.isArray(res.resources) ? res.resources : []
    for (const r of resources) {
      if (!isObject(r) || typeof r.name !== 'string' || typeof r.kind !== 'string' || r.name.includes('/')) continue
      out.set(r.kind, {group, version, kind: r.kind, resource: r.name, namespaced: r.namespaced === true})
    }
    return out
  }

  private async pathOf(ref: ObjectRef, withName: boolean): Promise<{path: string; mapping: ResourceMapping}> {
    const mapping = await this.mapping(ref.apiVersion, ref.kind)
    if (!mapping) throw new ClusterError(404, 'NotFound', `the server does not serve kind ${ref.kind} in ${ref.apiVersion}`)
    const root = mapping.group ? `/apis/${mapping.group}/${mapping.version}` : `/api/${mapping.version}`
    const ns = mapping.namespaced ? `/namespaces/${encodeURIComponent(ref.namespace || this.defaultNamespace)}` : ''
    return {path: `${root}${ns}/${mapping.resource}${withName ? `/${encodeURIComponent(ref.name)}` : ''}`, mapping}
  }

  async get(ref: ObjectRef): Promise<JsonObject | undefined> {
    const {path} = await this.pathOf(ref, true)
    return this.send('GET', path, undefined, undefined, describe('get', ref), ref.kind === 'Secret')
  }

  async list(apiVersion: string, kind: string, options: ListOptions = {}): Promise<JsonObject[]> {
    const mapping = await this.mapping(apiVersion, kind)
    if (!mapping) throw new ClusterError(404, 'NotFound', `the server does not serve kind ${kind} in ${apiVersion}`)
    const root = mapping.group ? `/apis/${mapping.group}/${mapping.version}` : `/api/${mapping.version}`
    const ns = mapping.namespaced && options.namespace ? `/namespaces/${encodeURIComponent(options.namespace)}` : ''
    const out: JsonObject[] = []
    let next: string | undefined
    do {
      const query = new URLSearchParams({limit: '500'})
      if (options.labelSelector) query.set('labelSelector', options.labelSelector)
      if (options.fieldSelector) query.set('fieldSelector', options.fieldSelector)
      if (next) query.set('continue', next)
      const page = await this.send('GET', `${root}${ns}/${mapping.resource}?${query}`, undefined, undefined, `list ${kind}`, kind === 'Secret')
      const items = page && Array.isArray(page.items) ? page.items : []
      // List items come without apiVersion/kind; callers want whole objects.
      for (const item of items) if (isObject(item)) out.push({apiVersion, kind, ...item})
      const meta = page && isObject(page.metadata) ? page.metadata : {}
      next = typeof meta.continue === 'string' && meta.continue ? meta.continue : undefined
    } while (next)
    return out
  }

  async apply(obj: JsonObject, options: ApplyOptions): Promise<JsonObject> {
    const ref = refOf(obj)
    const {path} = await this.pathOf(ref, true)
    const query = new URLSearchParams({fieldManager: options.fieldManager ?? defaultFieldManager})
    if (options.force) query.set('force', 'true')
    if (options.dryRun) query.set('dryRun', 'All')
    // JSON is YAML: the apply-patch content type takes it as is.
    const res = await this.send('PATCH', `${path}?${query}`, stringifyJson(obj), 'application/apply-patch+yaml', describe(options.dryRun ? 'apply (dry-run)' : 'apply', ref), ref.kind === 'Secret')
    if (!res) throw new ClusterError(404, 'NotFound', `${describe('apply', ref)}: not found`)
    return res
  }

  async create(obj: JsonObject, options: {dryRun: boolean; fieldManager?: string}): Promise<JsonObject> {
    const ref = refOf(obj)
    const {path} = await this.pathOf(ref, false)
    const query = new URLSearchParams({fieldManager: options.fieldManager ?? defaultFieldManager})
    if (options.dryRun) query.set('dryRun', 'All')
    const what = describe(options.dryRun ? 'create (dry-run)' : 'create', ref)
    const res = await this.send('POST', `${path}?${query}`, stringifyJson(obj), 'application/json', what, ref.kind === 'Secret', true)
    if (!res) throw new ClusterError(404, 'NotFound', `${what}: not found`)
    return res
  }

  async update(obj: JsonObject, options: {dryRun?: boolean; fieldManager?: string} = {}): Promise<JsonObject> {
    const ref = refOf(obj)
    const {path} = await this.pathOf(ref, true)
    const query = new URLSearchParams({fieldManager: options.fieldManager ?? defaultFieldManager})
    if (options.dryRun) query.set('dryRun', 'All')
    const what = describe(options.dryRun ? 'update (dry-run)' : 'update', ref)
    const res = await this.send('PUT', `${path}?${query}`, stringifyJson(obj), 'application/json', what, ref.kind === 'Secret', true)
    if (!res) throw new ClusterError(404, 'NotFound', `${what}: not found`)
    return res
  }

  async patch(ref: ObjectRef, body: JsonValue, options: PatchOptions): Promise<JsonObject> {
    const {path} = await this.pathOf(ref, true)
    const query = new URLSearchParams({fieldManager: options.fieldManager ?? defaultFieldManager})
    if (options.dryRun) query.set('dryRun', 'All')
    const contentType = {merge: 'application/merge-patch+json', json: 'application/json-patch+json', strategic: 'application/strategic-merge-patch+json'}[options.type]
    const sub = options.subresource ? `/${options.subresource}` : ''
    const what = describe(`patch${sub ? ` ${options.subresource}` : ''}`, ref)
    const res = await this.send('PATCH', `${path}${sub}?${query}`, stringifyJson(body), contentType, what, ref.kind === 'Secret', true)
    if (!res) throw new ClusterError(404, 'NotFound', `${what}: not found`)
    return res
  }

  async delete(ref: ObjectRef, options: DeleteOptions = {}): Promise<void> {
    const {path} = await this.pathOf(ref, true)
    const body: JsonObject = {apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: options.propagationPolicy ?? 'Background'}
    if (options.dryRun) body.dryRun = ['All']
    if (options.preconditions) {
      const pre: JsonObject = {}
      if (options.preconditions.uid) pre.uid = options.preconditions.uid
      if (options.preconditions.resourceVersion) pre.resourceVersion = options.preconditions.resourceVersion
      body.preconditions = pre
    }
    await this.send('DELETE', path, JSON.stringify(body), 'application/json', describe('delete', ref), ref.kind === 'Secret')
  }

  async watch(apiVersion: string, kind: string, request: WatchRequest, onEvent: (e: WatchEvent) => void): Promise<void> {
    const mapping = await this.mapping(apiVersion, kind)
    if (!mapping) throw new ClusterError(404, 'NotFound', `the server does not serve kind ${kind} in ${apiVersion}`)
    const root = mapping.group ? `/apis/${mapping.group}/${mapping.version}` : `/api/${mapping.version}`
    const ns = mapping.namespaced && request.namespace ? `/namespaces/${encodeURIComponent(request.namespace)}` : ''
    const timeoutSeconds = request.timeoutSeconds ?? 300
    const query = new URLSearchParams({watch: '1', allowWatchBookmarks: 'true', timeoutSeconds: String(timeoutSeconds)})
    if (request.resourceVersion) query.set('resourceVersion', request.resourceVersion)
    if (request.labelSelector) query.set('labelSelector', request.labelSelector)
    if (request.fieldSelector) query.set('fieldSelector', request.fieldSelector)
    const what = `watch ${kind}${request.namespace ? ` in ${request.namespace}` : ''}`
    await this.limiter.take()
    const headers: Record<string, string> = {Accept: 'application/json', ...(await this.authHeaders())}
    const base = this.server.pathname.replace(/\/$/, '')
    const client = this.server.protocol === 'http:' ? http : https
    const signal = request.signal
    return new Promise<void>((resolve, reject) => {
      const fail = (err: Error): void => (signal?.aborted ? resolve() : reject(err))
      const req = client.request(
        // The socket may idle between bookmarks; the server's own timeout ends the stream first.
        {protocol: this.server.protocol, hostname: this.server.hostname, port: this.server.port, path: `${base}${root}${ns}/${mapping.resource}?${query}`, method: 'GET', headers, agent: this.agents.watches, timeout: (timeoutSeconds + 30) * 1000, signal},
        (res) => {
          res.setEncoding('utf8')
          if (res.statusCode !== 200) {
            let body = ''
            res.on('data', (c: string) => (body += c))
            res.on('end', () => fail(clusterErrorFromStatus(res.statusCode ?? 0, statusOf(body), what, false, parseRetryAfter(res.headers['retry-after'], Date.now()))))
            res.on('error', (err) => fail(networkError(err, this.server, what)))
            return
          }
          // Newline-delimited JSON: one event per line, a line may span chunks.
          let buffered = ''
          res.on('data', (chunk: string) => {
            buffered += chunk
            let nl: number
            while ((nl = buffered.indexOf('\n')) >= 0) {
              const line = buffered.slice(0, nl).trim()
              buffered = buffered.slice(nl + 1)
              if (!line) continue
              let event: unknown
              try {
                event = JSON.parse(line)
              } catch {
                req.destroy(new ClusterError(0, 'BadResponse', `${what}: the server sent a line that is not JSON`))
                return
              }
              if (isObject(event) && typeof event.type === 'string' && isObject(event.object)) onEvent(event as unknown as WatchEvent)
            }
          })
          res.on('end', () => resolve())
          res.on('error', (err) => fail(err instanceof ClusterError ? err : networkError(err, this.server, what)))
        },
      )
      req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), {code: 'ETIMEDOUT'})))
      req.on('error', (err) => fail(err instanceof ClusterError ? err : networkError(err, this.server, what)))
      req.end()
    })
  }

  /**
   * One request with retries; resolves undefined on 404 unless `notFoundIsError` (a POST to a
   * collection answers 404 when the namespace is missing: that is an error, not absence).
   */
  private async send(method: string, path: string, body: string | undefined, contentType: string | undefined, what: string, sensitive: boolean, notFoundIsError = false): Promise<JsonObject | undefined> {
    return withRetry(async () => {
      const res = await this.request(method, path, body, contentType, what)
      if (res.status >= 200 && res.status < 300) return parseObject(res.body, what)
      if (res.status === 404 && !notFoundIsError) return undefined
      throw clusterErrorFromStatus(res.status, statusOf(res.body), what, sensitive, res.retryAfter)
    }, this.retry)
  }

  private async request(method: string, path: string, body: string | undefined, contentType: string | undefined, what: string): Promise<Response> {
    await this.limiter.take()
    const headers: Record<string, string> = {Accept: 'application/json', ...(await this.authHeaders())}
    if (body !== undefined) {
      headers['Content-Type'] = contentType ?? 'application/json'
      headers['Content-Length'] = String(Buffer.byteLength(body))
    }
    const base = this.server.pathname.replace(/\/$/, '')
    const client = this.server.protocol === 'http:' ? http : https
    return new Promise<Response>((resolve, reject) => {
      const req = client.request(
        {protocol: this.server.protocol, hostname: this.server.hostname, port: this.server.port, path: base + path, method, headers, agent: this.agents.requests, timeout: this.timeoutMs},
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('end', () => {
            resolve({status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), retryAfter: parseRetryAfter(res.headers['retry-after'], Date.now())})
          })
          res.on('error', (err) => reject(networkError(err, this.server, what)))
        },
      )
      req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), {code: 'ETIMEDOUT'})))
      req.on('error', (err) => reject(networkError(err, this.server, what)))
      if (body !== undefined) req.write(body)
      req.end()
    })
  }
}

function networkError(err: Error & {code?: string}, server: URL, what: string): ClusterError {
  const code = err.code ?? 'NetworkError'
  return new ClusterError(0, code, `${what}: cannot reach the API server at ${server.origin} (${code})`)
}

function statusOf(body: string): ApiStatus | undefined {
  try {
    const parsed = JSON.parse(body)
    return isObject(parsed) ? (parsed as ApiStatus) : undefined
  } catch {
    // Not a Status document (a proxy's HTML page, ...): the HTTP status says enough.
    return undefined
  }
}

function parseObject(text: string, what: string): JsonObject {
  let v: unknown
  try {
    v = JSON.parse(text)
  } catch {
    throw new ClusterError(0, 'BadResponse', `${what}: the server's answer is not JSON`)
  }
  if (!isObject(v)) throw new ClusterError(0, 'BadResponse', `${what}: the server's answer is not an object`)
  return v
}

function refOf(obj: JsonObject): ObjectRef {
  const md = isObject(obj.metadata) ? obj.metadata : {}
  return {
    apiVersion: typeof obj.apiVersion === 'string' ? obj.apiVersion : '',
    kind: typeof obj.kind === 'string' ? obj.kind : '',
    name: typeof md.name === 'string' ? md.name : '',
    namespace: typeof md.namespace === 'string' ? md.namespace : undefined,
  }
}

function describe(verb: string, ref: ObjectRef): string {
  return `${verb} ${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`
}

/** JSON text of render data; integers kept exact as bigint are written as plain numbers. */
export function stringifyJson(v: JsonValue): string {
  let big = false
  const text = JSON.stringify(v, (_k, x: unknown) => {
    if (typeof x !== 'bigint') return x
    big = true
    return `\u0000big:${x}`
  })
  return big ? text.replace(/"\\u0000big:(-?\d+)"/g, '$1') : text
}

/** The server's GET /version for `strata version`; undefined for a port that is not an API server connection. */
export async function serverVersionOf(port: ClusterPort): Promise<{server: string; version: JsonObject | undefined} | undefined> {
  return port instanceof KubeCluster ? port.serverVersion() : undefined
}
