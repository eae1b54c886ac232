import {UserError, type ErrorOrigin} from '../../model/errors.js'
import {isObject, type JsonObject, type JsonValue} from '../../model/json.js'
import type {ResourceSet} from '../../model/resource-set.js'
import {formatResId, resIdOf, type ResId, type Resource} from '../../model/resource.js'
import {applyFieldSpecs, type FieldSpec} from '../fieldspec.js'
import {effectiveNamespace} from '../select.js'
import {lookupField, ReplacementPathError, splitReplacementPath} from './replacements-path.js'
import {varReferenceFieldSpecs} from './vars-config.js'

// The deprecated `vars:` (kustomize's Var, ResAccumulator.MergeVars/ResolveVars and the refvar
// filter). Each kustomization binds its vars to an object after its own transformers ran; the
// bindings travel up with the resources, and once, at the top, after names are final, every
// `$(NAME)` in the varReference fields is replaced by the bound object's field value.

export interface VarEntry {
  name: string
  objref: {apiVersion?: string; group?: string; version?: string; kind?: string; name: string; namespace?: string}
  fieldref?: {fieldPath?: string}
}

interface BoundVar {
  name: string
  fieldPath: string
  /** The one object the objref matched when the var was declared (kustomize marks it with the var name). */
  resource?: Resource
  /** The objref as written, for messages. */
  ref: string
  origin: ErrorOrigin
}

/** Vars by name; names are unique across the whole tree. */
export type VarSet = Map<string, BoundVar>

export function newVarSet(): VarSet {
  return new Map()
}

function duplicate(name: string, origin: ErrorOrigin, first: ErrorOrigin): UserError {
  return new UserError(
    `var '${name}' already encountered (first declared in ${first.file ?? 'another kustomization'})`,
    origin,
    'Var names must be unique across the kustomization and all its bases and components: rename one of them.',
  )
}

/** Adds the vars of a base or component (kustomize's VarSet.MergeSet: a repeated name is an error). */
export function mergeVarSets(into: VarSet, from: VarSet): void {
  for (const v of from.values()) {
    const seen = into.get(v.name)
    if (seen) throw duplicate(v.name, v.origin, seen.origin)
    into.set(v.name, v)
  }
}

/** objref → group/version/kind: apiVersion, when set, overrides group and version. */
function refGvk(ref: VarEntry['objref']): Pick<ResId, 'group' | 'version' | 'kind'> {
  let group = ref.group ?? ''
  let version = ref.version ?? ''
  if (ref.apiVersion) {
    const parts = ref.apiVersion.split('/')
    if (parts.length === 2) [group, version] = parts
    else if (parts.length === 1) version = parts[0]
  }
  return {group, version, kind: ref.kind ?? ''}
}

function describeRef(ref: VarEntry['objref']): string {
  const gvk = refGvk(ref)
  return `${[gvk.kind, gvk.version, gvk.group].filter(Boolean).join('.') || '(any kind)'}/${ref.name}${ref.namespace ? `.${ref.namespace}` : ''}`
}

/**
 * kustomize's MergeVars for one kustomization, after its transformers: each var's objref is
 * matched against the current and previous ids of the resources accumulated so far (exact
 * group, version, kind and name; the namespace too when the objref sets one). More than one
 * match is an error; no match is only an error later, when the var is resolved.
 */
export function bindVars(vars: VarSet, entries: readonly VarEntry[] | undefined, set: ResourceSet, file: string): void {
  if (!entries?.length) return
  const bound: BoundVar[] = entries.map((v, i) => {
    const origin = {file, field: `vars[${i}]`}
    const gvk = refGvk(v.objref)
    const ns = v.objref.namespace ?? ''
    const matches = (id: ResId) =>
      id.name === v.objref.name && id.group === gvk.group && id.version === gvk.version && id.kind === gvk.kind && (ns === '' || effectiveNamespace(id) === effectiveNamespace({kind: '', namespace: ns}))
    const matched = [...set].filter((r) => r.meta.previousIds.some(matches) || matches(resIdOf(r.obj)))
    if (matched.length > 1) {
      throw new UserError(
        `found ${matched.length} resId matches for var ${v.name} (unable to disambiguate): ${matched.map((r) => formatResId(resIdOf(r.obj))).join(', ')}`,
        origin,
        'Add the namespace (or apiVersion) to the objref so it names one object.',
      )
    }
    return {name: v.name, fieldPath: v.fieldref?.fieldPath || 'metadata.name', resource: matched[0], ref: describeRef(v.objref), origin}
  })
  for (const v of bound) {
    const seen = vars.get(v.name)
    if (seen) throw duplicate(v.name, v.origin, seen.origin)
    vars.set(v.name, v)
  }
}

type Primitive = string | number | bigint | boolean

