import * as path from 'node:path'
import {UserError, type ErrorOrigin} from '../../model/errors.js'
import {isObject, type JsonObject, type JsonValue} from '../../model/json.js'
import {ResourceSet} from '../../model/resource-set.js'
import type {Resource} from '../../model/resource.js'
import type {Selector} from '../kustomization.js'
import {selectResources} from '../select.js'
import {namespaceTransformer} from './namespace.js'

// kustomize's ValueAddTransformer (api/internal/builtins/ValueAddTransformer.go and
// api/filters/valueadd): writes one value into a field of the selected objects, or inserts it as a
// path segment of the value already there.

export interface ValueAddTarget {
  selector?: Selector
  fieldPath: string
  /** 0: replace the value; n > 0: insert the value as the n-th segment of the existing path value. */
  filePathPosition: number
}

/** Go's filesys.PathSplit: `a/b/c` -> [a, b, c]; `/a` -> ['', a]; '' -> []. */
function pathSplit(p: string): string[] {
  if (p === '') return []
  const cut = p.lastIndexOf('/')
  const dir = p.slice(0, cut + 1)
  const base = p.slice(cut + 1)
  if (dir === '/') return base === '' ? [''] : ['', base]
  const trimmed = dir.endsWith('/') ? dir.slice(0, -1) : dir
  if (trimmed === '') return [base]
  return [...pathSplit(trimmed), base]
}

/** Go's filepath.Join: non-empty parts joined by `/`, then cleaned. */
function goJoin(parts: string[]): string {
  const joined = parts.filter((x) => x !== '').join('/')
  return joined === '' ? '' : path.posix.normalize(joined).replace(/\/$/, '') || '/'
}

/** Go's filesys.InsertPathPart: `part` becomes segment `pos` of `p` (an absolute path keeps its `/`). */
export function insertPathPart(p: string, pos: number, part: string): string {
  if (part === '') return p
  const parts = pathSplit(p)
  pos = Math.max(0, Math.min(pos, parts.length))
  if (parts.length > 0 && parts[0] === '' && pos < parts.length) pos++
  const result = [...parts.slice(0, pos), part, ...parts.slice(pos)]
  return result[0] === '' ? `/${goJoin(result.slice(1))}` : goJoin(result)
}

/** The fieldPath's segments: `/` separates, a segment ending in `\` continues into the next. */
function fieldsOf(fieldPath: string): string[] {
  const out: string[] = []
  for (const f of fieldPath.split('/')) {
    if (out.length > 0 && out[out.length - 1].endsWith('\\')) out[out.length - 1] = `${out[out.length - 1].slice(0, -1)}/${f}`
    else out.push(f)
  }
  return out
}

/** kyaml's LookupCreate for map keys and `[key=value]` list elements, creating what is missing. */
function lookupCreate(obj: JsonObject, fields: string[], where: {file?: string; field: string}): {holder: JsonObject; key: string} {
  let cur: JsonValue = obj
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]
    const last = i === fields.length - 1
    const match = /^\[([^=\]]+)=([^\]]*)\]$/.exec(f)
    if (match) {
      if (!Array.isArray(cur)) throw new UserError(`ValueAddTransformer: ${where.field} expects a list at ${f}`, where, 'Fix the fieldPath of the target.')
      let el: JsonValue | undefined = cur.find((x) => isObject(x) && String(x[match[1]]) === match[2])
      if (el === undefined) {
        el = {[match[1]]: match[2]}
        cur.push(el)
      }
      if (last) throw new UserError(`ValueAddTransformer: ${where.field} ends at a list element, not a scalar`, where, 'End the fieldPath at a scalar field.')
      cur = el
      continue
    }
    if (!isObject(cur)) throw new UserError(`ValueAddTransformer: ${where.field} expects a map at ${f}`, where, 'Fix the fieldPath of the target.')
    if (last) return {holder: cur, key: f}
    if (cur[f] === undefined || cur[f] === null) cur[f] = /^\[.+=.*\]$/.test(fields[i + 1]) ? [] : {}
    cur = cur[f]
  }
  throw new UserError('ValueAddTransformer: fieldPath cannot be empty', where, 'Set fieldPath on every target.')
}

/** Runs the transformer on `set` in place. */
export function valueAddTransformer(value: string, targets: ValueAddTarget[], origin: ErrorOrigin): (set: ResourceSet) => void {
  return (set) => {
    for (const t of targets) {
      const resources: Resource[] = t.selector ? selectResources(set, t.selector, origin) : set.toArray()
      if (t.fieldPath === 'metadata/namespace') {
        // kustomize runs the namespace filter alone here: metadata.namespace and RoleBinding
        // subjects, without the NamespaceTransformer's bookkeeping of previous ids.
        const before = resources.map((r) => r.meta.previousIds.length)
        namespaceTransformer({namespace: value, fieldSpecs: [], origin: origin.file})(new ResourceSet(resources))
        resources.forEach((r, i) => r.meta.previousIds.splice(before[i]))
        continue
      }
      const fields = fieldsOf(t.fieldPath)
      for (const r of resources) {
        const where = {file: r.origin.file, field: t.fieldPath.replace(/\//g, '.')}
        const {holder, key} = lookupCreate(r.obj, fields, where)
        const cur = holder[key]
        if (isObject(cur) || Array.isArray(cur)) {
          throw new UserError(`ValueAddTransformer: wrong node kind at ${where.field}: expected a scalar`, where, 'Point fieldPath at a scalar field.')
        }
        const old = cur === undefined || cur === null ? '' : String(cur)
        holder[key] = t.filePathPosition > 0 ? insertPathPart(old, t.filePathPosition - 1, value) : value
      }
    }
    set.reindex()
  }
}
