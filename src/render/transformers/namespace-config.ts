import type {FieldSpec} from '../fieldspec.js'

/**
 * kustomize v5.5's default `namespace` field specs (builtinpluginconsts/namespace.go).
 * metadata/namespace is not listed: the transformer sets it itself on namespaced kinds only.
 * Renaming v1 Namespaces to the target namespace and creating APIService spec.service.namespace
 * even when the APIService has no service are kustomize's behavior, kept on purpose.
 */
export const defaultNamespaceFieldSpecs: readonly FieldSpec[] = [
  {path: 'metadata/name', kind: 'Namespace', create: true},
  {path: 'spec/service/namespace', group: 'apiregistration.k8s.io', kind: 'APIService', create: true},
  {path: 'spec/conversion/webhook/clientConfig/service/namespace', group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition'},
]

/** Which RoleBinding/ClusterRoleBinding subjects get the namespace (kustomize's setRoleBindingSubjects). */
export const RoleBindingSubjectMode = {
  /** Only subjects named `default`, whatever their kind: kustomize's default. */
  defaultOnly: 'defaultOnly',
  /** Every subject of kind ServiceAccount. */
  allServiceAccounts: 'allServiceAccounts',
  none: 'none',
} as const
export type RoleBindingSubjectMode = (typeof RoleBindingSubjectMode)[keyof typeof RoleBindingSubjectMode]
