// The `openapi:` field, with kustomize v5.5's odd but observable rules (kyaml's openapi.SetSchema
// is global state): the top kustomization sets the schema for the whole build, even to "none"
// (its built-in one); a base or component sets it only while nothing set it yet, and from then on
// every strategic merge of the build — the overlay's included — uses it. `path:` is a custom
// schema (read even when it is then ignored), `version:` names a built-in one, of which kustomize
// v5.5 embeds only v1.21.2; both at once is an error. kyaml parses a schema lazily, into one map of
// definitions: when the built-in schema was parsed before a custom one is set (a strategic merge
// ran, or a resource of a kind kyaml's precomputed scope table lacks was loaded), the custom
// definitions are added to the built-in ones instead of replacing them.
import * as path from 'node:path'
import {UserError} from '../model/errors.js'
import {isObject, type JsonObject} from '../model/json.js'
import {restrictPath} from '../source/restrictor.js'
import type {RenderContext} from './accumulate.js'
import {builtinDefinitionNode, builtinMergeSchema, isBuiltinKind, type MergeSchemaLookup} from './patch/merge-schema.js'
import {openApiMergeSchema} from './patch/openapi-schema.js'

export const builtinOpenApiVersion = 'v1.21.2'

export interface OpenApiSlot {
  /** Undefined: kustomize's built-in schema. */
  lookup?: MergeSchemaLookup
  set: boolean
  /** kyaml had parsed its built-in schema before any was set (see noteSchemaUse, noteResourceLoaded). */
  builtinLoaded?: boolean
}

/** A strategic merge looked a type up: with no schema set yet, kyaml parsed its built-in one. */
export function noteSchemaUse(slot: OpenApiSlot | undefined): void {
  if (slot && !slot.set) slot.builtinLoaded = true
}

/** A resource was loaded: a kind outside kyaml's precomputed scope table makes it parse the built-in schema. */
export function noteResourceLoaded(slot: OpenApiSlot | undefined, obj: JsonObject): void {
  if (!slot || slot.set || slot.builtinLoaded) return
  const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : ''
  const kind = typeof obj.kind === 'string' ? obj.kind : ''
  if (!isBuiltinKind(apiVersion, kind)) slot.builtinLoaded = true
}

export function applyOpenApiField(ctx: RenderContext, slot: OpenApiSlot, dir: string, file: string, raw: JsonObject, top: boolean): void {
  const field = raw.openapi
  if (field !== undefined && field !== null && !isObject(field)) {
    throw new UserError('openapi must be a map with `path` or `version`', {file, field: 'openapi'}, 'Write openapi: {path: schema.json} or openapi: {version: v1.21.2}.')
  }
  const o = isObject(field) ? field : {}
  for (const key of Object.keys(o)) {
    if (typeof o[key] !== 'string') throw new UserError(`openapi.${key} must be a string`, {file, field: `openapi.${key}`}, 'Quote the value.')
  }
  const schemaPath = o.path as string | undefined
  const version = o.version as string | undefined
  let text: string | undefined
  let display = ''
  if (schemaPath !== undefined) {
    const abs = path.resolve(dir, schemaPath)
    const real = restrictPath(ctx.fs, ctx.restrictor, dir, abs, file)
    if (!ctx.fs.exists(real) || ctx.fs.isDirectory(real)) throw new UserError(`openapi schema '${schemaPath}' doesn't exist (looked for ${ctx.display(abs)})`, {file, field: 'openapi.path'}, 'Fix the path, or remove openapi:.')
    text = ctx.fs.readFile(real).toString('utf8')
    display = ctx.display(abs)
  }
  if (slot.set && !top) return
  if (text !== undefined) {
    if (version !== undefined) throw new UserError('builtin version and custom schema provided, cannot use both', {file, field: 'openapi'}, 'Keep either openapi.path or openapi.version.')
    slot.lookup = openApiMergeSchema(text, display, slot.builtinLoaded ? {root: builtinMergeSchema, definition: builtinDefinitionNode} : undefined)
    slot.set = true
    return
  }
  if (version !== undefined && version !== '' && version !== builtinOpenApiVersion) {
    throw new UserError(`the specified OpenAPI version '${version}' is not built in`, {file, field: 'openapi.version'}, `kustomize v5.5 (and strata) embed ${builtinOpenApiVersion} only; give a schema file with openapi.path instead.`)
  }
  slot.lookup = undefined
  slot.set = version !== undefined && version !== ''
}
