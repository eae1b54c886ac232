// The GET-only comparison, for credentials that may read but not patch (server-side dry-run
// needs `patch`). Without the server merging, the live object is cut down to what apply would
// touch: the fields the render sets, plus the fields strata's own earlier apply owns (per
// managedFields; apply removes those when the render drops them). Fields only other managers or
// server defaults put there are out of the picture, as they would be after a real apply.
import {isObject, type JsonObject, type JsonValue} from '../model/json.js'
import {elementKey, keyString, listIdentity, type SchemaNode} from './list-keys.js'

/** fieldsV1 of managedFields: `f:<name>`, `k:<json key>`, `v:<json value>`, `i:<index>`, `.` for the node itself. */
type FieldSet = {[k: string]: FieldSet}

/** The union of the fieldsV1 sets `manager` owns through Apply. */
export function ownedFields(live: JsonObject, manager: string): FieldSet | undefined {
  const md = isObject(live.metadata) ? live.metadata : undefined
  const entries = md && Array.isArray(md.managedFields) ? md.managedFields : []
  let out: FieldSet | undefined
  for (const e of entries) {
    if (!isObject(e) || e.manager !== manager || e.operation !== 'Apply' || !isObject(e.fieldsV1)) continue
    out = mergeSets(out ?? {}, e.fieldsV1 as unknown as FieldSet)
  }
  return out
}

function mergeSets(a: FieldSet, b: FieldSet): FieldSet {
  const out: FieldSet = {...a}
  for (const [k, v] of Object.entries(b)) out[k] = k in out ? mergeSets(out[k], v) : v
  return out
}

/**
 * `live` reduced to the fields `rendered` sets or `owned` lists. Call with normalized objects
 * (the managedFields were read before normalizing).
 */
export function projectLive(live: JsonObject, rendered: JsonObject, owned: FieldSet | undefined, schema: SchemaNode): JsonObject {
  return project(live, rendered, owned, schema) as JsonObject
}

function project(live: JsonValue, rendered: JsonValue | undefined, owned: FieldSet | undefined, node: SchemaNode): JsonValue {
  // A leaf in the owned set (or nothing rendered below this point that could narrow it) means
  // the whole value is apply's.
  const ownedLeaf = owned !== undefined && isLeaf(owned)
  if (isObject(live)) {
    if (rendered === undefined && (owned === undefined || ownedLeaf)) return live
    if (rendered !== undefined && !isObject(rendered)) return live
    const out: JsonObject = {}
    for (const k of Object.keys(live)) {
      const r = rendered?.[k]
      const o = owned?.[`f:${k}`]
      if (r === undefined && o === undefined) continue
      out[k] = project(live[k], r, o, node?.field(k))
    }
    return out
  }
  if (Array.isArray(live)) {
    if (rendered !== undefined && !Array.isArray(rendered)) return live
    const r = rendered ?? []
    const id = listIdentity(node, live, r)
    if (id.by === 'key') {
      const byKey = new Map<string, JsonObject>()
      for (const el of r as JsonObject[]) byKey.set(keyString(elementKey(el, id.keys)), el)
      const out: JsonValue[] = []
      for (const el of live as JsonObject[]) {
        const values = elementKey(el, id.keys)
        const match = byKey.get(keyString(values))
        const o = owned?.[`k:${ownedKeyJson(id.keys, el)}`]
        if (match === undefined && o === undefined) continue
        out.push(project(el, match, o, node?.elements))
      }
      return out
    }
    if (id.by === 'set') {
      const inRender = new Set(r.map((v) => keyString([v])))
      return live.filter((v) => inRender.has(keyString([v])) || owned?.[`v:${JSON.stringify(v)}`] !== undefined)
    }
    // Atomic: apply replaces the whole list, so every live element counts; each is narrowed to
    // the fields its rendered counterpart sets (defaults inside elements are not changes).
    if (rendered === undefined && owned === undefined) return live
    return live.map((el, i) => (i < r.length ? project(el, r[i], undefined, node?.elements) : el))
  }
  return live
}

function isLeaf(s: FieldSet): boolean {
  for (const k in s) if (k !== '.') return false
  return true
}

// The server writes `k:` keys as compact JSON with the key fields in sorted order.
function ownedKeyJson(keys: readonly string[], el: JsonObject): string {
  const o: Record<string, JsonValue> = {}
  for (const k of [...keys].sort()) if (el[k] !== undefined) o[k] = el[k]
  return JSON.stringify(o)
}

const quantityParents = new Set(['requests', 'limits', 'hard', 'capacity', 'overhead'])

/** True for paths whose values are resource quantities (`...resources.requests.cpu`, `spec.hard.pods`, `sizeLimit`). */
export function isQuantityPath(path: string): boolean {
  if (path.endsWith('.sizeLimit') || path.endsWith('.storage')) return true
  const parts = path.split('.')
  return parts.length >= 2 && quantityParents.has(parts[parts.length - 2])
}
