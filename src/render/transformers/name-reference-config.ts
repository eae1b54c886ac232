import {UserError} from '../../model/errors.js'
import {fieldSpecMatches, type FieldSpec} from '../fieldspec.js'
import {defaultOrderFirst, defaultOrderLast} from '../order.js'

/**
 * One `nameReference` entry: objects of this gvk (the referral target) are referred to by name
 * from the listed fields of other objects (the referrers).
 */
export interface NameBackReference {
  group?: string
  version?: string
  kind?: string
  fieldSpecs: FieldSpec[]
}

// kustomize sorts nameReference entries by its legacy kind order, then by group_version_kind
// (resid.Gvk.IsLessThan); the order decides which entry gets first go at a shared field such
// as rules/resourceNames.
const orderFirst = defaultOrderFirst
const orderLast = defaultOrderLast
const typeOrder = new Map<string, number>([...orderFirst.map((k, i): [string, number] => [k, i - orderFirst.length]), ...orderLast.map((k, i): [string, number] => [k, i + 1])])

function stableSortString(g: Omit<NameBackReference, 'fieldSpecs'>): string {
  return `${g.group || '~G'}_${g.version || '~V'}_${g.kind || '~K'}`
}

function compareBackRefs(a: NameBackReference, b: NameBackReference): number {
  const ia = typeOrder.get(a.kind ?? '') ?? 0
  const ib = typeOrder.get(b.kind ?? '') ?? 0
  if (ia !== ib) return ia - ib
  const sa = stableSortString(a)
  const sb = stableSortString(b)
  return sa < sb ? -1 : sa > sb ? 1 : 0
}

function sameGvk(a: Omit<NameBackReference, 'fieldSpecs'>, b: Omit<NameBackReference, 'fieldSpecs'>): boolean {
  return (a.group ?? '') === (b.group ?? '') && (a.version ?? '') === (b.version ?? '') && (a.kind ?? '') === (b.kind ?? '')
}

/**
 * kustomize's merge of nameReference configs (default config + `configurations:` files + CRDs):
 * entries with an equal gvk pool their field specs, a field spec already covered (same path,
 * gvk selected by it) is dropped, and the result is sorted. Pure: inputs are not modified.
 */
export function mergeNameReferenceConfigs(base: readonly NameBackReference[], extra: readonly NameBackReference[], origin?: string): NameBackReference[] {
  const result = base.map((b) => ({...b, fieldSpecs: [...b.fieldSpecs]}))
  for (const other of extra) {
    const same = result.find((c) => sameGvk(c, other))
    if (!same) {
      result.push({...other, fieldSpecs: [...other.fieldSpecs]})
      continue
    }
    for (const fs of other.fieldSpecs) {
      const existing = same.fieldSpecs.find((x) => x.path === fs.path && fieldSpecMatches(fs, {group: x.group ?? '', version: x.version ?? '', kind: x.kind ?? ''}))
      if (!existing) same.fieldSpecs.push(fs)
      else if ((existing.create ?? false) !== (fs.create ?? false)) {
        throw new UserError(`conflicting fieldspecs: nameReference ${other.kind ?? ''} path ${fs.path} is listed with and without create`, {file: origin, field: 'nameReference'}, 'Set `create` the same way in every configuration that lists this field.')
      }
    }
  }
  return result.sort(compareBackRefs)
}

/**
 * kustomize v5.5's default nameReference config (builtinpluginconsts/namereference.go), as its
 * config loader leaves it: entries sorted, field specs in file order, duplicates kept. Quirks
 * kept on purpose: IngressClass's group is `networking.k8s.io/v1`, so it never matches and
 * spec.ingressClassName is never rewritten.
 */
