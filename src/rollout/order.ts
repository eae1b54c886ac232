// Which default step an object lands in. Kinds are matched with their API group, so a custom
// resource that happens to be called `Deployment` is not mistaken for a workload.
//
// Beyond the buckets the issue names, cluster-level storage and admission settings that pods need
// before they start (PersistentVolume, StorageClass, PriorityClass, RuntimeClass, LimitRange,
// ResourceQuota) join ConfigMaps/Secrets/PVCs in `config-storage`: a pod created before its
// quota, priority class or storage class is rejected or stuck. Endpoints/EndpointSlices go with
// Services. Everything else — custom resources, Ingress, HPA, PDB, webhook configurations — runs
// last, when what it refers to exists (a webhook registered early could block the very objects
// its service needs).
import {StepCategory} from './types.js'

/** Apply order of the default buckets (prune excluded: it always runs last, in reverse). */
export const categoryOrder: readonly StepCategory[] = [
  StepCategory.namespacesAndCrds,
  StepCategory.clusterRbac,
  StepCategory.accounts,
  StepCategory.config,
  StepCategory.services,
  StepCategory.workloads,
  StepCategory.other,
]

const byGroupKind = new Map<string, StepCategory>()
function put(category: StepCategory, group: string, kinds: string[]): void {
  for (const k of kinds) byGroupKind.set(`${group}/${k}`, category)
}
put(StepCategory.namespacesAndCrds, '', ['Namespace'])
put(StepCategory.namespacesAndCrds, 'apiextensions.k8s.io', ['CustomResourceDefinition'])
put(StepCategory.clusterRbac, 'rbac.authorization.k8s.io', ['ClusterRole', 'ClusterRoleBinding'])
put(StepCategory.accounts, '', ['ServiceAccount'])
put(StepCategory.accounts, 'rbac.authorization.k8s.io', ['Role', 'RoleBinding'])
put(StepCategory.config, '', ['ConfigMap', 'Secret', 'PersistentVolumeClaim', 'PersistentVolume', 'LimitRange', 'ResourceQuota'])
put(StepCategory.config, 'storage.k8s.io', ['StorageClass'])
put(StepCategory.config, 'scheduling.k8s.io', ['PriorityClass'])
put(StepCategory.config, 'node.k8s.io', ['RuntimeClass'])
put(StepCategory.services, '', ['Service', 'Endpoints'])
put(StepCategory.services, 'discovery.k8s.io', ['EndpointSlice'])
put(StepCategory.workloads, 'apps', ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'])
put(StepCategory.workloads, 'batch', ['Job', 'CronJob'])
put(StepCategory.workloads, '', ['Pod', 'ReplicationController'])

export function categoryOf(group: string, kind: string): StepCategory {
  return byGroupKind.get(`${group}/${kind}`) ?? StepCategory.other
}

/** Position of a category in the apply order (prune sorts after everything). */
export function categoryRank(category: StepCategory): number {
  const i = categoryOrder.indexOf(category)
  return i < 0 ? categoryOrder.length : i
}