/** kustomize's GetFieldValue path: SmarterPathSplitter, then `a[0]` written as `a.0`. */
function varFieldPath(path: string): string[] {
  const out: string[] = []
  for (const part of splitReplacementPath(path)) {
    const m = /^(.*)\[(\d+)\]$/.exec(part)
    if (!m) out.push(part)
    else {
      if (m[1] !== '') out.push(m[1])
      out.push(m[2])
    }
  }
  return out
}

function varValue(v: BoundVar, live: ReadonlySet<Resource>): JsonValue {
  if (!v.resource || !live.has(v.resource)) {
    throw new UserError(
      `var '${v.name}' (objref ${v.ref}) cannot be mapped to a field in the set of known resources`,
      v.origin,
      'The objref must name an object of this kustomization or its bases by its exact apiVersion, kind and name (before any prefix or suffix).',
    )
  }
  let value: JsonValue | undefined
  try {
    value = lookupField(v.resource.obj, varFieldPath(v.fieldPath))
  } catch (e) {
    if (!(e instanceof ReplacementPathError)) throw e
  }
  if (value === undefined) {
    throw new UserError(
      `field '${v.fieldPath}' specified in var '${v.name}' not found in ${formatResId(resIdOf(v.resource.obj))} (from ${v.resource.origin.file})`,
      {...v.origin, field: `${v.origin.field}.fieldref.fieldPath`},
      'Point fieldref.fieldPath at a field set in that object (e.g. spec.ports[0].port).',
    )
  }
  // A null scalar reads back as its text.
  return value === null ? 'null' : value
}

/**
 * kustomize's DoReplacements: `$(NAME)` becomes the var's value (typed when it is the whole
 * string), `$$` becomes `$`, and anything else, including unknown names, stays as written.
 */
export function expandVars(input: string, lookup: (name: string) => Primitive | undefined): JsonValue {
  let out = ''
  let checkpoint = 0
  for (let cursor = 0; cursor < input.length; cursor++) {
    if (input[cursor] !== '$' || cursor + 1 >= input.length) continue
    out += input.slice(checkpoint, cursor)
    const next = input[cursor + 1]
    let advance = 1
    if (next === '$') out += '$'
    else if (next === '(') {
      const close = input.indexOf(')', cursor + 2)
      if (close < 0) out += '$('
      else {
        const name = input.slice(cursor + 2, close)
        const mapped = lookup(name)
        if (close === input.length - 1 && cursor === 0) return mapped ?? input
        out += mapped === undefined ? `$(${name})` : String(mapped)
        advance = close - cursor
      }
    } else out += '$' + next
    cursor += advance
    checkpoint = cursor + 1
  }
  return out + input.slice(checkpoint)
}

export interface ResolveVarsOptions {
  /** The varReference table (kustomize's default unless `configurations:` changes it). */
  fieldSpecs?: readonly FieldSpec[]
  /** Told the names of vars no field used (kustomize logs them). */
  warn?: (message: string) => void
}

/** kustomize's ResolveVars, run once at the top after name references are fixed. In place. */
export function resolveVars(set: ResourceSet, vars: VarSet, options: ResolveVarsOptions = {}): void {
  if (vars.size === 0) return
  const live = new Set(set)
  const values = new Map<string, JsonValue>()
  for (const name of [...vars.keys()].sort()) values.set(name, varValue(vars.get(name)!, live))
  const used = new Set<string>()
  const lookup = (name: string): Primitive | undefined => {
    const v = values.get(name)
    if (v === undefined || v === null || typeof v === 'object') return undefined
    used.add(name)
    return v
  }
  const specs = options.fieldSpecs ?? varReferenceFieldSpecs
  for (const r of set) {
    applyFieldSpecs(
      r,
      specs,
      (holder, key, spec) => {
        const v = holder[key]
        if (typeof v === 'string') holder[key] = expandVars(v, lookup)
        else if (Array.isArray(v)) v.forEach((item, i) => (v[i] = expandItem(item, lookup, r, spec)))
        else if (isObject(v)) expandMap(v, lookup)
      },
      {create: false},
    )
  }
  const unused = [...vars.keys()].filter((n) => !used.has(n)).sort()
  if (unused.length) options.warn?.(`well-defined vars that were never replaced: ${unused.join(',')}`)
}

function expandItem(item: JsonValue, lookup: (name: string) => Primitive | undefined, r: Resource, spec: FieldSpec): JsonValue {
  if (typeof item !== 'string') {
    throw new UserError(
      `invalid value type expect a string: ${JSON.stringify(item)} in '${spec.path}' of ${formatResId(resIdOf(r.obj))}`,
      {file: r.origin.file, field: spec.path.replaceAll('/', '.')},
      'With vars in use, kustomize requires every item of this list to be a string: quote the item.',
    )
  }
  return expandVars(item, lookup)
}

function expandMap(m: JsonObject, lookup: (name: string) => Primitive | undefined): void {
  for (const k of Object.keys(m)) {
    const v = m[k]
    if (typeof v === 'string') m[k] = expandVars(v, lookup)
  }
}
