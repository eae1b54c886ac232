// Reading the kubeconfig kubectl would read (files found and merged by kubeconfig-merge.ts), and
// the common case of it without @kubernetes/client-node: static credentials (client certificate,
// bearer token or token file, basic auth), no proxy. Loading client-node costs ~0.8 s of module
// loading per run — most of a CLI diff of a few hundred objects — so it is kept for what it is
// needed for: exec plugins, auth providers, proxies, in-cluster service accounts. Both paths start
// from the same merged selection, so they cannot disagree about which cluster.
import * as fs from 'node:fs'
import * as os from 'node:os'
import yaml from 'js-yaml'
import {UserError} from '../model/errors.js'
import {dict, kubeconfigSearch, mergeKubeconfigs, selectContext, str, type Dict, type KubeconfigSelection} from './kubeconfig-merge.js'

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

/** Where a pod's service account is mounted; client-go's in-cluster config reads the same files. */
const serviceAccountDir = '/var/run/secrets/kubernetes.io/serviceaccount'

/** No kubeconfig file, but running in a pod: the service account, as kubectl does there. */
export const inCluster = 'in-cluster' as const

/**
 * The context strata talks through, chosen as kubectl chooses it (see kubeconfig-merge.ts), or
 * `inCluster` when no kubeconfig file exists and the process runs in a pod. Missing files of a
 * $KUBECONFIG list are skipped; a missing --kubeconfig, an unreadable file, and no kubeconfig at
 * all are UserErrors that say where strata looked and what to pass.
 */
export function loadKubeconfig(options: {kubeconfig?: string; context?: string}, env: NodeJS.ProcessEnv = process.env, home: string = os.homedir()): KubeconfigSelection | typeof inCluster {
  const search = kubeconfigSearch(options.kubeconfig, env, home)
  const docs: {file: string; doc: Dict}[] = []
  for (const file of search.files) {
    let text: string
    try {
      text = fs.readFileSync(file, 'utf8')
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code
      if (code === 'ENOENT' && search.from !== 'flag') continue
      if (code === 'ENOENT') throw new UserError(`kubeconfig file '${file}' does not exist`, {file}, 'Pass the path of a kubeconfig with --kubeconfig.')
      throw new UserError(`cannot read the kubeconfig (${code ?? (e as Error).message})`, {file}, 'Check the file and its permissions, or pass another one with --kubeconfig.')
    }
    let doc: unknown
    try {
      doc = yaml.load(text)
    } catch (e) {
      throw new UserError(`the kubeconfig is not valid YAML: ${(e as Error).message.split('\n')[0]}`, {file}, 'Fix the file (kubectl refuses it too), or leave it out of --kubeconfig / $KUBECONFIG.')
    }
    // An empty file is an empty kubeconfig, as for kubectl.
    if (doc === undefined || doc === null) continue
    if (!dict(doc)) throw new UserError('the kubeconfig is not a mapping', {file}, 'A kubeconfig is a YAML document with clusters, users and contexts (see `kubectl config view`).')
    docs.push({file, doc: doc as Dict})
  }
  const merged = mergeKubeconfigs(docs)
  if (merged.contexts.size === 0 && merged.clusters.size === 0 && !merged.currentContext) {
    if (options.context === undefined && inClusterPossible(env)) return inCluster
    throw noKubeconfig(search.files, search.from)
  }
  return selectContext(merged, options.context)
}

function inClusterPossible(env: NodeJS.ProcessEnv): boolean {
  return !!env.KUBERNETES_SERVICE_HOST && !!env.KUBERNETES_SERVICE_PORT && fs.existsSync(`${serviceAccountDir}/token`)
}

function noKubeconfig(files: string[], from: 'flag' | 'env' | 'home'): UserError {
  const where = from === 'env' ? `$KUBECONFIG (${files.join(', ') || 'no file named'})` : from === 'home' ? `${files[0]} ($KUBECONFIG is not set)` : files[0]
  return new UserError(
    `no kubeconfig found: strata looked in ${where} and found no cluster to talk to`,
    {},
    'Pass --kubeconfig FILE (and --context NAME), or set KUBECONFIG to the file(s) kubectl uses; `kubectl config view` shows what kubectl sees.',
  )
}

/**
 * Credentials of the selection for the direct path, or undefined when it needs client-node
 * (exec, auth-provider, proxy-url, plain http, fields this reader does not know, a referenced file
 * that cannot be read — client-node then reports it in its words).
 */
export function staticCredentials(sel: KubeconfigSelection): StaticCredentials | undefined {
  const cluster = sel.cluster.body
  const user = sel.user?.body ?? {}
  const server = str(cluster.server)
  if (!server || !server.startsWith('https://')) return undefined
  const knownCluster = new Set(['server', 'certificate-authority', 'certificate-authority-data', 'insecure-skip-tls-verify', 'tls-server-name', 'extensions'])
  const knownUser = new Set(['client-certificate', 'client-certificate-data', 'client-key', 'client-key-data', 'token', 'tokenFile', 'username', 'password', 'extensions'])
  if (Object.keys(cluster).some((k) => !knownCluster.has(k)) || Object.keys(user).some((k) => !knownUser.has(k))) return undefined
  // File references are absolute already: the merge resolved them against their own file.
  const bytes = (data: unknown, ref: unknown): Buffer | undefined => {
    const d = str(data)
    if (d) return Buffer.from(d, 'base64')
    const f = str(ref)
    return f ? fs.readFileSync(f) : undefined
  }
  try {
    const tokenFile = str(user.tokenFile)
    const username = str(user.username)
    return {
      server,
      context: sel.context.name,
      namespace: sel.namespace,
      ca: bytes(cluster['certificate-authority-data'], cluster['certificate-authority']),
      cert: bytes(user['client-certificate-data'], user['client-certificate']),
      key: bytes(user['client-key-data'], user['client-key']),
      token: str(user.token) ?? (tokenFile ? fs.readFileSync(tokenFile, 'utf8').trim() : undefined),
      basic: username ? {username, password: String(user.password ?? '')} : undefined,
      insecure: cluster['insecure-skip-tls-verify'] === true,
      servername: str(cluster['tls-server-name']),
    }
  } catch {
    return undefined
  }
}
