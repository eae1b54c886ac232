// The `helm template` command line kustomize v5.5 builds for one chart (HelmChart.AsHelmArgs),
// and where it looks for the chart. Pure.
import * as path from 'node:path'
import {defaultChartHome, type HelmChart, type HelmGlobals} from './chart-config.js'

/** `{root}/{chartHome}`, plus `{name}-{version}` when the chart is pulled from a repo at a version. */
export function absChartHome(root: string, globals: HelmGlobals, chart: HelmChart): string {
  const home = globals.chartHome ?? defaultChartHome
  const base = path.isAbsolute(home) ? home : path.join(root, home)
  return chart.version && chart.repo ? path.join(base, `${chart.name}-${chart.version}`) : base
}

/** `valuesFile` is the values file actually handed to helm (kustomize's temporary copy or merge). */
export function helmTemplateArgs(chart: HelmChart, chartHome: string, valuesFile: string, additionalValuesFiles: readonly string[]): string[] {
  const args = ['template']
  // Without a release name kustomize passes --generate-name (helm then invents one per run).
  args.push(chart.releaseName ?? '--generate-name')
  if (chart.name) args.push(path.join(chartHome, chart.name))
  if (chart.namespace) args.push('--namespace', chart.namespace)
  if (chart.nameTemplate) args.push('--name-template', chart.nameTemplate)
  args.push('-f', valuesFile)
  for (const f of additionalValuesFiles) args.push('-f', f)
  for (const v of chart.apiVersions) args.push('--api-versions', v)
  if (chart.kubeVersion) args.push('--kube-version', chart.kubeVersion)
  if (chart.includeCRDs) args.push('--include-crds')
  if (chart.skipTests) args.push('--skip-tests')
  if (chart.skipHooks) args.push('--no-hooks')
  if (chart.debug) args.push('--debug')
  return args
}

/** `helm pull` for a chart that is not in chartHome yet (kustomize's pullCommand). */
export function helmPullArgs(chart: HelmChart, chartHome: string): string[] {
  const args = ['pull', '--untar', '--untardir', chartHome]
  if (chart.repo?.startsWith('oci://')) args.push(`${chart.repo.replace(/\/$/, '')}/${chart.name}`)
  else if (chart.repo) args.push('--repo', chart.repo, chart.name)
  else args.push(chart.name)
  if (chart.version) args.push('--version', chart.version)
  return args
}
