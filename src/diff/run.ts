// The diff of a rendered set against a cluster, through the ClusterPort only: per object a GET
// and a server-side apply dry-run (or dry-run create for new objects), compared after
// normalization; objects in the app's ApplySet that the render no longer has are deletions.
// Requests run `concurrency` at a time; one object's failure is reported with it, not thrown.
import {applySetId, applySetParent, readApplySet, withPartOfLabel, type ApplySetInventory} from '../cluster/applyset.js'
import {boundedPort} from '../cluster/bounded.js'
import {ClusterError} from '../cluster/errors.js'
import {defaultFieldManager, type ClusterPort, type ResourceMapping} from '../cluster/port.js'
import {BugError, UserError} from '../model/errors.js'
import {cloneJson, isObject, type JsonObject, type JsonValue} from '../model/json.js'
import {objectPolicy, policyAnnotations} from '../model/object-policy.js'
import {identityKey, resIdOf, splitApiVersion, type Resource} from '../model/resource.js'
import {blueGreenActiveService, comparedAs, isOwnVersion, type ComparedAs} from './blue-green-view.js'
import {alignOrder, changedPaths} from './changes.js'
import {ignoredPointers, removeAt, type IgnoreRule} from './ignore.js'
import {schemaOf} from './list-keys.js'
import {maskSecretPair, scrub, secretValues} from './mask.js'
import {foldStringData, normalizeObject} from './normalize.js'
import {mapLimit} from './pool.js'
import {sameQuantity} from './quantity.js'
import {isQuantityPath, ownedFields, projectLive} from './read-only.js'
import type {DiffAction, DiffId, DiffMode, DiffReport, ResourceDiff} from './types.js'

export type DiffModeOption = 'auto' | 'server' | 'read-only'

export interface DiffOptions {
  /** App name: the inventory is the ApplySet whose parent is Secret `applyset-<name>`. */
  name: string
  /** Namespace of the inventory; by default the one namespace the render uses. */
  namespace?: string
  /**
   * Where namespaced objects that name no namespace land: `-n`, as `kubectl apply -n` puts them;
   * by default the kubeconfig context's namespace. Objects that name one keep it.
   */
  targetNamespace?: string
  /** `auto`: server-side dry-run, read-only where dry-run is forbidden. */
  mode?: DiffModeOption
  concurrency?: number
  ignore?: readonly IgnoreRule[]
  showSecrets?: boolean
  fieldManager?: string
}

export const defaultConcurrency = 16

const crdKind = 'CustomResourceDefinition'

