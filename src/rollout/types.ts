// The rollout's shared vocabulary: the plan (pure data built from a render and its diff), the
// state saved in the cluster at every step boundary (so another process can resume or abort),
// and the events the executor yields for printers. Everything here is plain JSON so a plan and
// its state survive a round trip through a Secret unchanged.
import type {JsonObject} from '../model/json.js'
import type {AnalysisEvent} from './analysis/run.js'
import type {Measurement} from './analysis/verdict.js'
import type {BlueGreenPhase, BlueGreenRecord} from './strategies/blue-green/phases.js'
import type {BlueGreenSpec} from './strategies/blue-green/spec.js'

/** One object's identity in a plan: `key` is identityKey (group/kind/namespace/name, no version). */
export interface PlanObjectId {
  key: string
  apiVersion: string
  kind: string
  /** Empty for cluster-scoped kinds. */
  namespace: string
  name: string
}

export const PlanAction = {
  create: 'create',
  update: 'update',
  unchanged: 'unchanged',
  delete: 'delete',
} as const
export type PlanAction = (typeof PlanAction)[keyof typeof PlanAction]

/** Default ordering buckets, in the order steps run. */
export const StepCategory = {
  namespacesAndCrds: 'namespaces-crds',
  clusterRbac: 'cluster-rbac',
  accounts: 'accounts-roles',
  config: 'config-storage',
  services: 'services',
  workloads: 'workloads',
  other: 'other',
  prune: 'prune',
} as const
export type StepCategory = (typeof StepCategory)[keyof typeof StepCategory]

/** How an existing workload whose pod template changes is moved to it: in batches, or blue/green. */
export interface WorkloadBatches {
  /**
   * `canary` for Deployments, `partition` for StatefulSets; `blue-green` for a Deployment annotated
   * `strata.dev/strategy: blue-green` (one batch: the new version beside the old, then one switch).
   */
  strategy: 'canary' | 'partition' | 'blue-green'
  /**
   * Cumulative share of the desired replicas on the new template after each batch, ascending,
   * the last one 1 (`25%,50%,100%` → [0.25, 0.5, 1]). A pause follows every batch but the last.
   */
  shares: number[]
  /**
   * Analyses judging each batch (`strata.dev/analysis` / `--analysis`): the Analysis documents as
   * rendered, validated when the plan was built, kept in the plan so a resume judges with the same.
   */
  analyses?: PlannedAnalysis[]
}

/** One Analysis a workload runs, as planned: its document, where it came from, and the arg values given. */
export interface PlannedAnalysis {
  name: string
  file: string
  document: JsonObject
  args: Record<string, string>
}

export interface PlanItem {
  id: PlanObjectId
  action: PlanAction
  /** The object to apply (as rendered); absent for deletions. */
  object?: JsonObject
  /** Set only when an existing Deployment/StatefulSet's pod template changes and batches apply. */
  batches?: WorkloadBatches
  /** Explicit dependencies (`strata.dev/depends-on`), as PlanObjectId keys. */
  dependsOn?: string[]
  /**
   * A blue/green Deployment (any action): it lives as a version Deployment named from its template
   * hash, so the executor applies it under that name; a template change also carries `batches`.
   */
  blueGreen?: BlueGreenSpec
  /**
   * The annotations (`name: value`) that decided this item's wave or kept an update from being
   * applied (Flux create-only), from object-policy.ts: what `apply --plan` shows.
   */
  decidedBy?: string[]
}

export interface RolloutStep {
  index: number
  /** For people: `namespaces-crds`, `workloads wave 2`, `config-storage (2/3)`, `prune`. */
  name: string
  category: StepCategory
  wave: number
  items: PlanItem[]
  /** Stop (exit 3) after this step is healthy; `rollout resume` goes on with the next. */
  pauseAfter: boolean
}

export interface RolloutPlan {
  app: string
  /** Namespace of the inventory (ApplySet parent) and of the saved rollout state. */
  namespace: string
  /** sha256 (hex) of the rendered set in canonical JSON: tells a resume of the same render apart. */
  digest: string
  steps: RolloutStep[]
  /** --keep-generated: previous versions of a generated ConfigMap/Secret kept while in use (retention.ts); absent in plans saved before it, meaning 0. */
  keepGenerated?: number
}

export const RolloutPhase = {
  running: 'running',
  paused: 'paused',
  /** A gate or the breaker stopped it; `resume` retries the current step, `abort` rolls back. */
  failed: 'failed',
  /** Ctrl-C: stopped between requests; `resume` continues. */
  interrupted: 'interrupted',
  aborted: 'aborted',
  done: 'done',
} as const
export type RolloutPhase = (typeof RolloutPhase)[keyof typeof RolloutPhase]

/** What a batched workload looked like before the plan touched it, and how far its batches got. */
export interface WorkloadRecord {
  id: PlanObjectId
  strategy: WorkloadBatches['strategy']
  /** The live object before the plan changed it (status and managedFields dropped): abort restores its template. */
  previous: JsonObject
  /** Batches completed (0 = none yet); equals shares.length when the workload is fully rolled out. */
  batchesDone: number
  shares: number[]
  /** Deployment canary: the name of the canary Deployment while it exists. */
  canaryName?: string
  /** Blue/green: the state machine's record (phases.ts), saved after every action it performs. */
  blueGreen?: BlueGreenRecord
  /** The running batch's analysis: when it started and its measurements so far, per Analysis (resume continues them). */
  analysis?: {batch: number; startedAt: string; measurements: Record<string, Measurement[]>; verdict?: string; reason?: string}
}

