import {createHash, randomBytes} from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {UserError} from '../model/errors.js'
import {withFileLock} from './file-lock.js'
import {redactUrls, unsafeCloneUrl, unsafeRef} from './git-safety.js'
import {GitCommandError, simpleGitRunner, type GitRunner} from './git-runner.js'
import {defaultGitTimeoutMs} from './remote-url.js'

/**
 * A shared, content-addressed cache of git repositories (render's remote bases, sync and watch):
 *
 *   <root>/repos/<sha256 of the normalized URL>.git   one bare mirror per repository
 *   <root>/trees/<commit>                             one checked-out tree per commit, read-only
 *
 * A tree is materialized once, under a temporary name, and renamed into place when complete, so a
 * reader never sees half a tree and concurrent processes can race safely (the loser drops its copy).
 * Fetches into a mirror hold a lock file; git's own lock files found under that lock are stale
 * (left by a killed git) and are removed before fetching.
 */
export interface GitCacheOptions {
  /** Cache root; defaults to defaultCacheDir(). */
  dir?: string
  /** Never contact a remote: resolve refs and trees from the cache only. */
  offline?: boolean
  git?: GitRunner
}

export interface GitRequest {
  /** Per-command timeout (kustomize's `?timeout=`). */
  timeoutMs?: number
  /** Check out submodules too (`?submodules=true`); refused for now when the tree has any. */
  submodules?: boolean
}

export interface CheckedOutTree {
  /** Absolute path of the read-only tree of `commit`. */
  dir: string
  commit: string
}

/** `$STRATA_CACHE_DIR`, else `$XDG_CACHE_HOME/strata/git`, else `~/.cache/strata/git`. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.STRATA_CACHE_DIR) return path.resolve(env.STRATA_CACHE_DIR)
  const base = env.XDG_CACHE_HOME ? env.XDG_CACHE_HOME : path.join(os.homedir(), '.cache')
  return path.resolve(base, 'strata', 'git')
}

/** The identity of a repository: credentials and trailing slashes do not make another repository. */
export function normalizeRepoUrl(url: string): string {
  let u = redactUrls(url).replace(/\/+$/, '')
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)([^/]*)/.exec(u)
  if (scheme) {
    const authority = scheme[2].replace(/^[^@]*@/, '')
    u = scheme[1].toLowerCase() + (scheme[1].toLowerCase() === 'file://' ? scheme[2] : authority.toLowerCase()) + u.slice(scheme[0].length)
  }
  return u
}

const gitSubcommands = new Set(['ls-remote', 'fetch', 'checkout', 'rev-parse', 'for-each-ref', 'init'])
const fullSha = /^[0-9a-f]{40}([0-9a-f]{24})?$/

export class GitCache {
  readonly root: string
  readonly offline: boolean
  private readonly git: GitRunner
  /**
   * Refs resolved by this instance: one ls-remote per (url, ref) however many bases use them. A
   * long-running caller (watch) calls forgetResolvedRefs() before each tick to see refs move.
   */
  private readonly resolved = new Map<string, Promise<string>>()

  constructor(options: GitCacheOptions = {}) {
    this.root = path.resolve(options.dir ?? defaultCacheDir())
    this.offline = options.offline ?? false
    this.git = options.git ?? simpleGitRunner
  }

  get treesDir(): string {
    return path.join(this.root, 'trees')
  }

  mirrorDir(url: string): string {
    return path.join(this.root, 'repos', `${createHash('sha256').update(normalizeRepoUrl(url)).digest('hex')}.git`)
  }

  /** The cached tree a path lies in, or undefined. */
  containingTree(p: string): string | undefined {
    const rel = path.relative(this.treesDir, p)
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return undefined
    const first = rel.split(path.sep)[0]
    return fullSha.test(first) ? path.join(this.treesDir, first) : undefined
  }

  /**
   * The commit `ref` names in `url` now ('' = the remote's default branch). Online, a branch or
   * tag is re-resolved with `git ls-remote` (it may have moved, or been force-pushed); a full
   * commit SHA whose tree is cached needs no git at all. Offline, the mirror's refs answer.
   */
  async resolveRef(url: string, ref: string, request: GitRequest = {}): Promise<string> {
    checkInputs(url, ref)
    const key = `${normalizeRepoUrl(url)}\u0000${ref}`
    let p = this.resolved.get(key)
    if (!p) {
      p = this.resolveUncached(url, ref, request)
      this.resolved.set(key, p)
      p.catch(() => this.resolved.delete(key))
    }
    return p
  }

