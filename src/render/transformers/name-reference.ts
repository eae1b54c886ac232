import {UserError} from '../../model/errors.js'
import {isObject, type JsonObject, type JsonValue} from '../../model/json.js'
import type {ResourceSet} from '../../model/resource-set.js'
import {formatResId, isClusterScoped, resIdOf, type ResId, type Resource} from '../../model/resource.js'
import {fieldSpecMatches, visitFieldPath, type FieldSpec} from '../fieldspec.js'
import {defaultNameReferenceConfig, type NameBackReference} from './name-reference-config.js'
import {gvkSelected, originalGvk, previousGvks} from './name-reference-ids.js'

// kustomize's EffectiveNamespace: '' and 'default' are one namespace; cluster-scoped objects
// share a namespace no namespaced object can have.
const NO_NAMESPACE = '_non_namespaceable_'

type Gvk = Pick<ResId, 'group' | 'version' | 'kind'>

/** What the matching rules read about a resource; computed once, names do not change in this pass. */
interface Target {
  index: number
  r: Resource
  name: string
  /** metadata.namespace as written ('' when absent). */
  namespace: string
  clusterScoped: boolean
  effectiveNamespace: string
  originalEffectiveNamespace: string
  kind: string
  previousGvks: Gvk[]
}

/** Resources sharing one previous name, grouped the ways a lookup narrows them. */
interface NameBucket {
  all: Target[]
  byNamespace: Map<string, Target[]>
}

/** Per original namespace: what decides whether a referrer's candidate subset holds any of them. */
interface OriginalNamespaceGroup {
  anyClusterScoped: boolean
  namespaces: Set<string>
  rawNamespaces: Set<string>
}

type Identical = (a: Target, b: Target) => boolean
const sameName: Identical = (a, b) => a.name === b.name
const sameNameAndNamespace: Identical = (a, b) => a.name === b.name && a.namespace === b.namespace

/**
 * kustomize's name back-reference fix, run once over the whole set after hashing: every field a
 * nameReference entry lists is rewritten to the current name of the object it referred to under
 * one of that object's previous names. Only objects that were renamed (or moved by a namespace
 * transformer) have previous names; references to anything else are left alone, as are
 * references that match nothing. In place.
 */
export function fixNameReferences(set: ResourceSet, config: readonly NameBackReference[] = defaultNameReferenceConfig): void {
  const targets = [...set].map(toTarget)
  const buckets = indexByPreviousName(targets)
  const groups = indexOriginalNamespaces(targets)
  const filtersOf = filtersFor(config)
  for (const t of targets) {
    const list = filtersOf(originalGvk(t.r))
    if (list.length > 0) fixReferrer(t, list, buckets, groups)
  }
}

function effectiveNamespace(ns: string, clusterScoped: boolean): string {
  if (clusterScoped) return NO_NAMESPACE
  return ns === '' ? 'default' : ns
}

function toTarget(r: Resource, index: number): Target {
  const id = resIdOf(r.obj)
  const apiVersion = typeof r.obj.apiVersion === 'string' ? r.obj.apiVersion : ''
  const md = isObject(r.obj.metadata) ? r.obj.metadata : {}
  const namespace = typeof md.namespace === 'string' ? md.namespace : ''
  const clusterScoped = isClusterScoped(id.kind, apiVersion)
  const org = r.meta.previousIds[0]
  const originalEffectiveNamespace = org ? effectiveNamespace(org.namespace, isClusterScoped(org.kind, apiVersion)) : effectiveNamespace(namespace, clusterScoped)
  return {
    index,
    r,
    name: id.name,
    namespace,
    clusterScoped,
    effectiveNamespace: effectiveNamespace(namespace, clusterScoped),
    originalEffectiveNamespace,
    kind: id.kind,
    previousGvks: previousGvks(r),
  }
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k)
  if (list) list.push(v)
  else m.set(k, [v])
}

