// One reconcile of one app, for `strata watch` (the scheduler decides when): fetch the ref, render
// the path, diff and plan against the cluster, then apply as `strata apply` does — or not:
//
// - a render, validation or prune-cap error fails before anything is written (the cluster keeps
//   the last good state); the error names the file and field;
// - a paused rollout is never touched: watch does not resume, it waits for `rollout resume`;
// - a render whose rollout was aborted is not applied again until the commit moves;
// - nothing to change: `unchanged` (and the commit is recorded as synced);
// - changes on the commit already synced are drift: healed (forcing fields a `kubectl edit` or
//   `scale` took over) when self-heal is on, else reported;
// - a failed, interrupted or dead-holder rollout of an earlier attempt is replaced by this one.
// The commit synced is kept on the app's ApplySet parent (src/reconcile/source-commit.ts), so a restart knows it.
import * as os from 'node:os'
import {setTimeout as delay} from 'node:timers/promises'
import type {ClusterPort} from '../cluster/port.js'
import {RolloutStateStore} from '../cluster/state-store.js'
import {httpMetrics} from '../metrics/http.js'
import {UserError} from '../model/errors.js'
import type {RenderOptions} from '../render/index.js'
import type {PlanOptions} from '../rollout/plan.js'
import {changedObjects, planChanges} from '../rollout/plan-changes.js'
import {prepareFromRepo} from '../rollout/prepare-from-repo.js'
import {processHolder, runApply, type PreparedApply, type RunOptions} from '../rollout/run-apply.js'
import type {ScopePolicy} from '../rollout/scope.js'
import type {RolloutEvent} from '../rollout/types.js'
import type {GitCache} from '../source/git-cache.js'
import {redactUrls} from '../source/git-safety.js'
import {gitRefOf, type WatchedApp} from '../reconcile/app-config.js'
import type {OwnedObject} from './drift-watch.js'
import type {Reconcile, ReconcileResult, ReconcileStatus} from './scheduler.js'
import {readSourceRecord, writeSourceRecord} from '../reconcile/source-commit.js'

export type ReconcileEvent =
  | {kind: 'fetched'; commit: string}
  | {kind: 'planned'; commit: string; objects: number; changes: number; deletions: number}
  | {kind: 'drift'; commit: string; changes: number; healing: boolean; objects: string[]}
  | {kind: 'held'; commit: string; why: string}
  | {kind: 'rollout'; event: RolloutEvent}

export interface ReconcilerOptions {
  cluster: ClusterPort
  gitCache: GitCache
  /** False: drift on an unchanged commit is reported ('drift-reported'), not applied. Per app too (WatchedApp.selfHeal). */
  selfHeal: boolean
  /** Stop after the plan: nothing is written. */
  dryRun?: boolean
  run: RunOptions
  render?: Omit<RenderOptions, 'loadRestrictor' | 'onWarning' | 'offline'> & {offline?: boolean}
  plan?: PlanOptions
  maxDeletions?: number
  scope?: ScopePolicy
  now?: () => number
  onEvent?: (app: string, event: ReconcileEvent) => void
  /** The commit the app's ref names now, from the look-up shared by the apps on its repository (shared-heads.ts). */
  headOf?: (app: WatchedApp) => Promise<string>
}


/** Changes a plan would make: creates, updates and prune deletions. */

