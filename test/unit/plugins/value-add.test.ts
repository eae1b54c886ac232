import {test, describe} from 'node:test'
import assert from 'node:assert/strict'
import {newResource} from '../../../src/model/resource.js'
import {ResourceSet} from '../../../src/model/resource-set.js'
import {insertPathPart, valueAddTransformer} from '../../../src/render/transformers/value-add.js'

// Results are those of kustomize's filesys.InsertPathPart and ValueAddTransformer (kustomize v5.5).
describe('ValueAddTransformer', () => {
  test('insertPathPart puts the part at a segment position; absolute paths keep their slash; out-of-range positions clamp', () => {
    assert.equal(insertPathPart('a/b/c', 0, 'x'), 'x/a/b/c')
    assert.equal(insertPathPart('a/b/c', 1, 'x'), 'a/x/b/c')
    assert.equal(insertPathPart('/a/b', 1, 'x'), '/a/x/b')
    assert.equal(insertPathPart('/a/b', 99, 'x'), '/a/b/x')
    assert.equal(insertPathPart('', 3, 'x'), 'x')
    assert.equal(insertPathPart('a/b', 1, ''), 'a/b')
  })

  test('creates missing maps and list elements on the way, and refuses a field that is not a scalar', () => {
    const set = new ResourceSet([newResource({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'p'}, spec: {containers: [{name: 'app'}]}}, {file: 'pod.yaml'})])
    valueAddTransformer('v1', [{fieldPath: 'spec/containers/[name=app]/image', filePathPosition: 0}, {fieldPath: 'metadata/annotations/a\\/b', filePathPosition: 0}], {file: 'k.yaml'})(set)
    const obj = set.toArray()[0].obj
    assert.deepEqual(obj.spec, {containers: [{name: 'app', image: 'v1'}]})
    assert.deepEqual((obj.metadata as {annotations: unknown}).annotations, {'a/b': 'v1'})
    assert.throws(() => valueAddTransformer('v', [{fieldPath: 'spec', filePathPosition: 0}], {file: 'k.yaml'})(set), /expected a scalar/)
  })
})
