// Which cluster: kubectl's (client-go's ClientConfigLoadingRules) answer, as pure functions over
// parsed kubeconfig documents. strata must talk to the cluster `kubectl` would talk to with the
// same flags and environment — with `KUBECONFIG=~/.kube/prod:~/.kube/dev`, a different merge means
// a different cluster. client-node's own merge takes the LAST file's current-context and refuses
// names defined twice; client-go keeps the FIRST, so this module does what client-go does.
import * as path from 'node:path'
import {UserError} from '../model/errors.js'

export type Dict = Record<string, unknown>

export const dict = (v: unknown): Dict | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Dict) : undefined)
export const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined)

/** Where kubectl looks, in order: the files it reads and how they were chosen. */
export interface KubeconfigSearch {
  files: string[]
  /** `flag`: --kubeconfig (must exist); `env`: $KUBECONFIG entries; `home`: ~/.kube/config. */
  from: 'flag' | 'env' | 'home'
}

/**
 * --kubeconfig alone when given; else each $KUBECONFIG entry in order (empty entries dropped,
 * repeated ones read once); else ~/.kube/config. A $KUBECONFIG of only separators names no file
 * at all, as for kubectl (it does not fall back to the home file then).
 */
export function kubeconfigSearch(flag: string | undefined, env: NodeJS.ProcessEnv, home: string): KubeconfigSearch {
  if (flag) return {files: [flag], from: 'flag'}
  const list = env.KUBECONFIG ?? ''
  if (list !== '') return {files: [...new Set(list.split(path.delimiter).filter(Boolean))], from: 'env'}
  return {files: [path.join(home, '.kube', 'config')], from: 'home'}
}

/** One named entry of the merged kubeconfig and the file that defined it. */
export interface KubeconfigEntry {
  name: string
  body: Dict
  file: string
}

export interface MergedKubeconfig {
  /** The files that were read, in order (missing ones left out). */
  files: string[]
  currentContext?: string
  contexts: Map<string, KubeconfigEntry>
  clusters: Map<string, KubeconfigEntry>
  users: Map<string, KubeconfigEntry>
}

const sections = [
  ['clusters', 'cluster'],
  ['users', 'user'],
  ['contexts', 'context'],
] as const

/**
 * The entries of one parsed file, checked as client-go checks them: a name defined twice in one
 * file is an error there (while across files the first file simply wins).
 */
function entriesOf(file: string, doc: Dict, section: (typeof sections)[number]): KubeconfigEntry[] {
  const [list, field] = section
  const items = doc[list]
  if (items === undefined || items === null) return []
  if (!Array.isArray(items)) throw new UserError(`${list} is not a list`, {file, field: list}, 'Fix the kubeconfig (see `kubectl config view`).')
  const seen = new Set<string>()
  const out: KubeconfigEntry[] = []
  items.forEach((item, i) => {
    const name = str(dict(item)?.name)
    if (!name) throw new UserError(`${list}[${i}] has no name`, {file, field: `${list}[${i}].name`}, 'Give every entry a name, or remove it.')
    if (seen.has(name)) throw new UserError(`the name '${name}' is defined twice in ${list}`, {file, field: list}, 'kubectl refuses this file too: remove or rename one of the two entries.')
    seen.add(name)
    out.push({name, body: dict(dict(item)?.[field]) ?? {}, file})
  })
  return out
}

/** Relative file references in an entry, made absolute against the directory of `file`. */
function resolvePaths(section: 'clusters' | 'users' | 'contexts', body: Dict, file: string): Dict {
  const dir = path.dirname(path.resolve(file))
  const abs = (p: unknown): unknown => (typeof p === 'string' && p !== '' && !path.isAbsolute(p) ? path.join(dir, p) : p)
  if (section === 'clusters' && body['certificate-authority'] !== undefined) return {...body, 'certificate-authority': abs(body['certificate-authority'])}
  if (section !== 'users') return body
  const out: Dict = {...body}
  for (const k of ['client-certificate', 'client-key', 'tokenFile']) if (out[k] !== undefined) out[k] = abs(out[k])
  // An exec command with a slash is a path next to the kubeconfig; a bare name is looked up in PATH.
  const exec = dict(out.exec)
  if (exec && typeof exec.command === 'string' && exec.command.includes(path.sep)) out.exec = {...exec, command: abs(exec.command)}
  return out
}

