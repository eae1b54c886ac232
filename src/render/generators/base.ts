import {UserError} from '../../model/errors.js'
import type {JsonObject} from '../../model/json.js'
import {newResource, type RenderMeta, type Resource} from '../../model/resource.js'
import type {GeneratorArgs, GeneratorContext, GeneratorOptions} from './types.js'

/** apiVersion/kind/metadata of a generated object (kustomize's makeBaseNode). */
export function baseObject(kind: string, args: GeneratorArgs, ctx: GeneratorContext, field: string): JsonObject {
  if (!args.name) {
    throw new UserError(`${field} has no name`, {file: ctx.file, field: `${field}.name`}, `Give the generated ${kind} a name.`)
  }
  const metadata: JsonObject = {name: args.name}
  if (args.namespace) metadata.namespace = args.namespace
  return {apiVersion: 'v1', kind, metadata}
}

/** Labels, annotations and `immutable` from the (already merged) generator options. */
export function applyOptions(obj: JsonObject, options: GeneratorOptions | undefined): void {
  const metadata = obj.metadata as JsonObject
  if (options?.labels && Object.keys(options.labels).length > 0) metadata.labels = {...options.labels}
  if (options?.annotations && Object.keys(options.annotations).length > 0) metadata.annotations = {...options.annotations}
  if (options?.immutable) obj.immutable = true
}

/** kustomize treats an unknown behavior string like an absent one: create. */
export function parseBehavior(behavior: string | undefined): RenderMeta['behavior'] {
  return behavior === 'create' || behavior === 'merge' || behavior === 'replace' ? behavior : undefined
}

/** Wraps a generated object with the bookkeeping kustomize keeps in build annotations. */
export function generatedResource(obj: JsonObject, args: GeneratorArgs, options: GeneratorOptions | undefined, ctx: GeneratorContext, field: string): Resource {
  const r = newResource(obj, {file: ctx.file, generator: field})
  const behavior = parseBehavior(args.behavior)
  if (behavior) r.meta.behavior = behavior
  if (!options?.disableNameSuffixHash) r.meta.needsHash = true
  return r
}
