// The apps `strata watch` follows (from `--config strata.yaml`: several; from flags: one) and the
// app `strata sync` reconciles once (from flags), with the same fields and the same rules.
// Everything is validated before the first reconcile so a typo fails the start, not the 3 a.m. tick:
// each error names the file, the app (index and name) and the field.
//
// strata.yaml:
//   defaults:            # optional, applies to every app that leaves the field out
//     interval: 30s
//     driftInterval: 5m
//     selfHeal: true
//   apps:
//     - name: web                 # DNS label; also names the ApplySet (`applyset-web`)
//       repo: https://git.example.com/org/deploy.git   # https, ssh, scp-style or file URL
//       ref: main                 # branch, tag or commit; default HEAD (the default branch)
//       path: overlays/prod       # kustomization directory inside the repo; default "."
//       interval: 30s             # how often the ref is polled
//       driftInterval: 5m         # how often live state is compared; "0" turns drift checks off
//       namespace: web            # optional: namespace of objects that name none (as kubectl apply -n) and of the inventory
//       selfHeal: true            # false: drift is reported, not corrected
import {posix} from 'node:path'
import {UserError} from '../model/errors.js'
import {isObject, type JsonObject} from '../model/json.js'
import {parseYamlDocument} from '../render/yaml/parse.js'
import {unsafeCloneUrl, unsafeRef} from '../source/git-safety.js'
import {parseDuration} from '../model/duration.js'

export interface WatchedApp {
  name: string
  repo: string
  ref: string
  /** Relative, normalized POSIX path inside the repo ("." for the root). */
  path: string
  intervalMs: number
  /** 0 when drift checks are off. */
  driftIntervalMs: number
  namespace?: string
  selfHeal: boolean
}

/** `ref` as the apps spell it ('HEAD': the remote's default branch) to GitCache's ('' for that). */
export const gitRefOf = (ref: string): string => (ref === 'HEAD' ? '' : ref)

export interface WatchConfig {
  apps: WatchedApp[]
}

export const defaultIntervalMs = 30_000
export const defaultDriftIntervalMs = 5 * 60_000
/** Below this, polling a remote is abuse rather than GitOps. */
export const minIntervalMs = 1_000

const appFields = new Set(['name', 'repo', 'ref', 'path', 'interval', 'driftInterval', 'namespace', 'selfHeal'])
const defaultFields = new Set(['interval', 'driftInterval', 'selfHeal'])
const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/

interface Where {
  /** The config file; none for flags (the field names the flag). */
  file?: string
  /** e.g. `apps[2]` or `--repo` */
  field: (name: string) => string
  /** e.g. `app "web" (apps[2])`, or empty for flags */
  subject: string
}

/** Parses and validates the text of strata.yaml. */
export function parseWatchConfig(text: string, file: string): WatchConfig {
  const doc = parseYamlDocument(text, file)
  if (!isObject(doc)) throw new UserError('expected a mapping with an `apps` list', {file}, 'Start the file with `apps:` and list the apps to watch.')
  for (const k of Object.keys(doc)) {
    if (k !== 'apps' && k !== 'defaults') throw new UserError(`unknown field "${k}"`, {file, field: k}, 'Only `apps` and `defaults` are allowed at the top level.')
  }
  const defaults = doc.defaults === undefined ? {} : doc.defaults
  if (!isObject(defaults)) throw new UserError('`defaults` must be a mapping', {file, field: 'defaults'})
  for (const k of Object.keys(defaults)) {
    if (!defaultFields.has(k)) throw new UserError(`unknown field "${k}"`, {file, field: `defaults.${k}`}, `Allowed in defaults: ${[...defaultFields].join(', ')}.`)
  }
  if (!Array.isArray(doc.apps) || doc.apps.length === 0) {
    throw new UserError('`apps` must be a non-empty list', {file, field: 'apps'}, 'Add one entry per app: {name, repo, ref, path, interval}.')
  }
  const apps: WatchedApp[] = []
  const seen = new Map<string, number>()
  doc.apps.forEach((entry, i) => {
    const at = `apps[${i}]`
    if (!isObject(entry)) throw new UserError('each app must be a mapping', {file, field: at})
    const name = typeof entry.name === 'string' ? entry.name : undefined
    const where: Where = {file, field: (f) => `${at}.${f}`, subject: name ? `app "${name}" (${at}): ` : `${at}: `}
    for (const k of Object.keys(entry)) {
      if (!appFields.has(k)) throw new UserError(`${where.subject}unknown field "${k}"`, {file, field: where.field(k)}, `Allowed: ${[...appFields].join(', ')}.`)
    }
    const app = validateApp({...defaults, ...entry}, where)
    const first = seen.get(app.name)
    if (first !== undefined) {
      throw new UserError(`${where.subject}the name "${app.name}" is already used by apps[${first}]`, {file, field: where.field('name')}, 'App names must be unique: each owns its own ApplySet.')
    }
    seen.set(app.name, i)
    apps.push(app)
  })
  return {apps}
}

