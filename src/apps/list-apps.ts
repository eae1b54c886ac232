// Every app strata manages in a cluster, read from what strata leaves there: the ApplySet parent
// (Secret applyset-NAME, tooling strata/…) and the rollout state (Secret strata-rollout-NAME).
// Two label-selected lists find them all (across namespaces unless one is given); each app's
// member count is its inventory as `readApplySet` sees it. Nothing here prints.
import {applySetAnnotations, applySetLabels, applySetParent, readApplySet} from '../cluster/applyset.js'
import type {ClusterPort} from '../cluster/port.js'
import {holderCondition, rolloutOfLabel, storedStateOf} from '../cluster/state-store.js'
import {UserError} from '../model/errors.js'
import {isObject, type JsonObject} from '../model/json.js'
import {recordedSource} from '../rollout/app-source.js'
import type {RolloutPhase, RolloutState} from '../rollout/types.js'
import {sourceAnnotations} from '../reconcile/source-commit.js'

const parentPrefix = 'applyset-'

export interface AppSource {
  /** `repo@shortsha:path` for a synced app, the directory for an applied one, undefined when nothing is recorded. */
  text?: string
  repo?: string
  commit?: string
  path?: string
}

export interface AppSummary {
  name: string
  namespace: string
  source: AppSource
  /** Members of the inventory (0 without a parent). */
  objects: number
  /** When the last rollout last changed (its state's updatedAt), ISO 8601. */
  lastApply?: string
  phase?: RolloutPhase
  /** 1-based step the rollout is at, and how many the plan has. */
  step?: {at: number; of: number}
  /** Why the last rollout stopped, if it did. */
  reason?: string
  /**
   * Who runs a `running` rollout: `live` (a fresh heartbeat), `silent` (none for 30 s: hung, cut
   * off or gone), `gone` (its pid no longer runs on this host, or no holder recorded: it stopped part way).
   */
  holder?: 'live' | 'silent' | 'gone'
  /** Set when the rollout state could not be read (edited, another strata version). */
  stateError?: string
}

function metadataOf(obj: JsonObject): {name: string; namespace: string; labels: Record<string, unknown>; annotations: Record<string, unknown>} {
  const md = isObject(obj.metadata) ? obj.metadata : {}
  return {
    name: String(md.name ?? ''),
    namespace: String(md.namespace ?? ''),
    labels: isObject(md.labels) ? md.labels : {},
    annotations: isObject(md.annotations) ? md.annotations : {},
  }
}

/** `https://git.example.com/shop/deploy.git@3f2c1e9:overlays/prod`, or the directory apply recorded (strata.dev/source). */
export function sourceOf(annotations: Record<string, unknown>): AppSource {
  const commit = annotations[sourceAnnotations.commit]
  if (typeof commit === 'string' && commit !== '') {
    const repo = String(annotations[sourceAnnotations.repo] ?? '')
    const p = String(annotations[sourceAnnotations.path] ?? '')
    const where = p && p !== '.' ? `:${p}` : ''
    return {text: `${repo}@${commit.slice(0, 7)}${where}`, repo, commit, path: p}
  }
  const own: Record<string, string> = {}
  for (const [k, v] of Object.entries(annotations)) if (typeof v === 'string') own[k] = v
  const recorded = recordedSource(own)
  if (!recorded || 'unreadable' in recorded) return {}
  // An applied tree is shown as its directory; a sync that never finished as repository:path.
  if (recorded.root) return {text: recorded.root, path: recorded.root}
  const where = recorded.path && recorded.path !== '.' ? `:${recorded.path}` : ''
  return {text: `${recorded.repo}${where}`, repo: recorded.repo, path: recorded.path}
}

/** strata's parents only: kubectl's own ApplySets (other tooling) are not strata apps. */
function isStrataParent(obj: JsonObject): boolean {
  const {name, annotations} = metadataOf(obj)
  return name.startsWith(parentPrefix) && String(annotations[applySetAnnotations.tooling] ?? '').startsWith('strata/')
}

function rolloutFields(state: RolloutState): Pick<AppSummary, 'lastApply' | 'phase' | 'step' | 'reason' | 'holder'> {
  const total = state.plan.steps.length
  // Not the listing process: any pid/host that is not ours.
  const held = state.phase === 'running' ? holderCondition(state, {pid: -1, host: ''}).kind : undefined
  return {
    ...(held && {holder: held === 'live' ? 'live' : held === 'stale' ? 'silent' : 'gone'}),
    lastApply: state.updatedAt,
    phase: state.phase,
    step: {at: Math.min(state.step + 1, total), of: total},
    ...(state.reason ? {reason: state.reason} : {}),
  }
}

/** Apps sorted by namespace, then name. `namespace` undefined: every namespace. */
export async function listApps(cluster: ClusterPort, options: {namespace?: string} = {}): Promise<AppSummary[]> {
  const scope = options.namespace ? {namespace: options.namespace} : {}
  const [parents, states] = await Promise.all([
    cluster.list('v1', 'Secret', {...scope, labelSelector: applySetLabels.id}),
    cluster.list('v1', 'Secret', {...scope, labelSelector: rolloutOfLabel}),
  ])
  const apps = new Map<string, AppSummary>()
  const key = (namespace: string, name: string) => `${namespace}/${name}`
  for (const parent of parents.filter(isStrataParent)) {
    const md = metadataOf(parent)
    const name = md.name.slice(parentPrefix.length)
    apps.set(key(md.namespace, name), {name, namespace: md.namespace, source: sourceOf(md.annotations), objects: 0})
  }
  for (const secret of states) {
    const md = metadataOf(secret)
    const name = String(md.labels[rolloutOfLabel] ?? '')
    if (!name) continue
    const app = apps.get(key(md.namespace, name)) ?? {name, namespace: md.namespace, source: {}, objects: 0}
    try {
      Object.assign(app, rolloutFields(storedStateOf(secret).state))
    } catch (e) {
      if (!(e instanceof UserError)) throw e
      app.stateError = e.message
    }
    apps.set(key(md.namespace, name), app)
  }
  const summaries = [...apps.values()].sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name))
  await Promise.all(
    summaries.map(async (app) => {
      const inventory = await readApplySet(cluster, applySetParent(app.name, app.namespace)).catch((e: unknown) => {
        // A parent of another tool under a strata name: listed with no members rather than failing the list.
        if (e instanceof UserError) return undefined
        throw e
      })
      app.objects = inventory?.members.length ?? 0
    }),
  )
  return summaries
}
