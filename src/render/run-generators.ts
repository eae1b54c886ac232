import type {Resource} from '../model/resource.js'
import type {ResourceSet} from '../model/resource-set.js'
import type {KustTarget, RenderContext} from './accumulate.js'
import {mergeAllGenerated} from './generators/behavior.js'
import {generateConfigMap} from './generators/configmap.js'
import {mergeGeneratorOptions} from './generators/options.js'
import {generateSecret} from './generators/secret.js'
import type {GeneratorContext} from './generators/types.js'
import {runHelmCharts} from './run-helm.js'

/** configMapGenerator, secretGenerator, then helmCharts, as kustomize orders its builtin generators. */
export function runGenerators(ctx: RenderContext, target: KustTarget, set: ResourceSet): void {
  runConfigMapsAndSecrets(ctx, target, set)
  runHelmCharts(ctx, target, set)
}

function runConfigMapsAndSecrets(ctx: RenderContext, target: KustTarget, set: ResourceSet): void {
  const k = target.kustomization
  if (!k.configMapGenerator?.length && !k.secretGenerator?.length) return
  // Generator files are restricted to the kustomization's own directory, as kustomize does.
  const gctx: GeneratorContext = {fs: ctx.fs, dir: target.dir, root: target.dir, restrictor: ctx.restrictor, file: target.loaded.displayFile}
  const generated: Resource[] = []
  for (const [i, args] of (k.configMapGenerator ?? []).entries()) {
    generated.push(generateConfigMap(args, mergeGeneratorOptions(args.options, k.generatorOptions), gctx, i))
  }
  for (const [i, args] of (k.secretGenerator ?? []).entries()) {
    generated.push(generateSecret(args, mergeGeneratorOptions(args.options, k.generatorOptions), gctx, i))
  }
  mergeAllGenerated(set, generated, target.loaded.displayFile)
}
