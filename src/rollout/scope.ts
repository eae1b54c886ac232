// "Stay in your lane": a tenant's apply may only touch the namespaces it was given and, when told
// so, no cluster-scoped object at all. Checked over the whole rendered set before anything is
// applied, so a refused apply changes nothing; every offender is listed, not just the first.
import {UserError} from '../model/errors.js'
import {isObject, type JsonObject} from '../model/json.js'
import {isClusterScoped, resIdOf, type Resource, type ResourceOrigin} from '../model/resource.js'
import type {ClusterPort} from '../cluster/port.js'

export interface ScopePolicy {
  /** Namespaces objects may live in; undefined: any. */
  allowNamespaces?: readonly string[]
  /** False refuses every cluster-scoped object (Namespace, ClusterRole, CRD, webhooks, ...). */
  allowClusterScoped: boolean
}

/** True when the policy restricts nothing (the defaults): the check can be skipped. */
export function isUnrestricted(policy: ScopePolicy): boolean {
  return policy.allowClusterScoped && policy.allowNamespaces === undefined
}

/** `true` cluster-scoped, `false` namespaced, `undefined` not known. */
export type KindScope = (apiVersion: string, kind: string) => boolean | undefined

export interface ScopeContext {
  /** Where a namespaced object without metadata.namespace lands (the kubeconfig context's namespace). */
  defaultNamespace: string
  /** The namespace the app's inventory and rollout state are written to. */
  appNamespace?: string
  /** Scope of kinds the built-in table does not know (from discovery); see kindScopes. */
  kindScope?: KindScope
}

export interface ScopeOffender {
  kind: string
  namespace: string
  name: string
  file?: string
  why: string
}

/** Every object (and the app namespace) outside the policy; empty when all are inside. */
export function scopeOffenders(resources: readonly Resource[], policy: ScopePolicy, ctx: ScopeContext): ScopeOffender[] {
  if (isUnrestricted(policy)) return []
  const allowed = policy.allowNamespaces === undefined ? undefined : new Set(policy.allowNamespaces)
  const crdScopes = crdScopesOf(resources)
  const out: ScopeOffender[] = []
  for (const r of resources) {
    const apiVersion = typeof r.obj.apiVersion === 'string' ? r.obj.apiVersion : ''
    const id = resIdOf(r.obj)
    const md = isObject(r.obj.metadata) ? r.obj.metadata : {}
    const declaredNs = typeof md.namespace === 'string' ? md.namespace : ''
    const clusterScoped = scopeOf(apiVersion, id.kind, declaredNs, crdScopes, ctx.kindScope)
    const file = originText(r.origin)
    if (clusterScoped) {
      if (!policy.allowClusterScoped) out.push({kind: id.kind, namespace: '', name: id.name, file, why: 'cluster-scoped objects are not allowed (--allow-cluster-scoped=false)'})
      // A tenant allowed some namespaces may create those, not others.
      else if (allowed && id.kind === 'Namespace' && apiVersion === 'v1' && !allowed.has(id.name)) out.push({kind: id.kind, namespace: '', name: id.name, file, why: `namespace ${id.name} is not in --allow-namespaces`})
      continue
    }
    const ns = declaredNs || ctx.defaultNamespace
    if (allowed && !allowed.has(ns)) out.push({kind: id.kind, namespace: ns, name: id.name, file, why: `namespace ${ns} is not in --allow-namespaces`})
  }
  if (allowed && ctx.appNamespace !== undefined && !allowed.has(ctx.appNamespace)) {
    out.push({kind: 'Secret', namespace: ctx.appNamespace, name: '(app inventory and rollout state)', why: `namespace ${ctx.appNamespace} is not in --allow-namespaces`})
  }
  return out
}

