import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {objectPolicy, policyAnnotationsOf} from '../../../src/model/object-policy.js'
import {UserError} from '../../../src/model/errors.js'

const cm = (annotations: Record<string, string>) => ({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'c', namespace: 'shop', annotations}})
const policy = (annotations: Record<string, string>) => objectPolicy(cm(annotations), 'ConfigMap shop/c', 'rendered')

describe('objectPolicy: Argo CD and Flux annotations next to strata.dev', () => {
  test('no annotations: no decisions', () => {
    assert.deepEqual(policy({}), {})
  })

  test("waves: Argo CD's sync-wave, strata.dev/wave wins when both are set", () => {
    assert.deepEqual(policy({'argocd.argoproj.io/sync-wave': '2'}).wave, {value: 2, by: 'argocd.argoproj.io/sync-wave: "2"'})
    assert.deepEqual(policy({'argocd.argoproj.io/sync-wave': '-1'}).wave?.value, -1)
    assert.deepEqual(policy({'argocd.argoproj.io/sync-wave': '2', 'strata.dev/wave': '0'}).wave, {value: 0, by: 'strata.dev/wave: "0"'})
  })

  test('a wave that is not a whole number is refused in a render, counts as 0 on a live object', () => {
    assert.throws(
      () => policy({'argocd.argoproj.io/sync-wave': 'early'}),
      (e: unknown) => e instanceof UserError && /ConfigMap shop\/c: argocd.argoproj.io\/sync-wave must be a whole number/.test(e.message) && e.origin.field === 'metadata.annotations.argocd.argoproj.io/sync-wave',
    )
    assert.equal(objectPolicy(cm({'argocd.argoproj.io/sync-wave': 'early'}), 'x', 'live').wave, undefined)
  })

  test('prune: Prune=false, Flux prune: disabled and reconcile: disabled keep the object; strata.dev/prune decides when set', () => {
    assert.equal(policy({'argocd.argoproj.io/sync-options': 'ServerSideApply=true, Prune=false'}).keepOnPrune?.by, 'argocd.argoproj.io/sync-options: Prune=false')
    assert.equal(policy({'kustomize.toolkit.fluxcd.io/prune': 'disabled'}).keepOnPrune?.by, 'kustomize.toolkit.fluxcd.io/prune: disabled')
    assert.equal(policy({'kustomize.toolkit.fluxcd.io/reconcile': 'disabled'}).keepOnPrune?.by, 'kustomize.toolkit.fluxcd.io/reconcile: disabled')
    assert.equal(policy({'strata.dev/prune': 'disabled', 'argocd.argoproj.io/sync-options': 'Prune=false'}).keepOnPrune?.by, 'strata.dev/prune: disabled')
    assert.equal(policy({'strata.dev/prune': 'enabled', 'argocd.argoproj.io/sync-options': 'Prune=false'}).keepOnPrune, undefined)
    assert.equal(policy({'argocd.argoproj.io/sync-options': 'Prune=true'}).keepOnPrune, undefined)
    assert.equal(policy({'kustomize.toolkit.fluxcd.io/prune': 'enabled'}).keepOnPrune, undefined)
  })

  test('Delete=false keeps the object when the app goes, and from prune unless strata.dev/prune says otherwise', () => {
    const p = policy({'argocd.argoproj.io/sync-options': 'Delete=false'})
    assert.equal(p.keepOnDelete?.by, 'argocd.argoproj.io/sync-options: Delete=false')
    assert.equal(p.keepOnPrune?.by, 'argocd.argoproj.io/sync-options: Delete=false')
    assert.equal(policy({'argocd.argoproj.io/sync-options': 'Delete=false', 'strata.dev/prune': 'enabled'}).keepOnPrune, undefined)
  })

  test('IgnoreExtraneous among other compare-options', () => {
    assert.equal(policy({'argocd.argoproj.io/compare-options': 'IgnoreExtraneous'}).ignoreExtraneous?.by, 'argocd.argoproj.io/compare-options: IgnoreExtraneous')
    assert.ok(policy({'argocd.argoproj.io/compare-options': 'ServerSideDiff=true,IgnoreExtraneous'}).ignoreExtraneous)
    assert.equal(policy({'argocd.argoproj.io/compare-options': 'ServerSideDiff=true'}).ignoreExtraneous, undefined)
  })

  test("Flux's ssa: IfNotPresent and reconcile: disabled make an object create-only; other ssa values do not", () => {
    assert.equal(policy({'kustomize.toolkit.fluxcd.io/ssa': 'IfNotPresent'}).createOnly?.by, 'kustomize.toolkit.fluxcd.io/ssa: IfNotPresent')
    assert.equal(policy({'kustomize.toolkit.fluxcd.io/reconcile': 'disabled'}).createOnly?.by, 'kustomize.toolkit.fluxcd.io/reconcile: disabled')
    assert.equal(policy({'kustomize.toolkit.fluxcd.io/ssa': 'Merge'}).createOnly, undefined)
    assert.equal(policy({'kustomize.toolkit.fluxcd.io/ssa': 'Override'}).createOnly, undefined)
  })

  test('Replace=true is refused in a render with the fix, ignored on a live object being pruned', () => {
    assert.throws(
      () => policy({'argocd.argoproj.io/sync-options': 'Validate=false,Replace=true'}),
      (e: unknown) => e instanceof UserError && /ConfigMap shop\/c: .*Replace=true is not supported/.test(e.message) && /Remove Replace=true/.test(e.hint ?? ''),
    )
    assert.doesNotThrow(() => objectPolicy(cm({'argocd.argoproj.io/sync-options': 'Replace=true'}), 'x', 'live'))
  })

  test('policyAnnotationsOf keeps only what decides a policy', () => {
    const obj = cm({'strata.dev/prune': 'disabled', 'argocd.argoproj.io/sync-options': 'Delete=false', 'kubectl.kubernetes.io/last-applied-configuration': '{"data":"secret"}', 'team': 'a'})
    assert.deepEqual(policyAnnotationsOf(obj), {'strata.dev/prune': 'disabled', 'argocd.argoproj.io/sync-options': 'Delete=false'})
  })
})
