// Which watched apps a push webhook concerns. GitHub, Gitea/Gogs and GitLab push payloads name the
// repository by several URLs (https clone, ssh, web page) and the pushed ref in full
// (`refs/heads/main`, `refs/tags/v1`); an app matches when one of those URLs is its repo (compared
// as host + path, without credentials, port, `.git` or case) and the ref is the one it follows.
import {isObject, type JsonValue} from '../model/json.js'
import type {WatchedApp} from '../reconcile/app-config.js'

export interface PushInfo {
  repoUrls: string[]
  /** Full ref name, e.g. `refs/heads/main`; undefined when the payload has none. */
  ref?: string
  defaultBranch?: string
}

/** The repository URLs and ref of a push payload (GitHub, Gitea, Gogs, GitLab shapes). */
export function pushInfoOf(payload: JsonValue): PushInfo {
  if (!isObject(payload)) return {repoUrls: []}
  const urls: string[] = []
  const take = (o: JsonValue | undefined, keys: string[]): void => {
    if (!isObject(o)) return
    for (const k of keys) if (typeof o[k] === 'string' && o[k] !== '') urls.push(o[k] as string)
  }
  take(payload.repository, ['clone_url', 'ssh_url', 'git_url', 'html_url', 'url', 'git_http_url', 'git_ssh_url', 'homepage'])
  take(payload.project, ['git_http_url', 'git_ssh_url', 'web_url', 'http_url', 'ssh_url'])
  const branchOf = (o: JsonValue | undefined): string | undefined => (isObject(o) && typeof o.default_branch === 'string' ? o.default_branch : undefined)
  return {
    repoUrls: urls,
    ref: typeof payload.ref === 'string' ? payload.ref : undefined,
    defaultBranch: branchOf(payload.repository) ?? branchOf(payload.project),
  }
}

/** `host/path` in lower case, for comparing the many spellings of one repository. */
export function repoKey(url: string): string | undefined {
  let host: string
  let path: string
  const withScheme = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/([^/]*)(\/.*)?$/.exec(url)
  if (withScheme) {
    const authority = withScheme[1]
    host = authority.slice(authority.lastIndexOf('@') + 1).replace(/:\d*$/, '')
    path = withScheme[2] ?? ''
    if (url.toLowerCase().startsWith('file:')) host = 'file'
  } else {
    const scp = /^(?:[^@/:]+@)?([^@/:]+):(.*)$/.exec(url)
    if (!scp) return undefined
    host = scp[1]
    path = `/${scp[2]}`
  }
  path = path.replace(/\/+$/, '').replace(/\.git$/i, '').replace(/\/+/g, '/')
  if (!path.startsWith('/')) path = `/${path}`
  return `${host.toLowerCase()}${path.toLowerCase()}`
}

/** Whether a pushed full ref moves what `appRef` names. A commit SHA never moves. */
export function refMatches(appRef: string, pushedRef: string | undefined, defaultBranch: string | undefined): boolean {
  if (pushedRef === undefined) return true
  if (appRef === 'HEAD' || appRef === '') return defaultBranch !== undefined ? pushedRef === `refs/heads/${defaultBranch}` : true
  if (appRef.startsWith('refs/')) return pushedRef === appRef
  return pushedRef === `refs/heads/${appRef}` || pushedRef === `refs/tags/${appRef}`
}

/** Builds a matcher over the apps once (indexed by repo key) so each webhook is O(urls + matches). */
export function webhookMatcher(apps: readonly WatchedApp[]): (push: PushInfo) => string[] {
  const byRepo = new Map<string, WatchedApp[]>()
  for (const app of apps) {
    const key = repoKey(app.repo)
    if (!key) continue
    const list = byRepo.get(key)
    if (list) list.push(app)
    else byRepo.set(key, [app])
  }
  return (push) => {
    const names = new Set<string>()
    for (const url of push.repoUrls) {
      const key = repoKey(url)
      for (const app of (key && byRepo.get(key)) || []) if (refMatches(app.ref, push.ref, push.defaultBranch)) names.add(app.name)
    }
    return [...names]
  }
}
