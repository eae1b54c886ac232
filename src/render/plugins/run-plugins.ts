import {UserError} from '../../model/errors.js'
import {cloneJson} from '../../model/json.js'
import {metadataOf, type Resource} from '../../model/resource.js'
import {ResourceSet} from '../../model/resource-set.js'
import type {KustTarget, RenderContext} from '../accumulate.js'
import * as path from 'node:path'
import {addTransformerOrigins, builtinTransformerOrigins, setOriginAnnotation, type ResourceOriginInfo} from '../build-metadata.js'
import {mergeAllGenerated} from '../generators/behavior.js'
import {runBuiltinGenerator, runBuiltinTransformer} from './builtin-plugins.js'
import {loadPluginConfigs, type PluginConfig} from './plugin-configs.js'

/** `generators:` after the builtin generators; each result is merged by its behavior, one at a time, as kustomize absorbs them. */
export function runPluginGenerators(ctx: RenderContext, target: KustTarget, set: ResourceSet): void {
  const entries = target.kustomization.generators
  if (!entries?.length) return
  loadPluginConfigs(ctx, target, 'generators', entries).forEach((plugin, i) => {
    const generated = runBuiltinGenerator(ctx, target, plugin, i)
    if (plugin.configuredIn !== undefined) {
      for (const r of generated) setOriginAnnotation(r.obj, pluginOrigin(plugin))
    }
    mergeAllGenerated(set, generated, plugin.origin.file ?? target.loaded.displayFile)
  })
}

/** `transformers:` in listed order (inline configs first), after the kustomization's builtin transformers. */
export function runPluginTransformers(ctx: RenderContext, target: KustTarget, set: ResourceSet): void {
  const entries = target.kustomization.transformers
  const plugins = entries?.length ? loadPluginConfigs(ctx, target, 'transformers', entries) : []
  for (const plugin of plugins) runBuiltinTransformer(ctx, target, plugin, set)
  if (ctx.transformerAnnotations && ctx.originRoot) {
    // Recorded once after all of this level's transformers: the same list, on the same objects, as kustomize writes one by one.
    const configuredIn = path.relative(ctx.originRoot, target.loaded.file)
    const builtins = builtinTransformerOrigins(target.kustomization, configuredIn).map((o) => ({...ctx.originRepo, ...o}))
    addTransformerOrigins(set, [...builtins, ...plugins.map(pluginOrigin)])
  }
}

function pluginOrigin(plugin: PluginConfig): ResourceOriginInfo {
  const md = metadataOf(plugin.config.obj)
  return {
    ...plugin.originRepo,
    configuredIn: plugin.configuredIn,
    configuredBy: {apiVersion: String(plugin.config.obj.apiVersion), kind: String(plugin.config.obj.kind), name: asString(md.name), namespace: asString(md.namespace)},
  }
}

/**
 * `validators:` run last and may not change anything: kustomize runs each on the set and fails
 * when the result differs. Here each runs on a copy, so a failing validator leaves the set as it was.
 */
export function runPluginValidators(ctx: RenderContext, target: KustTarget, set: ResourceSet): void {
  const entries = target.kustomization.validators
  if (!entries?.length) return
  const before = set.toArray().map((r) => JSON.stringify(r.obj))
  for (const plugin of loadPluginConfigs(ctx, target, 'validators', entries)) {
    const copy = new ResourceSet(set.toArray().map(copyResource))
    runBuiltinTransformer(ctx, target, plugin, copy)
    const after = copy.toArray().map((r) => JSON.stringify(r.obj))
    if (after.length !== before.length || after.some((s, i) => s !== before[i])) {
      throw new UserError(`validator shouldn't modify the resource map (${String(plugin.config.obj.kind)} from ${plugin.config.origin.file})`, plugin.origin, 'A validator may only check resources; move a config that changes them to transformers:.')
    }
  }
}

function copyResource(r: Resource): Resource {
  return {obj: cloneJson(r.obj), origin: r.origin, meta: {...r.meta, previousIds: [...r.meta.previousIds]}}
}

function asString(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined
}
