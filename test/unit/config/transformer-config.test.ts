import {test, describe} from 'node:test'
import assert from 'node:assert/strict'
import {UserError} from '../../../src/model/errors.js'
import {effectiveSpecs, mergeTransformerConfigs, parseTransformerConfig} from '../../../src/render/transformer-config.js'

describe('parseTransformerConfig', () => {
  test('reads field-spec lists and nameReference entries', () => {
    const c = parseTransformerConfig(
      ['commonLabels:', '- path: spec/selector', '  kind: MyKind', '  create: true', 'nameReference:', '- kind: Bee', '  version: v1beta1', '  fieldSpecs:', '  - path: spec/beeRef/name', '    kind: AnimalPark', ''].join('\n'),
      'kustomizeconfig.yaml',
    )
    assert.deepEqual(c, {
      commonLabels: [{path: 'spec/selector', kind: 'MyKind', create: true}],
      nameReference: [{kind: 'Bee', version: 'v1beta1', fieldSpecs: [{path: 'spec/beeRef/name', kind: 'AnimalPark'}]}],
    })
  })

  test('an empty file is an empty config', () => {
    assert.deepEqual(parseTransformerConfig('', 'empty.yaml'), {})
  })

  test('an entry without path names the file and field', () => {
    assert.throws(
      () => parseTransformerConfig('images:\n- kind: Foo\n', 'conf.yaml'),
      (e: unknown) => e instanceof UserError && e.origin.file === 'conf.yaml' && e.origin.field === 'images[0]',
    )
  })

  test('an unknown key is refused (kustomize reads the file strictly)', () => {
    assert.throws(() => parseTransformerConfig('namePrefixes: []\n', 'conf.yaml'), (e: unknown) => e instanceof UserError && e.origin.field === 'namePrefixes')
  })

  test('a list written as a map is refused', () => {
    assert.throws(() => parseTransformerConfig('replicas:\n  path: spec/replicas\n', 'conf.yaml'), UserError)
  })
})

describe('mergeTransformerConfigs', () => {
  test('incoming specs are appended unless the same path already covers them', () => {
    const merged = mergeTransformerConfigs(
      {images: [{path: 'spec/containers[]/image', kind: 'Pod'}]},
      {images: [{path: 'spec/containers[]/image'}, {path: 'spec/image', kind: 'Foo'}], replicas: [{path: 'spec/count', kind: 'Foo'}]},
    )
    // kustomize's fsSlice.index: an incoming spec is covered when the existing one, same path, is selected by its gvk
    assert.deepEqual(merged, {images: [{path: 'spec/containers[]/image', kind: 'Pod'}, {path: 'spec/image', kind: 'Foo'}], replicas: [{path: 'spec/count', kind: 'Foo'}]})
  })

  test('nameReference entries with the same gvk pool their field specs', () => {
    const merged = mergeTransformerConfigs(
      {nameReference: [{kind: 'Bee', fieldSpecs: [{path: 'spec/a', kind: 'X'}]}]},
      {nameReference: [{kind: 'Bee', fieldSpecs: [{path: 'spec/b', kind: 'X'}]}]},
    )
    assert.deepEqual(merged.nameReference, [{kind: 'Bee', fieldSpecs: [{path: 'spec/a', kind: 'X'}, {path: 'spec/b', kind: 'X'}]}])
  })

  test('inputs are not modified', () => {
    const a = {namespace: [{path: 'metadata/namespace'}]}
    const b = {namespace: [{path: 'spec/ns', kind: 'Foo'}]}
    mergeTransformerConfigs(a, b)
    assert.deepEqual(a, {namespace: [{path: 'metadata/namespace'}]})
  })

  test('the same spec with and without create is a UserError naming the origin', () => {
    assert.throws(
      () => mergeTransformerConfigs({commonLabels: [{path: 'spec/x', kind: 'Foo'}]}, {commonLabels: [{path: 'spec/x', kind: 'Foo', create: true}]}, 'overlay/conf.yaml'),
      (e: unknown) => e instanceof UserError && e.origin.file === 'overlay/conf.yaml' && /commonLabels path spec\/x/.test(e.message),
    )
  })
})

// kubectl kustomize v5.5 renders these the same way (fixtures 233-235).
describe('effectiveSpecs', () => {
  const general = [{path: 'metadata/name'}]
  test('without custom specs the built-in table is used as it is', () => {
    assert.equal(effectiveSpecs(general, {}, 'namePrefix'), general)
  })
  test('a kind-specific spec for the path of a kind-less built-in one replaces it, as the accumulator merge drops it', () => {
    assert.deepEqual(effectiveSpecs(general, {namePrefix: [{path: 'metadata/name', kind: 'Widget'}, {path: 'metadata/name', kind: 'Gadget'}]}, 'namePrefix'), [
      {path: 'metadata/name', kind: 'Gadget'},
      {path: 'metadata/name', kind: 'Widget'},
    ])
  })
  test('specs for other paths are added, sorted by gvk', () => {
    assert.deepEqual(effectiveSpecs(general, {namePrefix: [{path: 'spec/alias', kind: 'Widget'}]}, 'namePrefix'), [{path: 'spec/alias', kind: 'Widget'}, {path: 'metadata/name'}])
  })
  test('a kind-specific spec whose create differs from the kind-less built-in one is kustomize\'s conflict', () => {
    assert.throws(
      () => effectiveSpecs([{path: 'metadata/labels', create: true}], {commonLabels: [{path: 'metadata/labels', kind: 'Widget'}]}, 'commonLabels', 'kustomization.yaml'),
      (e: unknown) => e instanceof UserError && e.origin.file === 'kustomization.yaml' && /conflicting fieldspecs: commonLabels path metadata\/labels/.test(e.message),
    )
  })
})