export interface AppFlags {
  name?: string
  repo?: string
  ref?: string
  path?: string
  interval?: string
  driftInterval?: string
  namespace?: string
  selfHeal?: boolean
}

/** The single app of `strata watch|sync --repo … --ref … --path … --name …`. */
export function appFromFlags(flags: AppFlags): WatchedApp {
  const flagName: Record<string, string> = {driftInterval: '--drift-interval', selfHeal: '--self-heal'}
  const where: Where = {field: (f) => flagName[f] ?? `--${f}`, subject: ''}
  const entry: JsonObject = {}
  for (const [k, v] of Object.entries(flags)) if (v !== undefined) entry[k] = v
  return validateApp(entry, where)
}

function validateApp(entry: JsonObject, where: Where): WatchedApp {
  const fail = (field: string, message: string, hint?: string): never => {
    // A config file's entry is named by the error's file and field; a flag's is not printed as a
    // prefix (errors.ts), so the sentence names it.
    const flag = where.file === undefined && !message.includes(where.field(field)) ? `${where.field(field)}: ` : ''
    throw new UserError(`${where.subject}${flag}${message}`, {file: where.file, field: where.field(field)}, hint)
  }
  const str = (field: string, required: boolean): string | undefined => {
    const v = entry[field]
    if (v === undefined || v === null) return required ? fail(field, `${where.field(field)} is required`) : undefined
    if (typeof v !== 'string' || v === '') return fail(field, `${where.field(field)} must be a non-empty string`)
    return v
  }

  const name = str('name', true)!
  if (name.length > 53 || !dnsLabel.test(name)) {
    fail('name', `the name "${name}" is not a lowercase DNS label of at most 53 characters`, 'Use lowercase letters, digits and "-" (it names the ApplySet Secret applyset-<name>).')
  }
  const repo = str('repo', true)!
  const badRepo = unsafeCloneUrl(repo)
  if (badRepo) fail('repo', `the repository URL is refused: ${badRepo}`, 'Use an https, ssh, scp-style (git@host:org/repo) or file URL.')
  const ref = str('ref', false) ?? 'HEAD'
  const badRef = unsafeRef(ref)
  if (badRef) fail('ref', `the ref "${ref}" is refused: ${badRef}`, 'Name a branch, a tag or a commit SHA.')
  const rawPath = str('path', false) ?? '.'
  if (rawPath.includes('\\') || rawPath.includes('\0')) fail('path', `the path "${rawPath}" must use "/" separators`)
  if (posix.isAbsolute(rawPath)) fail('path', `the path "${rawPath}" is absolute`, 'Give the kustomization directory relative to the repository root.')
  const path = posix.normalize(rawPath).replace(/\/$/, '') || '.'
  if (path === '..' || path.startsWith('../')) fail('path', `the path "${rawPath}" leaves the repository`, 'Remove the ".." components.')

  const duration = (field: string, fallback: number, allowZero: boolean): number => {
    const v = entry[field]
    if (v === undefined || v === null) return fallback
    const ms = typeof v === 'string' || typeof v === 'number' ? parseDuration(v) : undefined
    if (ms === undefined) return fail(field, `${where.field(field)}: "${String(v)}" is not a duration`, 'Write e.g. 30s, 5m, 1h30m, or a number of seconds.')
    if (ms === 0 && allowZero) return 0
    if (ms < minIntervalMs) return fail(field, `${where.field(field)}: ${String(v)} is shorter than 1s`, allowZero ? 'Use at least 1s, or 0 to turn drift checks off.' : 'Use at least 1s.')
    return ms
  }
  const intervalMs = duration('interval', defaultIntervalMs, false)
  const driftIntervalMs = duration('driftInterval', defaultDriftIntervalMs, true)

  const namespace = str('namespace', false)
  if (namespace !== undefined && (namespace.length > 63 || !dnsLabel.test(namespace))) fail('namespace', `the namespace "${namespace}" is not a valid namespace name`)
  const selfHeal = entry.selfHeal ?? true
  if (typeof selfHeal !== 'boolean') fail('selfHeal', `${where.field('selfHeal')} must be true or false`)

  const app: WatchedApp = {name, repo, ref, path, intervalMs, driftIntervalMs, selfHeal: selfHeal as boolean}
  if (namespace !== undefined) app.namespace = namespace
  return app
}

