/**
 * kustomize's remote-target URL grammar (api/internal/git/repospec.go, v5.5.0), as pure functions:
 * which `resources:`/`components:` entries are git repositories, how they split into the URL git
 * clones and the kustomization root inside it, and which are plain HTTP(S) files.
 */

/** A git remote target, as kustomize's RepoSpec splits it. */
export interface GitRemote {
  /** The entry as written (kustomize uses it for cycle checks). */
  raw: string
  /** Scheme, user and host as kustomize normalizes them, e.g. `https://github.com/`, `git@github.com:`, `file://`. */
  host: string
  /** Path of the repository on the host, e.g. `org/repo` or `/srv/git/repo.git`. */
  repoPath: string
  /** What git clones: host + repoPath. */
  cloneUrl: string
  /** The kustomization root inside the repository ('' for the repository root); never leaves it. */
  subdir: string
  /** `?ref=` (or `?version=`): branch, tag or commit; '' for the remote's default branch. */
  ref: string
  /** `?timeout=` in milliseconds (kustomize's default 27 s). */
  timeoutMs: number
  /**
   * `?submodules=`. kustomize clones submodules by default; strata only when the URL asks for them
   * (`?submodules=true`), because a submodule URL is chosen by the repository, not by the user.
   */
  submodules: boolean
}

export const defaultGitTimeoutMs = 27_000

const fileScheme = 'file://'
const httpScheme = 'http://'
const httpsScheme = 'https://'
const sshScheme = 'ssh://'
const gitRootDelimiter = '_git/'
const gitSuffix = '.git'

/**
 * Why an entry is not a git URL; the wording is kustomize's. Every local `resources:` entry is
 * asked whether it is a git URL and answers with this error, so it records no stack: capturing
 * one cost a large render more than the rest of the question.
 */
export class NotGitUrlError extends Error {
  constructor(message: string) {
    const limit = Error.stackTraceLimit
    Error.stackTraceLimit = 0
    super(message)
    Error.stackTraceLimit = limit
  }
}

/** A `resources:` entry kustomize fetches over HTTP(S) before trying it as a repository. */
export function isRemoteFileUrl(entry: string): boolean {
  return /^https?:\/\//i.test(entry) && urlParses(entry)
}

function urlParses(entry: string): boolean {
  try {
    new URL(entry)
    return true
  } catch {
    return false
  }
}

