import assert from 'node:assert/strict'
import {describe, test} from 'node:test'
import {UserError} from '../../../src/model/errors.js'
import {fixNameReferences} from '../../../src/render/transformers/name-reference.js'
import {namespaceTransformer} from '../../../src/render/transformers/namespace.js'
import {prefixSuffixTransformer} from '../../../src/render/transformers/prefix-suffix.js'
import {assertMatches, load, merge, readCase} from './harness.js'

// Expected outputs: cases/*/expected.yaml, each produced by `kubectl kustomize` (kustomize v5.5.0);
// see cases/README.md. Each test replays its tree's kustomizations in kustomize's order
// (namespace, then prefix, then suffix, per kustomization; name references once at the top).

describe('namespace transformer', () => {
  test('mixed kinds: cluster scope by exact apiVersion+kind, v1 Namespace renamed, subjects, webhooks, APIService, CRD', () => {
    const set = load('namespace-mixed/res.yaml', 'namespace-mixed/scope.yaml')
    namespaceTransformer({namespace: 'prod'})(set)
    fixNameReferences(set)
    assertMatches(set, 'namespace-mixed/expected.yaml')
  })

  test('unsetOnly with allServiceAccounts (NamespaceTransformer plugin config)', () => {
    const set = load('namespace-modes/res.yaml')
    namespaceTransformer({namespace: 'prod', unsetOnly: true, setRoleBindingSubjects: 'allServiceAccounts', fieldSpecs: [{path: 'metadata/namespace', create: true}]})(set)
    fixNameReferences(set)
    assertMatches(set, 'namespace-modes/expected.yaml')
  })

  test('records the previous id of every resource and reindexes', () => {
    const set = load('namespace-modes/res.yaml')
    namespaceTransformer({namespace: 'prod'})(set)
    for (const r of set) assert.equal(r.meta.previousIds.length, 1)
    assert.ok(set.get({group: '', version: 'v1', kind: 'ConfigMap', name: 'unset', namespace: 'prod'}))
  })

  test('rejects an unknown setRoleBindingSubjects mode as a user error', () => {
    assert.throws(() => namespaceTransformer({namespace: 'x', setRoleBindingSubjects: 'some' as never}), UserError)
  })
})

describe('prefix/suffix and name references', () => {
  test('every default referrer kind in one kustomization; unknown names left alone', () => {
    const set = load('prefix-suffix-refs/res.yaml')
    prefixSuffixTransformer({prefix: 'p-'})(set)
    prefixSuffixTransformer({suffix: '-s'})(set)
    fixNameReferences(set)
    assertMatches(set, 'prefix-suffix-refs/expected.yaml')
  })

  test('base prefix inside an overlay with prefix, suffix and namespace', () => {
    const base = load('nested-prefix/base/res.yaml')
    prefixSuffixTransformer({prefix: 'b-'})(base)
    const set = merge(base, load('nested-prefix/overlay/job.yaml'))
    namespaceTransformer({namespace: 'prod'})(set)
    prefixSuffixTransformer({prefix: 'o-'})(set)
    prefixSuffixTransformer({suffix: '-v2'})(set)
    fixNameReferences(set)
    assertMatches(set, 'nested-prefix/expected.yaml')
  })

  test('two bases with the same names in different namespaces resolve per namespace', () => {
    const bases = ['a', 'b'].map((x) => {
      const s = load(`two-bases/${x}/res.yaml`)
      namespaceTransformer({namespace: `ns-${x}`})(s)
      prefixSuffixTransformer({suffix: `-${x}`})(s)
      return s
    })
    const set = merge(...bases, load('two-bases/overlay/crb.yaml'))
    prefixSuffixTransformer({prefix: 'x-'})(set)
    fixNameReferences(set)
    assertMatches(set, 'two-bases/expected.yaml')
  })

  test('prefixes pick the referral inside each base; a reference matching both is an error', () => {
    const bases = ['a', 'b'].map((x) => {
      const s = load(`ambiguous/${x}/res.yaml`)
      prefixSuffixTransformer({prefix: `${x}-`})(s)
      return s
    })
    const set = merge(...bases, load('ambiguous/overlay/job.yaml'))
    prefixSuffixTransformer({prefix: 'o-'})(set)
    const expected = readCase('ambiguous/expected-error.txt').trim()
    assert.match(expected, /found multiple possible referrals: ConfigMap.*o-a-config.*o-b-config/)
    assert.throws(
      () => fixNameReferences(set),
      (e: unknown) => e instanceof UserError && e.message.includes('found multiple possible referrals') && e.message.includes('o-a-config') && e.message.includes('o-b-config') && e.origin.file === 'ambiguous/overlay/job.yaml',
    )
  })
})