function indexByPreviousName(targets: Target[]): Map<string, NameBucket> {
  const buckets = new Map<string, NameBucket>()
  for (const t of targets) {
    const names = new Set(t.r.meta.previousIds.map((id) => id.name))
    for (const name of names) {
      let b = buckets.get(name)
      if (!b) buckets.set(name, (b = {all: [], byNamespace: new Map()}))
      b.all.push(t)
      push(b.byNamespace, t.effectiveNamespace, t)
    }
  }
  return buckets
}

function indexOriginalNamespaces(targets: Target[]): Map<string, OriginalNamespaceGroup> {
  const groups = new Map<string, OriginalNamespaceGroup>()
  for (const t of targets) {
    if (t.originalEffectiveNamespace === NO_NAMESPACE) continue
    let g = groups.get(t.originalEffectiveNamespace)
    if (!g) groups.set(t.originalEffectiveNamespace, (g = {anyClusterScoped: false, namespaces: new Set(), rawNamespaces: new Set()}))
    if (t.clusterScoped) g.anyClusterScoped = true
    g.namespaces.add(t.effectiveNamespace)
    g.rawNamespaces.add(t.namespace)
  }
  return groups
}

interface Filter {
  spec: FieldSpec
  target: Gvk
  /** roleRef/name fields also match on the roleRef's apiGroup and kind. */
  roleRef: boolean
}

/**
 * The fields a resource may refer through, in config order. Referrers are selected by their
 * original gvk only, so the list is computed once per distinct gvk, not once per resource.
 */
function filtersFor(config: readonly NameBackReference[]): (gvk: Gvk) => Filter[] {
  const cache = new Map<string, Filter[]>()
  return (gvk) => {
    const key = `${gvk.group}/${gvk.version}/${gvk.kind}`
    let list = cache.get(key)
    if (!list) {
      list = []
      for (const backRef of config) {
        const target: Gvk = {group: backRef.group ?? '', version: backRef.version ?? '', kind: backRef.kind ?? ''}
        for (const spec of backRef.fieldSpecs) if (fieldSpecMatches(spec, gvk)) list.push({spec, target, roleRef: spec.path.endsWith('roleRef/name')})
      }
      cache.set(key, list)
    }
    return list
  }
}

/** The referrer's view: which objects it may refer to at all (kustomize's SubsetThatCouldBeReferencedByResource). */
interface ReferrerScope {
  referrer: Target
  /** Namespaces of ServiceAccount subjects of a RoleBinding: it may refer into those. */
  subjectNamespaces: Set<string>
}

function scopeOf(referrer: Target): ReferrerScope {
  const subjectNamespaces = new Set<string>()
  const subjects = referrer.r.obj.subjects
  if (referrer.kind === 'RoleBinding' && Array.isArray(subjects)) {
    for (const s of subjects) {
      if (!isObject(s) || !('namespace' in s) || s.kind !== 'ServiceAccount') continue
      if (typeof s.namespace !== 'string') {
        throw new UserError(
          `Invalid Input: namespace is blank for resource ${formatResId(resIdOf(referrer.r.obj))}`,
          {file: referrer.r.origin.file, field: 'subjects.namespace'},
          'Give every ServiceAccount subject a namespace string, or leave the field out.',
        )
      }
      subjectNamespaces.add(s.namespace)
    }
  }
  return {referrer, subjectNamespaces}
}

function inScope(scope: ReferrerScope, t: Target): boolean {
  const ref = scope.referrer
  return ref.clusterScoped || t.clusterScoped || t.effectiveNamespace === ref.effectiveNamespace || scope.subjectNamespaces.has(t.namespace)
}

function scopeHasOriginalNamespace(scope: ReferrerScope, group: OriginalNamespaceGroup | undefined): boolean {
  if (!group) return false
  if (scope.referrer.clusterScoped || group.anyClusterScoped || group.namespaces.has(scope.referrer.effectiveNamespace)) return true
  for (const ns of scope.subjectNamespaces) if (group.rawNamespaces.has(ns)) return true
  return false
}

