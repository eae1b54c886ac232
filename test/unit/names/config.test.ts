import assert from 'node:assert/strict'
import {describe, test} from 'node:test'
import {parse} from 'yaml'
import {UserError} from '../../../src/model/errors.js'
import {defaultNameReferenceConfig, mergeNameReferenceConfigs, type NameBackReference} from '../../../src/render/transformers/name-reference-config.js'
import {fixNameReferences} from '../../../src/render/transformers/name-reference.js'
import {prefixSuffixTransformer} from '../../../src/render/transformers/prefix-suffix.js'
import {assertMatches, load, readCase} from './harness.js'

describe('nameReference config', () => {
  test('default entries are in kustomize order (legacy kind order, then group_version_kind)', () => {
    assert.deepEqual(
      defaultNameReferenceConfig.map((b) => b.kind),
      ['StorageClass', 'ServiceAccount', 'Role', 'ClusterRole', 'ConfigMap', 'Secret', 'Service', 'PriorityClass', 'PersistentVolume', 'PersistentVolumeClaim', 'Deployment', 'StatefulSet', 'ValidatingAdmissionPolicy', 'IngressClass', 'ReplicaSet', 'ReplicationController'],
    )
  })

  test('custom `configurations:` entries merge by gvk; expected from kubectl kustomize cases/custom-config', () => {
    const custom = (parse(readCase('custom-config/config.yaml')) as {nameReference: NameBackReference[]}).nameReference
    const config = mergeNameReferenceConfigs(defaultNameReferenceConfig, custom)
    const cm = config.find((b) => b.kind === 'ConfigMap' && b.version === 'v1')!
    assert.ok(cm.fieldSpecs.some((fs) => fs.kind === 'MyApp' && fs.path === 'spec/configName'))
    assert.ok(config.some((b) => b.kind === 'ConfigMap' && b.version === undefined))
    const set = load('custom-config/res.yaml')
    prefixSuffixTransformer({prefix: 'p-'})(set)
    fixNameReferences(set, config)
    assertMatches(set, 'custom-config/expected.yaml')
  })

  test('merging does not modify its inputs', () => {
    const before = JSON.stringify(defaultNameReferenceConfig)
    mergeNameReferenceConfigs(defaultNameReferenceConfig, [{kind: 'ConfigMap', version: 'v1', fieldSpecs: [{kind: 'X', path: 'a'}]}])
    assert.equal(JSON.stringify(defaultNameReferenceConfig), before)
  })

  test('a field spec listed with and without create is a user error', () => {
    const base: NameBackReference[] = [{kind: 'Secret', fieldSpecs: [{kind: 'X', path: 'a'}]}]
    assert.throws(() => mergeNameReferenceConfigs(base, [{kind: 'Secret', fieldSpecs: [{kind: 'X', path: 'a', create: true}]}], 'conf.yaml'), UserError)
  })
})

describe('hash-suffixed names', () => {
  test('a generator rename (previous id pushed, name changed) is followed like any other', () => {
    // Same mechanism kustomize uses for configMapGenerator hashes: the previous id is recorded
    // before the rename, and references resolve through it.
    const set = load('nested-prefix/base/res.yaml')
    const cm = [...set].find((r) => r.obj.kind === 'ConfigMap')!
    cm.meta.previousIds.push({group: '', version: 'v1', kind: 'ConfigMap', name: 'cm', namespace: ''})
    ;(cm.obj.metadata as {name: string}).name = 'cm-5f7b9c8d2k'
    set.reindex()
    fixNameReferences(set)
    const web = [...set].find((r) => r.obj.kind === 'Deployment')!
    assert.deepEqual((web.obj as any).spec.template.spec.volumes[0].configMap, {name: 'cm-5f7b9c8d2k'})
    assert.equal((web.obj as any).spec.template.spec.serviceAccountName, 'runner')
  })
})
