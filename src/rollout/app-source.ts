// Which source an app was last applied from, recorded on its ApplySet parent, so that two trees
// that happen to share an app name (two teams' `overlays/prod`, both named `prod` by default)
// cannot take each other's inventory over and prune each other's objects. kapp, Argo CD, Flux and
// kubectl's ApplySet make the user name the set; strata keeps the default name for the common
// case of one tree per app, and refuses, before any change, an apply whose source differs from
// the recorded one unless told to adopt the app. Pure: the caller reads the parent and the tree.
import * as path from 'node:path'
import {UserError} from '../model/errors.js'
import {redactUrls} from '../source/git-safety.js'

export const sourceAnnotation = 'strata.dev/source'
// Written by `strata sync`/`watch` before the source annotation existed: read as a recorded source.
const syncRepoAnnotation = 'strata.dev/source-repo'
const syncPathAnnotation = 'strata.dev/source-path'

/**
 * Where a render came from. `repo` + `path`: a git repository (credentials redacted) and the
 * directory inside it — what sync and watch know, and what an apply from a clone knows when the
 * clone has a remote. `root`: the absolute directory rendered (apply only; a sync's checkout is a
 * cache path that says nothing).
 */
export interface AppSource {
  repo?: string
  path?: string
  root?: string
}

/** The annotation's value: compact JSON, keys in a fixed order, credentials never included. */
export function encodeSource(source: AppSource): string {
  const out: AppSource = {}
  if (source.repo !== undefined) out.repo = redactUrls(source.repo)
  if (source.path !== undefined) out.path = normalizePath(source.path)
  if (source.root !== undefined) out.root = source.root
  return JSON.stringify(out)
}

/** The source recorded on a parent's annotations; `undefined` when none is; `{unreadable}` when edited into nonsense. */
export function recordedSource(annotations: Record<string, string>): AppSource | {unreadable: string} | undefined {
  const raw = annotations[sourceAnnotation]
  if (raw === undefined || raw === '') {
    const repo = annotations[syncRepoAnnotation]
    return repo ? {repo, path: normalizePath(annotations[syncPathAnnotation] ?? '.')} : undefined
  }
  try {
    const v = JSON.parse(raw) as unknown
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      const o = v as Record<string, unknown>
      const s: AppSource = {}
      if (typeof o.repo === 'string' && o.repo) s.repo = o.repo
      if (typeof o.path === 'string') s.path = normalizePath(o.path)
      if (typeof o.root === 'string' && o.root) s.root = o.root
      if (s.repo || s.root) return s
    }
  } catch {
    // fall through: not JSON
  }
  return {unreadable: raw}
}

function normalizePath(p: string): string {
  const parts = p.replace(/\\/g, '/').split('/').filter((x) => x !== '' && x !== '.')
  return parts.length === 0 ? '.' : parts.join('/')
}

/**
 * One repository however it is spelled: `git@host:org/repo.git`, `ssh://git@host:22/org/repo`,
 * `https://token@host/org/repo/` are all `host/org/repo`; `file:///srv/x.git` and `/srv/x` are `/srv/x`.
 */
export function repoIdentity(url: string): string {
  let u = url.trim()
  let host = ''
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/]*)(.*)$/.exec(u)
  if (scheme) {
    if (scheme[1].toLowerCase() === 'file') u = scheme[3] || '/'
    else {
      const authority = scheme[2]
      host = authority.slice(authority.lastIndexOf('@') + 1).replace(/:\d*$/, '').toLowerCase()
      u = scheme[3]
    }
  } else {
    const scp = /^(?:[^@/:]+@)?([^@/:]+):(.*)$/.exec(u)
    if (scp && !/^[a-zA-Z]$/.test(scp[1])) {
      host = scp[1].toLowerCase()
      u = `/${scp[2]}`
    }
  }
  u = u.replace(/\/+$/, '').replace(/\.git$/, '').replace(/\/+$/, '')
  return host ? `${host}/${u.replace(/^\/+/, '')}` : u
}

/** The source of `sync`/`watch`: the repository as given (a local path made absolute) and the path in it. */
export function repoSource(repo: string, repoPath: string, cwd: string = process.cwd()): AppSource {
  const remote = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(repo) || /^(?:[^@/:]+@)?[^@/:]{2,}:/.test(repo)
  return {repo: remote ? repo : path.resolve(cwd, repo), path: normalizePath(repoPath)}
}

/** Same repository and path when both know them; else the same directory. */
export function sameSource(a: AppSource, b: AppSource): boolean {
  if (a.repo && b.repo) return repoIdentity(a.repo) === repoIdentity(b.repo) && normalizePath(a.path ?? '.') === normalizePath(b.path ?? '.')
  if (a.root && b.root) return a.root === b.root
  return false
}

/** `repository URL, path P (directory D)` or `directory D`, for messages. */
export function describeSource(s: AppSource | {unreadable: string}): string {
  if ('unreadable' in s) return `an unreadable ${sourceAnnotation} annotation (${JSON.stringify(s.unreadable)})`
  const parts: string[] = []
  if (s.repo) parts.push(`repository ${redactUrls(s.repo)}, path ${normalizePath(s.path ?? '.')}`)
  if (s.root) parts.push(s.repo ? `(directory ${s.root})` : `directory ${s.root}`)
  return parts.join(' ')
}

export type Ownership =
  /** No inventory yet: this apply creates it. */
  | {verdict: 'new'}
  /** Last applied from this source. */
  | {verdict: 'same'}
  /** An inventory that records no source (an older strata, kubectl): taken as this app's, and recorded from now on. */
  | {verdict: 'unrecorded'}
  /** Another source, taken over on purpose (--adopt). */
  | {verdict: 'adopted'; previous: string}

export interface OwnershipInput {
  app: string
  /** The parent Secret, for messages: `NAMESPACE/applyset-APP`. */
  parent: string
  /** Whether the parent exists, and its annotations. */
  found: boolean
  annotations: Record<string, string>
  current: AppSource
  adopt: boolean
  /** True when the app name is the directory's name (no --name): the message says so. */
  defaultName: boolean
  /** Members of the inventory, and how many of them this apply would prune. */
  members: number
  pruned: number
}

/** May this apply take the app's inventory? Throws a UserError (changes nothing) when it may not. */
export function checkOwnership(input: OwnershipInput): Ownership {
  if (!input.found) return {verdict: 'new'}
  const recorded = recordedSource(input.annotations)
  if (recorded === undefined) return {verdict: 'unrecorded'}
  if (!('unreadable' in recorded) && sameSource(recorded, input.current)) return {verdict: 'same'}
  const previous = describeSource(recorded)
  if (input.adopt) return {verdict: 'adopted', previous}
  const named = input.defaultName ? ` (the name comes from the directory's name; no --name was given)` : ''
  throw new UserError(
    `refusing to apply app '${input.app}'${named}: its inventory (Secret ${input.parent}) was last applied from ${previous}, and this apply comes from ${describeSource(input.current)}. ` +
      `Two sources under one app name would take each other's objects over: this apply would adopt its ${input.members} object${input.members === 1 ? '' : 's'} and prune the ${input.pruned} this render lacks.`,
    {field: '--name'},
    `Nothing was changed. If this is another app, give it its own name with --name OTHER. If this source now owns the app (the directory moved, the repository URL changed), pass --adopt to take it over.`,
  )
}