/** Candidates with `name` among their previous names that the referrer may see, in set order. */
function candidatesByName(scope: ReferrerScope, bucket: NameBucket | undefined): Target[] {
  if (!bucket) return []
  const ref = scope.referrer
  if (ref.clusterScoped) return bucket.all
  const same = bucket.byNamespace.get(ref.effectiveNamespace) ?? []
  const clusterScoped = bucket.byNamespace.get(NO_NAMESPACE)
  // Same-namespace and cluster-scoped objects are always in scope; only subject namespaces need the check.
  if (scope.subjectNamespaces.size === 0 && !clusterScoped) return same
  const pool = clusterScoped ? [...same, ...clusterScoped] : [...same]
  const seen = new Set([ref.effectiveNamespace, NO_NAMESPACE])
  for (const ns of scope.subjectNamespaces) {
    const key = effectiveNamespace(ns, false)
    if (seen.has(key)) continue
    seen.add(key)
    for (const t of bucket.byNamespace.get(key) ?? []) if (inScope(scope, t)) pool.push(t)
  }
  return pool.length > same.length ? pool.sort((a, b) => a.index - b.index) : pool
}

function fixReferrer(referrer: Target, filters: Filter[], buckets: Map<string, NameBucket>, groups: Map<string, OriginalNamespaceGroup>): void {
  const fixer = new ReferrerFixer(referrer, buckets, groups)
  for (const f of filters) fixer.apply(f)
}

/** Applies one referrer's filters; one instance per referrer so no closures are made per field. */
class ReferrerFixer {
  private readonly scope: ReferrerScope
  private filter!: Filter
  private roleRef: Gvk | undefined
  private readonly visit = (holder: JsonObject, key: string) => this.visitField(holder, key)

  constructor(
    private readonly referrer: Target,
    private readonly buckets: Map<string, NameBucket>,
    private readonly groups: Map<string, OriginalNamespaceGroup>,
  ) {
    this.scope = scopeOf(referrer)
  }

  apply(f: Filter): void {
    this.filter = f
    this.roleRef = f.roleRef ? roleRefGvk(this.referrer.r.obj) : undefined
    visitFieldPath(this.referrer.r.obj, f.spec.path, false, this.visit)
  }

  private visitField(holder: JsonObject, key: string): void {
    const v = holder[key]
    if (v === null || v === undefined) return
    if (!Array.isArray(v)) {
      if (isObject(v)) this.setMapping(v)
      else this.setScalar(holder, key, v)
      return
    }
    for (let i = 0; i < v.length; i++) {
      const el = v[i]
      if (el === null) continue
      if (isObject(el)) this.setMapping(el)
      else if (Array.isArray(el)) throw badNode(this.referrer, this.filter)
      else this.setScalar(v, i, el)
    }
  }

  private setScalar(holder: JsonObject | JsonValue[], key: string | number, value: string | number | bigint | boolean): void {
    const oldName = String(value)
    const referral = this.select(oldName, candidatesByName(this.scope, this.buckets.get(oldName)), sameName)
    if (referral && referral.name !== oldName) (holder as Record<string | number, JsonValue>)[key] = referral.name
  }

  private setMapping(node: JsonObject): void {
    const f = this.filter
    if (!('name' in node)) {
      throw new UserError(`path config error; no 'name' field in node at ${f.spec.path}`, {file: this.referrer.r.origin.file, field: f.spec.path}, 'A nameReference field spec that ends on a map needs that map to have a name field.')
    }
    const oldName = scalarString(node.name)
    let pool = candidatesByName(this.scope, this.buckets.get(oldName))
    if ('namespace' in node) {
      const ns = scalarString(node.namespace)
      pool = scopeHasOriginalNamespace(this.scope, this.groups.get(ns)) ? pool.filter((t) => t.originalEffectiveNamespace === ns) : pool.filter((t) => t.effectiveNamespace === ns && !t.clusterScoped)
    }
    const referral = this.select(oldName, pool, sameNameAndNamespace)
    if (!referral) return
    if (referral.name === oldName && referral.namespace === '') return
    node.name = referral.name
    // An empty namespace is a wildcard here, not "default": never write it over a value.
    if (referral.namespace !== '') node.namespace = referral.namespace
  }