/** Throws one UserError listing every offender; returns when the set is inside the policy. */
export function checkScope(resources: readonly Resource[], policy: ScopePolicy, ctx: ScopeContext): void {
  const offenders = scopeOffenders(resources, policy, ctx)
  if (offenders.length === 0) return
  const lines = offenders.map((o) => `  ${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}${o.file ? ` (${o.file})` : ''}: ${o.why}`)
  throw new UserError(
    `refusing: ${offenders.length} object${offenders.length === 1 ? '' : 's'} outside the allowed scope\n${lines.join('\n')}`,
    {field: offenders.some((o) => o.namespace) ? '--allow-namespaces' : '--allow-cluster-scoped'},
    'Nothing was changed. Fix the render (namespace: in the kustomization, or drop the objects), or widen --allow-namespaces / --allow-cluster-scoped if the app is meant to reach there.',
  )
}

/**
 * Asks discovery for the scope of each kind the built-in table does not know (custom resources),
 * once per apiVersion/kind. Kinds the server does not serve stay unknown.
 */
export async function kindScopes(resources: readonly Resource[], cluster: Pick<ClusterPort, 'mapping'>): Promise<KindScope> {
  const known = new Map<string, boolean>()
  const wanted = new Map<string, {apiVersion: string; kind: string}>()
  for (const r of resources) {
    const apiVersion = typeof r.obj.apiVersion === 'string' ? r.obj.apiVersion : ''
    const kind = typeof r.obj.kind === 'string' ? r.obj.kind : ''
    if (isClusterScoped(kind, apiVersion) || builtinNamespaced(apiVersion)) continue
    wanted.set(`${apiVersion} ${kind}`, {apiVersion, kind})
  }
  await Promise.all(
    [...wanted].map(async ([key, {apiVersion, kind}]) => {
      const m = await cluster.mapping(apiVersion, kind).catch(() => undefined)
      if (m) known.set(key, !m.namespaced)
    }),
  )
  return (apiVersion, kind) => known.get(`${apiVersion} ${kind}`)
}

// Groups whose cluster-scoped kinds are all in the built-in table: the rest of their kinds are
// namespaced, no discovery needed.
const builtinGroups = new Set(['', 'apps', 'batch', 'autoscaling', 'policy', 'networking.k8s.io', 'rbac.authorization.k8s.io', 'coordination.k8s.io', 'discovery.k8s.io', 'events.k8s.io', 'storage.k8s.io', 'scheduling.k8s.io', 'node.k8s.io', 'admissionregistration.k8s.io', 'apiextensions.k8s.io', 'apiregistration.k8s.io', 'certificates.k8s.io'])

function builtinNamespaced(apiVersion: string): boolean {
  const slash = apiVersion.indexOf('/')
  return builtinGroups.has(slash < 0 ? '' : apiVersion.slice(0, slash))
}

function scopeOf(apiVersion: string, kind: string, declaredNs: string, crds: Map<string, boolean>, kindScope?: KindScope): boolean {
  if (isClusterScoped(kind, apiVersion)) return true
  if (builtinNamespaced(apiVersion)) return false
  const slash = apiVersion.indexOf('/')
  const fromCrd = crds.get(`${slash < 0 ? '' : apiVersion.slice(0, slash)}/${kind}`)
  if (fromCrd !== undefined) return fromCrd
  const fromServer = kindScope?.(apiVersion, kind)
  if (fromServer !== undefined) return fromServer
  // Unknown kind: an object that names no namespace is taken as cluster-scoped, so that a
  // restricted apply refuses it rather than guess it harmless.
  return declaredNs === ''
}

/** group/kind → cluster-scoped, from the CRDs the render itself carries. */
function crdScopesOf(resources: readonly Resource[]): Map<string, boolean> {
  const out = new Map<string, boolean>()
  for (const r of resources) {
    if (r.obj.kind !== 'CustomResourceDefinition' || !isObject(r.obj.spec)) continue
    const spec = r.obj.spec as JsonObject
    const names = isObject(spec.names) ? spec.names : {}
    if (typeof spec.group === 'string' && typeof names.kind === 'string') out.set(`${spec.group}/${names.kind}`, spec.scope === 'Cluster')
  }
  return out
}

function originText(origin: ResourceOrigin | undefined): string | undefined {
  if (!origin?.file) return undefined
  return origin.generator ? `${origin.file}, ${origin.generator}` : origin.file
}
