import assert from 'node:assert/strict'
import {describe, test} from 'node:test'
import {UserError} from '../../../src/model/errors.js'
import {crdConfigOf} from '../../../src/render/crd-config.js'

describe('crds: OpenAPI definitions with x-kubernetes markers', () => {
  const defs = {
    'pkg/v1.Shop': {Schema: {properties: {apiVersion: {}, kind: {}, metadata: {}, spec: {$ref: 'pkg/v1.ShopSpec'}}}},
    'pkg/v1.ShopSpec': {
      Schema: {
        properties: {
          ref: {'x-kubernetes-object-ref-api-version': 'v1', 'x-kubernetes-object-ref-kind': 'ConfigMap'},
          creds: {'x-kubernetes-object-ref-api-version': 'v1', 'x-kubernetes-object-ref-kind': 'Secret', 'x-kubernetes-object-ref-name-key': 'secretName'},
          sel: {'x-kubernetes-label-selector': ''},
          notes: {'x-kubernetes-annotation': ''},
          id: {'x-kubernetes-identity': ''},
          boolMarker: {'x-kubernetes-annotation': true},
          loop: {$ref: 'pkg/v1.ShopSpec'},
        },
      },
    },
    'pkg/v1.NotAnObject': {Schema: {properties: {x: {'x-kubernetes-annotation': ''}}}},
  }
  test('markers become field specs and name references for the kind, through $refs; a cycle stops', () => {
    const c = crdConfigOf(JSON.stringify(defs), 'crds.json')
    assert.deepEqual(c.commonLabels, [{path: 'spec/sel', kind: 'Shop'}])
    assert.deepEqual(c.commonAnnotations, [{path: 'spec/notes', kind: 'Shop'}])
    assert.deepEqual(c.namePrefix, [{path: 'spec/id', kind: 'Shop'}])
    assert.deepEqual(
      c.nameReference?.map((r) => [r.kind, r.version, r.fieldSpecs.map((f) => f.path)]).sort(),
      [['ConfigMap', 'v1', ['spec/ref/name']], ['Secret', 'v1', ['spec/creds/secretName']]],
    )
  })
  test('YAML works too; bad input is a UserError naming the file', () => {
    assert.deepEqual(crdConfigOf('a.T:\n  Schema: {properties: {apiVersion: {}, kind: {}, metadata: {}, s: {x-kubernetes-label-selector: ""}}}\n', 'c.yaml').commonLabels, [{path: 's', kind: 'T'}])
    assert.throws(() => crdConfigOf('{not json', 'c.json'), (e: unknown) => e instanceof UserError && e.origin.file === 'c.json')
    assert.throws(() => crdConfigOf('- a\n', 'c.yaml'), (e: unknown) => e instanceof UserError && /type names/.test(e.message))
  })
})