/** The git remote an entry names, or undefined when kustomize would treat it as a local path. */
export function tryParseGitUrl(entry: string): GitRemote | undefined {
  // Every scheme has a ':', a user an '@', and the scheme-less form starts with github.com: a
  // relative path (most entries of a tree) is answered without building the error below.
  if (!entry.includes(':') && !entry.includes('@') && !/^github\.com\//i.test(entry)) return undefined
  try {
    return parseGitUrl(entry)
  } catch (e) {
    if (e instanceof NotGitUrlError) return undefined
    throw e
  }
}

/** kustomize's NewRepoSpecFromURL; throws NotGitUrlError (with kustomize's reason) for anything else. */
export function parseGitUrl(entry: string): GitRemote {
  if (entry.startsWith('/')) throw new NotGitUrlError(`uri looks like abs path: ${entry}`)
  const q = entry.indexOf('?')
  const beforeQuery = q >= 0 ? entry.slice(0, q) : entry
  const query = parseQuery(q >= 0 ? entry.slice(q + 1) : '')
  const {host, rest} = extractHost(beforeQuery)
  const {repoPath, subdir} = parsePathParts(rest, host.startsWith(fileScheme) ? 'all' : 2)
  return {raw: entry, host, repoPath, cloneUrl: host + repoPath, subdir, ...query}
}

function parsePathParts(n: string, defaultSegments: 'all' | number): {repoPath: string; subdir: string} {
  const split = explicitMarkerSplit(n) ?? defaultLengthSplit(n, defaultSegments)
  if (!split || split[0].length === 0) throw new NotGitUrlError('failed to parse repo path segment')
  const [repoPath, root] = split
  if (pathExitsRepo(root)) throw new NotGitUrlError(`url path exits repo: ${n}`)
  return {repoPath, subdir: root.startsWith('/') ? root.slice(1) : root}
}

function explicitMarkerSplit(n: string): [string, string] | undefined {
  // Azure DevOps: the repository is the path element right after `_git/`.
  const gitRoot = n.indexOf(gitRootDelimiter)
  if (gitRoot >= 0) {
    const segments = n.slice(gitRoot + gitRootDelimiter.length).split('/')
    return [n.slice(0, gitRoot + gitRootDelimiter.length) + segments[0], segments.slice(1).join('/')]
  }
  // `//` separates the repository from the kustomization root; it is not a path element.
  const doubleSlash = n.indexOf('//')
  if (doubleSlash >= 0) return [n.slice(0, doubleSlash), n.slice(doubleSlash + 2)]
  const suffix = n.indexOf(gitSuffix)
  if (suffix >= 0) return [n.slice(0, suffix + gitSuffix.length), n.slice(suffix + gitSuffix.length)]
  return undefined
}

function defaultLengthSplit(n: string, segments: 'all' | number): [string, string] | undefined {
  if (segments === 'all') return [n, '']
  const parts = n.split('/')
  if (parts.length < segments) return undefined
  return [parts.slice(0, segments).join('/'), parts.slice(segments).join('/')]
}

function pathExitsRepo(root: string): boolean {
  const first = cleanPath(root.startsWith('/') ? root.slice(1) : root).split('/')[0]
  return first === '..'
}

/** Go's filepath.Clean for relative POSIX paths (enough to see whether a path climbs out). */
function cleanPath(p: string): string {
  const out: string[] = []
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue
    if (part === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop()
    else out.push(part)
  }
  return out.join('/') || '.'
}

function extractHost(input: string): {host: string; rest: string} {
  let n = trimPrefixIgnoreCase(input, 'git::') ?? input
  let scheme = ''
  for (const prefix of [sshScheme, httpsScheme, httpScheme, fileScheme]) {
    const rest = trimPrefixIgnoreCase(n, prefix)
    if (rest !== undefined) {
      scheme = prefix
      n = rest
      break
    }
  }
  let username = ''
  const user = /^([a-zA-Z][a-zA-Z0-9-]*)@/.exec(n)
  if (user) {
    username = `${user[1]}@`
    n = n.slice(username.length)
  }
  const lower = n.toLowerCase()
  const stdGithub = lower.startsWith('github.com/') || lower.startsWith('github.com:')
  const acceptScp = scheme === '' && (username !== '' || stdGithub)
  if (scheme === '' && !acceptScp) throw new NotGitUrlError('failed to parse scheme')
  // A file URL names an absolute path; what looked like a user is part of it.
  if (scheme === fileScheme) return {host: scheme, rest: username + n}
  let host = n
  let rest = ''
  const sep = findPathSeparator(n, acceptScp)
  if (sep >= 0) {
    host = n.slice(0, sep + 1)
    rest = n.slice(sep + 1)
  }
  if (stdGithub) {
    // GitHub URLs are normalized: ssh (or any user) becomes scp style, the rest https.
    if (scheme.startsWith(sshScheme) || username !== '') {
      scheme = ''
      host = 'github.com:'
    } else {
      scheme = httpsScheme
      username = ''
      host = 'github.com/'
    }
  }
  if (host === '') throw new NotGitUrlError('failed to parse host segment')
  return {host: scheme + username + host, rest}
}

function findPathSeparator(hostPath: string, acceptScp: boolean): number {
  let sep = hostPath.indexOf('/')
  if (acceptScp) {
    // In scp syntax the colon delimits the path only when no '/' comes before it.
    const colon = hostPath.indexOf(':')
    if (sep === -1 || (colon > 0 && colon < sep)) sep = colon
  }
  return sep
}

function trimPrefixIgnoreCase(s: string, prefix: string): string | undefined {
  return s.length >= prefix.length && s.slice(0, prefix.length).toLowerCase() === prefix ? s.slice(prefix.length) : undefined
}

/** kustomize's parseQuery: a malformed query or value falls back to the defaults, as Go's does. */
export function parseQuery(query: string): {ref: string; timeoutMs: number; submodules: boolean} {
  const defaults = {ref: '', timeoutMs: defaultGitTimeoutMs, submodules: false}
  const values = goParseQuery(query)
  if (!values) return defaults
  const ref = values.get('ref') || values.get('version') || ''
  let timeoutMs = defaultGitTimeoutMs
  const timeout = values.get('timeout') ?? ''
  if (timeout !== '') {
    const seconds = /^[+-]?\d+$/.test(timeout) ? Number(timeout) : NaN
    if (Number.isSafeInteger(seconds) && seconds > 0) timeoutMs = seconds * 1000
    else {
      const d = parseGoDurationMs(timeout)
      if (d !== undefined && d > 0) timeoutMs = d
    }
  }
  const submodules = parseGoBool(values.get('submodules') ?? '') === true
  return {ref, timeoutMs, submodules}
}

/** Go's url.ParseQuery: the first value of each key, or undefined when any pair is malformed. */
function goParseQuery(query: string): Map<string, string> | undefined {
  const values = new Map<string, string>()
  for (const pair of query.split('&')) {
    if (pair === '') continue
    if (pair.includes(';')) return undefined
    const eq = pair.indexOf('=')
    const key = unescapeQuery(eq >= 0 ? pair.slice(0, eq) : pair)
    const value = unescapeQuery(eq >= 0 ? pair.slice(eq + 1) : '')
    if (key === undefined || value === undefined) return undefined
    if (!values.has(key)) values.set(key, value)
  }
  return values
}

function unescapeQuery(s: string): string | undefined {
  if (/%(?![0-9a-fA-F]{2})/.test(s)) return undefined
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '))
  } catch {
    return undefined
  }
}

function parseGoBool(s: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false
  return undefined
}

const durationUnitsMs: Record<string, number> = {ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000}

/** Go's time.ParseDuration ("1m30s", "1.5h", "250ms"), in milliseconds. */
function parseGoDurationMs(s: string): number | undefined {
  let rest = s
  let sign = 1
  if (rest.startsWith('-') || rest.startsWith('+')) {
    if (rest[0] === '-') sign = -1
    rest = rest.slice(1)
  }
  if (rest === '0') return 0
  if (rest === '') return undefined
  let total = 0
  const part = /^(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/
  while (rest !== '') {
    const m = part.exec(rest)
    if (!m) return undefined
    total += Number(m[1]) * durationUnitsMs[m[2]]
    rest = rest.slice(m[0].length)
  }
  return sign * total
}