export async function diffResources(resources: Iterable<Resource>, port: ClusterPort, options: DiffOptions): Promise<DiffReport> {
  const list = [...resources]
  const concurrency = options.concurrency ?? defaultConcurrency
  const cluster = boundedPort(port, concurrency)
  const manager = options.fieldManager ?? defaultFieldManager
  const namespace = options.namespace ?? appNamespace(list, cluster.defaultNamespace)
  const parent = applySetParent(options.name, namespace)
  // The inventory comes first: its member lists (a few LISTs) are also the live state of every
  // object apply already recorded, which saves one GET per object. Its failure is reported at the end.
  const inv: ApplySetInventory | Error = await readApplySet(cluster, parent).catch((err: Error) => err)
  const id = applySetId(parent)
  const members = new Map<string, JsonObject>()
  if (!(inv instanceof Error)) for (const m of inv.members) members.set(liveKey(m), m)

  const ctx: Context = {
    cluster,
    manager,
    mode: options.mode ?? 'auto',
    ignore: options.ignore ?? [],
    applySetId: id,
    crds: crdsOf(list),
    targetNamespace: options.targetNamespace ?? cluster.defaultNamespace,
    namespaces: new Set(list.filter((r) => r.obj.kind === 'Namespace').map((r) => resIdOf(r.obj).name)),
    liveNamespaces: new Map(),
    secrets: secretValues(list.map((r) => r.obj)),
    showSecrets: options.showSecrets ?? false,
    members,
    blueGreen: new Set(),
  }
  const compared = await mapLimit(list, concurrency, async (r) => createOnly(r, await diffOne(ctx, r)))

  const rendered = new Set(compared.map((c) => c.key))
  const results: ResourceDiff[] = compared.map((c) => c.diff)
  if (inv instanceof Error) {
    results.push(errorDiff({group: '', version: 'v1', kind: 'Secret', namespace, name: parent.name}, `reading the inventory: ${messageOf(inv, ctx)}`))
  } else {
    for (const live of inv.members) {
      const rid = resIdOf(live)
      const md = isObject(live.metadata) ? live.metadata : {}
      const key = identityKey({...rid, namespace: typeof md.namespace === 'string' ? md.namespace : ''})
      if (rendered.has(key)) continue
      if (isOwnVersion(live, typeof md.namespace === 'string' ? md.namespace : '', ctx.blueGreen)) continue
      // Neither kept objects (strata.dev/prune: disabled, Prune=false, …) nor Argo CD's IgnoreExtraneous ones are drift.
      const policy = objectPolicy(live, `${rid.kind} ${rid.name}`, 'live')
      if (policy.keepOnPrune || policy.ignoreExtraneous) continue
      const before = normalizeObject(live)
      for (const p of ignoredPointers(undefined, before, ctx.ignore)) removeAt(before, p)
      const masked = options.showSecrets ? {before} : maskSecretPair(before, undefined)
      // Generated config an apply kept while old ReplicaSets use it (rollout/retention.ts): the
      // plan still lists it, so the next apply looks again, but it is not drift.
      const annotations = isObject(md.annotations) ? md.annotations : {}
      const by = annotations[policyAnnotations.retainedBy]
      const retainedBy = typeof by === 'string' ? by : undefined
      results.push({id: diffId(live, typeof md.namespace === 'string' ? md.namespace : ''), action: 'delete', changedPaths: [], before: masked.before, ...(retainedBy !== undefined && {retainedBy})})
    }
  }
  return reportOf(results, {name: parent.name, namespace, id, found: !(inv instanceof Error) && inv.found})
}

/**
 * An existing object that Flux's `ssa: IfNotPresent` or `reconcile: disabled` keeps apply from
 * updating is not drift: apply would leave it as it is. (A Replace=true is refused by the plan.)
 */
function createOnly(r: Resource, c: Compared): Compared {
  if (c.diff.action !== 'change') return c
  const by = objectPolicy(r.obj, c.key, 'live').createOnly?.by
  if (!by) return c
  return {key: c.key, diff: {...c.diff, action: 'unchanged', changedPaths: [], note: `not updated: ${by}`}}
}

interface Context {
  cluster: ClusterPort
  manager: string
  mode: DiffModeOption
  ignore: readonly IgnoreRule[]
  applySetId: string
  /** `group/Kind` → the CRD in the render that defines it: its name and whether its objects are namespaced. */
  crds: Map<string, {name: string; namespaced: boolean}>
  /** The namespace of namespaced objects that name none (see DiffOptions.targetNamespace). */
  targetNamespace: string
  namespaces: Set<string>
  /** Whether each namespace of `namespaces` exists live (one GET per namespace, shared by its objects). */
  liveNamespaces: Map<string, Promise<boolean>>
  /** Secret values of the render and of live Secrets seen, scrubbed from every message. */
  secrets: Set<string>
  showSecrets: boolean
  /** Live members of the app's ApplySet by apiVersion + identity. */
  members: Map<string, JsonObject>
  /** `namespace/name` of the rendered blue/green Deployments: their version Deployments are not deletions. */
  blueGreen: Set<string>
}

interface Compared {
  key: string
  diff: ResourceDiff
}

