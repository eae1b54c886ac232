import type {Resource} from '../model/resource.js'
import type {ResourceSet} from '../model/resource-set.js'
import * as path from 'node:path'
import type {KustTarget, RenderContext} from './accumulate.js'
import {isObject} from '../model/json.js'
import {originAnnotationKey, setOriginAnnotation} from './build-metadata.js'
import {mergeAllGenerated} from './generators/behavior.js'
import {generateConfigMap} from './generators/configmap.js'
import {mergeGeneratorOptions} from './generators/options.js'
import {generateSecret} from './generators/secret.js'
import type {GeneratorContext} from './generators/types.js'
import {runPluginGenerators} from './plugins/run-plugins.js'
import {runHelmCharts} from './run-helm.js'
import {observed, StepKind} from './provenance/observer.js'

/** configMapGenerator, secretGenerator, then helmCharts, as kustomize orders its builtin generators; then `generators:` plugin configs. */
export function runGenerators(ctx: RenderContext, target: KustTarget, set: ResourceSet): void {
  const file = target.loaded.displayFile
  const k = target.kustomization
  if (k.configMapGenerator?.length || k.secretGenerator?.length) observed(ctx.observer, {kind: StepKind.generators, file}, set, () => runConfigMapsAndSecrets(ctx, target, set))
  observed(ctx.observer, {kind: StepKind.helmCharts, file, field: 'helmCharts'}, set, () => {
    const before = ctx.originRoot ? new Set(set) : undefined
    runHelmCharts(ctx, target, set)
    if (before) for (const r of set) if (!before.has(r)) withOrigin(ctx, target, 'HelmChartInflationGenerator', r, true)
  })
  observed(ctx.observer, {kind: StepKind.pluginGenerators, file, field: 'generators'}, set, () => runPluginGenerators(ctx, target, set))
}

function runConfigMapsAndSecrets(ctx: RenderContext, target: KustTarget, set: ResourceSet): void {
  const k = target.kustomization
  if (!k.configMapGenerator?.length && !k.secretGenerator?.length) return
  // Generator files are restricted to the kustomization's own directory, as kustomize does.
  const gctx: GeneratorContext = {fs: ctx.fs, dir: target.dir, root: target.dir, restrictor: ctx.restrictor, file: target.loaded.displayFile}
  const generated: Resource[] = []
  for (const [i, args] of (k.configMapGenerator ?? []).entries()) {
    generated.push(withOrigin(ctx, target, 'ConfigMapGenerator', generateConfigMap(args, mergeGeneratorOptions(args.options, k.generatorOptions), gctx, i)))
  }
  for (const [i, args] of (k.secretGenerator ?? []).entries()) {
    generated.push(withOrigin(ctx, target, 'SecretGenerator', generateSecret(args, mergeGeneratorOptions(args.options, k.generatorOptions), gctx, i)))
  }
  mergeAllGenerated(set, generated, target.loaded.displayFile)
}

/** buildMetadata originAnnotations: a builtin generator field is configured in its kustomization file. */
function withOrigin(ctx: RenderContext, target: KustTarget, kind: string, r: Resource, keepExisting = false): Resource {
  // kustomize's AddOriginAnnotation leaves an object that already has an origin as it is.
  const md = r.obj.metadata
  if (keepExisting && isObject(md) && isObject(md.annotations) && md.annotations[originAnnotationKey] !== undefined) return r
  if (ctx.originRoot) setOriginAnnotation(r.obj, {...ctx.originRepo, configuredIn: path.relative(ctx.originRoot, target.loaded.file), configuredBy: {apiVersion: 'builtin', kind}})
  return r
}
