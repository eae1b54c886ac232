import * as path from 'node:path'
import {UserError} from '../../model/errors.js'
import {isObject, type JsonValue} from '../../model/json.js'
import {restrictPath} from '../../source/restrictor.js'
import type {KustTarget, RenderContext} from '../accumulate.js'
import {goDecode} from '../go-decode.js'
import {replacementSchema, type FieldType} from '../kustomization-schema.js'
import {parseYamlDocuments} from '../yaml/parse.js'
import type {LoadedReplacement, Replacement} from './replacements.js'

// The shape of a replacement. In kustomization.yaml it is decoded strictly with the rest of the
// file (kustomization-schema.ts); a `path:` file is decoded by kustomize with sigs.k8s.io/yaml
// into the same struct, leniently: unknown fields ignored, keys matched case-insensitively, a
// repeated key's last value kept, but a wrong type still fails.

const fileShape: FieldType = {object: replacementSchema}

/** Go's JSON decoding leaves absent and null alike; dropping nulls keeps later checks simple. */
function withoutNulls(v: JsonValue): JsonValue {
  if (Array.isArray(v)) return v.map(withoutNulls)
  if (!isObject(v)) return v
  const out: Record<string, JsonValue> = {}
  for (const [k, x] of Object.entries(v)) if (x !== null) out[k] = withoutNulls(x)
  return out
}

/**
 * This kustomization's replacements in order, each `path:` entry expanded to the replacement(s)
 * its file holds (one map, or a list), read under the load restrictor.
 */
export function loadReplacements(ctx: RenderContext, target: KustTarget): LoadedReplacement[] {
  const file = target.loaded.displayFile
  const out: LoadedReplacement[] = []
  ;(target.kustomization.replacements ?? []).forEach((entry, i) => {
    const field = `replacements[${i}]`
    if (!entry.path) {
      out.push({replacement: entry, origin: {file, field}})
      return
    }
    if (entry.source || entry.targets?.length) {
      throw new UserError('cannot specify both path and inline replacement', {file, field}, 'Either point `path:` at a file of replacements, or write source and targets inline.')
    }
    const abs = path.resolve(target.dir, entry.path)
    if (!ctx.fs.exists(abs) || ctx.fs.isDirectory(abs)) {
      throw new UserError(`replacement file '${entry.path}' not found (looked for ${ctx.display(abs)})`, {file, field: `${field}.path`}, 'Fix the path, or write the replacement inline.')
    }
    const text = ctx.fs.readFile(restrictPath(ctx.fs, ctx.restrictor, target.dir, abs, file)).toString('utf8')
    const display = ctx.display(abs)
    // sigs.k8s.io/yaml (YAML 1.1) reads the first document only.
    const doc = parseYamlDocuments(text, display, '1.1', {duplicateKeys: 'last-wins'})[0] ?? null
    const items = Array.isArray(doc) ? doc : isObject(doc) ? [doc] : undefined
    if (!items) {
      throw new UserError(
        `unsupported replacement type encountered within replacement path: ${doc === null ? 'empty document' : typeof doc}`,
        {file: display},
        'A replacement file holds one replacement (a map with source and targets) or a list of them.',
      )
    }
    items.forEach((item, j) => {
      const itemField = Array.isArray(doc) ? `[${j}]` : 'replacement'
      if (!isObject(item)) throw new UserError(`invalid replacement: ${itemField} must be a map`, {file: display, field: itemField}, 'Write each replacement as a map with source and targets.')
      const replacement = goDecode(item, fileShape, itemField, {file: display, what: 'invalid replacement', strict: false})
      out.push({replacement: withoutNulls(replacement) as unknown as Replacement, origin: {file: display, field: itemField}})
    })
  })
  return out
}
