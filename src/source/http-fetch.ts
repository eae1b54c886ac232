import {createHash, randomBytes} from 'node:crypto'
import * as fs from 'node:fs'
import * as path from 'node:path'
import {UserError} from '../model/errors.js'
import {redactUrls} from './git-safety.js'

export interface HttpFileOptions {
  /** Where fetched files are kept (by URL, revalidated with ETag); none: no cache. */
  cacheDir?: string
  /** Serve from the cache only. */
  offline?: boolean
  timeoutMs?: number
  /** Larger bodies are refused (a resource file is not a download). */
  maxBytes?: number
}

/** What a URL answered: its body, or an HTTP status outside 2xx. */
export type HttpFileResult = {ok: true; body: Buffer} | {ok: false; status: number}

export const defaultHttpTimeoutMs = 30_000
export const defaultHttpMaxBytes = 32 * 1024 * 1024

interface CachedMeta {
  etag?: string
}

/**
 * GETs a plain HTTP(S) resource file, as kustomize's loader does for a `resources:` URL that is not
 * a repository. With a cache directory the body is kept under the URL's hash and revalidated with
 * If-None-Match, so an unchanged file costs a 304 and `offline` can render from it.
 */
export async function fetchHttpFile(url: string, options: HttpFileOptions = {}): Promise<HttpFileResult> {
  const shown = redactUrls(url)
  const cached = options.cacheDir ? cachePaths(options.cacheDir, url) : undefined
  const cachedBody = cached && fs.existsSync(cached.body) ? fs.readFileSync(cached.body) : undefined
  const meta: CachedMeta = cached && cachedBody ? readMeta(cached.meta) : {}
  if (options.offline) {
    if (cachedBody) return {ok: true, body: cachedBody}
    throw new UserError(`${shown} is not in the cache and --offline forbids fetching it`, {}, 'Render once without --offline to fill the cache.')
  }
  const timeoutMs = options.timeoutMs ?? defaultHttpTimeoutMs
  const maxBytes = options.maxBytes ?? defaultHttpMaxBytes
  // fetch() refuses URLs with credentials; send them as Basic auth, as Go's http.Get does.
  const headers: Record<string, string> = meta.etag ? {'if-none-match': meta.etag} : {}
  let target = url
  try {
    const u = new URL(url)
    if (u.username || u.password) {
      headers.authorization = `Basic ${Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64')}`
      u.username = ''
      u.password = ''
      target = u.toString()
    }
  } catch {
    throw new UserError(`'${shown}' is not a valid URL`, {}, 'Fix the resource URL.')
  }
  let response: Response
  try {
    response = await fetch(target, {
      headers,
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'follow',
    })
  } catch (e) {
    const timedOut = e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError')
    const cause = e instanceof Error && e.cause instanceof Error ? e.cause.message : e instanceof Error ? e.message : String(e)
    throw new UserError(timedOut ? `fetching ${shown} timed out after ${timeoutMs / 1000}s` : `fetching ${shown} failed: ${redactUrls(cause)}`, {}, 'Check the URL and the network, or vendor the file into the repository.')
  }
  if (response.status === 304 && cachedBody) {
    await response.body?.cancel()
    return {ok: true, body: cachedBody}
  }
  if (response.status < 200 || response.status > 299) {
    await response.body?.cancel()
    return {ok: false, status: response.status}
  }
  const body = await readCapped(response, maxBytes, shown)
  if (cached) {
    const etag = response.headers.get('etag') ?? undefined
    writeAtomic(cached.body, body)
    writeAtomic(cached.meta, Buffer.from(JSON.stringify({etag} satisfies CachedMeta)))
  }
  return {ok: true, body}
}

async function readCapped(response: Response, maxBytes: number, shown: string): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length') ?? NaN)
  const tooLarge = () => new UserError(`${shown} is larger than ${maxBytes} bytes`, {}, 'A remote resource must be a YAML file; vendor large files into the repository.')
  if (declared > maxBytes) {
    await response.body?.cancel()
    throw tooLarge()
  }
  const chunks: Buffer[] = []
  let size = 0
  if (!response.body) return Buffer.alloc(0)
  for await (const chunk of response.body) {
    size += chunk.byteLength
    if (size > maxBytes) throw tooLarge()
    chunks.push(Buffer.from(chunk))
  }
  return Buffer.concat(chunks)
}

function cachePaths(dir: string, url: string): {body: string; meta: string} {
  const key = createHash('sha256').update(url).digest('hex')
  return {body: path.join(dir, `${key}.body`), meta: path.join(dir, `${key}.json`)}
}

function readMeta(p: string): CachedMeta {
  try {
    return JSON.parse(fs.readFileSync(p, 'utf8')) as CachedMeta
  } catch {
    return {}
  }
}

function writeAtomic(p: string, data: Buffer): void {
  fs.mkdirSync(path.dirname(p), {recursive: true})
  const tmp = `${p}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`
  fs.writeFileSync(tmp, data)
  fs.renameSync(tmp, p)
}
