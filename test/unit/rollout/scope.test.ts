import assert from 'node:assert/strict'
import {describe, test} from 'node:test'
import {scopePolicyFrom, scopeArgv} from '../../../src/cli/scope-flags.js'
import {UserError} from '../../../src/model/errors.js'
import type {JsonObject} from '../../../src/model/json.js'
import {newResource, type Resource} from '../../../src/model/resource.js'
import {checkScope, kindScopes, scopeOffenders} from '../../../src/rollout/scope.js'

function res(obj: JsonObject, file = 'resources.yaml'): Resource {
  return newResource(obj, {file})
}
const cm = (name: string, namespace?: string) => res({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name, ...(namespace ? {namespace} : {})}})
const ctx = {defaultNamespace: 'default'}

describe('scopeOffenders', () => {
  test('the defaults allow everything', () => {
    const set = [cm('a', 'kube-system'), res({apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: {name: 'x'}})]
    assert.deepEqual(scopeOffenders(set, {allowClusterScoped: true}, ctx), [])
  })

  test('an object outside --allow-namespaces is listed with its file', () => {
    const set = [cm('ok', 'team-a'), res({apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'evil', namespace: 'kube-system'}}, 'overlays/tenant/evil.yaml')]
    const out = scopeOffenders(set, {allowNamespaces: ['team-a'], allowClusterScoped: true}, ctx)
    assert.equal(out.length, 1)
    assert.deepEqual({kind: out[0].kind, namespace: out[0].namespace, name: out[0].name, file: out[0].file}, {kind: 'Deployment', namespace: 'kube-system', name: 'evil', file: 'overlays/tenant/evil.yaml'})
  })

  test('an object without a namespace counts as the default namespace', () => {
    assert.equal(scopeOffenders([cm('a')], {allowNamespaces: ['team-a'], allowClusterScoped: true}, ctx).length, 1)
    assert.equal(scopeOffenders([cm('a')], {allowNamespaces: ['team-a'], allowClusterScoped: true}, {defaultNamespace: 'team-a'}).length, 0)
  })

  test('--allow-cluster-scoped=false refuses cluster-scoped kinds, even with a namespace written on them', () => {
    const set = [res({apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'team-a'}}), res({apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: {name: 'admin', namespace: 'team-a'}}), cm('a', 'team-a')]
    const out = scopeOffenders(set, {allowClusterScoped: false}, ctx)
    assert.deepEqual(out.map((o) => `${o.kind}/${o.name}`), ['Namespace/team-a', 'ClusterRoleBinding/admin'])
  })

  test('a Namespace outside the allowed list is refused even when cluster-scoped objects are allowed', () => {
    const set = [res({apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'team-a'}}), res({apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'kube-public'}})]
    assert.deepEqual(scopeOffenders(set, {allowNamespaces: ['team-a'], allowClusterScoped: true}, ctx).map((o) => o.name), ['kube-public'])
  })

  test('the app namespace (inventory, rollout state) must be allowed too', () => {
    const out = scopeOffenders([cm('a', 'team-a')], {allowNamespaces: ['team-a'], allowClusterScoped: true}, {defaultNamespace: 'default', appNamespace: 'ops'})
    assert.equal(out.length, 1)
    assert.equal(out[0].namespace, 'ops')
  })

  test('a kind nobody knows is taken as cluster-scoped when it names no namespace (refused rather than guessed harmless)', () => {
    const noNs = res({apiVersion: 'other.io/v1', kind: 'Thing', metadata: {name: 't'}})
    const withNs = res({apiVersion: 'other.io/v1', kind: 'Thing', metadata: {name: 'u', namespace: 'team-a'}})
    assert.deepEqual(scopeOffenders([noNs, withNs], {allowClusterScoped: false}, ctx).map((o) => o.name), ['t'])
  })

  test('a CRD in the render decides its kind: Cluster scope is refused', () => {
    const crd = res({apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: {name: 'widgets.example.com'}, spec: {group: 'example.com', scope: 'Cluster', names: {kind: 'Widget'}}})
    const widget = res({apiVersion: 'example.com/v1', kind: 'Widget', metadata: {name: 'w', namespace: 'team-a'}})
    const out = scopeOffenders([crd, widget], {allowClusterScoped: false}, ctx)
    assert.deepEqual(out.map((o) => o.kind), ['CustomResourceDefinition', 'Widget'])
  })

  test('discovery decides kinds the render does not define', async () => {
    const widget = res({apiVersion: 'example.com/v1', kind: 'Widget', metadata: {name: 'w', namespace: 'team-a'}})
    let calls = 0
    const port = {
      mapping: async (apiVersion: string, kind: string) => {
        calls++
        return {group: 'example.com', version: 'v1', kind, resource: 'widgets', namespaced: false}
      },
    }
    const kindScope = await kindScopes([widget, widget, cm('x', 'team-a')], port)
    assert.equal(calls, 1, 'one lookup per custom kind; built-in kinds need none')
    assert.deepEqual(scopeOffenders([widget], {allowClusterScoped: false}, {...ctx, kindScope}).map((o) => o.name), ['w'])
  })
})

describe('checkScope', () => {
  test('one UserError lists every offender', () => {
    const set = [cm('a', 'kube-system'), cm('b', 'kube-public'), cm('c', 'team-a')]
    assert.throws(
      () => checkScope(set, {allowNamespaces: ['team-a'], allowClusterScoped: true}, ctx),
      (err: unknown) => err instanceof UserError && /2 objects outside/.test(err.message) && /ConfigMap kube-system\/a \(resources\.yaml\)/.test(err.message) && /kube-public\/b/.test(err.message) && !/team-a\/c/.test(err.message),
    )
  })
  test('returns when everything is inside', () => {
    checkScope([cm('c', 'team-a')], {allowNamespaces: ['team-a'], allowClusterScoped: false}, ctx)
  })
})

describe('scope flags', () => {
  test('--allow-cluster-scoped=false is spelled as oclif expects', () => {
    assert.deepEqual(scopeArgv(['apply', '.', '--allow-cluster-scoped=false']), ['apply', '.', '--no-allow-cluster-scoped'])
  })
  test('namespace names are checked', () => {
    assert.deepEqual(scopePolicyFrom({'allow-namespaces': ['a', ' b'], 'allow-cluster-scoped': true}), {allowNamespaces: ['a', 'b'], allowClusterScoped: true})
    assert.throws(() => scopePolicyFrom({'allow-namespaces': ['Bad_Name'], 'allow-cluster-scoped': true}), UserError)
    assert.deepEqual(scopePolicyFrom({'allow-cluster-scoped': false}), {allowNamespaces: undefined, allowClusterScoped: false})
  })
})
