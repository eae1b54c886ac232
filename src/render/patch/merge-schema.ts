// Where strategic merge learns how a list merges. kustomize v5.5 reads this from the Kubernetes
// v1.21.2 OpenAPI document compiled into kyaml; only the `x-kubernetes-patch-strategy: merge`
// lists (and the types that lead to them) change the result, so that is all this table keeps.
// Every other list, known or not, is replaced by the patch's list (kyaml never infers a merge
// key during `kustomize build`).

export type ListStrategy =
  /** Elements matched by `mergeKeys` (x-kubernetes-list-map-keys when set, else the patch merge key); `[]` means a list of scalars merged as a set. */
  | {strategy: 'merge'; mergeKeys: readonly string[]}
  | {strategy: 'replace'}
  | {strategy: 'atomic'}

/**
 * A position in a type's schema. Walking fields one by one keeps lookups allocation-free: the
 * merge walks the object and the schema side by side.
 */
export interface MergeSchemaNode {
  /** Set when the value at this position is a list with a known strategy. */
  readonly list?: ListStrategy
  /** Schema of the elements when this is a list of objects. */
  readonly elements?: MergeSchemaNode
  field(name: string): MergeSchemaNode | undefined
}

/** Schema of a whole object by its type; undefined for types it does not know (CRDs). */
export type MergeSchemaLookup = (apiVersion: string, kind: string) => MergeSchemaNode | undefined

/** The first lookup that knows a type answers — e.g. `openapi:` schemas and CRDs before the built-in table. */
export function chainMergeSchemas(...lookups: MergeSchemaLookup[]): MergeSchemaLookup {
  return (apiVersion, kind) => {
    for (const lookup of lookups) {
      const node = lookup(apiVersion, kind)
      if (node) return node
    }
    return undefined
  }
}

/** The strategy of the list at `path` (field names from the object root, `[]` for list elements), for callers that hold a path. */
export function listStrategyAt(lookup: MergeSchemaLookup, apiVersion: string, kind: string, path: readonly string[]): ListStrategy | undefined {
  let node = lookup(apiVersion, kind)
  for (const p of path) {
    if (!node) return undefined
    node = p === '[]' ? node.elements : node.field(p)
  }
  return node?.list
}

// ---- the built-in table -------------------------------------------------------------------

// A field is [type it leads to, list strategy]; a type is its relevant fields. Types and fields
// that cannot reach a merge list are left out: for them "unknown" and "known, not merge" behave
// the same in kyaml.
type FieldDef = readonly [type: string | null, list?: ListStrategy]
type TypeDef = Readonly<Record<string, FieldDef>>

const merge = (...mergeKeys: string[]): ListStrategy => ({strategy: 'merge', mergeKeys})
const conditions: FieldDef = [null, merge('type')]

const types: Readonly<Record<string, TypeDef>> = {
  ObjectMeta: {finalizers: [null, merge()], ownerReferences: [null, merge('uid')]},
  Object: {metadata: ['ObjectMeta']},
  PodTemplateSpec: {metadata: ['ObjectMeta'], spec: ['PodSpec']},
  PodSpec: {
    containers: ['Container', merge('name')],
    initContainers: ['Container', merge('name')],
    ephemeralContainers: ['EphemeralContainer', merge('name')],
    hostAliases: [null, merge('ip')],
    imagePullSecrets: [null, merge('name')],
    topologySpreadConstraints: [null, merge('topologyKey', 'whenUnsatisfiable')],
    volumes: ['Volume', merge('name')],
  },
  Container: {
    env: [null, merge('name')],
    ports: [null, merge('containerPort', 'protocol')],
    volumeDevices: [null, merge('devicePath')],
    volumeMounts: [null, merge('mountPath')],
  },
  // v1.21's EphemeralContainer gives its ports no patch strategy: they are replaced.
  EphemeralContainer: {
    env: [null, merge('name')],
    volumeDevices: [null, merge('devicePath')],
    volumeMounts: [null, merge('mountPath')],
  },
  Volume: {ephemeral: ['EphemeralVolumeSource']},
  EphemeralVolumeSource: {volumeClaimTemplate: ['PVCTemplate']},
  PVCTemplate: {metadata: ['ObjectMeta']},
  PVC: {metadata: ['ObjectMeta'], status: ['ConditionsStatus']},
  Pod: {metadata: ['ObjectMeta'], spec: ['PodSpec'], status: ['PodStatus']},
  PodStatus: {conditions, podIPs: [null, merge('ip')]},
  PodTemplate: {metadata: ['ObjectMeta'], template: ['PodTemplateSpec']},
  ConditionsStatus: {conditions},
  Workload: {metadata: ['ObjectMeta'], spec: ['WorkloadSpec'], status: ['ConditionsStatus']},
  WorkloadSpec: {template: ['PodTemplateSpec']},
  StatefulSet: {metadata: ['ObjectMeta'], spec: ['StatefulSetSpec'], status: ['ConditionsStatus']},
  StatefulSetSpec: {template: ['PodTemplateSpec'], volumeClaimTemplates: ['PVC']},
  CronJob: {metadata: ['ObjectMeta'], spec: ['CronJobSpec']},
  CronJobSpec: {jobTemplate: ['JobTemplateSpec']},
  JobTemplateSpec: {metadata: ['ObjectMeta'], spec: ['WorkloadSpec']},
  Service: {metadata: ['ObjectMeta'], spec: ['ServiceSpec'], status: ['ConditionsStatus']},
  ServiceSpec: {ports: [null, merge('port', 'protocol')]},
  ServiceAccount: {metadata: ['ObjectMeta'], secrets: [null, merge('name')]},
  Namespace: {metadata: ['ObjectMeta'], status: ['ConditionsStatus']},
  Node: {metadata: ['ObjectMeta'], spec: ['NodeSpec'], status: ['NodeStatus']},
  NodeSpec: {podCIDRs: [null, merge()]},
  NodeStatus: {conditions, addresses: [null, merge('type')]},
  WebhookConfiguration: {metadata: ['ObjectMeta'], webhooks: [null, merge('name')]},
  CSINode: {metadata: ['ObjectMeta'], spec: ['CSINodeSpec']},
  CSINodeSpec: {drivers: [null, merge('name')]},
  WithStatusConditions: {metadata: ['ObjectMeta'], status: ['ConditionsStatus']},
}