export function createReconciler(options: ReconcilerOptions): Reconcile {
  const now = options.now ?? Date.now
  const emit = (app: string, e: ReconcileEvent) => options.onEvent?.(app, e)
  return async (app: WatchedApp, _reason, signal): Promise<ReconcileResult> => {
    const started = now()
    let commit: string | undefined
    let owned: OwnedObject[] | undefined
    let pending: string | undefined
    let drifted: string[] | undefined
    const done = (status: ReconcileStatus, error?: string): ReconcileResult => ({status, commit, error, durationMs: now() - started, ...(owned && {objects: owned}), ...(pending !== undefined && {pending}), ...(drifted && {drifted})})
    try {
      // The ref may have moved (or been force-pushed): asked again per reconcile, or through the
      // look-up the apps on this repository share (then the tree is checked out by its SHA).
      let ref = gitRefOf(app.ref)
      if (options.headOf) ref = await options.headOf(app)
      else options.gitCache.forgetResolvedRefs()
      const prepareAt = async (at: string) => {
        const tree = await options.gitCache.checkoutTree(app.repo, at)
        // Known before the render, so a commit that fails to render is reported by its SHA.
        commit = tree.commit
        emit(app.name, {kind: 'fetched', commit: tree.commit})
        const prepared = await prepareFromRepo(options.cluster, tree, {repo: app.repo, path: app.path}, {
          name: app.name,
          namespace: app.namespace,
          loadRestrictor: 'rootOnly',
          concurrency: options.run.concurrency,
          plan: options.plan ?? {},
          maxDeletions: options.maxDeletions,
          allowMassDelete: false,
          render: {...options.render, cacheDir: options.render?.cacheDir ?? options.gitCache.root},
          scope: options.scope,
        })
        return {commit: tree.commit, prepared}
      }
      let {commit: at, prepared} = await prepareAt(ref)
      commit = at
      if (signal.aborted) return done('failed', 'stopped')
      // The inventory's namespace is known once rendered: that is where a rollback pin is kept.
      const record = await readSourceRecord(options.cluster, app.name, prepared.namespace)
      if (record?.pinned !== undefined && record.pinned !== commit) {
        // Pinned by `strata rollback`: the newer commit waits; the pinned one is kept (and healed).
        pending = commit
        emit(app.name, {kind: 'held', commit, why: `pinned at ${record.pinned} by strata rollback: waiting for \`strata rollback ${app.name} --unpin\``})
        ;({commit: at, prepared} = await prepareAt(record.pinned))
        commit = at
      }
      owned = ownedObjects(prepared)
      const changes = planChanges(prepared)
      const objects = prepared.plan.steps.reduce((n, s) => n + s.items.length, 0)
      emit(app.name, {kind: 'planned', commit, objects, changes, deletions: prepared.prune.delete.length})

      const saved = await new RolloutStateStore(options.cluster, app.name, prepared.namespace).load()
      if (saved?.state.phase === 'paused') {
        emit(app.name, {kind: 'held', commit, why: 'paused rollout: waiting for `strata rollout resume`'})
        return done('paused')
      }
      if (saved?.state.phase === 'aborted' && saved.state.plan.digest === prepared.plan.digest && changes > 0) {
        return done('failed', `the rollout of this render was aborted (${saved.state.reason ?? 'strata rollout abort'}); waiting for a new commit`)
      }
      if (changes === 0) {
        if (!options.dryRun && record?.commit !== commit) await writeSourceRecord(options.cluster, app.name, prepared.namespace, {commit, repo: app.repo, path: app.path})
        return done('unchanged')
      }
      const drift = record?.commit === commit
      const heal = options.selfHeal && app.selfHeal
      if (drift) {
        drifted = changedObjects(prepared)
        emit(app.name, {kind: 'drift', commit, changes, healing: heal && !options.dryRun, objects: drifted})
      }
      if (drift && !heal) return done('drift-reported')
      if (options.dryRun) return done(drift ? 'drift-reported' : 'unchanged')

      const gen = runApply(
        prepared,
        {
          cluster: options.cluster,
          now,
          sleep: (ms) => delay(ms, undefined, {signal}).catch(() => undefined),
          signal,
          holder: processHolder(now(), os.hostname(), process.pid),
          metrics: httpMetrics(),
        },
        // Self-heal takes back fields a kubectl edit/scale took; an apply of a new commit respects --force-conflicts.
        {...options.run, forceConflicts: options.run.forceConflicts || drift, replacePaused: true},
      )
      let r = await gen.next()
      while (!r.done) {
        emit(app.name, {kind: 'rollout', event: r.value})
        r = await gen.next()
      }
      const state = r.value
      if (state.phase === 'paused') return done('paused')
      if (state.phase === 'interrupted') return done('failed', 'stopped')
      if (state.phase !== 'done') return done('failed', `rollout ${state.phase}${state.reason ? `: ${state.reason}` : ''}`)
      await writeSourceRecord(options.cluster, app.name, prepared.namespace, {commit, repo: app.repo, path: app.path})
      return done(drift ? 'drift-healed' : 'applied')
    } catch (err) {
      return done('failed', redactUrls(err instanceof UserError ? err.describe() : err instanceof Error ? err.message : String(err)))
    }
  }
}

/** What the render holds (deletions are leaving): the objects whose drift a watch stream reports. */
function ownedObjects(prepared: PreparedApply): OwnedObject[] {
  return prepared.plan.steps.flatMap((s) => s.items.filter((it) => it.action !== 'delete').map(({id}) => ({apiVersion: id.apiVersion, kind: id.kind, namespace: id.namespace, name: id.name})))
}
