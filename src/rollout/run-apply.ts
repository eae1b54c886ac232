// The whole of `strata apply` and `strata rollout resume|abort` above the modules that do the
// work: render → diff → plan → prune check, then take the rollout (the state Secret is the lock),
// keep its heartbeat, and hand the plan to the executor. Prune is checked BEFORE anything
// changes, so a refused prune leaves the cluster untouched. Nothing here prints.
import * as path from 'node:path'
import {applySetId, applySetParent, readApplySet, withPartOfLabel, type ApplySetParent} from '../cluster/applyset.js'
import {recordMembers, shrinkMembers, type ApplySetMembers} from '../cluster/applyset-write.js'
import type {ClusterPort} from '../cluster/port.js'
import {RolloutStateStore, StateConflictError, startHeartbeat, type StoredState} from '../cluster/state-store.js'
import {appNamespace, diffResources} from '../diff/run.js'
import {ClusterError} from '../cluster/errors.js'
import {UserError} from '../model/errors.js'
import {applyCommand, rolloutCommand, type ClusterTarget} from '../model/follow-up.js'
import {splitApiVersion} from '../model/resource.js'
import {renderKustomization, type RenderOptions} from '../render/index.js'
import {splitAnalyses} from './analysis/collect.js'
import type {MetricsPort} from './analysis/run.js'
import {redactUrls} from '../source/git-safety.js'
import {treeOrigin} from '../source/tree-origin.js'
import {checkOwnership, encodeSource, sourceAnnotation, type AppSource, type Ownership} from './app-source.js'
import {renderDigest} from './digest.js'
import {phasePredicate} from './phase-wording.js'
import {deleteMembers} from './delete-members.js'
import {executeRollout, type ExecuteOptions, type MembershipHooks} from './execute.js'
import {buildPlan, planInputFromDiff, type PlanOptions} from './plan.js'
import {selectPrunable, type PruneSelection} from './prune.js'
import {checkBlueGreenServices} from './strategies/blue-green/check.js'
import {defaultKeepGenerated, retainedByAnnotation, type RetainedItem} from './retention.js'
import {markRetained, retainGenerated} from './retention-live.js'
import {checkScope, isUnrestricted, kindScopes, type ScopePolicy} from './scope.js'
import type {FleetMark, PlanItem, PlanObjectId, RolloutEvent, RolloutHolder, RolloutPlan, RolloutState, RolloutStep} from './types.js'

export const fieldManager = 'strata'

export interface ApplyRequest {
  dir: string
  /** App name (inventory `applyset-NAME`); default: the directory's base name. */
  name?: string
  /** `-n`: the namespace of the inventory and of every namespaced object that names none. */
  namespace?: string
  loadRestrictor: 'rootOnly' | 'none'
  concurrency: number
  plan: PlanOptions
  maxDeletions?: number
  allowMassDelete: boolean
  onWarning?: (message: string) => void
  /** Cache, offline, input cap, helm: as the render command takes them. */
  render?: Omit<RenderOptions, 'loadRestrictor' | 'onWarning'>
  /** --allow-namespaces / --allow-cluster-scoped: offenders refuse the apply before any request that writes. */
  scope?: ScopePolicy
  /** Where the render comes from, recorded on the inventory; default: the directory (and its git remote). */
  source?: AppSource
  /** Take the app over although its inventory was last applied from another source (--adopt). */
  adopt?: boolean
  /** --keep-generated: previous versions of generated config kept while in use (default 3; 0 prunes them at once). */
  keepGenerated?: number
}

export interface PreparedApply {
  app: string
  /** True when no name was given and the app is named after the directory. */
  defaultName: boolean
  namespace: string
  plan: RolloutPlan
  prune: PruneSelection
  inventoryCount: number
  source: AppSource
  /** Whose inventory this apply takes: a new one, its own, an unrecorded one, or another source's (adopted). */
  ownership: Ownership
}

/**
 * Render, diff and plan; refuses (UserError) before anything changes an app last applied from
 * another source (unless adopt) and a prune over the cap.
 */