/**
 * client-go's merge of the files in order: for clusters, users and contexts the first file that
 * defines a name wins the whole entry (nothing of a later file's entry of that name is kept); the
 * first non-empty current-context wins. Relative paths resolve against the file that defined the
 * entry. (Preferences and extensions merge the same way in kubectl but choose nothing here.)
 */
export function mergeKubeconfigs(docs: {file: string; doc: Dict}[]): MergedKubeconfig {
  const merged: MergedKubeconfig = {files: docs.map((d) => d.file), contexts: new Map(), clusters: new Map(), users: new Map()}
  for (const {file, doc} of docs) {
    merged.currentContext ??= str(doc['current-context'])
    for (const section of sections) {
      const target = merged[section[0]]
      for (const e of entriesOf(file, doc, section)) if (!target.has(e.name)) target.set(e.name, {...e, body: resolvePaths(section[0], e.body, file)})
    }
  }
  return merged
}

/** The context strata talks through, with its cluster and user entries. */
export interface KubeconfigSelection {
  context: KubeconfigEntry
  cluster: KubeconfigEntry
  /** Absent when the context names no user or one that no file defines: anonymous, as kubectl. */
  user?: KubeconfigEntry
  /** The context's namespace, `default` when it names none. */
  namespace: string
  /** The file(s) the context, cluster and user come from, for messages. */
  origin: string
}

/** Names the files searched, for "where did it look" messages. */
export function describeFiles(files: string[]): string {
  return files.join(path.delimiter)
}

/**
 * The context to use: `context` (--context) or the merged current-context, with its cluster and
 * user entries. Every way this can fail is a UserError that names the files and what to pass.
 */
export function selectContext(merged: MergedKubeconfig, context?: string): KubeconfigSelection {
  const files = describeFiles(merged.files)
  const known = [...merged.contexts.keys()]
  const knownHint = known.length ? `Known contexts: ${known.join(', ')}.` : 'The kubeconfig has no contexts.'
  const name = context ?? merged.currentContext
  if (!name) throw new UserError('the kubeconfig sets no current-context', {file: files}, `Pass --context NAME, or run \`kubectl config use-context NAME\`. ${knownHint}`)
  const ctx = merged.contexts.get(name)
  if (!ctx) {
    const how = context !== undefined ? `context '${name}'` : `the current-context '${name}'`
    throw new UserError(`${how} is not in the kubeconfig`, {file: files}, context !== undefined ? knownHint : `Pass --context NAME. ${knownHint}`)
  }
  const clusterName = str(ctx.body.cluster)
  const cluster = clusterName ? merged.clusters.get(clusterName) : undefined
  if (!cluster) {
    const what = clusterName ? `cluster '${clusterName}', which no kubeconfig file defines` : 'no cluster'
    throw new UserError(`context '${name}' names ${what}`, {file: ctx.file, field: `contexts[${name}].context.cluster`}, 'Pick another context with --context, or fix the kubeconfig.')
  }
  if (!str(cluster.body.server)) {
    throw new UserError(`cluster '${cluster.name}' has no server`, {file: cluster.file, field: `clusters[${cluster.name}].cluster.server`}, 'Set the API server address there, or pick another context with --context.')
  }
  const userName = str(ctx.body.user)
  const user = userName ? merged.users.get(userName) : undefined
  return {context: ctx, cluster, user, namespace: str(ctx.body.namespace) ?? 'default', origin: [...new Set([ctx.file, cluster.file, user?.file].filter((f): f is string => f !== undefined))].join(', ')}
}

/** A one-context kubeconfig document of the selection (paths already absolute), for client-node. */
export function minifiedKubeconfig(sel: KubeconfigSelection): Dict {
  const user = sel.user ?? {name: `${sel.context.name}-anonymous`, body: {}, file: sel.context.file}
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{name: sel.cluster.name, cluster: sel.cluster.body}],
    users: [{name: user.name, user: user.body}],
    contexts: [{name: sel.context.name, context: {...sel.context.body, user: user.name}}],
    'current-context': sel.context.name,
  }
}
