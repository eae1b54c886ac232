import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {flattenFields, formatFieldPath, isUnderPath, parseFieldPath, resolveFieldPath} from '../../../src/render/provenance/field-path.js'

describe('field paths', () => {
  test('parse and format round trip: keys, indexes, name matches, quoted keys', () => {
    for (const p of ['spec.template.spec.containers[name=web].image', 'spec.ports[0].port', 'metadata.labels["app.kubernetes.io/name"]', 'data["a b"]']) {
      assert.equal(formatFieldPath(parseFieldPath(p)), p)
    }
    assert.deepEqual(parseFieldPath("metadata.labels['x.y']"), [{key: 'metadata'}, {key: 'labels'}, {key: 'x.y'}])
    assert.throws(() => parseFieldPath('a[b]'), /neither an index/)
  })

  test('lists of distinctly named maps are addressed by name, others by index; empty maps and lists are leaves', () => {
    const flat = flattenFields({a: [{name: 'x', v: 1}, {name: 'y'}], b: [{name: 'x'}, {name: 'x'}], c: ['p'], d: {}, e: []})
    assert.deepEqual([...flat.keys()], ['a[name=x].name', 'a[name=x].v', 'a[name=y].name', 'b[0].name', 'b[1].name', 'c[0]', 'd', 'e'])
  })

  test('resolve: an index where the canonical form is by name, a dotted key written plainly', () => {
    const obj = {spec: {containers: [{name: 'web', image: 'i'}]}, metadata: {labels: {'app.kubernetes.io/name': 'w'}}}
    assert.equal(resolveFieldPath(obj, parseFieldPath('spec.containers[0].image')), 'spec.containers[name=web].image')
    assert.equal(resolveFieldPath(obj, parseFieldPath('metadata.labels.app.kubernetes.io/name')), 'metadata.labels["app.kubernetes.io/name"]')
    assert.equal(resolveFieldPath(obj, parseFieldPath('spec.containers[name=api]')), undefined)
    assert.ok(isUnderPath('spec.containers[name=web].image', 'spec.containers'))
    assert.ok(!isUnderPath('spec.containersX', 'spec.containers'))
  })
})