export async function prepareApply(cluster: ClusterPort, request: ApplyRequest): Promise<PreparedApply> {
  const rendered = await renderKustomization(request.dir, {...request.render, loadRestrictor: request.loadRestrictor, onWarning: request.onWarning})
  const {resources, analyses} = splitAnalyses(rendered.resources, rendered.localConfig)
  const app = request.name ?? path.basename(path.resolve(request.dir))
  const namespace = request.namespace ?? appNamespace(resources, cluster.defaultNamespace)
  if (request.scope && !isUnrestricted(request.scope)) {
    checkScope(resources, request.scope, {defaultNamespace: request.namespace ?? cluster.defaultNamespace, appNamespace: namespace, kindScope: await kindScopes(resources, cluster)})
  }
  // A wrong Service would send traffic to the wrong pods: refused before the diff, like every input error.
  await checkBlueGreenServices(cluster, resources, request.namespace ?? cluster.defaultNamespace)
  // -n is where namespace-less objects land too, as with kubectl apply -n (the diff places them).
  const report = await diffResources(resources, cluster, {name: app, namespace: request.namespace, targetNamespace: request.namespace, mode: 'auto', concurrency: request.concurrency, ignore: [], showSecrets: false})
  const plan = buildPlan(planInputFromDiff(app, namespace, report, resources.map((r) => r.obj)), {...request.plan, analyses})
  const inventory = report.inventory.found ? await readApplySet(cluster, applySetParent(app, namespace)) : undefined
  const inventoryCount = inventory?.members.length ?? 0
  const source = request.source ?? localSource(request.dir)
  const pruned = plan.steps.reduce((n, s) => n + s.items.filter((it) => it.action === 'delete').length, 0)
  const ownership = checkOwnership({
    app,
    parent: `${namespace}/${applySetParent(app, namespace).name}`,
    found: inventory !== undefined,
    annotations: inventory?.annotations ?? {},
    current: source,
    adopt: request.adopt ?? false,
    defaultName: request.name === undefined,
    members: inventoryCount,
    pruned,
  })
  plan.keepGenerated = request.keepGenerated ?? defaultKeepGenerated
  const retained = await retainedAtPlan(cluster, plan, request.onWarning)
  const prune = selectPrunable(plan, inventoryCount, {maxDeletions: request.maxDeletions, allowMassDelete: request.allowMassDelete, retained})
  if (prune.refused) {
    throw new UserError(
      `refusing to apply ${app}: ${prune.refused.reason}`,
      {field: '--max-deletions'},
      `Nothing was changed. ${prune.refused.hint}`,
    )
  }
  return {app, defaultName: request.name === undefined, namespace, plan, prune, inventoryCount, source, ownership}
}

/**
 * Generated config the prune step would keep (it decides again with what is live then): noted on
 * the plan's items and left out of the prune cap, which counts only real deletions.
 */
async function retainedAtPlan(cluster: ClusterPort, plan: RolloutPlan, onWarning?: (message: string) => void): Promise<Set<string>> {
  const deletions = plan.steps.flatMap((s) => s.items.filter((it) => it.action === 'delete'))
  const kept = await retainGenerated(cluster, deletions, plan, plan.keepGenerated ?? 0).catch((e: unknown) => {
    if (!(e instanceof ClusterError)) throw e
    onWarning?.(`generated config is pruned without retention: listing ReplicaSets/ControllerRevisions failed: ${e.message}`)
    return {retained: []}
  })
  for (const r of kept.retained) r.item.decidedBy = [...(r.item.decidedBy ?? []), `kept while in use (--keep-generated ${plan.keepGenerated}): ${r.by.join(', ')}`]
  return new Set(kept.retained.map((r) => r.item.id.key))
}

/** A local tree as a source: its real path, and its repository and path there when it has a git remote. */
export function localSource(dir: string): AppSource {
  const origin = treeOrigin(dir)
  return origin.repo ? {repo: redactUrls(origin.repo), path: origin.path, root: origin.root} : {root: origin.root}
}

