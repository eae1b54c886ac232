// The common kubeconfig, read without @kubernetes/client-node: one file, static credentials
// (client certificate, bearer token or token file, basic auth), no proxy. Loading client-node
// costs ~0.8 s of module loading per run — most of a CLI diff of a few hundred objects — so that
// is kept for what it is needed for: exec plugins, auth providers, proxies, merged KUBECONFIG
// lists. Anything this reader does not fully understand returns undefined and goes there.
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import yaml from 'js-yaml'
import {UserError} from '../model/errors.js'

export interface StaticCredentials {
  server: string
  /** The context in use and its namespace (`default` when it names none). */
  context: string
  namespace: string
  ca?: Buffer
  cert?: Buffer
  key?: Buffer
  token?: string
  basic?: {username: string; password: string}
  insecure: boolean
  servername?: string
}

type Dict = Record<string, unknown>

const dict = (v: unknown): Dict | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Dict) : undefined)
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined)

/** The single file kubectl would read: --kubeconfig, else a one-entry $KUBECONFIG, else ~/.kube/config. */
export function kubeconfigPath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (flag) return flag
  const list = env.KUBECONFIG?.split(path.delimiter).filter(Boolean) ?? []
  if (list.length > 1) return undefined
  return list[0] ?? path.join(os.homedir(), '.kube', 'config')
}

/**
 * Credentials from `file` for `context` (or its current-context), or undefined when the file
 * needs client-node (exec, auth-provider, proxy-url, fields it does not know). Throws UserError
 * for a context that is not in the file.
 */
export function readStaticKubeconfig(file: string, context?: string): StaticCredentials | undefined {
  let doc: Dict | undefined
  try {
    doc = dict(yaml.load(fs.readFileSync(file, 'utf8')))
  } catch {
    return undefined
  }
  if (!doc) return undefined
  const named = (list: unknown, name: string | undefined, field: string): Dict | undefined => {
    if (!name || !Array.isArray(list)) return undefined
    const entry = list.map(dict).find((e) => e?.name === name)
    return dict(entry?.[field])
  }
  const ctxName = context ?? str(doc['current-context'])
  const ctx = named(doc.contexts, ctxName, 'context')
  if (!ctx) {
    if (context !== undefined) {
      const known = Array.isArray(doc.contexts) ? doc.contexts.map((c) => str(dict(c)?.name)).filter(Boolean) : []
      throw new UserError(`context '${context}' is not in the kubeconfig`, {file}, known.length ? `Known contexts: ${known.join(', ')}.` : 'The kubeconfig has no contexts.')
    }
    return undefined
  }
  const cluster = named(doc.clusters, str(ctx.cluster), 'cluster')
  const user = named(doc.users, str(ctx.user), 'user') ?? {}
  const server = str(cluster?.server)
  if (!cluster || !server || !server.startsWith('https://')) return undefined
  const knownCluster = new Set(['server', 'certificate-authority', 'certificate-authority-data', 'insecure-skip-tls-verify', 'tls-server-name', 'extensions'])
  const knownUser = new Set(['client-certificate', 'client-certificate-data', 'client-key', 'client-key-data', 'token', 'tokenFile', 'username', 'password', 'extensions'])
  if (Object.keys(cluster).some((k) => !knownCluster.has(k)) || Object.keys(user).some((k) => !knownUser.has(k))) return undefined
  // Relative paths in a kubeconfig are relative to the file, as kubectl resolves them.
  const dir = path.dirname(path.resolve(file))
  const bytes = (data: unknown, ref: unknown): Buffer | undefined => {
    const d = str(data)
    if (d) return Buffer.from(d, 'base64')
    const f = str(ref)
    return f ? fs.readFileSync(path.resolve(dir, f)) : undefined
  }
  try {
    const tokenFile = str(user.tokenFile)
    const username = str(user.username)
    return {
      server,
      context: ctxName!,
      namespace: str(ctx.namespace) ?? 'default',
      ca: bytes(cluster['certificate-authority-data'], cluster['certificate-authority']),
      cert: bytes(user['client-certificate-data'], user['client-certificate']),
      key: bytes(user['client-key-data'], user['client-key']),
      token: str(user.token) ?? (tokenFile ? fs.readFileSync(path.resolve(dir, tokenFile), 'utf8').trim() : undefined),
      basic: username ? {username, password: String(user.password ?? '')} : undefined,
      insecure: cluster['insecure-skip-tls-verify'] === true,
      servername: str(cluster['tls-server-name']),
    }
  } catch {
    // A referenced file that cannot be read: client-node reports it in its words.
    return undefined
  }
}
