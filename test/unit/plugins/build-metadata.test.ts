import {test, describe} from 'node:test'
import assert from 'node:assert/strict'
import {UserError} from '../../../src/model/errors.js'
import {checkBuildMetadata, originAnnotationText, setOriginAnnotation, wantsManagedByLabel, wantsOriginAnnotations} from '../../../src/render/build-metadata.js'

describe('buildMetadata', () => {
  test('transformerAnnotations is refused with the file and field named', () => {
    assert.throws(
      () => checkBuildMetadata({buildMetadata: ['managedByLabel', 'transformerAnnotations']}, 'overlays/prod/kustomization.yaml'),
      (e: unknown) => e instanceof UserError && e.describe().includes('overlays/prod/kustomization.yaml') && e.describe().includes('buildMetadata') && e.describe().includes('transformerAnnotations'),
    )
  })

  test('managedByLabel, originAnnotations and unknown values pass, as kustomize ignores unknown values', () => {
    checkBuildMetadata({buildMetadata: ['managedByLabel', 'originAnnotations', 'bogus']}, 'kustomization.yaml')
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
