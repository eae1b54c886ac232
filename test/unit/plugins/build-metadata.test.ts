import {test, describe} from 'node:test'
import assert from 'node:assert/strict'
import type {JsonObject} from '../../../src/model/json.js'
import {newResource} from '../../../src/model/resource.js'
import {ResourceSet} from '../../../src/model/resource-set.js'
import {
  addTransformerOrigins,
  builtinTransformerOrigins,
  checkBuildMetadata,
  dropUnwantedTracking,
  originAnnotationText,
  setOriginAnnotation,
  wantsManagedByLabel,
  wantsOriginAnnotations,
} from '../../../src/render/build-metadata.js'
import type {Kustomization} from '../../../src/render/kustomization.js'

describe('buildMetadata', () => {
  test('managedByLabel, originAnnotations and unknown values pass, as kustomize ignores unknown values', () => {
    checkBuildMetadata({buildMetadata: ['managedByLabel', 'originAnnotations', 'transformerAnnotations', 'bogus']}, 'kustomization.yaml')
    checkBuildMetadata({}, 'kustomization.yaml')
    assert.equal(wantsManagedByLabel({buildMetadata: ['managedByLabel']}), true)
    assert.equal(wantsManagedByLabel({buildMetadata: ['bogus']}), false)
    assert.equal(wantsManagedByLabel({}), false)
    assert.equal(wantsOriginAnnotations({buildMetadata: ['originAnnotations']}), true)
    assert.equal(wantsOriginAnnotations({buildMetadata: ['managedByLabel']}), false)
  })
})

describe('origin annotation', () => {
  test('a file resource: its path', () => {
    assert.equal(originAnnotationText({path: 'base/app.yaml'}), 'path: base/app.yaml\n')
    // from a remote base: the repository and ref follow the path inside it
    assert.equal(originAnnotationText({path: 'base/app.yaml', repo: 'https://github.com/org/repo', ref: 'v1.2'}), 'path: base/app.yaml\nrepo: https://github.com/org/repo\nref: v1.2\n')
  })

  test('a generated resource: configuredIn and configuredBy in kyaml field order, empty fields omitted', () => {
    assert.equal(
      originAnnotationText({configuredIn: 'kustomization.yaml', configuredBy: {apiVersion: 'builtin', kind: 'ConfigMapGenerator', name: 'plug', namespace: 'tools'}}),
      'configuredIn: kustomization.yaml\nconfiguredBy:\n  apiVersion: builtin\n  kind: ConfigMapGenerator\n  name: plug\n  namespace: tools\n',
    )
    assert.equal(originAnnotationText({configuredIn: 'k.yaml', configuredBy: {apiVersion: 'builtin', kind: 'SecretGenerator'}}), 'configuredIn: k.yaml\nconfiguredBy:\n  apiVersion: builtin\n  kind: SecretGenerator\n')
  })

  test('values YAML would read as another type, or with spaces, are quoted', () => {
    assert.equal(originAnnotationText({path: 'true'}), 'path: "true"\n')
    assert.equal(originAnnotationText({path: '123'}), 'path: "123"\n')
    assert.equal(originAnnotationText({path: 'my dir/a.yaml'}), 'path: "my dir/a.yaml"\n')
  })

  test('setOriginAnnotation creates metadata.annotations and keeps the others', () => {
    const obj = {kind: 'ConfigMap', metadata: {name: 'a', annotations: {keep: 'me'}}}
    setOriginAnnotation(obj, {path: 'a.yaml'})
    assert.deepEqual(obj.metadata.annotations, {keep: 'me', 'config.kubernetes.io/origin': 'path: a.yaml\n'})
    const bare: {kind: string; metadata?: unknown} = {kind: 'X'}
    setOriginAnnotation(bare, {path: 'x.yaml'})
    assert.deepEqual(bare.metadata, {annotations: {'config.kubernetes.io/origin': 'path: x.yaml\n'}})
  })
})