async function diffOne(ctx: Context, r: Resource): Promise<Compared> {
  const rid = resIdOf(r.obj)
  const apiVersion = typeof r.obj.apiVersion === 'string' ? r.obj.apiVersion : ''
  const kind = rid.kind
  let mapping: ResourceMapping | undefined
  try {
    mapping = await ctx.cluster.mapping(apiVersion, kind)
  } catch (err) {
    return failed(ctx, r, rid.namespace, err)
  }
  if (!mapping) {
    const crd = ctx.crds.get(`${rid.group}/${kind}`)
    if (!crd) {
      return failed(ctx, r, rid.namespace, new UserError(`the server does not know kind ${kind} (${apiVersion}), and this render has no CustomResourceDefinition for it`, {file: r.origin.file}))
    }
    // Not served yet, but the render's CRD says where its objects live: shown (and later
    // applied) in the namespace they will land in.
    if (!crd.namespaced || rid.namespace) return fromRender(ctx, r, rid.namespace, `depends on ${crdKind} ${crd.name}, not installed yet`)
    const placed = withPartOfLabel(cloneJson(r.obj), ctx.applySetId)
    placed.metadata = {...(placed.metadata as JsonObject), namespace: ctx.targetNamespace}
    return fromRender(ctx, r, ctx.targetNamespace, `depends on ${crdKind} ${crd.name}, not installed yet`, placed)
  }
  const obj = withPartOfLabel(cloneJson(r.obj), ctx.applySetId)
  const md = obj.metadata as JsonObject
  if (mapping.namespaced) md.namespace = typeof md.namespace === 'string' && md.namespace ? md.namespace : ctx.targetNamespace
  else delete md.namespace
  const namespace = mapping.namespaced ? (md.namespace as string) : ''
  if (blueGreenActiveService(obj) !== undefined) ctx.blueGreen.add(`${namespace}/${rid.name}`)
  let as: ComparedAs
  try {
    as = await comparedAs(ctx.cluster, obj, namespace)
  } catch (err) {
    return failed(ctx, r, namespace, err)
  }
  const view = as.view
  const target = as.obj
  const ref = {apiVersion, kind, name: resIdOf(target).name, namespace}
  let live = ctx.members.get(liveKey(target))
  // In a namespace this render creates and the cluster lacks, every object is new: no GET, no
  // dry-run (which would fail on the missing namespace anyway) — a fresh 20-namespace app saves two
  // requests per object.
  if (!live && namespace && ctx.namespaces.has(namespace) && !(await namespaceExists(ctx, namespace))) {
    return fromRender(ctx, r, namespace, `namespace ${namespace} is created by this render`, obj)
  }
  try {
    live ??= await ctx.cluster.get(ref)
  } catch (err) {
    return failed(ctx, r, namespace, err)
  }
  if (live && isSecretObj(live)) for (const v of secretValues([live])) ctx.secrets.add(v)
  if (live) live = view(live)
  if (ctx.mode === 'read-only') return readOnly(ctx, r, obj, live, namespace, '--mode read-only')
  if (live && ctx.mode === 'auto') {
    // When the live object already holds every rendered field with the rendered value, and
    // strata owns no field the render dropped, a server-side apply changes nothing: the object
    // is settled without a dry-run. Anything else gets the server's answer.
    const settled = readOnly(ctx, r, obj, live, namespace)
    if (settled.diff.action === 'unchanged') {
      settled.diff.mode = 'matched'
      return settled
    }
  }
  let after: JsonObject
  try {
    after = view(live ? await ctx.cluster.apply(target, {dryRun: true, force: true, fieldManager: ctx.manager}) : await ctx.cluster.create(target, {dryRun: true, fieldManager: ctx.manager}))
  } catch (err) {
    if (err instanceof ClusterError && err.forbidden && ctx.mode === 'auto') return readOnly(ctx, r, obj, live, namespace, 'dry-run forbidden')
    if (!live && err instanceof ClusterError && err.notFound && namespace && ctx.namespaces.has(namespace)) {
      return fromRender(ctx, r, namespace, `namespace ${namespace} is created by this render`, obj)
    }
    return failed(ctx, r, namespace, err)
  }
  return compare(ctx, r, obj, live, after, namespace, 'server')
}

