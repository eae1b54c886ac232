import jsyaml from 'js-yaml'
import {UserError} from '../../model/errors.js'
import {isObject, type JsonValue} from '../../model/json.js'
import {goYaml11Schema, goYamlSchema} from './go-yaml-schema.js'

// Resource files are parsed with js-yaml (an order of magnitude faster than the `yaml` package on
// manifests) under a schema that resolves plain scalars exactly as go-yaml v3, which kustomize uses.

function invalidYaml(err: unknown, file: string, text: string): UserError {
  const e = err as {reason?: string; mark?: {line: number; column: number; position: number}; message?: string}
  // js-yaml's message quotes the offending source lines; only its reason and position are kept,
  // because the source may hold secret values.
  const reason = e.reason ?? 'invalid YAML'
  let line = e.mark ? e.mark.line + 1 : undefined
  let column = e.mark ? e.mark.column + 1 : undefined
  // An unterminated quoted scalar is reported where it starts, as go-yaml does, not at the end of the file.
  const quote = /within a (double|single) quoted scalar/.exec(reason)
  if (quote && e.mark) {
    const at = text.lastIndexOf(quote[1] === 'double' ? '"' : "'", e.mark.position - 1)
    if (at >= 0) {
      const before = text.slice(0, at)
      line = before.split('\n').length
      column = at - before.lastIndexOf('\n')
    }
  }
  return new UserError(`invalid YAML: ${reason}${column ? ` (column ${column})` : ''}`, {file, line}, 'Fix the YAML syntax at that line.')
}

/** All documents of a multi-document YAML file, as kustomize reads them (empty documents kept as null). */
export function parseYamlDocuments(text: string, file: string, yamlVersion: '1.1' | '1.2' = '1.2'): JsonValue[] {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
  let docs: JsonValue[]
  try {
    docs = jsyaml.loadAll(text, undefined, {schema: yamlVersion === '1.1' ? goYaml11Schema : goYamlSchema, filename: file}) as JsonValue[]
  } catch (err) {
    if (err instanceof RangeError) throw new UserError('YAML nesting is too deep', {file}, 'Flatten the document.')
    throw invalidYaml(err, file, text)
  }
  // go-yaml reads .inf/.nan as floats that encoding/json then refuses, so kustomize fails on them;
  // the text test keeps the walk off the common path.
  if (/\.(inf|nan)/i.test(text)) docs.forEach((d, i) => rejectNonFinite(d, file, `document ${i + 1}`))
  return docs
}

function rejectNonFinite(v: JsonValue, file: string, field: string): void {
  if (typeof v === 'number' && !Number.isFinite(v)) {
    throw new UserError(`the value ${v} is not a finite number, which kustomize cannot write (json: unsupported value)`, {file, field}, 'Quote it (e.g. ".inf") if it is meant as a string.')
  }
  if (Array.isArray(v)) v.forEach((x, i) => rejectNonFinite(x, file, `${field}[${i}]`))
  else if (isObject(v)) for (const k of Object.keys(v)) rejectNonFinite(v[k], file, `${field}.${k}`)
}

/** A single-document file (a kustomization, a patch file). */
export function parseYamlDocument(text: string, file: string): JsonValue {
  const docs = parseYamlDocuments(text, file).filter((d) => d !== null)
  if (docs.length > 1) throw new UserError('expected one YAML document, found several', {file}, 'Keep one document in this file.')
  return docs[0] ?? null
}
