import {isUtf8} from 'node:buffer'
import * as path from 'node:path'
import {UserError} from '../../model/errors.js'
import {restrictPath} from '../../source/restrictor.js'
import type {GeneratorArgs, GeneratorContext} from './types.js'

/** One key/value pair; values stay bytes so non-UTF-8 files can become binaryData. */
export interface KvPair {
  key: string
  value: Buffer
  /** Where the pair came from, e.g. `configMapGenerator[0].files[1]`. */
  field: string
}

/**
 * kustomize's kv loader (api/kv/kv.go) followed by makeValidatedDataMap: env files first, then
 * literals, then files — all loaded before keys are checked, so load errors come first.
 * kustomize v5.5 does not validate key syntax (its FieldValidator accepts every key), so
 * neither does this: rejecting keys here would break byte-identical output.
 * `field` is the generator's own path, e.g. `secretGenerator[2]`.
 */
export function loadKvPairs(args: GeneratorArgs, ctx: GeneratorContext, field: string): KvPair[] {
  const pairs: KvPair[] = []
  const envs: Array<{source: string; field: string}> = (args.envs ?? []).map((source, i) => ({source, field: `${field}.envs[${i}]`}))
  if (args.env) envs.push({source: args.env, field: `${field}.env`})
  for (const env of envs) {
    const content = loadSourceFile(env.source, ctx, env.field)
    for (const {key, value} of parseEnvContent(content, {file: ctx.file, field: env.field, envPath: env.source})) {
      pairs.push({key, value: Buffer.from(value, 'utf8'), field: env.field})
    }
  }
  ;(args.literals ?? []).forEach((source, i) => {
    const f = `${field}.literals[${i}]`
    const {key, value} = parseLiteralSource(source, ctx.file, f)
    pairs.push({key, value: Buffer.from(value, 'utf8'), field: f})
  })
  ;(args.files ?? []).forEach((source, i) => {
    const f = `${field}.files[${i}]`
    const {key, filePath} = parseFileSource(source, ctx.file, f)
    pairs.push({key, value: loadSourceFile(filePath, ctx, f), field: f})
  })
  const seen = new Map<string, KvPair>()
  for (const p of pairs) {
    const first = seen.get(p.key)
    if (first) {
      throw new UserError(
        `generator '${args.name ?? ''}' repeats the key '${p.key}' (first from ${first.field})`,
        {file: ctx.file, field: p.field},
        'Each key may appear once across literals, files and env files; rename or drop one of them.',
      )
    }
    seen.set(p.key, p)
  }
  return pairs
}

/** `key=value`: split at the first `=`, then drop one pair of matching surrounding quotes. */
export function parseLiteralSource(source: string, file: string, field: string): {key: string; value: string} {
  const eq = source.indexOf('=')
  if (eq <= 0) {
    throw new UserError(`invalid literal source '${source}', expected key=value`, {file, field}, 'Write the literal as key=value, e.g. LOG_LEVEL=debug.')
  }
  return {key: source.slice(0, eq), value: removeQuotes(source.slice(eq + 1))}
}

function removeQuotes(s: string): string {
  if (s.length < 2 || s[0] !== s[s.length - 1]) return s
  return s[0] === '"' || s[0] === "'" ? s.slice(1, -1) : s
}

/** `path` (the key is the basename) or `key=path`; more than one `=` is an error, as in kustomize. */
export function parseFileSource(source: string, file: string, field: string): {key: string; filePath: string} {
  const parts = source.split('=')
  const hint = 'Write the file source as path or key=path; neither the key nor the path may contain "=".'
  if (parts.length === 1) return {key: goPathBase(source), filePath: source}
  if (parts.length > 2) throw new UserError(`file source '${source}': key name or file path contains '='`, {file, field}, hint)
  if (parts[0] === '') throw new UserError(`file source '${source}': missing key name for file path '${parts[1]}'`, {file, field}, hint)
  if (parts[1] === '') throw new UserError(`file source '${source}': missing file path for key name '${parts[0]}'`, {file, field}, hint)
  return {key: parts[0], filePath: parts[1]}
}

