import * as fs from 'node:fs'
import * as path from 'node:path'
import {UserError, type ErrorOrigin} from '../model/errors.js'
import {GitCache} from './git-cache.js'
import {redactUrls} from './git-safety.js'
import {fetchHttpFile, type HttpFileOptions} from './http-fetch.js'
import {isRemoteFileUrl, parseGitUrl, tryParseGitUrl, type GitRemote} from './remote-url.js'

/** What a remote `resources:`/`components:` entry turned into. */
export type RemoteTarget =
  /** A kustomization directory inside a cached git tree; `repoRoot` bounds what it may reach. */
  | {kind: 'dir'; dir: string; repoRoot: string; commit: string}
  /** The text of a plain HTTP(S) resource file; `display` names it in messages (no credentials). */
  | {kind: 'file'; text: string; display: string}

export type EntryRole = 'resource' | 'component'

export interface RemoteResolverOptions {
  cache?: GitCache
  /** Options for plain HTTP(S) files; the cache directory defaults to `<git cache>/http`. */
  http?: HttpFileOptions
  /** Remote fetches at once (git processes, HTTP requests). */
  concurrency?: number
}

type Settled = {ok: true; target: RemoteTarget} | {ok: false; error: unknown}

/**
 * The bridge between the synchronous render and asynchronous fetching. Render asks `lookup` for
 * each entry; an entry not fetched yet answers 'pending' and is queued; the renderer then awaits
 * `resolvePending()` (everything queued, in parallel) and renders again. A tree's remote entries
 * are thus fetched level by level, all of a level at once, and a tree without remote entries
 * renders in one pass with no git or network at all.
 */
export class RemoteResolver {
  readonly cache: GitCache
  private readonly http: HttpFileOptions
  private readonly concurrency: number
  private readonly settled = new Map<string, Settled>()
  private readonly pending = new Map<string, {entry: string; role: EntryRole}>()

  constructor(options: RemoteResolverOptions = {}) {
    this.cache = options.cache ?? new GitCache()
    this.http = {cacheDir: path.join(this.cache.root, 'http'), offline: this.cache.offline, ...options.http}
    this.concurrency = options.concurrency ?? 8
  }

  get hasPending(): boolean {
    return this.pending.size > 0
  }

  /**
   * undefined when the entry is local (a local file wins over a URL-looking name, as in kustomize);
   * 'pending' when it is remote and not fetched yet; else what it resolved to. `fromRepo` is the
   * tree the referring kustomization lies in: a repository may not point at local repositories.
   */
  lookup(entry: string, role: EntryRole, isLocalFile: () => boolean, origin: ErrorOrigin, fromRepo?: string): RemoteTarget | 'pending' | undefined {
    const kind = remoteKind(entry, role, isLocalFile)
    if (!kind) return undefined
    if (fromRepo && kind === 'git' && /^file:/i.test(entry.replace(/^git::/i, ''))) {
      throw new UserError(`a kustomization fetched from a git repository may not refer to the local repository '${redactUrls(entry)}'`, origin, 'Only https and ssh remotes can be used from inside a remote base.')
    }
    const key = `${role}\u0000${entry}`
    const done = this.settled.get(key)
    if (!done) {
      this.pending.set(key, {entry, role})
      return 'pending'
    }
    if (done.ok) return done.target
    const e = done.error
    if (e instanceof UserError) throw new UserError(e.message, {...origin, ...e.origin, file: origin.file, field: origin.field}, e.hint)
    throw e
  }

  /** Fetches every entry queued by lookup, at most `concurrency` at a time; failures are kept for lookup to report. */
  async resolvePending(): Promise<void> {
    const work = [...this.pending.entries()]
    this.pending.clear()
    let next = 0
    const worker = async (): Promise<void> => {
      while (next < work.length) {
        const [key, {entry, role}] = work[next++]
        try {
          this.settled.set(key, {ok: true, target: await this.resolve(entry, role)})
        } catch (error) {
          this.settled.set(key, {ok: false, error})
        }
      }
    }
    await Promise.all(Array.from({length: Math.min(this.concurrency, work.length)}, worker))
  }

  private async resolve(entry: string, role: EntryRole): Promise<RemoteTarget> {
    if (role === 'resource' && isRemoteFileUrl(entry) && !hasGitMarkers(entry)) {
      const result = await fetchHttpFile(entry, this.http)
      if (result.ok) return {kind: 'file', text: result.body.toString('utf8'), display: redactUrls(entry)}
      if (!tryParseGitUrl(entry)) {
        throw new UserError(`fetching ${redactUrls(entry)} failed: HTTP status ${result.status}`, {}, 'Check the URL; a resource URL must answer the YAML file itself.')
      }
    }
    return this.checkout(parseGitUrl(entry))
  }

  private async checkout(remote: GitRemote): Promise<RemoteTarget> {
    const {dir, commit} = await this.cache.checkoutTree(remote.cloneUrl, remote.ref, {timeoutMs: remote.timeoutMs, submodules: remote.submodules})
    const root = path.resolve(dir, remote.subdir)
    let real: string
    try {
      real = fs.realpathSync(root)
    } catch {
      throw new UserError(`'${remote.subdir}' does not exist in ${redactUrls(remote.cloneUrl)} at ${commit.slice(0, 12)}`, {}, 'Fix the path after // in the URL, or the ref.')
    }
    if (real !== dir && !real.startsWith(dir + path.sep)) throw new UserError(`'${remote.subdir}' leaves the repository ${redactUrls(remote.cloneUrl)}`, {}, 'The path after // must stay inside the repository.')
    if (!fs.statSync(real).isDirectory()) throw new UserError(`'${remote.subdir}' in ${redactUrls(remote.cloneUrl)} is a file; expecting a directory`, {}, 'Point the URL at a directory holding a kustomization.')
    return {kind: 'dir', dir: root, repoRoot: dir, commit}
  }
}

/** How kustomize reads an entry: an http(s) URL is first a file; any other git-like URL is a repository. */
export function remoteKind(entry: string, role: EntryRole, isLocalFile: () => boolean): 'http' | 'git' | undefined {
  if (role === 'resource' && isRemoteFileUrl(entry)) return 'http'
  if (role === 'resource' && isLocalFile()) return undefined
  return tryParseGitUrl(entry) ? 'git' : undefined
}

/**
 * An http(s) URL that can only be a repository: kustomize would GET it first and fall back to git
 * when the answer is not YAML; strata skips that round trip when the URL says "repository" itself
 * (a `//` root, `?ref=`/`?version=`, `.git`, `_git/`, or a github.com page).
 */
function hasGitMarkers(entry: string): boolean {
  const withoutScheme = entry.replace(/^https?:\/\//i, '')
  const [beforeQuery, query = ''] = withoutScheme.split(/\?(.*)/s)
  if (/(^|&)(ref|version|submodules|timeout)=/.test(query)) return true
  if (beforeQuery.includes('//') || beforeQuery.includes('.git') || beforeQuery.includes('_git/')) return true
  return /^github\.com\//i.test(beforeQuery.replace(/^[^@/]*@/, ''))
}