export interface RunDeps {
  cluster: ClusterPort
  now: () => number
  sleep: (ms: number) => Promise<void>
  signal: AbortSignal
  holder: RolloutHolder
  /** Heartbeat period of the state Secret (tests shorten it). */
  heartbeatMs?: number
  /** The --kubeconfig/--context the user gave: every printed follow-up command carries them. */
  target?: ClusterTarget
  /** Takes analysis measurements (the command passes src/metrics/http.ts). */
  metrics?: MetricsPort
}

export type RunOptions = Omit<ExecuteOptions, 'applySetId' | 'fieldManager'>

/** This process, as the holder of a rollout. */
export function processHolder(now: number, host: string, pid: number): RolloutHolder {
  const at = new Date(now).toISOString()
  return {pid, host, startedAt: at, heartbeatAt: at}
}

/** Executes a prepared plan as a new rollout (replacing a paused/failed one only with replacePaused). */
export async function* runApply(prepared: PreparedApply, deps: RunDeps, options: RunOptions & {replacePaused: boolean; fleet?: FleetMark}): AsyncGenerator<RolloutEvent, RolloutState> {
  const store = new RolloutStateStore(deps.cluster, prepared.app, prepared.namespace, deps.target)
  await ensureInventoryNamespace(deps.cluster, prepared)
  const taken = await store.acquire(deps.holder, {replacePaused: options.replacePaused, resume: false, digest: prepared.plan.digest, now: deps.now})
  const at = new Date(deps.now()).toISOString()
  const fresh: RolloutState = {
    version: 1,
    app: prepared.app,
    namespace: prepared.namespace,
    phase: 'running',
    plan: prepared.plan,
    step: 0,
    workloads: {},
    previousTemplates: {},
    holder: deps.holder,
    ...(options.fleet ? {fleet: options.fleet} : {}),
    startedAt: at,
    updatedAt: at,
  }
  // Two applies that both found no state race on creating it: the loser is told who won.
  const rv = await store.save(fresh, taken?.resourceVersion).catch(async (e: unknown) => {
    if (!(e instanceof StateConflictError)) throw e
    const h = (await store.load().catch(() => undefined))?.state.holder
    throw new UserError(
      `a rollout of ${prepared.app} was started at the same moment${h ? ` by process ${h.pid} on ${h.host} (since ${h.startedAt})` : ' by another strata process'}`,
      {field: '--name'},
      `Two applies of one app never run at once: watch it with \`${rolloutCommand('status', prepared.app, prepared.namespace, deps.target)}\`.`,
    )
  })
  return yield* execute(store, {state: fresh, resourceVersion: rv}, deps, options, {[sourceAnnotation]: encodeSource(prepared.source)})
}

// The state and the ApplySet parent live in the inventory namespace; when the render creates that
// namespace, it must exist before the first save. It is applied as step 1 will apply it (same
// field manager, same part-of label), so step 1 finds it unchanged.
async function ensureInventoryNamespace(cluster: ClusterPort, prepared: PreparedApply): Promise<void> {
  if (await cluster.get({apiVersion: 'v1', kind: 'Namespace', name: prepared.namespace})) return
  const item = prepared.plan.steps.flatMap((s) => s.items).find((it) => it.id.kind === 'Namespace' && it.id.name === prepared.namespace && it.object)
  if (!item?.object) return
  const id = applySetId(applySetParent(prepared.app, prepared.namespace))
  await cluster.apply(withPartOfLabel(item.object, id), {dryRun: false, force: false, fieldManager})
}

/** The digest a plan made from DIR's render would carry (see PlanInput.digest); reads no cluster. */
export async function treeDigest(dir: string, render: RenderOptions): Promise<string> {
  const rendered = await renderKustomization(dir, render)
  return renderDigest(splitAnalyses(rendered.resources).resources.map((r) => r.obj))
}

/**
 * Continues a paused, failed or interrupted rollout from its saved step. With `expectDigest` (the
 * digest of the tree the caller means), a saved plan made from another render is refused first:
 * resuming it would roll out what the tree no longer says.
 */
