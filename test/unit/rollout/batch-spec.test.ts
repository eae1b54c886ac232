import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {parseBatchSpec, replicasForShare} from '../../../src/rollout/batch-spec.js'
import {renderDigest} from '../../../src/rollout/digest.js'
import {UserError} from '../../../src/model/errors.js'

const at = {field: 'metadata.annotations.strata.dev/rollout'}

describe('parseBatchSpec', () => {
  test('cumulative percentages', () => {
    assert.deepEqual(parseBatchSpec('25%,50%,100%', at), [0.25, 0.5, 1])
    assert.deepEqual(parseBatchSpec(' 10% , 100% ', at), [0.1, 1])
    assert.deepEqual(parseBatchSpec('12.5%,100%', at), [0.125, 1])
  })
  test('a final 100% is added when missing', () => {
    assert.deepEqual(parseBatchSpec('25%,50%', at), [0.25, 0.5, 1])
  })
  test('a count means equal batches', () => {
    assert.deepEqual(parseBatchSpec('4', at), [0.25, 0.5, 0.75, 1])
    assert.deepEqual(parseBatchSpec('1', at), [1])
    const three = parseBatchSpec('3', at)
    assert.equal(three.length, 3)
    assert.equal(three[2], 1)
  })
  for (const bad of ['', '  ', '0%', '150%', '50%,25%', '50%,50%', 'abc', '25', '25%;50%', '-10%', '0', '101', '25%,,100%']) {
    test(`refuses ${JSON.stringify(bad)} with a UserError naming the field`, () => {
      // '25' is a count of 25 batches, which is valid; every other entry is not.
      if (bad === '25') {
        assert.equal(parseBatchSpec(bad, at).length, 25)
        return
      }
      assert.throws(
        () => parseBatchSpec(bad, at),
        (e: unknown) => e instanceof UserError && e.origin.field === at.field && /invalid rollout batches/.test(e.message) && e.hint !== undefined,
      )
    })
  }
})

describe('replicasForShare', () => {
  test('rounds up, at least 1, at most desired', () => {
    assert.deepEqual([0.25, 0.5, 1].map((s) => replicasForShare(4, s)), [1, 2, 4])
    assert.equal(replicasForShare(3, 1 / 3), 1)
    assert.equal(replicasForShare(3, 2 / 3), 2)
    assert.equal(replicasForShare(10, 0.01), 1)
    assert.equal(replicasForShare(5, 0.5), 3)
    assert.equal(replicasForShare(5, 1), 5)
    assert.equal(replicasForShare(0, 0.5), 0)
    assert.equal(replicasForShare(2, 1.5), 2)
  })
})

describe('renderDigest', () => {
  const a = {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'a'}, data: {x: '1', y: '2'}}
  const b = {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'b'}}
  test('ignores key order and object order', () => {
    const a2 = {data: {y: '2', x: '1'}, metadata: {name: 'a'}, kind: 'ConfigMap', apiVersion: 'v1'}
    assert.equal(renderDigest([a, b]), renderDigest([b, a2]))
    assert.match(renderDigest([a]), /^[0-9a-f]{64}$/)
  })
  test('changes with any value, array order or set size', () => {
    const d = renderDigest([a, b])
    assert.notEqual(renderDigest([a, {...b, data: {x: '1'}}]), d)
    assert.notEqual(renderDigest([a]), d)
    assert.notEqual(renderDigest([{k: [1, 2]}]), renderDigest([{k: [2, 1]}]))
    assert.notEqual(renderDigest([{k: '1'}]), renderDigest([{k: 1}]))
    assert.equal(renderDigest([{k: 12345678901234567890n}]), renderDigest([{k: 12345678901234567890n}]))
  })
})
