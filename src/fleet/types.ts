// A fleet's vocabulary: the validated fleet file (clusters, waves), the mark each cluster's rollout
// state carries so the fleet's progress can be read back from the clusters themselves, and the
// events the fleet driver yields (each cluster's rollout events wrapped with the cluster's name).
import type {FleetMark, RolloutEvent} from '../rollout/types.js'

export type {FleetMark}

export interface FleetCluster {
  name: string
  /** Absolute path of its kubeconfig; undefined: the default kubeconfig ($KUBECONFIG, ~/.kube/config) as kubectl picks it. */
  kubeconfig?: string
  context?: string
  labels: Record<string, string>
  /** Absolute path of the kustomize tree rendered for this cluster ({cluster} replaced). */
  dir: string
  /** Index of the wave the cluster belongs to. */
  wave: number
}

export interface FleetWave {
  name: string
  index: number
  /** The wave's clusters, in the fleet file's order. */
  clusters: string[]
  /** Stop the fleet (exit 3) once this wave is done; `fleet resume` starts the next. */
  pause: boolean
  /** Clusters applied at once within the wave. */
  maxParallel: number
  /** Failed clusters the wave tolerates; one more halts the fleet. */
  maxFailures: number
  selector: Record<string, string>
}

export interface Fleet {
  /** Absolute path of the fleet file. */
  file: string
  name: string
  /** App name in every cluster: inventory applyset-APP, state strata-rollout-APP. */
  app: string
  /** Namespace of every namespaced object that names none, and of the app's inventory and state (as apply -n). */
  namespace?: string
  clusters: FleetCluster[]
  waves: FleetWave[]
}


/** Where one cluster stands in the fleet's current run. */
export type ClusterPhase = 'pending' | 'running' | 'paused' | 'failed' | 'interrupted' | 'aborted' | 'done' | 'unreachable'

/** Where the fleet stands: derived from every cluster's state (fleet-status.ts). */
export type FleetPhase = 'not-started' | 'running' | 'paused' | 'halted' | 'interrupted' | 'aborted' | 'done'

export interface ClusterOutcome {
  cluster: string
  wave: string
  phase: ClusterPhase
  /** One line: why it failed, paused or could not be reached (never a credential). */
  reason?: string
}

export type FleetEvent =
  | {type: 'fleet-start'; fleet: string; app: string; digest: string; run: string; resumed: boolean; fromWave: number; waves: {name: string; clusters: string[]; pause: boolean; maxParallel: number; maxFailures: number}[]}
  | {type: 'wave-start'; wave: string; index: number; clusters: string[]}
  | {type: 'cluster-start'; cluster: string; wave: string; action: 'apply' | 'resume' | 'abort'}
  | {type: 'cluster-skip'; cluster: string; wave: string; reason: string}
  | {type: 'cluster-event'; cluster: string; wave: string; event: RolloutEvent}
  | ({type: 'cluster-done'} & ClusterOutcome)
  | {type: 'wave-done'; wave: string; index: number; done: string[]; failed: string[]; paused: string[]}
  | {type: 'fleet-halted'; wave: string; failed: string[]; maxFailures: number; aborted: string[]}
  | {type: 'fleet-paused'; wave: string; reason: string; resumeCommand: string; abortCommand: string}
  | {type: 'fleet-summary'; fleet: string; phase: FleetPhase; clusters: ClusterOutcome[]; elapsedMs: number}
