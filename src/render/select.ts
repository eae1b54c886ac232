import {BoundedCache} from '../model/bounded-cache.js'
import {UserError, type ErrorOrigin} from '../model/errors.js'
import {isObject, type JsonObject} from '../model/json.js'
import {isClusterScoped, resIdOf, type ResId, type Resource} from '../model/resource.js'
import {matchesSelector, parseLabelSelector} from './label-selector.js'

/** A patch or replacement target (kustomize's types.Selector). */
export interface Selector {
  group?: string
  version?: string
  kind?: string
  name?: string
  namespace?: string
  labelSelector?: string
  annotationSelector?: string
}

/** kustomize's EffectiveNamespace: cluster-scoped kinds have none, an unset namespace is `default`. */
export function effectiveNamespace(id: Pick<ResId, 'kind' | 'namespace'>): string {
  if (isClusterScoped(id.kind)) return '_non_namespaceable_'
  return id.namespace === '' || id.namespace === 'default' ? 'default' : id.namespace
}

const regexCache = new BoundedCache<string, RegExp>()

/**
 * kustomize anchors every target field as a Go regexp `^(?:x)$`. JS syntax agrees for the patterns
 * people write (literals, `.*`, alternation, classes); a leading `(?i)` is turned into the flag JS
 * needs for it.
 */
function anchored(pattern: string, field: string, origin: ErrorOrigin): RegExp {
  let re = regexCache.get(pattern)
  if (re) return re
  let body = pattern
  let flags = ''
  const m = /^\(\?([ims]+)\)/.exec(body)
  if (m) {
    body = body.slice(m[0].length)
    flags = [...new Set(m[1])].join('')
  }
  try {
    re = new RegExp(`^(?:${body})$`, flags)
  } catch (e) {
    throw new UserError(
      `error parsing regexp in target ${field} ${JSON.stringify(pattern)}: ${(e as Error).message}`,
      {...origin, field: origin.field ? `${origin.field}.${field}` : field},
      'Target names, namespaces and kinds are regular expressions: escape special characters, or use `.*` for "anything".',
    )
  }
  regexCache.set(pattern, re)
  return re
}

/** Labels or annotations as strings, the way kustomize reads them for selector matching. */
export function stringMapAt(obj: JsonObject, field: 'labels' | 'annotations'): Record<string, string> {
  const md = obj.metadata
  if (!isObject(md)) return {}
  const m = md[field]
  if (!isObject(m)) return {}
  const out: Record<string, string> = {}
  for (const k of Object.keys(m)) {
    const v = m[k]
    if (typeof v === 'string') out[k] = v
    else if (typeof v === 'number' || typeof v === 'boolean') out[k] = String(v)
    else if (v === null) out[k] = ''
  }
  return out
}

/** Both selector strings match the object's current labels / annotations (empty ones match all). */
export function matchesLabelAndAnnotationSelectors(r: Resource, sel: Pick<Selector, 'labelSelector' | 'annotationSelector'>, origin: ErrorOrigin = {}): boolean {
  if (sel.labelSelector && !matchesSelector(stringMapAt(r.obj, 'labels'), parseLabelSelector(sel.labelSelector, origin))) return false
  if (sel.annotationSelector && !matchesSelector(stringMapAt(r.obj, 'annotations'), parseLabelSelector(sel.annotationSelector, origin))) return false
  return true
}

/**
 * The resources a patch `target` selects, in set order (kustomize's resWrangler.Select): group,
 * version and kind are anchored regexes over the current GVK; name and namespace are anchored
 * regexes matched against the original id (before any prefix/suffix/namespace change) or the
 * current one; an unset namespace counts as `default`; label and annotation selectors apply to the
 * current object. Bad regexes or selectors throw a UserError at `origin`.
 */
export function selectResources(resources: Iterable<Resource>, target: Selector, origin: ErrorOrigin = {}): Resource[] {
  const group = target.group ? anchored(target.group, 'group', origin) : undefined
  const version = target.version ? anchored(target.version, 'version', origin) : undefined
  const kind = target.kind ? anchored(target.kind, 'kind', origin) : undefined
  const name = target.name ? anchored(target.name, 'name', origin) : undefined
  const namespace = target.namespace ? anchored(target.namespace, 'namespace', origin) : undefined
  const labels = target.labelSelector ? parseLabelSelector(target.labelSelector, origin) : undefined
  const annotations = target.annotationSelector ? parseLabelSelector(target.annotationSelector, origin) : undefined

  const out: Resource[] = []
  for (const r of resources) {
    // All conditions must hold; the cheap, usually selective kind test goes first.
    const cur = resIdOf(r.obj)
    if (kind && !kind.test(cur.kind)) continue
    if (group && !group.test(cur.group)) continue
    if (version && !version.test(cur.version)) continue
    const org = r.meta.previousIds.length > 0 ? r.meta.previousIds[0] : cur
    if (name && !name.test(org.name) && !name.test(cur.name)) continue
    if (namespace && !namespace.test(effectiveNamespace(org)) && !namespace.test(effectiveNamespace(cur))) continue
    if (labels && !matchesSelector(stringMapAt(r.obj, 'labels'), labels)) continue
    if (annotations && !matchesSelector(stringMapAt(r.obj, 'annotations'), annotations)) continue
    out.push(r)
  }
  return out
}

type IdSelector = Pick<Selector, 'group' | 'version' | 'kind' | 'name' | 'namespace'>

/**
 * kustomize's ResId.IsSelectedBy, used by replacements: exact (not regex) comparison of each field
 * the selector sets, namespaces compared as effective namespaces (`nsOf(id)`).
 */
function idSelectedBy(id: ResId, ns: string, selector: IdSelector): boolean {
  if (selector.name && selector.name !== id.name) return false
  if (selector.namespace && selector.namespace !== ns) return false
  if (selector.group && selector.group !== id.group) return false
  if (selector.version && selector.version !== id.version) return false
  if (selector.kind && selector.kind !== id.kind) return false
  return true
}

/**
 * True when the resource's current id or any previous id is selected (kustomize's MakeResIds +
 * IsSelectedBy, the replacement source/target semantics). Replacements build the current id
 * without cluster-scope knowledge, so its namespace is the raw `metadata.namespace` or `default`
 * even for a ClusterRole; previous ids were recorded with their effective namespace.
 */
export function anyIdSelectedBy(r: Resource, selector: IdSelector): boolean {
  const md = isObject(r.obj.metadata) ? r.obj.metadata : {}
  const rawNs = typeof md.namespace === 'string' && md.namespace !== '' ? md.namespace : 'default'
  if (idSelectedBy(resIdOf(r.obj), rawNs, selector)) return true
  for (const id of r.meta.previousIds) if (idSelectedBy(id, effectiveNamespace(id), selector)) return true
  return false
}