/** The process that runs the rollout now; another process waits for or takes over a stale holder. */
export interface RolloutHolder {
  pid: number
  host: string
  startedAt: string
  heartbeatAt: string
}

/** Another process asked the holder to stop (`strata rollout abort` on a running rollout): it rolls back at its next check. */
export interface StopRequest {
  /** `user@host (pid N)` of the process that asked. */
  by: string
  at: string
  reason?: string
}

export interface RolloutState {
  version: 1
  app: string
  namespace: string
  phase: RolloutPhase
  plan: RolloutPlan
  /** Index of the next step to run; steps before it are applied and healthy. */
  step: number
  /** Batched workloads the plan touched, by PlanObjectId key (kept for abort after they finish). */
  workloads: Record<string, WorkloadRecord>
  /** Non-batched workloads the plan changed: their template before the change, for abort. */
  previousTemplates: Record<string, JsonObject>
  /** Why it stopped: the pause point, the failed gate, the interruption. */
  reason?: string
  holder?: RolloutHolder
  /** Set by `rollout abort` while a live holder runs the rollout; the holder honours it and aborts. */
  stopRequested?: StopRequest
  /** Set when `strata fleet apply|resume` started this rollout: the fleet run reads its progress back from it. */
  fleet?: FleetMark
  startedAt: string
  updatedAt: string
}

/** Which fleet run applied a cluster's rollout, in which wave, from which fleet render (src/fleet). */
export interface FleetMark {
  name: string
  /** When the fleet run started (ISO): a later `fleet apply` is a new run. */
  run: string
  wave: string
  /** The fleet render's digest (src/fleet/fleet-digest.ts). */
  digest: string
}

/** Health of one object, by kstatus/Argo CD rules. */
export interface Health {
  status: 'healthy' | 'progressing' | 'failed'
  /** One line for people: `2/4 replicas updated`, `condition Available is False: ...`. */
  message: string
  /** The condition that decided it, when one did. */
  condition?: string
  ready?: number
  desired?: number
}

export type RolloutEvent =
  | {type: 'init'; plan: RolloutPlan; resumed: boolean; fromStep: number}
  | {type: 'step-start'; step: number; name: string; items: number}
  | {type: 'applied'; step: number; id: PlanObjectId; result: 'created' | 'configured' | 'unchanged'}
  | {type: 'apply-failed'; step: number; id: PlanObjectId; message: string}
  | {type: 'health'; id: PlanObjectId; health: Health}
  | {type: 'batch'; id: PlanObjectId; batch: number; of: number; share: number; updated: number; ready: number; desired: number}
  | {type: 'step-done'; step: number; elapsedMs: number}
  | {type: 'deleted'; id: PlanObjectId; result: 'deleted' | 'kept' | 'failed'; reason?: string}
  | {type: 'paused'; step: number; reason: string; workload?: PlanObjectId; batch?: number; resumeCommand: string; abortCommand: string}
  /** Saved as `failed`: `resume` retries the step, `abort` rolls back. */
  | {type: 'failed'; step: number; reason: string; resumeCommand: string; abortCommand: string}
  | {type: 'breaker'; id: PlanObjectId; reason: string; aborted: boolean}
  /** A blue/green Deployment moved (a Service switched, the new version applied, a version removed, a wait); `phase`: where its record stands after. */
  | {type: 'blue-green'; id: PlanObjectId; phase: BlueGreenPhase; message: string}
  /** An analysis began for a workload's batch, took a measurement, or reached its verdict. */
  /** `version`: the blue/green version Deployment judged (which has no batches to name). */
  | {type: 'analysis'; id: PlanObjectId; batch: number; version?: string; event: AnalysisEvent}
  | {type: 'gate-failed'; id: PlanObjectId; health: Health; report: string}
  | {type: 'aborted'; restored: PlanObjectId[]; by?: string}
  /** `rollout abort` of a rollout that is already over (done or aborted): nothing rolled back, not an error. */
  | {type: 'nothing-to-abort'; phase: 'done' | 'aborted'; reason?: string; statusCommand: string}
  /** The holder saw a stop request: it rolls back now. */
  | {type: 'stopping'; request: StopRequest}
  /** `rollout abort` recorded a stop request for a live holder (and waits for it unless --no-wait). */
  | {type: 'stop-requested'; holder: RolloutHolder; waiting: boolean; statusCommand: string}
  /** Still waiting for the holder to honour the stop request. */
  | {type: 'stop-waiting'; holder: RolloutHolder; elapsedMs: number; heartbeatAgeMs: number}
  | {type: 'interrupted'; step: number; resumeCommand: string}
  | {type: 'warning'; message: string}
  | {type: 'done'; applied: number; unchanged: number; deleted: number; elapsedMs: number}