export async function* resumeRollout(app: string, namespace: string, deps: RunDeps, options: RunOptions & {expectDigest?: string; dir?: string; force?: boolean}): AsyncGenerator<RolloutEvent, RolloutState> {
  const store = new RolloutStateStore(deps.cluster, app, namespace, deps.target)
  if (options.expectDigest !== undefined) {
    const saved = await store.load()
    if (saved && saved.state.plan.digest !== options.expectDigest) {
      const dir = options.dir ?? 'the directory'
      throw new UserError(
        `${dir} renders differently from the plan the rollout of ${app} was started with (${saved.state.startedAt}): resuming would roll out the old render`,
        {file: options.dir, field: '--dir'},
        `Run \`${applyCommand(dir, app, namespace, deps.target, ['--replace-paused'])}\` to roll out the tree as it is now, or resume without --dir to finish the old plan.`,
      )
    }
  }
  const taken = await takeUnfinished(store, deps, 'resume', options.force)
  return yield* execute(store, taken, deps, options)
}

/**
 * Takes a paused, failed or interrupted rollout (a stale holder's only with `force`) for resume or
 * abort; with `acceptDone` a done one too (`fleet abort` rolls back a wave whose clusters finished).
 */
export async function takeUnfinished(store: RolloutStateStore, deps: RunDeps, verb: 'resume' | 'abort', force = false, acceptDone = false): Promise<StoredState> {
  const taken = await store.acquire(deps.holder, {replacePaused: false, resume: true, now: deps.now, verb, force})
  if (!taken) {
    throw new UserError(`no rollout of app '${store.app}' in namespace ${store.namespace}`, {field: 'NAME'}, 'Check the app name and pass its namespace with -n (the namespace of its applyset Secret).')
  }
  if ((taken.state.phase === 'done' && !acceptDone) || taken.state.phase === 'aborted') {
    // acquire stamped our holder on it: put the finished state back as it was.
    await store.save({...taken.state, holder: undefined}, taken.resourceVersion)
    throw new UserError(`the rollout of ${store.app} ${phasePredicate[taken.state.phase]}: nothing to ${verb}`, {field: 'NAME'}, `Run \`strata apply\` to start a new rollout; \`${rolloutCommand('status', store.app, store.namespace, deps.target)}\` shows the last one.`)
  }
  return taken
}

async function* execute(store: RolloutStateStore, start: StoredState, deps: RunDeps, options: RunOptions, parentAnnotations: Record<string, string> = {}): AsyncGenerator<RolloutEvent, RolloutState> {
  const hb = startHeartbeat(store, start, {intervalMs: deps.heartbeatMs, now: deps.now})
  // Taken over by another process: stop as on Ctrl-C (its saves would conflict anyway).
  const signal = AbortSignal.any([deps.signal, hb.lost])
  const parent = applySetParent(start.state.app, start.state.namespace)
  const id = applySetId(parent)
  try {
    return yield* executeRollout(start.state, start.resourceVersion, {
      cluster: deps.cluster,
      store: {save: (state) => hb.update(state)},
      now: deps.now,
      sleep: deps.sleep,
      signal,
      stopRequested: hb.stopRequested,
      holder: deps.holder,
      members: membershipHooks(deps.cluster, parent, id, parentAnnotations),
      target: deps.target,
      metrics: deps.metrics,
    }, {...options, fieldManager, applySetId: id})
  } finally {
    await hb.stop()
  }
}

/**
 * Inventory upkeep for the executor: grow before any apply (setting `annotations`, such as the
 * source, on the parent at the same write); delete, then shrink, at the prune step.
 */