function namespaceExists(ctx: Context, name: string): Promise<boolean> {
  let known = ctx.liveNamespaces.get(name)
  if (!known) {
    // A failed read answers "exists": the per-object path then reports the real error.
    known = ctx.cluster.get({apiVersion: 'v1', kind: 'Namespace', name}).then((ns) => ns !== undefined, () => true)
    ctx.liveNamespaces.set(name, known)
  }
  return known
}

/** GET-only comparison: the render against the live fields apply would touch. */
function readOnly(ctx: Context, r: Resource, obj: JsonObject, live: JsonObject | undefined, namespace: string, reason?: string): Compared {
  const after = normalizeObject(foldStringData(obj))
  if (!live) return finish(ctx, r, namespace, 'add', undefined, after, 'read-only', reason)
  const owned = ownedFields(live, ctx.manager)
  const before = projectLive(normalizeObject(live), after, owned, schemaOf(after))
  return finish(ctx, r, namespace, undefined, before, after, 'read-only', reason)
}

function compare(ctx: Context, r: Resource, obj: JsonObject, live: JsonObject | undefined, afterRaw: JsonObject, namespace: string, mode: DiffMode): Compared {
  const after = normalizeObject(afterRaw)
  if (!live) return finish(ctx, r, namespace, 'add', undefined, createdView(ctx, obj, afterRaw, after), mode)
  return finish(ctx, r, namespace, undefined, normalizeObject(live), after, mode)
}

/**
 * A new object as the dry-run create returns it, without what the server filled in by itself
 * (a Service's clusterIP, clusterIPs, ipFamilies, ipFamilyPolicy, internalTrafficPolicy,
 * sessionAffinity; a container's imagePullPolicy, terminationMessagePath, ...): only the fields
 * the render sets or that strata's apply would own, with the values the server would store.
 * A change shows defaults on neither side (both are live objects), so an addition should not either.
 */
function createdView(ctx: Context, obj: JsonObject, afterRaw: JsonObject, after: JsonObject): JsonObject {
  const rendered = normalizeObject(foldStringData(obj))
  return projectLive(after, rendered, ownedFields(afterRaw, ctx.manager), schemaOf(rendered))
}

/** An addition the server cannot evaluate yet; shown as rendered. */
function fromRender(ctx: Context, r: Resource, namespace: string, note: string, obj?: JsonObject): Compared {
  const base = obj ?? withPartOfLabel(cloneJson(r.obj), ctx.applySetId)
  const c = finish(ctx, r, namespace, 'add', undefined, normalizeObject(foldStringData(base)), 'rendered')
  c.diff.note = note
  return c
}

function finish(
  ctx: Context,
  r: Resource,
  namespace: string,
  forced: DiffAction | undefined,
  before: JsonObject | undefined,
  after: JsonObject,
  mode: DiffMode,
  modeReason?: string,
): Compared {
  for (const p of ignoredPointers(r.obj, undefined, ctx.ignore, r.origin.file)) {
    removeAt(before, p)
    removeAt(after, p)
  }
  const schema = schemaOf(after)
  const sameScalar = mode === 'read-only' ? (a: JsonValue, b: JsonValue, path: string) => isQuantityPath(path) && (typeof a === 'string' || typeof a === 'number') && (typeof b === 'string' || typeof b === 'number') && sameQuantity(a, b) : undefined
  const paths = before === undefined ? [] : changedPaths(before, after, schema, {sameScalar})
  const action: DiffAction = forced ?? (paths.length ? 'change' : 'unchanged')
  const id = diffId(r.obj, namespace)
  const key = identityKey(id)
  const diff: ResourceDiff = {id, action, mode, changedPaths: paths, file: r.origin.file}
  if (modeReason) diff.modeReason = modeReason
  if (action === 'unchanged') return {key, diff}
  const aligned = before === undefined ? undefined : (alignOrder(before, after, schema) as JsonObject)
  const shown = ctx.showSecrets ? {before: aligned, after} : maskSecretPair(aligned, after)
  if (shown.before) diff.before = shown.before
  if (shown.after) diff.after = shown.after
  return {key, diff}
}