  private select(oldName: string, pool: Target[], identical: Identical): Target | undefined {
    if (pool.length === 0) return undefined
    return selectReferral(this.referrer, this.filter, oldName, pool, identical, this.roleRef)
  }
}

function badNode(referrer: Target, f: Filter): UserError {
  return new UserError(`${f.spec.path} is expected to be either a string or a map of string`, {file: referrer.r.origin.file, field: f.spec.path}, 'Fix the field, or the nameReference field spec that points at it.')
}

function scalarString(v: JsonValue | undefined): string {
  return v === null || v === undefined || typeof v === 'object' ? '' : String(v)
}

/** roleRef's apiGroup and kind, when both are present (kustomize otherwise accepts any kind). */
function roleRefGvk(obj: JsonObject): Gvk | undefined {
  const ref = obj.roleRef
  if (!isObject(ref) || ref.apiGroup === undefined || ref.kind === undefined) return undefined
  return {group: scalarString(ref.apiGroup), version: '', kind: scalarString(ref.kind)}
}

function anyPreviousSelected(t: Target, selector: Gvk): boolean {
  return t.previousGvks.some((g) => gvkSelected(g, selector))
}

function prefixesSuffixesEqual(a: Resource, b: Resource, allowEmpty: boolean): boolean {
  const ap = a.meta.namePrefixes ?? []
  const bp = b.meta.namePrefixes ?? []
  const as = a.meta.nameSuffixes ?? []
  const bs = b.meta.nameSuffixes ?? []
  if (allowEmpty) return (ap.length === 0 || bp.length === 0 || sameEnding(ap, bp)) && (as.length === 0 || bs.length === 0 || sameEnding(as, bs))
  return sameEnding(ap, bp) && sameEnding(as, bs)
}

/** True when the shorter list is the tail of the longer one; an empty list only matches another. */
function sameEnding(a: string[], b: string[]): boolean {
  const [short, long] = a.length <= b.length ? [a, b] : [b, a]
  if (short.length === 0) return long.length === 0
  const offset = long.length - short.length
  return short.every((s, i) => long[i + offset] === s)
}

/** kustomize's selectReferral: narrow, prefer same prefixes/suffixes, refuse real ambiguity. */
function selectReferral(referrer: Target, f: Filter, oldName: string, pool: Target[], identical: Identical, roleRef: Gvk | undefined): Target | undefined {
  let c = pool.filter(
    (t) =>
      anyPreviousSelected(t, f.target) &&
      (!roleRef || anyPreviousSelected(t, roleRef)) &&
      (referrer.clusterScoped || t.clusterScoped || t.kind === 'ServiceAccount' || t.effectiveNamespace === referrer.effectiveNamespace),
  )
  if (c.length === 1) return c[0]
  c = c.filter((t) => prefixesSuffixesEqual(t.r, referrer.r, true))
  if (c.length > 1) c = c.filter((t) => prefixesSuffixesEqual(t.r, referrer.r, false))
  if (c.length <= 1) return c[0]
  if (c.every((t) => identical(c[0], t))) return c[0]
  throw new UserError(
    `found multiple possible referrals for name "${oldName}" in ${f.spec.path} of ${formatResId(resIdOf(referrer.r.obj))}: ${c.map((t) => `${formatResId(resIdOf(t.r.obj))} (from ${t.r.origin.file})`).join(', ')}`,
    {file: referrer.r.origin.file, field: f.spec.path},
    'Give the candidates different names, or put the referrer in the same namespace (or under the same namePrefix/nameSuffix) as the one it means.',
  )
}
