// What every batch operation needs: the cluster, how to apply, the breaker's limits, and the
// clock passed in (unit tests drive time; the CLI passes Date.now and a real sleep).
import type {ClusterPort} from '../../cluster/port.js'
import type {MetricsPort} from '../analysis/run.js'
import type {WorkloadRecord} from '../types.js'

export interface BatchContext {
  cluster: ClusterPort
  fieldManager: string
  forceConflicts: boolean
  /** The app's ApplySet: every server-side apply of a member carries its part-of label, or the member leaves the inventory. */
  applySetId: string
  /** A batch whose new pods are not all Ready within this trips the breaker. */
  batchTimeoutMs: number
  /** More crashed new pods than this trips the breaker. */
  maxFailedPods: number
  signal?: AbortSignal
  now?: () => number
  sleep?: (ms: number) => Promise<void>
  pollMs?: number
  /** Takes analysis measurements (src/metrics/http.ts); needed only when a workload names analyses. */
  metrics?: MetricsPort
  /** The app being rolled out: the {{app}} of an Analysis. */
  app?: string
  /**
   * Saves a workload's record in the rollout state mid-batch, so another process sees where it
   * stands: blue/green after every action (a Service switch, the new version applied), an
   * analysis after each measurement (a resumed batch continues from them).
   */
  saveRecord?: (record: WorkloadRecord) => Promise<void>
}

export type BatchOutcome =
  | {ok: true; record: WorkloadRecord}
  | {ok: false; record: WorkloadRecord; reason: string; breaker: boolean; interrupted: boolean; paused?: boolean}

/** Label on a canary Deployment, its selector and its pod template: tells canary pods apart. */
export const canaryOfLabel = 'strata.dev/canary-of'

export function canaryNameOf(name: string): string {
  return `${name}-strata-canary`
}

export function clockOf(ctx: BatchContext): {now: () => number; sleep: (ms: number) => Promise<void>; pollMs: number} {
  return {
    now: ctx.now ?? Date.now,
    sleep: ctx.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    pollMs: ctx.pollMs ?? 1000,
  }
}