// Kinds of the v1.21.2 schema by apiVersion; `Kind=Type` when the kind has more than metadata
// to merge by key.
const kinds: Readonly<Record<string, string>> = {
  v1:
    'Binding ComponentStatus=WithStatusConditions ConfigMap Endpoints Event LimitRange Namespace=Namespace Node=Node PersistentVolume ' +
    'PersistentVolumeClaim=PVC Pod=Pod PodTemplate=PodTemplate ReplicationController=Workload ResourceQuota Secret Service=Service ' +
    'ServiceAccount=ServiceAccount Status',
  'admissionregistration.k8s.io/v1': 'MutatingWebhookConfiguration=WebhookConfiguration ValidatingWebhookConfiguration=WebhookConfiguration',
  'admissionregistration.k8s.io/v1beta1': 'MutatingWebhookConfiguration=WebhookConfiguration ValidatingWebhookConfiguration=WebhookConfiguration',
  'apiextensions.k8s.io/v1': 'CustomResourceDefinition',
  'apiextensions.k8s.io/v1beta1': 'CustomResourceDefinition',
  'apiregistration.k8s.io/v1': 'APIService=WithStatusConditions',
  'apiregistration.k8s.io/v1beta1': 'APIService=WithStatusConditions',
  'apps/v1': 'ControllerRevision DaemonSet=Workload Deployment=Workload ReplicaSet=Workload StatefulSet=StatefulSet',
  'authentication.k8s.io/v1': 'TokenRequest TokenReview',
  'authentication.k8s.io/v1beta1': 'TokenReview',
  'authorization.k8s.io/v1': 'LocalSubjectAccessReview SelfSubjectAccessReview SelfSubjectRulesReview SubjectAccessReview',
  'authorization.k8s.io/v1beta1': 'LocalSubjectAccessReview SelfSubjectAccessReview SelfSubjectRulesReview SubjectAccessReview',
  'autoscaling/v1': 'HorizontalPodAutoscaler Scale',
  'autoscaling/v2beta1': 'HorizontalPodAutoscaler',
  'autoscaling/v2beta2': 'HorizontalPodAutoscaler',
  'batch/v1': 'CronJob=CronJob Job=Workload',
  'batch/v1beta1': 'CronJob=CronJob',
  'certificates.k8s.io/v1': 'CertificateSigningRequest',
  'certificates.k8s.io/v1beta1': 'CertificateSigningRequest',
  'coordination.k8s.io/v1': 'Lease',
  'coordination.k8s.io/v1beta1': 'Lease',
  'discovery.k8s.io/v1': 'EndpointSlice',
  'discovery.k8s.io/v1beta1': 'EndpointSlice',
  'events.k8s.io/v1': 'Event',
  'events.k8s.io/v1beta1': 'Event',
  'extensions/v1beta1': 'Ingress',
  'flowcontrol.apiserver.k8s.io/v1beta1': 'FlowSchema PriorityLevelConfiguration',
  'networking.k8s.io/v1': 'Ingress IngressClass NetworkPolicy',
  'networking.k8s.io/v1beta1': 'Ingress IngressClass',
  'node.k8s.io/v1': 'RuntimeClass',
  'node.k8s.io/v1beta1': 'RuntimeClass',
  'policy/v1': 'PodDisruptionBudget=WithStatusConditions',
  'policy/v1beta1': 'Eviction PodDisruptionBudget=WithStatusConditions PodSecurityPolicy',
  'rbac.authorization.k8s.io/v1': 'ClusterRole ClusterRoleBinding Role RoleBinding',
  'rbac.authorization.k8s.io/v1beta1': 'ClusterRole ClusterRoleBinding Role RoleBinding',
  'scheduling.k8s.io/v1': 'PriorityClass',
  'scheduling.k8s.io/v1beta1': 'PriorityClass',
  'storage.k8s.io/v1': 'CSIDriver CSINode=CSINode StorageClass VolumeAttachment',
  'storage.k8s.io/v1beta1': 'CSIDriver CSINode=CSINode CSIStorageCapacity StorageClass VolumeAttachment',
}