  forgetResolvedRefs(): void {
    this.resolved.clear()
  }

  /** The read-only tree of `ref`'s commit, fetched and materialized only when not cached yet. */
  async checkoutTree(url: string, ref: string, request: GitRequest = {}): Promise<CheckedOutTree> {
    const commit = await this.resolveRef(url, ref, request)
    const dir = path.join(this.treesDir, commit)
    if (!fs.existsSync(dir)) await this.materialize(url, commit, dir, request)
    if (request.submodules && fs.existsSync(path.join(dir, '.gitmodules'))) {
      throw new UserError(`${redactUrls(url)} has submodules, which strata does not check out yet`, {}, 'Drop ?submodules=true and vendor what the submodules hold, or render this base with kustomize.')
    }
    return {dir, commit}
  }

  private async resolveUncached(url: string, ref: string, request: GitRequest): Promise<string> {
    const timeoutMs = request.timeoutMs ?? defaultGitTimeoutMs
    if (fullSha.test(ref) && fs.existsSync(path.join(this.treesDir, ref))) return ref
    const mirror = this.mirrorDir(url)
    const mirrored = fs.existsSync(mirror)
    if (this.offline) {
      // What the last online resolution found, when its tree is here: no git process at all.
      const remembered = readRemembered(mirror)[ref]
      if (remembered && fs.existsSync(path.join(this.treesDir, remembered))) return remembered
      const commit = mirrored ? await this.localResolve(mirror, ref, timeoutMs) : undefined
      if (!commit) {
        throw new UserError(
          `${describe(url, ref)} is not in the cache (${this.root}) and --offline forbids fetching it`,
          {},
          'Render once without --offline to fill the cache, or pin a ref that was rendered before.',
        )
      }
      return commit
    }
    if (fullSha.test(ref) && mirrored && (await this.hasCommit(mirror, ref, timeoutMs))) return ref
    // A new mirror is fetched anyway and then answers itself: ls-remote only when one exists.
    let advertised: string | undefined
    if (mirrored) {
      advertised = await this.lsRemote(url, ref, timeoutMs)
      if (advertised && fs.existsSync(path.join(this.treesDir, advertised))) return remember(mirror, ref, advertised)
      if (advertised && (await this.hasCommit(mirror, advertised, timeoutMs))) return remember(mirror, ref, advertised)
    }
    await this.fetch(url, ref, advertised === undefined && ref !== '', timeoutMs)
    // revParse peels what was advertised (an annotated tag the remote did not peel) to its commit.
    const commit = advertised ? await this.revParse(mirror, [advertised], timeoutMs) : await this.localResolve(mirror, ref, timeoutMs)
    if (!commit) {
      throw new UserError(`${describe(url, ref)} does not name a branch, tag or commit of the repository`, {}, 'Check the ?ref= value: a branch, a tag or a commit SHA that exists in the repository.')
    }
    return remember(mirror, ref, commit)
  }

  /** `ref` in the mirror with git's precedence (refs/<ref>, tag, branch; peeled), in one process; else a commit SHA. */
  private async localResolve(mirror: string, ref: string, timeoutMs: number): Promise<string | undefined> {
    const names = ref === '' ? ['refs/strata/HEAD'] : ref.startsWith('refs/') ? [ref] : [`refs/${ref}`, `refs/tags/${ref}`, `refs/heads/${ref}`]
    const out = await this.git.run(['--git-dir', mirror, 'for-each-ref', '--format=%(refname)%00%(objecttype)%00%(objectname)%00%(*objecttype)%00%(*objectname)', ...names], {cwd: this.ensureRoot(), timeoutMs})
    const commits = new Map<string, string>()
    for (const line of out.split('\n')) {
      const [name, type, sha, peeledType, peeled] = line.split('\u0000')
      if (type === 'commit') commits.set(name, sha)
      else if (peeledType === 'commit') commits.set(name, peeled)
    }
    for (const n of names) {
      const sha = commits.get(n)
      if (sha) return sha
    }
    return /^[0-9a-f]{4,64}$/.test(ref) ? this.revParse(mirror, [ref], timeoutMs) : undefined
  }

