// valuesInline against the chart's values file, as kustomize v5.5 combines them with kyaml's
// merge2 before handing one file to helm: `override` (default) lets the inline values win,
// `merge` lets the file's values win (inline-only keys stay), `replace` ignores the file.
// merge2 rules as they apply to schema-less values: maps merge key by key, a null on the winning
// side removes the key, a list is replaced whole (kubectl kustomize replaces a chart's `env:` list
// of {name, value} maps rather than merging it by name — fixture 171). Pure.
import {isObject, type JsonObject, type JsonValue} from '../../model/json.js'
import type {ValuesMerge} from './chart-config.js'

export function combineValues(fileValues: JsonValue, inline: JsonObject, mode: ValuesMerge): JsonObject {
  if (mode === 'replace') return inline
  const file = isObject(fileValues) ? fileValues : {}
  const merged = mode === 'override' ? mergeNode(file, inline) : mergeNode(inline, file)
  return isObject(merged) ? merged : {}
}

/** merge2.Merge(src=winner, dest=base). */
function mergeNode(base: JsonValue | undefined, winner: JsonValue): JsonValue | undefined {
  if (winner === null) return undefined
  if (isObject(winner) && isObject(base)) {
    const out: JsonObject = {...base}
    for (const [k, v] of Object.entries(winner)) {
      const m = mergeNode(base[k], v)
      if (m === undefined) delete out[k]
      else out[k] = m
    }
    return out
  }
  return winner
}
