// The `openapi:` field, with kustomize v5.5's odd but observable rules (kyaml's openapi.SetSchema
// is global state): the top kustomization sets the schema for the whole build, even to "none"
// (its built-in one); a base or component sets it only while nothing set it yet, and from then on
// every strategic merge of the build — the overlay's included — uses it. `path:` is a custom
// schema (read even when it is then ignored), `version:` names a built-in one, of which kustomize
// v5.5 embeds only v1.21.2; both at once is an error.
import * as path from 'node:path'
import {UserError} from '../model/errors.js'
import {isObject, type JsonObject} from '../model/json.js'
import {restrictPath} from '../source/restrictor.js'
import type {RenderContext} from './accumulate.js'
import type {MergeSchemaLookup} from './patch/merge-schema.js'
import {openApiMergeSchema} from './patch/openapi-schema.js'

export const builtinOpenApiVersion = 'v1.21.2'

export interface OpenApiSlot {
  /** Undefined: kustomize's built-in schema. */
  lookup?: MergeSchemaLookup
  set: boolean
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
    slot.lookup = openApiMergeSchema(text, display)
    slot.set = true
    return
  }
  if (version !== undefined && version !== '' && version !== builtinOpenApiVersion) {
    throw new UserError(`the specified OpenAPI version '${version}' is not built in`, {file, field: 'openapi.version'}, `kustomize v5.5 (and strata) embed ${builtinOpenApiVersion} only; give a schema file with openapi.path instead.`)
  }
  slot.lookup = undefined
  slot.set = version !== undefined && version !== ''
}