  /** The commit the remote advertises for `ref` (git's precedence: exact, tag, branch), if any. */
  private async lsRemote(url: string, ref: string, timeoutMs: number): Promise<string | undefined> {
    const out = await this.runGit(['ls-remote', '--end-of-options', url, ...(ref === '' ? ['HEAD'] : [ref, `${ref}^{}`])], {cwd: this.ensureRoot(), timeoutMs}, url, ref)
    const advertised = new Map<string, string>()
    for (const line of out.split('\n')) {
      const [sha, name] = line.trim().split('\t')
      if (sha && name) advertised.set(name, sha)
    }
    const names = ref === '' ? ['HEAD'] : ref.startsWith('refs/') ? [`${ref}^{}`, ref] : [`refs/${ref}^{}`, `refs/${ref}`, `refs/tags/${ref}^{}`, `refs/tags/${ref}`, `refs/heads/${ref}`]
    for (const n of names) {
      const sha = advertised.get(n)
      if (sha) return sha
    }
    return undefined
  }

  private async fetch(url: string, ref: string, refMayBeCommit: boolean, timeoutMs: number): Promise<void> {
    const mirror = this.mirrorDir(url)
    fs.mkdirSync(path.dirname(mirror), {recursive: true})
    await withFileLock(`${mirror}.strata-lock`, {waitMs: Math.max(timeoutMs * 4, 120_000)}, async () => {
      if (!fs.existsSync(mirror)) await this.createMirror(mirror, timeoutMs)
      removeStaleGitLocks(mirror)
      // Every branch and tag, forced and pruned: a force-push or a deleted branch is mirrored as is.
      const refspecs = ['+refs/heads/*:refs/heads/*', '+refs/tags/*:refs/tags/*', '+HEAD:refs/strata/HEAD']
      await this.runGit(['--git-dir', mirror, 'fetch', '--force', '--prune', '--no-tags', '--quiet', '--end-of-options', url, ...refspecs], {cwd: this.root, timeoutMs}, url, ref)
      // Refs may have moved or gone: what was remembered before this fetch no longer holds.
      fs.rmSync(rememberedPath(mirror), {force: true})
      // An abbreviated or unadvertised commit: ask for it by name (servers allow reachable commits).
      if (refMayBeCommit && /^[0-9a-f]{4,64}$/.test(ref) && !(await this.revParse(mirror, [ref], timeoutMs))) {
        await this.runGit(['--git-dir', mirror, 'fetch', '--force', '--no-tags', '--quiet', '--end-of-options', url, ref], {cwd: this.root, timeoutMs}, url, ref).catch(() => undefined)
      }
    })
  }

  private async createMirror(mirror: string, timeoutMs: number): Promise<void> {
    const tmp = `${mirror}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`
    await this.git.run(['init', '--bare', '--quiet', tmp], {cwd: this.root, timeoutMs})
    try {
      fs.renameSync(tmp, mirror)
    } catch (e) {
      fs.rmSync(tmp, {recursive: true, force: true})
      if (!fs.existsSync(mirror)) throw e
    }
  }

  private async materialize(url: string, commit: string, dir: string, request: GitRequest): Promise<void> {
    const timeoutMs = request.timeoutMs ?? defaultGitTimeoutMs
    const mirror = this.mirrorDir(url)
    const tmp = path.join(this.treesDir, `.tmp-${commit}-${process.pid}-${randomBytes(4).toString('hex')}`)
    fs.mkdirSync(tmp, {recursive: true})
    // A private index per checkout: no index.lock shared with other processes or left in the mirror.
    const env = {GIT_INDEX_FILE: `${tmp}.index`}
    try {
      // A path checkout writes the files without moving the mirror's HEAD; `commit` is a full SHA.
      await this.runGit(['--git-dir', mirror, '--work-tree', tmp, 'checkout', '--force', commit, '--', '.'], {cwd: tmp, timeoutMs, env}, url, commit)
      makeFilesReadOnly(tmp)
      try {
        fs.renameSync(tmp, dir)
      } catch (e) {
        if (!fs.existsSync(dir)) throw e // another process finished the same tree first: use theirs
      }
    } finally {
      fs.rmSync(tmp, {recursive: true, force: true})
      fs.rmSync(`${tmp}.index`, {force: true})
    }
  }

