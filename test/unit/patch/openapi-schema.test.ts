import assert from 'node:assert/strict'
import {describe, test} from 'node:test'
import {UserError} from '../../../src/model/errors.js'
import {builtinDefinitionNode, builtinMergeSchema, listStrategyAt} from '../../../src/render/patch/merge-schema.js'
import {openApiMergeSchema} from '../../../src/render/patch/openapi-schema.js'

describe('openapi: custom schema for strategic merge', () => {
  const schema = {
    definitions: {
      'x.Thing': {'x-kubernetes-group-version-kind': [{group: 'example.com', version: 'v1', kind: 'Thing'}], properties: {spec: {$ref: '#/definitions/x.Spec'}}},
      'x.Spec': {
        properties: {
          items: {type: 'array', items: {$ref: '#/definitions/x.Item'}, 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': 'id'},
          mapped: {type: 'array', items: {type: 'object'}, 'x-kubernetes-patch-strategy': 'merge,retainKeys', 'x-kubernetes-list-map-keys': ['a', 'b'], 'x-kubernetes-patch-merge-key': 'a'},
          tags: {type: 'array', items: {type: 'string'}, 'x-kubernetes-patch-strategy': 'merge'},
          plain: {type: 'array', items: {type: 'object'}},
          self: {$ref: '#/definitions/x.Spec'},
        },
      },
      'x.Item': {properties: {sub: {type: 'array', items: {type: 'object'}, 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': 'k'}}},
    },
  }
  const lookup = openApiMergeSchema(JSON.stringify(schema), 'schema.json')
  test('merge keys, list-map keys before the merge key, scalar sets, replaced lists, nested and recursive types', () => {
    const at = (...p: string[]) => listStrategyAt(lookup, 'example.com/v1', 'Thing', p)
    assert.deepEqual(at('spec', 'items'), {strategy: 'merge', mergeKeys: ['id']})
    assert.deepEqual(at('spec', 'mapped'), {strategy: 'merge', mergeKeys: ['a', 'b']})
    assert.deepEqual(at('spec', 'tags'), {strategy: 'merge', mergeKeys: []})
    assert.equal(at('spec', 'plain'), undefined)
    assert.deepEqual(at('spec', 'items', '[]', 'sub'), {strategy: 'merge', mergeKeys: ['k']})
    assert.deepEqual(at('spec', 'self', 'self', 'items'), {strategy: 'merge', mergeKeys: ['id']})
    assert.equal(lookup('apps/v1', 'Deployment'), undefined, 'a custom schema replaces the built-in one, as in kustomize')
  })
  test('joined to the built-in schema (kyaml parsed it first): undefined $refs and unknown kinds fall back to it', () => {
    const joined = openApiMergeSchema(
      JSON.stringify({definitions: {'x.Shop': {'x-kubernetes-group-version-kind': [{group: 'example.com', version: 'v1', kind: 'Shop'}], properties: {workers: {$ref: '#/definitions/io.k8s.api.core.v1.PodTemplateSpec'}}}}}),
      'schema.json',
      {root: builtinMergeSchema, definition: builtinDefinitionNode},
    )
    assert.deepEqual(listStrategyAt(joined, 'example.com/v1', 'Shop', ['workers', 'spec', 'containers']), {strategy: 'merge', mergeKeys: ['name']})
    assert.deepEqual(listStrategyAt(joined, 'apps/v1', 'Deployment', ['spec', 'template', 'spec', 'volumes']), {strategy: 'merge', mergeKeys: ['name']})
    assert.equal(listStrategyAt(lookup, 'example.com/v1', 'Thing', ['spec', 'missing']), undefined)
    assert.equal(builtinDefinitionNode('com.example.v1.PodTemplateSpec'), undefined, 'only Kubernetes definitions fall back')
  })
  test('YAML too; broken JSON is a UserError naming the file', () => {
    assert.ok(openApiMergeSchema('definitions:\n  a.B:\n    x-kubernetes-group-version-kind: [{group: "", version: v1, kind: B}]\n', 's.yaml')('v1', 'B'))
    assert.throws(() => openApiMergeSchema('{nope', 's.json'), (e: unknown) => e instanceof UserError && e.origin.file === 's.json')
  })
})