const noFields = new Map<string, MergeSchemaNode>()

class TypeNode implements MergeSchemaNode {
  fields: Map<string, MergeSchemaNode> = noFields
  field(name: string): MergeSchemaNode | undefined {
    return this.fields.get(name)
  }
}

class ListNode implements MergeSchemaNode {
  constructor(
    readonly list: ListStrategy,
    readonly elements: MergeSchemaNode | undefined,
  ) {}
  field(): undefined {
    return undefined
  }
}

// Built once at load: a graph of nodes (types refer to each other by name), then a map from
// "apiVersion kind" to its root node, and type name to its node.
function buildTable(): {roots: Map<string, MergeSchemaNode>; nodes: Map<string, TypeNode>} {
  const nodes = new Map<string, TypeNode>()
  for (const name of Object.keys(types)) nodes.set(name, new TypeNode())
  const nodeOf = (name: string): TypeNode => {
    const n = nodes.get(name)
    if (!n) throw new Error(`merge schema table: unknown type ${name}`)
    return n
  }
  for (const [name, def] of Object.entries(types)) {
    const fields = new Map<string, MergeSchemaNode>()
    for (const [field, [type, list]] of Object.entries(def)) {
      const typeNode = type === null ? undefined : nodeOf(type)
      if (list) fields.set(field, new ListNode(list, typeNode))
      else if (typeNode) fields.set(field, typeNode)
    }
    nodeOf(name).fields = fields
  }
  const roots = new Map<string, MergeSchemaNode>()
  for (const [apiVersion, list] of Object.entries(kinds)) {
    for (const entry of list.split(' ')) {
      const eq = entry.indexOf('=')
      const kind = eq < 0 ? entry : entry.slice(0, eq)
      roots.set(`${apiVersion} ${kind}`, nodeOf(eq < 0 ? 'Object' : entry.slice(eq + 1)))
    }
  }
  return {roots, nodes}
}

let table: {roots: Map<string, MergeSchemaNode>; nodes: Map<string, TypeNode>} | undefined

/** Patch strategies of the Kubernetes types kustomize v5.5 knows (its built-in v1.21.2 OpenAPI). */
export const builtinMergeSchema: MergeSchemaLookup = (apiVersion, kind) => {
  table ??= buildTable()
  return table.roots.get(`${apiVersion} ${kind}`)
}

/** Whether the built-in schema knows the kind (kyaml answers its namespace scope from a precomputed table then). */
export function isBuiltinKind(apiVersion: string, kind: string): boolean {
  return builtinMergeSchema(apiVersion, kind) !== undefined
}

/**
 * The built-in node of an OpenAPI definition name (`io.k8s.api.core.v1.PodTemplateSpec`), for
 * custom schemas whose `$ref`s reach Kubernetes types they do not define themselves. Types the
 * table leaves out reach no merge list, so undefined is their right answer too.
 */
export function builtinDefinitionNode(definition: string): MergeSchemaNode | undefined {
  if (!definition.startsWith('io.k8s.')) return undefined
  table ??= buildTable()
  const name = definition.slice(definition.lastIndexOf('.') + 1)
  const typeNode = table.nodes.get(name)
  if (typeNode) return typeNode
  // A kind (`io.k8s.api.apps.v1.Deployment`): the table names its root type differently (Workload).
  for (const [key, node] of table.roots) if (key.endsWith(` ${name}`)) return node
  return undefined
}
