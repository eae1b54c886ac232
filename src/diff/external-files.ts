// `kubectl diff` hands the user's diff program two directories, LIVE and MERGED, with one YAML file
// per object, named group.version.kind.namespace.name (no group for the core API, an empty namespace
// for cluster-scoped objects). strata writes the same layout from its report, whose sides are
// already normalized and Secret-masked, so a tool set up for kubectl reads strata's output as is.
import {emitYaml} from '../render/yaml/emit.js'
import type {DiffId, DiffReport} from './types.js'

export interface ExternalDiffFile {
  name: string
  /** The live object; absent for an object the apply would create. */
  live?: string
  /** The object after the apply; absent for a deletion. */
  merged?: string
}

/** kubectl's InfoObject.Name(): `apps.v1.Deployment.shop.web`, `v1.Namespace..shop`. */
export function externalDiffFileName(id: DiffId): string {
  return `${id.group ? `${id.group}.` : ''}${id.version}.${id.kind}.${id.namespace}.${id.name}`
}

/** One entry per object that changes; unchanged objects and comparison errors have nothing to show. */
export function externalDiffFiles(report: DiffReport): ExternalDiffFile[] {
  const files: ExternalDiffFile[] = []
  for (const r of report.resources) {
    if (r.action !== 'add' && r.action !== 'change' && r.action !== 'delete') continue
    files.push({name: externalDiffFileName(r.id), ...(r.before && {live: emitYaml(r.before)}), ...(r.after && {merged: emitYaml(r.after)})})
  }
  return files
}

export interface ExternalDiffCommand {
  /** The variable it came from, for messages. */
  variable: 'STRATA_EXTERNAL_DIFF' | 'KUBECTL_EXTERNAL_DIFF'
  program: string
  /** Extra arguments, passed after the two directories as kubectl passes them. */
  args: string[]
  /** Words kubectl would drop (anything but letters, digits, `-` and `=`): dropped here too, and said. */
  dropped: string[]
}

/**
 * STRATA_EXTERNAL_DIFF, else KUBECTL_EXTERNAL_DIFF; split on spaces as kubectl does. Set and empty,
 * STRATA_EXTERNAL_DIFF asks for the built-in diff even when KUBECTL_EXTERNAL_DIFF is set.
 */
export function externalDiffCommand(env: NodeJS.ProcessEnv): ExternalDiffCommand | undefined {
  const variable = env.STRATA_EXTERNAL_DIFF !== undefined ? 'STRATA_EXTERNAL_DIFF' : env.KUBECTL_EXTERNAL_DIFF ? 'KUBECTL_EXTERNAL_DIFF' : undefined
  const value = variable && env[variable]
  if (!variable || !value || value.trim() === '') return undefined
  const [program, ...rest] = value.split(' ').filter((w) => w !== '')
  // kubectl's own filter: the value comes from the environment, never through a shell.
  const safe = (w: string) => /^[a-zA-Z0-9=-]+$/.test(w)
  return {variable, program, args: rest.filter(safe), dropped: rest.filter((w) => !safe(w))}
}
