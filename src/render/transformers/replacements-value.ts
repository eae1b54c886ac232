import {cloneJson, isObject, type JsonValue} from '../../model/json.js'
import {scalarText, untaggedScalar, type FieldSlot} from './replacements-path.js'

// Writing a replacement value the way kustomize does: a scalar target keeps its YAML type and only
// takes the new text (so "5" into `replicas: 1` is the integer 5, and 8080 into a string field is
// "8080"); a map or list target is replaced whole. kustomize finds out that a text cannot have the
// target's type ("abc" into an integer) only when it prints the object; here it is found at once.

export interface ValueOptions {
  delimiter?: string
  index?: number
}

/** A value that does not fit the target's type, or a delimiter used on a map or list. */
export class ReplacementValueError extends Error {}

const isScalar = (v: JsonValue) => v === null || (!Array.isArray(v) && !isObject(v))

/** The source value after `options.delimiter/index` (kustomize's getRefinedValue). */
export function refineSourceValue(value: JsonValue, options: ValueOptions | undefined): JsonValue {
  if (!options?.delimiter) return value
  if (!isScalar(value)) throw new ReplacementValueError('delimiter option can only be used with scalar nodes')
  const text = scalarText(value)
  const parts = text.split(options.delimiter)
  const index = options.index ?? 0
  if (index >= parts.length || index < 0) throw new ReplacementValueError(`options.index ${index} is out of bounds for value ${text}`)
  // kyaml keeps the source's tag on the piece: a piece of a string stays a string.
  return typeof value === 'string' ? parts[index] : untaggedScalar(parts[index])
}

/** kustomize's setFieldValue for one matched field. */
export function writeValue(slot: FieldSlot, value: JsonValue, options: ValueOptions | undefined): void {
  const current = (slot.holder as Record<string | number, JsonValue>)[slot.key]
  // A created leaf has the kind of the value (kyaml creates it so), and no tag.
  const targetIsScalar = slot.created ? isScalar(value) : isScalar(current)
  let text = isScalar(value) ? scalarText(value) : ''
  if (options?.delimiter) {
    if (!targetIsScalar) throw new ReplacementValueError('delimiter option can only be used with scalar nodes')
    const parts = (slot.created ? '' : scalarText(current)).split(options.delimiter)
    const index = options.index ?? 0
    if (index < 0) parts.unshift(text)
    else if (index >= parts.length) parts.push(text)
    else parts[index] = text
    text = parts.join(options.delimiter)
  }
  const next = targetIsScalar ? (slot.created ? untaggedScalar(text) : retyped(current, text)) : cloneJson(value)
  ;(slot.holder as Record<string | number, JsonValue>)[slot.key] = next
}

const intText = (text: string) => /^[-+]?0[xX]/.test(text) || !/[.eEnN]/.test(text)

/** `text` read with the tag of `current`, as go-yaml decodes `!!int 5` or rejects `!!int abc`. */
function retyped(current: JsonValue, text: string): JsonValue {
  if (typeof current === 'string') return text
  const r = untaggedScalar(text)
  if (current === null) {
    if (r === null) return null
    throw new ReplacementValueError(`cannot store ${JSON.stringify(text)} in a field that is null`)
  }
  if (typeof current === 'boolean') {
    if (typeof r === 'boolean') return r
    throw new ReplacementValueError(`cannot store ${JSON.stringify(text)} in a boolean field`)
  }
  if (typeof current === 'number' || typeof current === 'bigint') {
    const isInt = typeof current === 'bigint' || Number.isInteger(current)
    if (typeof r === 'bigint' || (typeof r === 'number' && (!isInt || intText(text)))) return r
    throw new ReplacementValueError(`cannot store ${JSON.stringify(text)} in ${isInt ? 'an integer' : 'a number'} field`)
  }
  return text
}
