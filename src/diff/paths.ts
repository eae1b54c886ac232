// The path syntax of changed fields: dotted names, `["a.b/c"]` for names that are not plain
// identifiers, `[name=web]` for list elements matched by their merge keys, `[3]` by position,
// `[=value]` for members of a set of scalars. Readable in text output and stable for CI bots.
import type {JsonValue} from '../model/json.js'

const plainName = /^[A-Za-z_$][A-Za-z0-9_$-]*$/

export function fieldSegment(name: string): string {
  return plainName.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`
}

export function keySegment(keys: readonly string[], values: readonly JsonValue[]): string {
  return `[${keys.map((k, i) => `${k}=${scalarText(values[i])}`).join(',')}]`
}

export function indexSegment(i: number): string {
  return `[${i}]`
}

export function setSegment(v: JsonValue): string {
  return `[=${scalarText(v)}]`
}

function scalarText(v: JsonValue): string {
  if (typeof v === 'string') return /^[^,=\[\]"]*$/.test(v) && v !== '' ? v : JSON.stringify(v)
  if (typeof v === 'bigint') return v.toString()
  return JSON.stringify(v) ?? 'null'
}

/** A path as printed: without the leading dot of its first field. */
export function finishPath(path: string): string {
  return path.startsWith('.') ? path.slice(1) : path
}
