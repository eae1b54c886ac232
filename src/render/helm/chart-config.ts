// The `helmCharts`, `helmGlobals` and deprecated `helmChartInflationGenerator` fields of a
// kustomization, read as kustomize v5.5 reads them (types.HelmChart, HelmGlobals, and
// FixKustomization's SplitHelmParameters for the old field). Pure.
import {UserError} from '../../model/errors.js'
import {isObject, type JsonObject, type JsonValue} from '../../model/json.js'

export const defaultChartHome = 'charts'
export const valuesMergeModes = ['merge', 'override', 'replace'] as const
export type ValuesMerge = (typeof valuesMergeModes)[number]

export interface HelmGlobals {
  chartHome?: string
  configHome?: string
}

export interface HelmChart {
  name: string
  version?: string
  repo?: string
  releaseName?: string
  namespace?: string
  additionalValuesFiles: string[]
  valuesFile?: string
  valuesInline?: JsonObject
  valuesMerge: ValuesMerge
  includeCRDs: boolean
  skipHooks: boolean
  apiVersions: string[]
  kubeVersion?: string
  nameTemplate?: string
  skipTests: boolean
  debug: boolean
}

export interface HelmConfig {
  globals: HelmGlobals
  charts: HelmChart[]
}

const stringFields = ['name', 'version', 'repo', 'releaseName', 'namespace', 'valuesFile', 'valuesMerge', 'kubeVersion', 'nameTemplate'] as const
const boolFields = ['includeCRDs', 'skipHooks', 'skipTests', 'debug'] as const
const listFields = ['additionalValuesFiles', 'apiVersions'] as const
const chartFields = new Set<string>([...stringFields, ...boolFields, ...listFields, 'valuesInline'])

// helmChartInflationGenerator (HelmChartArgs) → its HelmChart fields; the rest are globals or ignored.
const oldToNew: Record<string, string> = {chartName: 'name', chartVersion: 'version', chartRepoUrl: 'repo', values: 'valuesFile', valuesLocal: 'valuesInline', valuesMerge: 'valuesMerge', releaseName: 'releaseName'}
const oldFields = new Set([...Object.keys(oldToNew), 'chartHome', 'chartRepoName', 'helmBin', 'helmHome', 'releaseNamespace', 'extraArgs'])

function str(v: JsonValue | undefined, file: string, field: string): string | undefined {
  if (v === undefined || v === null) return undefined
  if (typeof v === 'string') return v
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v)
  throw new UserError(`${field} must be a string`, {file, field}, 'Write it as a plain or quoted string.')
}

function bool(v: JsonValue | undefined, file: string, field: string): boolean {
  if (v === undefined || v === null) return false
  if (typeof v === 'boolean') return v
  throw new UserError(`${field} must be true or false`, {file, field}, `Write ${field.split('.').pop()}: true or false.`)
}

function strList(v: JsonValue | undefined, file: string, field: string): string[] {
  if (v === undefined || v === null) return []
  if (!Array.isArray(v)) throw new UserError(`${field} must be a list of strings`, {file, field}, 'Write it as a YAML sequence.')
  return v.map((x, i) => str(x, file, `${field}[${i}]`) ?? '')
}

function chartOf(entry: JsonValue, file: string, field: string): HelmChart {
  if (!isObject(entry)) throw new UserError(`${field} must be a map`, {file, field}, 'Write each chart as {name: ..., releaseName: ..., ...}.')
  for (const key of Object.keys(entry)) {
    if (!chartFields.has(key)) {
      throw new UserError(`unknown field '${key}' in ${field}`, {file, field: `${field}.${key}`}, `Known fields: ${[...chartFields].join(', ')}.`)
    }
  }
  const s = (k: (typeof stringFields)[number]) => str(entry[k], file, `${field}.${k}`)
  const merge = s('valuesMerge') ?? ''
  if (merge !== '' && !(valuesMergeModes as readonly string[]).includes(merge)) {
    throw new UserError(`valuesMerge must be one of [${valuesMergeModes.join(' ')}], not '${merge}'`, {file, field: `${field}.valuesMerge`}, 'Use merge, override (the default) or replace.')
  }
  const inline = entry.valuesInline
  if (inline !== undefined && inline !== null && !isObject(inline)) {
    throw new UserError(`${field}.valuesInline must be a map`, {file, field: `${field}.valuesInline`}, 'Write the values as a YAML map, as in a values.yaml.')
  }
  return {
    name: s('name') ?? '',
    version: s('version') || undefined,
    repo: s('repo') || undefined,
    releaseName: s('releaseName') || undefined,
    namespace: s('namespace') || undefined,
    valuesFile: s('valuesFile') || undefined,
    valuesMerge: (merge || 'override') as ValuesMerge,
    kubeVersion: s('kubeVersion') || undefined,
    nameTemplate: s('nameTemplate') || undefined,
    valuesInline: isObject(inline) && Object.keys(inline).length > 0 ? inline : undefined,
    includeCRDs: bool(entry.includeCRDs, file, `${field}.includeCRDs`),
    skipHooks: bool(entry.skipHooks, file, `${field}.skipHooks`),
    skipTests: bool(entry.skipTests, file, `${field}.skipTests`),
    debug: bool(entry.debug, file, `${field}.debug`),
    additionalValuesFiles: strList(entry.additionalValuesFiles, file, `${field}.additionalValuesFiles`),
    apiVersions: strList(entry.apiVersions, file, `${field}.apiVersions`),
  }
}

