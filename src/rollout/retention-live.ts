// The cluster side of retention.ts: lists the ReplicaSets and ControllerRevisions of the app's
// workloads (through the ClusterPort) and marks what is kept.
import type {ClusterPort} from '../cluster/port.js'
import {chooseRetained, isGeneratedCandidate, retainedByAnnotation, templateUsersOf, workloadKey, type RetainedItem} from './retention.js'
import type {PlanItem, RolloutPlan} from './types.js'

const workloadKinds = new Set(['Deployment', 'StatefulSet', 'DaemonSet'])

/** The app's Deployments, StatefulSets and DaemonSets: rendered ones and those being pruned. */
export function appWorkloads(plan: Pick<RolloutPlan, 'steps'>): Set<string> {
  const keys = new Set<string>()
  for (const step of plan.steps) {
    for (const it of step.items) if (workloadKinds.has(it.id.kind)) keys.add(workloadKey(it.id.kind, it.id.namespace, it.id.name))
  }
  return keys
}

/**
 * Splits prune candidates into kept and deleted (see chooseRetained). Lists only the namespaces
 * of generated candidates, and nothing at all when there are none or `keep` is 0.
 */
export async function retainGenerated(cluster: ClusterPort, candidates: readonly PlanItem[], plan: Pick<RolloutPlan, 'steps'>, keep: number): Promise<{retained: RetainedItem[]; rest: PlanItem[]}> {
  const namespaces = [...new Set(candidates.filter(isGeneratedCandidate).map((it) => it.id.namespace))]
  if (keep <= 0 || namespaces.length === 0) return {retained: [], rest: [...candidates]}
  const workloads = appWorkloads(plan)
  const listed = await Promise.all(
    namespaces.flatMap((namespace) => {
      const kinds = [...workloads].filter((w) => w.includes(` ${namespace}/`)).map((w) => w.split(' ')[0])
      return [
        kinds.includes('Deployment') ? cluster.list('apps/v1', 'ReplicaSet', {namespace}) : Promise.resolve([]),
        kinds.some((k) => k !== 'Deployment') ? cluster.list('apps/v1', 'ControllerRevision', {namespace}) : Promise.resolve([]),
      ]
    }),
  )
  return chooseRetained(candidates, templateUsersOf(listed.flat(), workloads), keep)
}

/** Records on the kept object who still uses it (a merge patch of one annotation; nothing else changes). */
export async function markRetained(cluster: ClusterPort, r: RetainedItem, fieldManager: string): Promise<void> {
  const {id} = r.item
  await cluster.patch({apiVersion: id.apiVersion, kind: id.kind, name: id.name, namespace: id.namespace || undefined}, {metadata: {annotations: {[retainedByAnnotation]: r.by.join(', ')}}}, {type: 'merge', fieldManager})
}