function failed(ctx: Context, r: Resource, namespace: string, err: unknown): Compared {
  const id = diffId(r.obj, namespace)
  const diff = errorDiff(id, messageOf(err, ctx))
  diff.file = r.origin.file
  return {key: identityKey(id), diff}
}

function errorDiff(id: DiffId, message: string): ResourceDiff {
  return {id, action: 'error', changedPaths: [], error: message}
}

function messageOf(err: unknown, ctx: Context): string {
  if (err instanceof ClusterError || err instanceof UserError) return scrub(err.message, ctx.secrets)
  // Anything else is a strata bug: it stops the run loudly, its text still scrubbed.
  throw new BugError(scrub(err instanceof Error ? `${err.name}: ${err.message}\n${err.stack ?? ''}` : String(err), ctx.secrets))
}

/** apiVersion + identity: a listed member stands for a GET only at the version the render asks for. */
function liveKey(obj: JsonObject): string {
  const md = isObject(obj.metadata) ? obj.metadata : {}
  return `${String(obj.apiVersion)} ${identityKey({...resIdOf(obj), namespace: typeof md.namespace === 'string' ? md.namespace : ''})}`
}

function diffId(obj: JsonObject, namespace: string): DiffId {
  const rid = resIdOf(obj)
  return {group: rid.group, version: rid.version, kind: rid.kind, namespace, name: rid.name}
}

function isSecretObj(obj: JsonObject): boolean {
  return obj.kind === 'Secret'
}

function crdsOf(list: readonly Resource[]): Map<string, {name: string; namespaced: boolean}> {
  const out = new Map<string, {name: string; namespaced: boolean}>()
  for (const r of list) {
    if (r.obj.kind !== crdKind || !splitApiVersion(String(r.obj.apiVersion ?? '')).group.startsWith('apiextensions.k8s.io')) continue
    const spec = isObject(r.obj.spec) ? r.obj.spec : {}
    const names = isObject(spec.names) ? spec.names : {}
    if (typeof spec.group === 'string' && typeof names.kind === 'string') out.set(`${spec.group}/${names.kind}`, {name: resIdOf(r.obj).name, namespaced: spec.scope !== 'Cluster'})
  }
  return out
}

/**
 * The namespace that holds the inventory when none is given: the one namespace the render's
 * objects name, or the context's namespace when they name none.
 */
export function appNamespace(list: readonly Resource[], fallback: string): string {
  const seen = new Set<string>()
  for (const r of list) {
    const ns = resIdOf(r.obj).namespace
    if (ns) seen.add(ns)
  }
  if (seen.size === 0) return fallback
  if (seen.size === 1) return [...seen][0]
  throw new UserError(
    `the render puts objects in several namespaces (${[...seen].sort().join(', ')}), so the inventory's namespace is ambiguous`,
    {field: '--namespace'},
    'Pass --namespace NS for the namespace that holds the app inventory (its ApplySet parent).',
  )
}

function reportOf(resources: ResourceDiff[], inventory: DiffReport['inventory']): DiffReport {
  const summary = {add: 0, change: 0, delete: 0, unchanged: 0, error: 0, retained: 0}
  const modes: Record<DiffMode, number> = {server: 0, matched: 0, 'read-only': 0, rendered: 0}
  for (const r of resources) {
    if (r.retainedBy !== undefined) summary.retained++
    else summary[r.action]++
    if (r.mode) modes[r.mode]++
  }
  return {resources, summary, modes, inventory}
}