/**
 * A HelmChartInflationGenerator plugin config (`apiVersion: builtin`): helmGlobals' and a
 * helmCharts entry's fields side by side at the top level, as the plugin struct embeds both.
 * `decoded` holds only those fields (Go-decoded: unknown keys were dropped, case folded).
 */
export function helmPluginConfigOf(decoded: JsonObject, file: string, field: string): {globals: HelmGlobals; chart: HelmChart} {
  const {chartHome, configHome, ...chart} = decoded
  return {
    globals: {chartHome: str(chartHome, file, `${field}.chartHome`) || undefined, configHome: str(configHome, file, `${field}.configHome`) || undefined},
    chart: chartOf(chart, file, field),
  }
}

/** The charts a kustomization inflates, or undefined when it names none. Throws UserError on bad input. */
export function helmConfigOf(raw: JsonObject, file: string): HelmConfig | undefined {
  const charts: HelmChart[] = []
  const listed = raw.helmCharts
  if (listed !== undefined && listed !== null) {
    if (!Array.isArray(listed)) throw new UserError('helmCharts must be a list', {file, field: 'helmCharts'}, 'Write helmCharts as a YAML sequence of charts.')
    listed.forEach((e, i) => charts.push(chartOf(e, file, `helmCharts[${i}]`)))
  }
  let globals: HelmGlobals = {}
  const g = raw.helmGlobals
  if (g !== undefined && g !== null) {
    if (!isObject(g)) throw new UserError('helmGlobals must be a map', {file, field: 'helmGlobals'}, 'Write helmGlobals: {chartHome: charts}.')
    for (const key of Object.keys(g)) {
      if (key !== 'chartHome' && key !== 'configHome') throw new UserError(`unknown field '${key}' in helmGlobals`, {file, field: `helmGlobals.${key}`}, 'Known fields: chartHome, configHome.')
    }
    globals = {chartHome: str(g.chartHome, file, 'helmGlobals.chartHome') || undefined, configHome: str(g.configHome, file, 'helmGlobals.configHome') || undefined}
  }
  const old = raw.helmChartInflationGenerator
  if (old !== undefined && old !== null) {
    if (!Array.isArray(old)) throw new UserError('helmChartInflationGenerator must be a list', {file, field: 'helmChartInflationGenerator'}, 'Move the charts to helmCharts (the field that replaces it).')
    const fromOld: HelmGlobals = {}
    old.forEach((e, i) => {
      const field = `helmChartInflationGenerator[${i}]`
      if (!isObject(e)) throw new UserError(`${field} must be a map`, {file, field}, 'Move the charts to helmCharts.')
      const mapped: JsonObject = {}
      for (const [k, v] of Object.entries(e)) {
        if (!oldFields.has(k)) throw new UserError(`unknown field '${k}' in ${field}`, {file, field: `${field}.${k}`}, 'Move the charts to helmCharts, whose fields are documented.')
        if (oldToNew[k]) mapped[oldToNew[k]] = v
      }
      charts.push(chartOf(mapped, file, field))
      // last non-empty wins, as SplitHelmParameters
      const home = str(e.helmHome, file, `${field}.helmHome`)
      if (home) fromOld.configHome = home
      const chartHome = str(e.chartHome, file, `${field}.chartHome`)
      if (chartHome) fromOld.chartHome = chartHome
    })
    if ((g === undefined || g === null) && (fromOld.chartHome || fromOld.configHome)) globals = fromOld
  }
  return charts.length > 0 ? {globals, charts} : undefined
}