  private async hasCommit(mirror: string, sha: string, timeoutMs: number): Promise<boolean> {
    return (await this.revParse(mirror, [sha], timeoutMs)) === sha
  }

  /** The first candidate that names a commit in the mirror. */
  private async revParse(mirror: string, candidates: string[], timeoutMs: number): Promise<string | undefined> {
    for (const c of candidates) {
      try {
        const out = await this.git.run(['--git-dir', mirror, 'rev-parse', '--verify', '--quiet', '--end-of-options', `${c}^{commit}`], {cwd: this.ensureRoot(), timeoutMs})
        const sha = out.trim()
        if (fullSha.test(sha)) return sha
      } catch {
        // not this one
      }
    }
    return undefined
  }

  private async runGit(args: string[], options: {cwd: string; timeoutMs: number; env?: Record<string, string>}, url: string, ref: string): Promise<string> {
    try {
      return await this.git.run(args, options)
    } catch (e) {
      if (!(e instanceof GitCommandError)) throw e
      const what = e.timedOut ? `timed out after ${options.timeoutMs / 1000}s` : 'failed'
      throw new UserError(`git ${args.find((a) => gitSubcommands.has(a)) ?? ''} for ${describe(url, ref)} ${what}: ${e.message}`, {}, e.timedOut ? 'Raise the limit with ?timeout= on the URL, or check the network.' : 'Check the URL, the ref and your git credentials (ssh agent or credential helper).')
    }
  }

  private ensureRoot(): string {
    fs.mkdirSync(this.root, {recursive: true})
    return this.root
  }
}

function checkInputs(url: string, ref: string): void {
  const badUrl = unsafeCloneUrl(url)
  if (badUrl) throw new UserError(`refusing git URL '${redactUrls(url)}': ${badUrl}`, {}, 'Use an https://, ssh:// or file:// URL, or git@host:org/repo.')
  const badRef = unsafeRef(ref)
  if (badRef) throw new UserError(`refusing git ref '${ref}' of ${redactUrls(url)}: ${badRef}`, {}, 'Use a branch, tag or commit SHA as ?ref=.')
}

function rememberedPath(mirror: string): string {
  return `${mirror}.refs.json`
}

/** ref → commit as last resolved online (since the last fetch), for offline renders without git. */
function readRemembered(mirror: string): Record<string, string> {
  try {
    const parsed = JSON.parse(fs.readFileSync(rememberedPath(mirror), 'utf8')) as unknown
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, string>) : {}
  } catch {
    return {}
  }
}

function remember(mirror: string, ref: string, commit: string): string {
  const all = readRemembered(mirror)
  if (all[ref] === commit) return commit
  all[ref] = commit
  const tmp = `${rememberedPath(mirror)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`
  try {
    fs.writeFileSync(tmp, JSON.stringify(all))
    fs.renameSync(tmp, rememberedPath(mirror))
  } catch {
    fs.rmSync(tmp, {force: true}) // only an optimization for --offline
  }
  return commit
}

function describe(url: string, ref: string): string {
  return `${redactUrls(url)}${ref ? ` at ref '${ref}'` : ' (default branch)'}`
}

/** git's lock files under a mirror we hold the lock of can only be leftovers of a killed git. */
function removeStaleGitLocks(mirror: string): void {
  for (const name of ['index.lock', 'shallow.lock', 'packed-refs.lock', 'HEAD.lock', 'config.lock', 'FETCH_HEAD.lock']) fs.rmSync(path.join(mirror, name), {force: true})
  const walk = (dir: string): void => {
    let entries: fs.Dirent[]
    try {
      entries = fs.readdirSync(dir, {withFileTypes: true})
    } catch {
      return
    }
    for (const e of entries) {
      const p = path.join(dir, e.name)
      if (e.isDirectory()) walk(p)
      else if (e.name.endsWith('.lock')) fs.rmSync(p, {force: true})
    }
  }
  walk(path.join(mirror, 'refs'))
}

function makeFilesReadOnly(dir: string): void {
  for (const e of fs.readdirSync(dir, {withFileTypes: true})) {
    const p = path.join(dir, e.name)
    if (e.isDirectory()) makeFilesReadOnly(p)
    else if (e.isFile()) fs.chmodSync(p, fs.statSync(p).mode & 0o555)
  }
}