export function membershipHooks(cluster: ClusterPort, parent: ApplySetParent, id: string, annotations: Record<string, string> = {}): MembershipHooks {
  let rendered: ApplySetMembers = {groupKinds: [], namespaces: []}
  let plan: RolloutPlan | undefined
  return {
    async record(state) {
      plan = state.plan
      rendered = membersOf(state.plan.steps.flatMap((s) => s.items.filter((it) => it.action !== 'delete').map((it) => it.id)))
      await recordMembers(cluster, parent, rendered, annotations)
    },
    async *prune(step: RolloutStep, signal: AbortSignal) {
      // The cap was checked by apply before anything changed; here only protection matters.
      const selection = selectPrunable({app: '', namespace: parent.namespace, digest: '', steps: [step]}, 0, {allowMassDelete: true, allowEmptyRender: true})
      const toDelete = yield* keepGeneratedInUse(cluster, selection.delete, plan ?? {steps: [step]}, plan?.keepGenerated ?? 0)
      const tally = yield* deleteMembers(cluster, toDelete, id, {signal})
      if (!signal.aborted) {
        // Keep the render's kinds and namespaces plus wherever members still live (protected, failed).
        const left = await readApplySet(cluster, parent)
        const survivors = membersOf(left.members.map((m) => ({apiVersion: String(m.apiVersion ?? ''), kind: String(m.kind ?? ''), namespace: String((m.metadata as {namespace?: string} | undefined)?.namespace ?? '')})))
        await shrinkMembers(cluster, parent, {groupKinds: [...rendered.groupKinds, ...survivors.groupKinds], namespaces: [...rendered.namespaces, ...survivors.namespaces]})
      }
      return {deleted: tally.deleted}
    },
  }
}

/** Marks and reports the generated config still in use now; returns what is left to delete. */
async function* keepGeneratedInUse(cluster: ClusterPort, candidates: PlanItem[], plan: Pick<RolloutPlan, 'steps'>, keep: number): AsyncGenerator<RolloutEvent, PlanItem[]> {
  let split: {retained: RetainedItem[]; rest: PlanItem[]}
  try {
    split = await retainGenerated(cluster, candidates, plan, keep)
  } catch (e) {
    if (!(e instanceof ClusterError)) throw e
    yield {type: 'warning', message: `generated config is pruned without retention: listing ReplicaSets/ControllerRevisions failed: ${e.message}`}
    return candidates
  }
  const rest = [...split.rest]
  for (const r of split.retained) {
    try {
      await markRetained(cluster, r, fieldManager)
      yield {type: 'deleted', id: r.item.id, result: 'kept', reason: `still used by ${r.by.join(', ')} (${retainedByAnnotation}; --keep-generated ${keep})`}
    } catch (e) {
      if (!(e instanceof ClusterError)) throw e
      // Gone since it was listed: deleteMembers re-reads it and reports that. Otherwise it is in
      // use all the same: kept, unmarked.
      if (e.status === 404) rest.push(r.item)
      else yield {type: 'deleted', id: r.item.id, result: 'kept', reason: `still used by ${r.by.join(', ')} (--keep-generated ${keep}; marking it failed: ${e.message})`}
    }
  }
  return rest
}

function membersOf(ids: readonly Pick<PlanObjectId, 'apiVersion' | 'kind' | 'namespace'>[]): ApplySetMembers {
  const gks = new Map<string, {group: string; kind: string}>()
  const namespaces = new Set<string>()
  for (const id of ids) {
    const {group} = splitApiVersion(id.apiVersion)
    gks.set(`${id.kind}.${group}`, {group, kind: id.kind})
    if (id.namespace) namespaces.add(id.namespace)
  }
  return {groupKinds: [...gks.values()], namespaces: [...namespaces]}
}

const units: Record<string, number> = {ms: 1, s: 1_000, m: 60_000, h: 3_600_000}

/** `30s`, `5m`, `1h30m`, `500ms` → milliseconds; a bare number is seconds. */
export function parseDuration(text: string, flag: string): number {
  if (/^\d+$/.test(text)) return Number(text) * 1_000
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy
  let total = 0
  let end = 0
  for (let m = re.exec(text); m; m = re.exec(text)) {
    total += Number(m[1]) * units[m[2]]
    end = re.lastIndex
  }
  if (end === 0 || end !== text.length || total <= 0) {
    throw new UserError(`${flag} '${text}' is not a duration`, {field: flag}, 'Write it like 30s, 5m, 1h30m or 500ms.')
  }
  return total
}