// Go's path.Base: trailing slashes dropped, '' becomes '.', all slashes becomes '/'.
function goPathBase(p: string): string {
  if (p === '') return '.'
  const trimmed = p.replace(/\/+$/, '')
  if (trimmed === '') return '/'
  return trimmed.slice(trimmed.lastIndexOf('/') + 1)
}

/** Reads a generator source through the FileSystem port and the load restrictor. */
export function loadSourceFile(source: string, ctx: GeneratorContext, field: string): Buffer {
  if (/^https?:/i.test(source)) {
    throw new UserError(`remote file '${source}' is not supported in generators`, {file: ctx.file, field}, 'Download the file into the kustomization directory and refer to it by a relative path.')
  }
  const abs = path.posix.isAbsolute(source) ? path.posix.normalize(source) : path.posix.join(ctx.dir, source)
  let real: string
  try {
    real = restrictPath(ctx.fs, ctx.restrictor, ctx.root, abs, ctx.file)
  } catch (e) {
    if (e instanceof UserError) throw new UserError(e.message, {file: ctx.file, field}, e.hint)
    throw e
  }
  if (!ctx.fs.exists(real)) {
    throw new UserError(`file '${source}' not found (looked for ${abs})`, {file: ctx.file, field}, 'Check the path; it is relative to the directory of the kustomization file.')
  }
  if (ctx.fs.isDirectory(real)) {
    throw new UserError(`'${source}' is a directory; a generator source must be a file`, {file: ctx.file, field}, 'List each file of the directory separately.')
  }
  return ctx.fs.readFile(real)
}

// bufio.Scanner's default limit: kustomize's env parser stops at a line this long and, since it
// never checks the scanner's error, silently drops that line and every line after it.
const maxLineBytes = 64 * 1024
// Go's unicode.IsSpace: ASCII and Latin-1 spaces plus the Unicode White_Space set (not U+FEFF).
const leadingGoSpace = /^[\t\n\v\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]+/

/**
 * kustomize's env-file syntax: per line, leading whitespace trimmed; blank lines and `#` lines
 * skipped; `KEY=value` split at the first `=` with the value kept verbatim (no quote removal,
 * trailing spaces kept); `KEY` alone gives an empty value — v5.5 does NOT read the process
 * environment; a line starting with `=` is skipped silently. A UTF-8 BOM is dropped from the
 * first line only; CRLF endings lose their `\r`; a line that is not UTF-8 is an error.
 */
export function parseEnvContent(content: Buffer, where: {file: string; field: string; envPath: string}): Array<{key: string; value: string}> {
  const out: Array<{key: string; value: string}> = []
  let start = 0
  for (let lineNo = 0; start < content.length; lineNo++) {
    const nl = content.indexOf(0x0a, start)
    const end = nl < 0 ? content.length : nl
    if (end - start >= maxLineBytes) break
    let line = content.subarray(start, end > start && content[end - 1] === 0x0d ? end - 1 : end)
    start = nl < 0 ? content.length : nl + 1
    if (!isUtf8(line)) {
      throw new UserError(`env file ${where.envPath} line ${lineNo + 1} is not valid UTF-8`, {file: where.file, field: where.field}, 'Save the env file as UTF-8, or put binary content in a file source instead.')
    }
    if (lineNo === 0 && line.length >= 3 && line[0] === 0xef && line[1] === 0xbb && line[2] === 0xbf) line = line.subarray(3)
    const text = line.toString('utf8').replace(leadingGoSpace, '')
    if (text === '' || text[0] === '#') continue
    const eq = text.indexOf('=')
    const key = eq < 0 ? text : text.slice(0, eq)
    if (key === '') continue
    out.push({key, value: eq < 0 ? '' : text.slice(eq + 1)})
  }
  return out
}
