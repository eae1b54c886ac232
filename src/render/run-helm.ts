// helmCharts: each chart inflated by `helm template`, as kustomize v5.5's
// HelmChartInflationGenerator does it (same command line, same values handling, same checks),
// its output added to the kustomization's resources like any generator's. helm itself runs
// through the injected HelmRunner (src/source/helm-runner.ts): render stays free of processes.
import * as path from 'node:path'
import {UserError} from '../model/errors.js'
import type {JsonObject} from '../model/json.js'
import {newResource, type Resource} from '../model/resource.js'
import type {ResourceSet} from '../model/resource-set.js'
import type {HelmRunner} from '../source/helm-runner.js'
import {restrictPath} from '../source/restrictor.js'
import type {KustTarget, RenderContext} from './accumulate.js'
import {mergeAllGenerated} from './generators/behavior.js'
import {absChartHome, helmPullArgs, helmTemplateArgs} from './helm/args.js'
import {helmConfigOf, helmPluginConfigOf, type HelmChart, type HelmGlobals} from './helm/chart-config.js'
import {combineValues} from './helm/values.js'
import {resourcesFromText} from './load-resources.js'
import {parseYamlDocument} from './yaml/parse.js'

/** What `--enable-helm` and its companion flags say; without it helmCharts is an error. */
export interface HelmSettings {
  runner: HelmRunner
  /** `--helm-kube-version`, `--helm-api-versions`: take precedence over the chart's own. */
  kubeVersion?: string
  apiVersions?: string[]
  debug?: boolean
  /** Set once the binary answered `helm version` with a v3 (checked once per render). */
  versionChecked?: boolean
  /** helm's output per chart and values: a render that runs in passes (remote bases) inflates each chart once. */
  outputs?: Map<string, string>
  /** Told of each chart directory helm reads (outside the render's file system). */
  onReadTree?: (absDir: string) => void
}

const MAX_HELM_ERROR_LINES = 20

export function runHelmCharts(ctx: RenderContext, target: KustTarget, set: ResourceSet): void {
  const file = target.loaded.displayFile
  const config = helmConfigOf(target.kustomization.raw, file)
  if (!config) return
  const settings = ctx.helm
  if (!settings) {
    throw new UserError(
      'helmCharts needs --enable-helm: inflating a chart runs the helm binary',
      {file, field: 'helmCharts'},
      'Pass --enable-helm (and --helm-command PATH if helm v3 is not on your PATH), as with `kustomize build --enable-helm`.',
    )
  }
  const generated: Resource[] = []
  config.charts.forEach((chart, i) => {
    generated.push(...inflate(ctx, target, settings, config.globals, withCliOverrides(chart, settings), `helmCharts[${i}]`))
  })
  mergeAllGenerated(set, generated, file)
}

/**
 * A HelmChartInflationGenerator listed under `generators:` (the plugin the helmCharts field is made
 * of): the chart inflated exactly like a helmCharts entry, values and chart home relative to the
 * kustomization that lists it. `decoded` is the Go-decoded config; `field` names it in errors.
 */
export function runHelmPluginConfig(ctx: RenderContext, target: KustTarget, decoded: JsonObject, file: string, field: string): Resource[] {
  const settings = ctx.helm
  if (!settings) {
    throw new UserError(
      `HelmChartInflationGenerator (${field}) needs --enable-helm: inflating a chart runs the helm binary`,
      {file: target.loaded.displayFile, field},
      'Pass --enable-helm (and --helm-command PATH if helm v3 is not on your PATH), as with `kustomize build --enable-helm`.',
    )
  }
  const {globals, chart} = helmPluginConfigOf(decoded, file, field)
  return inflate(ctx, target, settings, globals, withCliOverrides(chart, settings), field)
}

function withCliOverrides(chart: HelmChart, s: HelmSettings): HelmChart {
  return {
    ...chart,
    kubeVersion: s.kubeVersion || chart.kubeVersion,
    apiVersions: s.apiVersions?.length ? s.apiVersions : chart.apiVersions,
    debug: s.debug || chart.debug,
  }
}

