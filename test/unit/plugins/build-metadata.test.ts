import {test, describe} from 'node:test'
import assert from 'node:assert/strict'
import {UserError} from '../../../src/model/errors.js'
import {checkBuildMetadata, wantsManagedByLabel} from '../../../src/render/build-metadata.js'

describe('buildMetadata', () => {
  test('originAnnotations and transformerAnnotations are refused with the file and field named', () => {
    for (const option of ['originAnnotations', 'transformerAnnotations']) {
      assert.throws(
        () => checkBuildMetadata({buildMetadata: ['managedByLabel', option]}, 'overlays/prod/kustomization.yaml'),
        (e: unknown) => e instanceof UserError && e.describe().includes('overlays/prod/kustomization.yaml') && e.describe().includes('buildMetadata') && e.describe().includes(option),
      )
    }
  })

  test('managedByLabel and unknown values pass, as kustomize ignores unknown values', () => {
    checkBuildMetadata({buildMetadata: ['managedByLabel', 'bogus']}, 'kustomization.yaml')
    checkBuildMetadata({}, 'kustomization.yaml')
    assert.equal(wantsManagedByLabel({buildMetadata: ['managedByLabel']}), true)
    assert.equal(wantsManagedByLabel({buildMetadata: ['bogus']}), false)
    assert.equal(wantsManagedByLabel({}), false)
  })
})
