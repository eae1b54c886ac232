// The apps of `strata watch`: from --config (several) or from the app flags (one), with the
// command-line switches that apply to every app of a config file.
import * as fs from 'node:fs'
import {UserError} from '../model/errors.js'
import {appFromFlags, parseWatchConfig, type WatchedApp} from '../reconcile/app-config.js'
import {localRepoUrl} from '../source/local-repo.js'

export interface WatchAppFlags {
  config?: string
  repo?: string
  ref?: string
  path: string
  name?: string
  namespace?: string
  interval?: string
  'drift-interval'?: string
  'self-heal': boolean
}

export function watchAppsFrom(flags: WatchAppFlags, readFile: (file: string) => string = (f) => fs.readFileSync(f, 'utf8')): WatchedApp[] {
  if (flags.config !== undefined) {
    for (const f of ['repo', 'ref', 'name', 'namespace'] as const) {
      if (flags[f] !== undefined) throw new UserError(`--${f} cannot be combined with --config`, {field: `--${f}`}, 'Set it per app in the config file.')
    }
    let text: string
    try {
      text = readFile(flags.config)
    } catch (err) {
      throw new UserError(`cannot read the config file (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`, {file: flags.config}, 'Point --config at a strata.yaml listing the apps to watch.')
    }
    const config = parseWatchConfig(text, flags.config)
    // --no-self-heal is a safety switch for every app; --interval/--drift-interval override the file's.
    const over = overrides(flags)
    return config.apps.map((app) => ({...app, selfHeal: app.selfHeal && flags['self-heal'], ...over}))
  }
  if (flags.repo === undefined) throw new UserError('nothing to watch', {field: '--repo'}, 'Pass --repo URL --ref REF --path DIR --name APP, or --config strata.yaml.')
  return [appFromFlags({name: flags.name, repo: localRepoUrl(flags.repo), ref: flags.ref, path: flags.path, interval: flags.interval, driftInterval: flags['drift-interval'], namespace: flags.namespace, selfHeal: flags['self-heal']})]
}

/** --interval / --drift-interval validated by the flag form's rules. */
function overrides(flags: WatchAppFlags): Partial<WatchedApp> {
  if (flags.interval === undefined && flags['drift-interval'] === undefined) return {}
  const probe = appFromFlags({name: 'probe', repo: 'file:///probe', interval: flags.interval, driftInterval: flags['drift-interval']})
  return {...(flags.interval !== undefined && {intervalMs: probe.intervalMs}), ...(flags['drift-interval'] !== undefined && {driftIntervalMs: probe.driftIntervalMs})}
}

/** `--self-heal=false|true` and `--drift-watch=false|true` as oclif's boolean flags spell them (they take no value). */
export function normalizeSelfHealArgv(argv: readonly string[]): string[] {
  return argv.map((a) => {
    const m = /^--(self-heal|drift-watch)=(true|false)$/.exec(a)
    return m ? (m[2] === 'false' ? `--no-${m[1]}` : `--${m[1]}`) : a
  })
}
