import type {ResourceSet} from '../model/resource-set.js'
import type {KustTarget, RenderContext} from './accumulate.js'
import {mergeGenerated} from './generators/behavior.js'
import {generateConfigMap} from './generators/configmap.js'
import {generateSecret} from './generators/secret.js'
import type {GeneratorContext} from './generators/types.js'

/** configMapGenerator then secretGenerator, as kustomize orders its builtin generators. */
export function runGenerators(ctx: RenderContext, target: KustTarget, set: ResourceSet): void {
  const k = target.kustomization
  if (!k.configMapGenerator?.length && !k.secretGenerator?.length) return
  const gctx: GeneratorContext = {fs: ctx.fs, dir: target.dir, root: target.dir, restrictor: ctx.restrictor, file: target.loaded.displayFile}
  for (const [i, args] of (k.configMapGenerator ?? []).entries()) {
    mergeGenerated(set, generateConfigMap(args as never, k.generatorOptions as never, {...gctx, field: `configMapGenerator[${i}]`} as GeneratorContext), target.loaded.displayFile)
  }
  for (const [i, args] of (k.secretGenerator ?? []).entries()) {
    mergeGenerated(set, generateSecret(args as never, k.generatorOptions as never, {...gctx, field: `secretGenerator[${i}]`} as GeneratorContext), target.loaded.displayFile)
  }
}
