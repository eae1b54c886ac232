import {test} from 'node:test'
import {fixNameReferences} from '../../../src/render/transformers/name-reference.js'
import {assertMatches, buildTree, topOf} from './harness.js'

// Expected outputs: cases/<case>/expected.yaml from `kubectl kustomize` (kustomize v5.5.0).
const cases: Record<string, string> = {
  'rolebinding-cross-namespace': 'RoleBinding subjects reach a renamed ServiceAccount in another namespace; a subject without namespace takes the referral namespace',
  'namespace-move-subjects-webhooks': 'namespace moved by an overlay: ClusterRoleBinding subjects (any kind, by name) and webhook services follow',
  'roleref-and-resource-names': 'roleRef kind picks Role vs ClusterRole of the same name; rules/resourceNames lists',
  'all-referrer-kinds': 'Pod, PodTemplate, CronJob, DaemonSet, RC/StatefulSet HPAs, PV/PVC/StorageClass, PriorityClass, Node, APIService, admission policy binding, Ingress annotations, knative Service',
}

for (const [name, what] of Object.entries(cases)) {
  test(`${name}: ${what}`, () => {
    const set = buildTree(topOf(name))
    fixNameReferences(set)
    assertMatches(set, `${name}/expected.yaml`)
  })
}