function inflate(ctx: RenderContext, target: KustTarget, settings: HelmSettings, globals: HelmGlobals, chart: HelmChart, field: string): Resource[] {
  const file = target.loaded.displayFile
  const runner = settings.runner
  if (!chart.name) throw new UserError('chart name cannot be empty', {file, field: `${field}.name`}, 'Name the chart directory under chartHome (or the chart in its repo).')
  const home = absChartHome(target.dir, globals, chart)
  // Values files are read through the render's file system, under its load restrictor.
  const readRestricted = (abs: string, what: string): string => {
    const real = restrictPath(ctx.fs, ctx.restrictor, target.dir, abs, file)
    if (!ctx.fs.exists(real)) throw new UserError(`${what} ${ctx.display(abs)} does not exist`, {file, field}, 'Create it, or point valuesFile at the chart\'s values file.')
    return ctx.fs.readFile(real).toString('utf8')
  }
  const additional = chart.additionalValuesFiles.map((f, j) => {
    const abs = path.join(target.dir, f)
    readRestricted(abs, `additionalValuesFiles[${j}]`)
    return abs
  })
  const tmp = runner.tempDir()
  const configHome = globals.configHome ?? path.join(tmp, 'helm')
  const env = {HELM_CONFIG_HOME: configHome, HELM_CACHE_HOME: `${configHome}/.cache`, HELM_DATA_HOME: `${configHome}/.data`}
  const run = (args: string[]): string => {
    const r = runner.run(args, env)
    if (r.failure || r.code !== 0) {
      const why = r.failure === 'not found' ? `'${runner.command}' was not found` : r.failure ?? `exit ${r.code}`
      const detail = r.stderr.trim().split('\n').slice(-MAX_HELM_ERROR_LINES).join('\n')
      throw new UserError(
        `helm failed for chart '${chart.name}': ${why}: ${runner.command} ${args.join(' ')}${detail ? `\n${detail}` : ''}`,
        {file, field},
        r.failure === 'not found' ? 'Install helm v3, or pass its path with --helm-command.' : 'Fix the chart or its values; the command above reproduces the error.',
      )
    }
    return r.stdout
  }
  if (!settings.versionChecked) {
    const out = run(['version', '-c', '--short'])
    const v = /v?\d+(\.\d+)+/.exec(out)?.[0]
    if (!v) throw new UserError(`cannot find a version in the output of '${runner.command} version': ${out.trim().slice(0, 200)}`, {file, field}, 'Point --helm-command at a helm v3 binary.')
    const major = v.replace(/^v/, '').split('.')[0]
    if (major !== '3') throw new UserError(`helmCharts needs helm v3, but '${runner.command}' is v${v.replace(/^v/, '')}`, {file, field}, 'Point --helm-command at a helm v3 binary (kustomize v5.5 supports only v3).')
    settings.versionChecked = true
  }
  const chartDir = path.join(home, chart.name)
  settings.onReadTree?.(chartDir)
  if (!runner.isDirectory(chartDir)) {
    if (!chart.repo) {
      throw new UserError(`no chart '${chart.name}' at ${ctx.display(chartDir)} and no repo to pull it from`, {file, field}, `Put the chart under ${ctx.display(home)} (helmGlobals.chartHome), or give repo: (and version:) to pull it.`)
    }
    run(helmPullArgs(chart, home))
  }
  const valuesPath = chart.valuesFile ? path.resolve(target.dir, chart.valuesFile) : path.join(chartDir, 'values.yaml')
  let valuesText: string
  if (chart.valuesInline) {
    const fileValues = chart.valuesMerge === 'replace' ? null : parseYamlDocument(readRestricted(valuesPath, 'values file'), ctx.display(valuesPath))
    valuesText = jsonText(combineValues(fileValues, chart.valuesInline, chart.valuesMerge))
  } else {
    valuesText = readRestricted(valuesPath, 'values file')
  }
  const key = JSON.stringify([chart, home, additional, valuesText])
  settings.outputs ??= new Map()
  let stdout = settings.outputs.get(key)
  if (stdout === undefined) {
    const tmpValues = path.join(tmp, `${chart.name}-kustomize-values.yaml`)
    runner.writeFile(tmpValues, valuesText)
    stdout = run(helmTemplateArgs(chart, home, tmpValues, additional))
    settings.outputs.set(key, stdout)
  }
  const display = `${ctx.display(chartDir)} (helm template)`
  return resourcesFromText(stdout, display).map((r) => newResource(r.obj, {file: display, document: r.origin.document, generator: field}))
}

/** JSON is YAML. Integers past 2^53 become float64s, as in kustomize's JSON round trip of the values. */
function jsonText(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? Number(x) : x))
}
