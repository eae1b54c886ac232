import assert from 'node:assert/strict'
import {test} from 'node:test'
import {UserError} from '../../../src/model/errors.js'
import {fixNameReferences} from '../../../src/render/transformers/name-reference.js'
import {assertMatches, buildTree, readCase, topOf} from './harness.js'

// Expected outputs: cases/<case>/expected.yaml from `kubectl kustomize` (kustomize v5.5.0).
const cases: Record<string, string> = {
  'rolebinding-cross-namespace': 'RoleBinding subjects reach a renamed ServiceAccount in another namespace; a subject without namespace takes the referral namespace',
  'namespace-move-subjects-webhooks': 'namespace moved by an overlay: ClusterRoleBinding subjects (any kind, by name) and webhook services follow',
  'roleref-and-resource-names': 'roleRef kind picks Role vs ClusterRole of the same name; rules/resourceNames lists',
  'identical-referrals': 'a cluster-scoped referrer sees same-named targets in two namespaces; identical new names are not ambiguous',
  'all-referrer-kinds': 'Pod, PodTemplate, CronJob, DaemonSet, RC/StatefulSet HPAs, PV/PVC/StorageClass, PriorityClass, Node, APIService, admission policy binding, Ingress annotations, knative Service',
}

for (const [name, what] of Object.entries(cases)) {
  test(`${name}: ${what}`, () => {
    const set = buildTree(topOf(name))
    fixNameReferences(set)
    assertMatches(set, `${name}/expected.yaml`)
  })
}

test('ambiguous-subject: a subject without namespace matching renamed ServiceAccounts in two namespaces is an error', () => {
  // cases/ambiguous-subject/expected-error.txt holds kubectl's message.
  assert.match(readCase('ambiguous-subject/expected-error.txt'), /found multiple possible referrals: ServiceAccount.*x-sa\.a, ServiceAccount.*x-sa\.b/)
  const set = buildTree(topOf('ambiguous-subject'))
  assert.throws(
    () => fixNameReferences(set),
    (e: unknown) => e instanceof UserError && /found multiple possible referrals/.test(e.message) && e.message.includes('x-sa.a') && e.message.includes('x-sa.b') && e.origin.field === 'subjects',
  )
})