describe('transformer annotations', () => {
  const k = (fields: Record<string, unknown>) => ({apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: [], raw: {}, ...fields}) as unknown as Kustomization
  const kinds = (fields: Record<string, unknown>) => builtinTransformerOrigins(k(fields), 'k.yaml').map((o) => o.configuredBy?.kind)

  test("builtin transformer instances in kustomize's order and number", () => {
    assert.deepEqual(kinds({}), [])
    assert.deepEqual(kinds({images: [{name: 'a'}, {name: 'b'}], namePrefix: 'p-', patches: [{patch: 'x'}], patchesStrategicMerge: ['a.yaml', 'b.yaml']}), [
      'PatchStrategicMergeTransformer',
      'PatchTransformer',
      'PrefixTransformer',
      'ImageTagTransformer',
      'ImageTagTransformer',
    ])
    // one per labels entry, plus the commonLabels one even when commonLabels is empty
    assert.deepEqual(kinds({labels: [{pairs: {a: 'b'}}]}), ['LabelTransformer', 'LabelTransformer'])
    assert.deepEqual(kinds({commonLabels: {a: 'b'}, commonAnnotations: {}}), ['LabelTransformer'])
    assert.deepEqual(kinds({replicas: [{name: 'a', count: 1}], replacements: [{}, {}], namespace: 'n', nameSuffix: '-s'}), ['NamespaceTransformer', 'SuffixTransformer', 'ReplicaCountTransformer', 'ReplacementTransformer'])
  })

  test('an object with an origin records every transformer; one without takes the first as its origin', () => {
    const withOrigin = newResource({kind: 'A', metadata: {name: 'a', annotations: {'config.kubernetes.io/origin': 'path: a.yaml\n'}}}, {file: 'a.yaml'})
    const without = newResource({kind: 'B', metadata: {name: 'b'}}, {file: 'b.yaml'})
    const set = new ResourceSet([withOrigin, without])
    const origins = [
      {configuredIn: 'k.yaml', configuredBy: {apiVersion: 'builtin', kind: 'PrefixTransformer'}},
      {configuredIn: 'k.yaml', configuredBy: {apiVersion: 'builtin', kind: 'LabelTransformer', name: 'l'}},
    ]
    addTransformerOrigins(set, origins)
    const entry = (kind: string, name?: string) => `- configuredIn: k.yaml\n  configuredBy:\n    apiVersion: builtin\n    kind: ${kind}\n${name ? `    name: ${name}\n` : ''}`
    assert.equal((withOrigin.obj.metadata as JsonObject).annotations!['alpha.config.kubernetes.io/transformations' as never], entry('PrefixTransformer') + entry('LabelTransformer', 'l'))
    const b = (without.obj.metadata as JsonObject).annotations as JsonObject
    assert.equal(b['config.kubernetes.io/origin'], 'configuredIn: k.yaml\nconfiguredBy:\n  apiVersion: builtin\n  kind: PrefixTransformer\n')
    assert.equal(b['alpha.config.kubernetes.io/transformations'], entry('LabelTransformer', 'l'))
    // a later level appends to the list
    addTransformerOrigins(set, [origins[0]])
    assert.equal(b['alpha.config.kubernetes.io/transformations'], entry('LabelTransformer', 'l') + entry('PrefixTransformer'))
  })

  test('at the end only the tracking the top asked for stays; without either option nothing is touched', () => {
    const make = () => newResource({kind: 'A', metadata: {name: 'a', annotations: {'config.kubernetes.io/origin': 'o', 'alpha.config.kubernetes.io/transformations': 't'}}}, {file: 'a.yaml'})
    const ann = (r: ReturnType<typeof make>) => (r.obj.metadata as JsonObject).annotations
    let r = make()
    dropUnwantedTracking(new ResourceSet([r]), {buildMetadata: ['transformerAnnotations']})
    assert.deepEqual(ann(r), {'alpha.config.kubernetes.io/transformations': 't'})
    r = make()
    dropUnwantedTracking(new ResourceSet([r]), {buildMetadata: ['originAnnotations']})
    assert.deepEqual(ann(r), {'config.kubernetes.io/origin': 'o'})
    const empty = newResource({kind: 'A', metadata: {name: 'a', annotations: {}}}, {file: 'a.yaml'})
    dropUnwantedTracking(new ResourceSet([empty]), {})
    assert.deepEqual(ann(empty), {})
    const onlyTransformations = newResource({kind: 'A', metadata: {name: 'a', annotations: {'alpha.config.kubernetes.io/transformations': 't'}}}, {file: 'a.yaml'})
    dropUnwantedTracking(new ResourceSet([onlyTransformations]), {buildMetadata: ['originAnnotations']})
    assert.equal(ann(onlyTransformations), undefined)
  })
})
