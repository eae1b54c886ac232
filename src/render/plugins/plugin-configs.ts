import * as path from 'node:path'
import {UserError, type ErrorOrigin} from '../../model/errors.js'
import {isObject} from '../../model/json.js'
import type {Resource} from '../../model/resource.js'
import {restrictPath} from '../../source/restrictor.js'
import {originAnnotationKey} from '../build-metadata.js'
import {accumulateTarget, type KustTarget, type RenderContext} from '../accumulate.js'
import {resourcesFromText} from '../load-resources.js'
import {parseYamlDocuments} from '../yaml/parse.js'

export type PluginField = 'generators' | 'transformers' | 'validators'

/** A plugin config object and where it was listed (the kustomization file and `field[i]`). */
export interface PluginConfig {
  config: Resource
  origin: ErrorOrigin
  /** With originAnnotations: where the config was written, relative to the top kustomization (kustomize's configuredIn). */
  configuredIn?: string
  /** The remote repository the config was read in, if any. */
  originRepo?: {repo: string; ref?: string}
}

/**
 * kustomize's configureExternal{Generators,Transformers}: an entry that parses as YAML objects is
 * an inline config; any other entry is a path, read as a resource file or, for a directory, built
 * as a kustomization whose resources are the configs. Inline configs come first, then the paths,
 * each group in listed order, as kustomize accumulates them.
 */
export function loadPluginConfigs(ctx: RenderContext, target: KustTarget, field: PluginField, entries: readonly string[]): PluginConfig[] {
  const file = target.loaded.displayFile
  const inline: PluginConfig[] = []
  const fromPaths: PluginConfig[] = []
  entries.forEach((entry, i) => {
    const origin = {file, field: `${field}[${i}]`}
    const configs = inlineConfigs(entry, `${file} (${origin.field})`)
    if (configs) {
      const configuredIn = ctx.originRoot ? path.relative(ctx.originRoot, target.loaded.file) : undefined
      for (const config of configs) inline.push({config, origin, configuredIn, originRepo: ctx.originRepo})
      return
    }
    const abs = path.resolve(target.dir, entry)
    for (const config of configsFromPath(ctx, target, entry, origin)) {
      const configuredIn = ctx.originRoot ? (originPathOf(config) ?? path.relative(ctx.originRoot, abs)) : undefined
      fromPaths.push({config, origin, configuredIn, originRepo: ctx.originRepo})
    }
  })
  return [...inline, ...fromPaths]
}

function inlineConfigs(entry: string, where: string): Resource[] | undefined {
  let docs: unknown[]
  try {
    docs = parseYamlDocuments(entry, where)
  } catch {
    return undefined
  }
  if (docs.length === 0 || !docs.every((d) => isObject(d))) return undefined
  return resourcesFromText(entry, where)
}

function configsFromPath(ctx: RenderContext, target: KustTarget, entry: string, origin: ErrorOrigin): Resource[] {
  const abs = path.resolve(target.dir, entry)
  if (!ctx.fs.exists(abs)) {
    throw new UserError(`plugin config '${entry}' doesn't exist (looked for ${ctx.display(abs)})`, origin, 'Fix the path, or write the config inline in the kustomization.')
  }
  if (!ctx.fs.isDirectory(abs)) {
    const real = restrictPath(ctx.fs, ctx.restrictor, target.dir, abs, origin.file ?? '')
    return resourcesFromText(ctx.fs.readFile(real).toString('utf8'), ctx.display(abs))
  }
  return accumulateTarget(ctx, abs, target.chain, undefined, false).set.toArray()
}

/** The `path:` a config built from a directory got in its origin annotation, if any. */
function originPathOf(config: Resource): string | undefined {
  const md = config.obj.metadata
  const annotations = isObject(md) && isObject(md.annotations) ? md.annotations : {}
  const text = annotations[originAnnotationKey]
  const line = typeof text === 'string' ? text.split('\n').find((l) => l.startsWith('path: ')) : undefined
  if (!line) return undefined
  const v = line.slice('path: '.length)
  return v.startsWith('"') ? (JSON.parse(v) as string) : v
}