export const defaultNameReferenceConfig: readonly NameBackReference[] = ([
  {
    kind: 'Deployment',
    fieldSpecs: [
      {kind: 'HorizontalPodAutoscaler', path: 'spec/scaleTargetRef/name'},
    ],
  },
  {
    kind: 'ReplicationController',
    fieldSpecs: [
      {kind: 'HorizontalPodAutoscaler', path: 'spec/scaleTargetRef/name'},
    ],
  },
  {
    kind: 'ReplicaSet',
    fieldSpecs: [
      {kind: 'HorizontalPodAutoscaler', path: 'spec/scaleTargetRef/name'},
    ],
  },
  {
    kind: 'StatefulSet',
    fieldSpecs: [
      {kind: 'HorizontalPodAutoscaler', path: 'spec/scaleTargetRef/name'},
    ],
  },
  {
    kind: 'ConfigMap', version: 'v1',
    fieldSpecs: [
      {kind: 'Pod', version: 'v1', path: 'spec/volumes/configMap/name'},
      {kind: 'Pod', version: 'v1', path: 'spec/containers/env/valueFrom/configMapKeyRef/name'},
      {kind: 'Pod', version: 'v1', path: 'spec/initContainers/env/valueFrom/configMapKeyRef/name'},
      {kind: 'Pod', version: 'v1', path: 'spec/containers/envFrom/configMapRef/name'},
      {kind: 'Pod', version: 'v1', path: 'spec/initContainers/envFrom/configMapRef/name'},
      {kind: 'Pod', version: 'v1', path: 'spec/volumes/projected/sources/configMap/name'},
      {kind: 'PodTemplate', path: 'template/spec/volumes/configMap/name'},
      {kind: 'PodTemplate', path: 'template/spec/containers/env/valueFrom/configMapKeyRef/name'},
      {kind: 'PodTemplate', path: 'template/spec/initContainers/env/valueFrom/configMapKeyRef/name'},
      {kind: 'PodTemplate', path: 'template/spec/containers/envFrom/configMapRef/name'},
      {kind: 'PodTemplate', path: 'template/spec/initContainers/envFrom/configMapRef/name'},
      {kind: 'PodTemplate', path: 'template/spec/volumes/projected/sources/configMap/name'},
      {kind: 'Deployment', path: 'spec/template/spec/volumes/configMap/name'},
      {kind: 'Deployment', path: 'spec/template/spec/containers/env/valueFrom/configMapKeyRef/name'},
      {kind: 'Deployment', path: 'spec/template/spec/initContainers/env/valueFrom/configMapKeyRef/name'},
      {kind: 'Deployment', path: 'spec/template/spec/containers/envFrom/configMapRef/name'},
      {kind: 'Deployment', path: 'spec/template/spec/initContainers/envFrom/configMapRef/name'},
      {kind: 'Deployment', path: 'spec/template/spec/volumes/projected/sources/configMap/name'},
      {kind: 'ReplicaSet', path: 'spec/template/spec/volumes/configMap/name'},
      {kind: 'ReplicaSet', path: 'spec/template/spec/containers/env/valueFrom/configMapKeyRef/name'},
      {kind: 'ReplicaSet', path: 'spec/template/spec/initContainers/env/valueFrom/configMapKeyRef/name'},
      {kind: 'ReplicaSet', path: 'spec/template/spec/containers/envFrom/configMapRef/name'},
      {kind: 'ReplicaSet', path: 'spec/template/spec/initContainers/envFrom/configMapRef/name'},
      {kind: 'ReplicaSet', path: 'spec/template/spec/volumes/projected/sources/configMap/name'},
      {kind: 'DaemonSet', path: 'spec/template/spec/volumes/configMap/name'},
      {kind: 'DaemonSet', path: 'spec/template/spec/containers/env/valueFrom/configMapKeyRef/name'},
      {kind: 'DaemonSet', path: 'spec/template/spec/initContainers/env/valueFrom/configMapKeyRef/name'},
      {kind: 'DaemonSet', path: 'spec/template/spec/containers/envFrom/configMapRef/name'},
      {kind: 'DaemonSet', path: 'spec/template/spec/initContainers/envFrom/configMapRef/name'},
      {kind: 'DaemonSet', path: 'spec/template/spec/volumes/projected/sources/configMap/name'},
      {kind: 'StatefulSet', path: 'spec/template/spec/volumes/configMap/name'},
      {kind: 'StatefulSet', path: 'spec/template/spec/containers/env/valueFrom/configMapKeyRef/name'},
      {kind: 'StatefulSet', path: 'spec/template/spec/initContainers/env/valueFrom/configMapKeyRef/name'},
      {kind: 'StatefulSet', path: 'spec/template/spec/containers/envFrom/configMapRef/name'},
      {kind: 'StatefulSet', path: 'spec/template/spec/initContainers/envFrom/configMapRef/name'},
      {kind: 'StatefulSet', path: 'spec/template/spec/volumes/projected/sources/configMap/name'},
      {kind: 'Job', path: 'spec/template/spec/volumes/configMap/name'},
      {kind: 'Job', path: 'spec/template/spec/containers/env/valueFrom/configMapKeyRef/name'},
      {kind: 'Job', path: 'spec/template/spec/initContainers/env/valueFrom/configMapKeyRef/name'},
      {kind: 'Job', path: 'spec/template/spec/containers/envFrom/configMapRef/name'},
      {kind: 'Job', path: 'spec/template/spec/initContainers/envFrom/configMapRef/name'},
      {kind: 'Job', path: 'spec/template/spec/volumes/projected/sources/configMap/name'},
      {kind: 'CronJob', path: 'spec/jobTemplate/spec/template/spec/volumes/configMap/name'},
      {kind: 'CronJob', path: 'spec/jobTemplate/spec/template/spec/volumes/projected/sources/configMap/name'},
      {kind: 'CronJob', path: 'spec/jobTemplate/spec/template/spec/containers/env/valueFrom/configMapKeyRef/name'},
      {kind: 'CronJob', path: 'spec/jobTemplate/spec/template/spec/initContainers/env/valueFrom/configMapKeyRef/name'},
      {kind: 'CronJob', path: 'spec/jobTemplate/spec/template/spec/containers/envFrom/configMapRef/name'},
      {kind: 'CronJob', path: 'spec/jobTemplate/spec/template/spec/initContainers/envFrom/configMapRef/name'},
      {kind: 'Node', path: 'spec/configSource/configMap'},
      {kind: 'Role', path: 'rules/resourceNames'},
      {kind: 'ClusterRole', path: 'rules/resourceNames'},
      {kind: 'Ingress', path: 'metadata/annotations/nginx.ingress.kubernetes.io\\/fastcgi-params-configmap'},
    ],
  },
  {
    kind: 'Secret', version: 'v1',
    fieldSpecs: [
      {kind: 'Pod', version: 'v1', path: 'spec/volumes/secret/secretName'},
      {kind: 'Pod', version: 'v1', path: 'spec/containers/env/valueFrom/secretKeyRef/name'},
      {kind: 'Pod', version: 'v1', path: 'spec/initContainers/env/valueFrom/secretKeyRef/name'},
      {kind: 'Pod', version: 'v1', path: 'spec/containers/envFrom/secretRef/name'},
      {kind: 'Pod', version: 'v1', path: 'spec/initContainers/envFrom/secretRef/name'},
      {kind: 'Pod', version: 'v1', path: 'spec/imagePullSecrets/name'},
      {kind: 'Pod', version: 'v1', path: 'spec/volumes/projected/sources/secret/name'},
      {kind: 'PodTemplate', path: 'template/spec/volumes/secret/secretName'},
      {kind: 'PodTemplate', path: 'template/spec/containers/env/valueFrom/secretKeyRef/name'},
      {kind: 'PodTemplate', path: 'template/spec/initContainers/env/valueFrom/secretKeyRef/name'},
      {kind: 'PodTemplate', path: 'template/spec/containers/envFrom/secretRef/name'},
      {kind: 'PodTemplate', path: 'template/spec/initContainers/envFrom/secretRef/name'},
      {kind: 'PodTemplate', path: 'template/spec/imagePullSecrets/name'},
      {kind: 'PodTemplate', path: 'template/spec/volumes/projected/sources/secret/name'},
      {kind: 'Deployment', path: 'spec/template/spec/volumes/secret/secretName'},
      {kind: 'Deployment', path: 'spec/template/spec/containers/env/valueFrom/secretKeyRef/name'},
      {kind: 'Deployment', path: 'spec/template/spec/initContainers/env/valueFrom/secretKeyRef/name'},
      {kind: 'Deployment', path: 'spec/template/spec/containers/envFrom/secretRef/name'},
      {kind: 'Deployment', path: 'spec/template/spec/initContainers/envFrom/secretRef/name'},
      {kind: 'Deployment', path: 'spec/template/spec/imagePullSecrets/name'},
      {kind: 'Deployment', path: 'spec/template/spec/volumes/projected/sources/secret/name'},
      {kind: 'ReplicaSet', path: 'spec/template/spec/volumes/secret/secretName'},
      {kind: 'ReplicaSet', path: 'spec/template/spec/containers/env/valueFrom/secretKeyRef/name'},
      {kind: 'ReplicaSet', path: 'spec/template/spec/initContainers/env/valueFrom/secretKeyRef/name'},
      {kind: 'ReplicaSet', path: 'spec/template/spec/containers/envFrom/secretRef/name'},
      {kind: 'ReplicaSet', path: 'spec/template/spec/initContainers/envFrom/secretRef/name'},
      {kind: 'ReplicaSet', path: 'spec/template/spec/imagePullSecrets/name'},
      {kind: 'ReplicaSet', path: 'spec/template/spec/volumes/projected/sources/secret/name'},
      {kind: 'DaemonSet', path: 'spec/template/spec/volumes/secret/secretName'},
      {kind: 'DaemonSet', path: 'spec/template/spec/containers/env/valueFrom/secretKeyRef/name'},
      {kind: 'DaemonSet', path: 'spec/template/spec/initContainers/env/valueFrom/secretKeyRef/name'},
      {kind: 'DaemonSet', path: 'spec/template/spec/containers/envFrom/secretRef/name'},
      {kind: 'DaemonSet', path: 'spec/template/spec/initContainers/envFrom/secretRef/name'},
      {kind: 'DaemonSet', path: 'spec/template/spec/imagePullSecrets/name'},
      {kind: 'DaemonSet', path: 'spec/template/spec/volumes/projected/sources/secret/name'},
      {kind: 'StatefulSet', path: 'spec/template/spec/volumes/secret/secretName'},
      {kind: 'StatefulSet', path: 'spec/template/spec/containers/env/valueFrom/secretKeyRef/name'},
      {kind: 'StatefulSet', path: 'spec/template/spec/initContainers/env/valueFrom/secretKeyRef/name'},
      {kind: 'StatefulSet', path: 'spec/template/spec/containers/envFrom/secretRef/name'},
      {kind: 'StatefulSet', path: 'spec/template/spec/initContainers/envFrom/secretRef/name'},
      {kind: 'StatefulSet', path: 'spec/template/spec/imagePullSecrets/name'},
      {kind: 'StatefulSet', path: 'spec/template/spec/volumes/projected/sources/secret/name'},
      {kind: 'Job', path: 'spec/template/spec/volumes/secret/secretName'},
      {kind: 'Job', path: 'spec/template/spec/containers/env/valueFrom/secretKeyRef/name'},
      {kind: 'Job', path: 'spec/template/spec/initContainers/env/valueFrom/secretKeyRef/name'},
      {kind: 'Job', path: 'spec/template/spec/containers/envFrom/secretRef/name'},
      {kind: 'Job', path: 'spec/template/spec/initContainers/envFrom/secretRef/name'},
      {kind: 'Job', path: 'spec/template/spec/imagePullSecrets/name'},
      {kind: 'Job', path: 'spec/template/spec/volumes/projected/sources/secret/name'},
      {kind: 'CronJob', path: 'spec/jobTemplate/spec/template/spec/volumes/secret/secretName'},
      {kind: 'CronJob', path: 'spec/jobTemplate/spec/template/spec/volumes/projected/sources/secret/name'},
      {kind: 'CronJob', path: 'spec/jobTemplate/spec/template/spec/containers/env/valueFrom/secretKeyRef/name'},
      {kind: 'CronJob', path: 'spec/jobTemplate/spec/template/spec/initContainers/env/valueFrom/secretKeyRef/name'},
      {kind: 'CronJob', path: 'spec/jobTemplate/spec/template/spec/containers/envFrom/secretRef/name'},
      {kind: 'CronJob', path: 'spec/jobTemplate/spec/template/spec/initContainers/envFrom/secretRef/name'},
      {kind: 'CronJob', path: 'spec/jobTemplate/spec/template/spec/imagePullSecrets/name'},
      {kind: 'Ingress', path: 'spec/tls/secretName'},
      {kind: 'Ingress', path: 'metadata/annotations/ingress.kubernetes.io\\/auth-secret'},
      {kind: 'Ingress', path: 'metadata/annotations/nginx.ingress.kubernetes.io\\/auth-secret'},
      {kind: 'Ingress', path: 'metadata/annotations/nginx.ingress.kubernetes.io\\/auth-tls-secret'},
      {kind: 'Ingress', path: 'spec/tls/secretName'},
      {kind: 'ServiceAccount', path: 'imagePullSecrets/name'},
      {kind: 'StorageClass', path: 'parameters/secretName'},
      {kind: 'StorageClass', path: 'parameters/adminSecretName'},
      {kind: 'StorageClass', path: 'parameters/userSecretName'},
      {kind: 'StorageClass', path: 'parameters/secretRef'},
      {kind: 'Role', path: 'rules/resourceNames'},
      {kind: 'ClusterRole', path: 'rules/resourceNames'},
      {kind: 'Service', group: 'serving.knative.dev', version: 'v1', path: 'spec/template/spec/containers/env/valueFrom/secretKeyRef/name'},
      {kind: 'PersistentVolume', path: 'spec/azureFile/secretName'},
    ],
  },
  {
    kind: 'Service', version: 'v1',
    fieldSpecs: [
      {kind: 'StatefulSet', group: 'apps', path: 'spec/serviceName'},
      {kind: 'Ingress', path: 'spec/rules/http/paths/backend/serviceName'},
      {kind: 'Ingress', path: 'spec/backend/serviceName'},
      {kind: 'Ingress', path: 'spec/rules/http/paths/backend/service/name'},
      {kind: 'Ingress', path: 'spec/defaultBackend/service/name'},
      {kind: 'APIService', group: 'apiregistration.k8s.io', path: 'spec/service/name'},
      {kind: 'ValidatingWebhookConfiguration', group: 'admissionregistration.k8s.io', path: 'webhooks/clientConfig/service'},
      {kind: 'MutatingWebhookConfiguration', group: 'admissionregistration.k8s.io', path: 'webhooks/clientConfig/service'},
    ],
  },
  {
    kind: 'Role', group: 'rbac.authorization.k8s.io',
    fieldSpecs: [
      {kind: 'RoleBinding', group: 'rbac.authorization.k8s.io', path: 'roleRef/name'},
    ],
  },
  {
    kind: 'ClusterRole', group: 'rbac.authorization.k8s.io',
    fieldSpecs: [
      {kind: 'RoleBinding', group: 'rbac.authorization.k8s.io', path: 'roleRef/name'},
      {kind: 'ClusterRoleBinding', group: 'rbac.authorization.k8s.io', path: 'roleRef/name'},
    ],
  },
  {
    kind: 'ServiceAccount', version: 'v1',
    fieldSpecs: [
      {kind: 'RoleBinding', group: 'rbac.authorization.k8s.io', path: 'subjects'},
      {kind: 'ClusterRoleBinding', group: 'rbac.authorization.k8s.io', path: 'subjects'},
      {kind: 'Pod', path: 'spec/serviceAccountName'},
      {kind: 'StatefulSet', path: 'spec/template/spec/serviceAccountName'},
      {kind: 'Deployment', path: 'spec/template/spec/serviceAccountName'},
      {kind: 'ReplicationController', path: 'spec/template/spec/serviceAccountName'},
      {kind: 'CronJob', path: 'spec/jobTemplate/spec/template/spec/serviceAccountName'},
      {kind: 'Job', path: 'spec/template/spec/serviceAccountName'},
      {kind: 'DaemonSet', path: 'spec/template/spec/serviceAccountName'},
    ],
  },
  {
    kind: 'PersistentVolumeClaim', version: 'v1',
    fieldSpecs: [
      {kind: 'Pod', path: 'spec/volumes/persistentVolumeClaim/claimName'},
      {kind: 'StatefulSet', path: 'spec/template/spec/volumes/persistentVolumeClaim/claimName'},
      {kind: 'Deployment', path: 'spec/template/spec/volumes/persistentVolumeClaim/claimName'},
      {kind: 'ReplicationController', path: 'spec/template/spec/volumes/persistentVolumeClaim/claimName'},
      {kind: 'CronJob', path: 'spec/jobTemplate/spec/template/spec/volumes/persistentVolumeClaim/claimName'},
      {kind: 'Job', path: 'spec/template/spec/volumes/persistentVolumeClaim/claimName'},
      {kind: 'DaemonSet', path: 'spec/template/spec/volumes/persistentVolumeClaim/claimName'},
    ],
  },
  {
    kind: 'PersistentVolume', version: 'v1',
    fieldSpecs: [
      {kind: 'PersistentVolumeClaim', path: 'spec/volumeName'},
      {kind: 'ClusterRole', path: 'rules/resourceNames'},
    ],
  },
  {
    kind: 'StorageClass', group: 'storage.k8s.io', version: 'v1',
    fieldSpecs: [
      {kind: 'PersistentVolume', path: 'spec/storageClassName'},
      {kind: 'PersistentVolumeClaim', path: 'spec/storageClassName'},
      {kind: 'StatefulSet', path: 'spec/volumeClaimTemplates/spec/storageClassName'},
    ],
  },
  {
    kind: 'PriorityClass', group: 'scheduling.k8s.io', version: 'v1',
    fieldSpecs: [
      {kind: 'Pod', path: 'spec/priorityClassName'},
      {kind: 'StatefulSet', path: 'spec/template/spec/priorityClassName'},
      {kind: 'Deployment', path: 'spec/template/spec/priorityClassName'},
      {kind: 'ReplicationController', path: 'spec/template/spec/priorityClassName'},
      {kind: 'CronJob', path: 'spec/jobTemplate/spec/template/spec/priorityClassName'},
      {kind: 'Job', path: 'spec/template/spec/priorityClassName'},
      {kind: 'DaemonSet', path: 'spec/template/spec/priorityClassName'},
    ],
  },
  {
    kind: 'IngressClass', group: 'networking.k8s.io/v1', version: 'v1',
    fieldSpecs: [
      {kind: 'Ingress', path: 'spec/ingressClassName'},
    ],
  },
  {
    kind: 'ValidatingAdmissionPolicy', group: 'admissionregistration.k8s.io',
    fieldSpecs: [
      {kind: 'ValidatingAdmissionPolicyBinding', group: 'admissionregistration.k8s.io', path: 'spec/policyName'},
    ],
  },
] satisfies NameBackReference[]).sort(compareBackRefs)
