import {test, describe} from 'node:test'
import assert from 'node:assert/strict'
import {UserError} from '../../../src/model/errors.js'
import type {JsonObject} from '../../../src/model/json.js'
import {generateIamPolicy} from '../../../src/render/generators/iam-policy.js'
import {ConfigFields} from '../../../src/render/plugins/config-fields.js'

// Expected objects are what kubectl kustomize (v5.5.0) printed for the same configs.
const origin = {file: 'kustomization.yaml', field: 'generators[0]'}
const gen = (config: JsonObject) => generateIamPolicy(new ConfigFields(config, 'IAMPolicyGenerator id.yaml', origin), origin, 'id.yaml').obj

function fails(config: JsonObject, ...parts: string[]): void {
  try {
    gen(config)
  } catch (e) {
    assert.ok(e instanceof UserError)
    for (const p of parts) assert.ok(e.describe().includes(p), `${e.describe()} lacks ${p}`)
    return
  }
  assert.fail('expected a UserError')
}

describe('IAMPolicyGenerator', () => {
  test('gke: a ServiceAccount with the workload-identity annotation, namespaced when asked', () => {
    assert.deepEqual(gen({cloud: 'gke', kubernetesService: {name: 'runner', namespace: 'ci'}, serviceAccount: {name: 'builder', projectId: 'acme-1'}}), {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: {annotations: {'iam.gke.io/gcp-service-account': 'builder@acme-1.iam.gserviceaccount.com'}, name: 'runner', namespace: 'ci'},
    })
  })

  test('values are read as YAML in the template, as kustomize pastes them: missing ones are empty, `#` starts a comment', () => {
    assert.deepEqual(gen({cloud: 'gke', serviceAccount: {name: 'b'}}).metadata, {annotations: {'iam.gke.io/gcp-service-account': 'b@.iam.gserviceaccount.com'}, name: ''})
    assert.deepEqual(gen({cloud: 'gke', kubernetesService: {name: 'r'}, serviceAccount: {name: '#x', projectId: 'p'}}).metadata, {annotations: {'iam.gke.io/gcp-service-account': ''}, name: 'r'})
  })

  test('other clouds, values that break the template and wrong types are refused', () => {
    fails({cloud: 'aws'}, 'cloud provider aws not supported yet', 'generators[0]')
    fails({kubernetesService: {name: 'r'}}, 'cloud provider  not supported yet')
    fails({cloud: 'gke', kubernetesService: {name: 'r'}, serviceAccount: {name: 'x: y', projectId: 'p'}}, 'template')
    fails({cloud: 'gke', serviceAccount: {name: 'b', projectId: 7}}, 'projectId', 'a string')
  })
})
