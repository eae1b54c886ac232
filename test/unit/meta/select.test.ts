import {test, describe} from 'node:test'
import assert from 'node:assert/strict'
import {UserError} from '../../../src/model/errors.js'
import {anyIdSelectedBy, selectResources, type Selector} from '../../../src/render/select.js'
import {names, setOf, withPreviousIds} from './helpers.js'

// Every expectation here comes from `kubectl kustomize` (kustomize v5.5.0): a JSON 6902 patch
// with the given `target` adding an annotation, reading back which objects got it.

const resources = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-1
  labels: {tier: fe, env: prod}
  annotations: {team: a}
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web-2
  namespace: other
  labels: {tier: be}
---
apiVersion: v1
kind: Service
metadata:
  name: web
  labels: {tier: fe, n: "5"}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: web-role
---
apiVersion: example.com/v1beta1
kind: Widget
metadata:
  name: db
  annotations: {team: b}
`

const sel = (target: Selector, set = setOf(resources)) => names(selectResources(set, target)).sort()

describe('selectResources: fields as anchored regexes over the current id', () => {
  const cases: [Selector, string[]][] = [
    [{name: 'web-.*'}, ['ClusterRole/web-role', 'Deployment/web-1', 'StatefulSet/web-2.other']],
    [{name: 'web'}, ['Service/web']],
    [{kind: 'Deploy'}, []],
    [{kind: 'clusterrole'}, []],
    [{kind: 'Deploy.*|Service'}, ['Deployment/web-1', 'Service/web']],
    [{group: 'apps'}, ['Deployment/web-1', 'StatefulSet/web-2.other']],
    [{group: '', kind: 'Service'}, ['Service/web']],
    [{version: 'v1.*'}, ['ClusterRole/web-role', 'Deployment/web-1', 'Service/web', 'StatefulSet/web-2.other', 'Widget/db']],
    [{namespace: 'other'}, ['StatefulSet/web-2.other']],
    [{namespace: 'ns1'}, []],
    [{namespace: 'default'}, ['Deployment/web-1', 'Service/web', 'Widget/db']],
    [{namespace: '_non_namespaceable_'}, ['ClusterRole/web-role']],
    [{labelSelector: 'tier=fe'}, ['Deployment/web-1', 'Service/web']],
    [{labelSelector: 'tier in (fe,be),env'}, ['Deployment/web-1']],
    [{labelSelector: '!env'}, ['ClusterRole/web-role', 'Service/web', 'StatefulSet/web-2.other', 'Widget/db']],
    [{labelSelector: 'n>4'}, ['Service/web']],
    [{annotationSelector: 'team'}, ['Deployment/web-1', 'Widget/db']],
    [{annotationSelector: 'team!=a'}, ['ClusterRole/web-role', 'Service/web', 'StatefulSet/web-2.other', 'Widget/db']],
  ]
  for (const [target, want] of cases) test(JSON.stringify(target), () => assert.deepStrictEqual(sel(target), want))

  test('keeps set order', () => {
    assert.deepStrictEqual(names(selectResources(setOf(resources), {version: 'v1.*'})), ['Deployment/web-1', 'StatefulSet/web-2.other', 'Service/web', 'ClusterRole/web-role', 'Widget/db'])
  })

  test('a bad regex is a UserError at the target', () => {
    // kubectl: error parsing regexp: missing argument to repetition operator: `*`
    assert.throws(
      () => selectResources(setOf(resources), {name: '*'}, {file: 'kustomization.yaml', field: 'patches[0].target'}),
      (e: unknown) => e instanceof UserError && e.origin.file === 'kustomization.yaml' && e.origin.field === 'patches[0].target.name',
    )
  })
})

// The overlay case: a base with `namePrefix: p-` and `namespace: ns1`, and an overlay patch whose
// target names the original or the current id. kustomize records the namespace change first, so
// the original id is (original name, original namespace).
function overlaySet() {
  const set = setOf(
    resources
      .replace(/name: (web-1|web-2|web|web-role|db)$/gm, 'name: p-$1')
      .replace('  namespace: other\n', '')
      .replace(/^(kind: (?:Deployment|StatefulSet|Service|Widget)\nmetadata:\n)/gm, '$1  namespace: ns1\n'),
  )
  for (const r of set) {
    const md = r.obj.metadata as {name: string}
    const orig = md.name.slice(2)
    const kind = r.obj.kind as string
    const origNs = kind === 'StatefulSet' ? 'other' : ''
    if (kind === 'ClusterRole') withPreviousIds(r, {kind, name: orig})
    else withPreviousIds(r, {kind, name: orig, namespace: origNs}, {kind, name: orig, namespace: 'ns1'})
  }
  return set
}

describe('selectResources: original or current name and namespace', () => {
  const cases: [Selector, string[]][] = [
    [{name: 'web-1'}, ['Deployment/p-web-1.ns1']],
    [{name: 'p-web-1'}, ['Deployment/p-web-1.ns1']],
    [{name: 'web-1', namespace: 'ns1'}, ['Deployment/p-web-1.ns1']],
    [{name: 'web-1', namespace: 'default'}, ['Deployment/p-web-1.ns1']],
    [{namespace: 'default'}, ['Deployment/p-web-1.ns1', 'Service/p-web.ns1', 'Widget/p-db.ns1']],
    [{namespace: 'ns1'}, ['Deployment/p-web-1.ns1', 'Service/p-web.ns1', 'StatefulSet/p-web-2.ns1', 'Widget/p-db.ns1']],
    [{name: 'p-web'}, ['Service/p-web.ns1']],
    [{name: 'web-role', namespace: 'ns1'}, []],
  ]
  for (const [target, want] of cases) test(JSON.stringify(target), () => assert.deepStrictEqual(sel(target, overlaySet()), want))
})

describe('anyIdSelectedBy: replacement semantics (exact, any id)', () => {
  // kubectl: a replacement source `{kind: ClusterRole, namespace: default}` selects a ClusterRole;
  // `_non_namespaceable_` and a regex name select nothing; a target `namespace: default` selects a
  // namespace-less ConfigMap.
  const [role] = setOf(resources).toArray().filter((r) => r.obj.kind === 'ClusterRole')
  test('cluster-scoped current id counts as default', () => assert.equal(anyIdSelectedBy(role, {kind: 'ClusterRole', namespace: 'default'}), true))
  test('not the not-a-namespace marker', () => assert.equal(anyIdSelectedBy(role, {kind: 'ClusterRole', namespace: '_non_namespaceable_'}), false))
  test('names are not regexes', () => assert.equal(anyIdSelectedBy(role, {kind: 'ClusterRole', name: 'web-.*'}), false))
  // kubectl: an overlay replacement source over the prefixed, namespaced base Deployment.
  test('previous names select', () => {
    const [dep] = overlaySet().toArray()
    assert.equal(anyIdSelectedBy(dep, {kind: 'Deployment', name: 'web-1'}), true)
    assert.equal(anyIdSelectedBy(dep, {kind: 'Deployment', name: 'p-web-1', namespace: 'ns1'}), true)
    assert.equal(anyIdSelectedBy(dep, {kind: 'Deployment', name: 'p-web-1', namespace: 'default'}), false)
    assert.equal(anyIdSelectedBy(dep, {kind: 'Deployment', name: 'web-1', namespace: 'default'}), true)
  })
})
