import assert from 'node:assert/strict'
import {describe, test} from 'node:test'
import {alignOrder, changedPaths} from '../../../src/diff/changes.js'
import {schemaOf} from '../../../src/diff/list-keys.js'
import type {JsonObject} from '../../../src/model/json.js'

function deployment(containers: JsonObject[], extra: JsonObject = {}): JsonObject {
  return {apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'web', labels: {'app.kubernetes.io/name': 'web'}}, spec: {template: {spec: {containers}}, ...extra}}
}

describe('changedPaths', () => {
  test('maps compare unordered; equal objects have no changes', () => {
    const a = {apiVersion: 'v1', kind: 'ConfigMap', data: {a: '1', b: '2'}}
    const b = {kind: 'ConfigMap', data: {b: '2', a: '1'}, apiVersion: 'v1'}
    assert.deepEqual(changedPaths(a, b, schemaOf(a)), [])
  })

  test('containers match by name: reordering is not a change, a changed image is named by key', () => {
    const before = deployment([{name: 'a', image: 'a:1'}, {name: 'b', image: 'b:1', env: [{name: 'X', value: '1'}, {name: 'Y', value: '2'}]}])
    const after = deployment([{name: 'b', image: 'b:2', env: [{name: 'Y', value: '2'}, {name: 'X', value: '1'}]}, {name: 'a', image: 'a:1'}])
    assert.deepEqual(changedPaths(before, after, schemaOf(after)), ['spec.template.spec.containers[name=b].image'])
  })

  test('added and removed keyed elements, ports keyed with the default protocol', () => {
    const before = deployment([{name: 'a', ports: [{containerPort: 80, protocol: 'TCP'}]}])
    const after = deployment([{name: 'a', ports: [{containerPort: 80}, {containerPort: 53, protocol: 'UDP'}]}, {name: 'side'}])
    assert.deepEqual(changedPaths(before, after, schemaOf(after)), [
      // Matched although one side leaves the protocol out; the field itself still differs.
      'spec.template.spec.containers[name=a].ports[containerPort=80,protocol=TCP].protocol',
      'spec.template.spec.containers[name=a].ports[containerPort=53,protocol=UDP]',
      'spec.template.spec.containers[name=side]',
    ])
  })

  test('lists without a key compare by position; names that are not identifiers are quoted', () => {
    const before = {apiVersion: 'v1', kind: 'Pod', metadata: {labels: {'app.kubernetes.io/name': 'x'}}, spec: {containers: [{name: 'c', args: ['a', 'b']}]}}
    const after = {apiVersion: 'v1', kind: 'Pod', metadata: {labels: {'app.kubernetes.io/name': 'y'}}, spec: {containers: [{name: 'c', args: ['a', 'c', 'd']}]}}
    assert.deepEqual(changedPaths(before, after, schemaOf(after)), [
      'metadata.labels["app.kubernetes.io/name"]',
      'spec.containers[name=c].args[1]',
      'spec.containers[name=c].args[2]',
    ])
  })

  test('finalizers compare as a set', () => {
    const a = {apiVersion: 'v1', kind: 'ConfigMap', metadata: {finalizers: ['x', 'y']}}
    const b = {apiVersion: 'v1', kind: 'ConfigMap', metadata: {finalizers: ['y', 'z']}}
    assert.deepEqual(changedPaths(a, b, schemaOf(b)), ['metadata.finalizers[=x]', 'metadata.finalizers[=z]'])
  })

  test('a second chance for scalars (quantities in read-only mode)', () => {
    const a = {kind: 'X', spec: {cpu: '100m', other: 'a'}}
    const b = {kind: 'X', spec: {cpu: '0.1', other: 'b'}}
    assert.deepEqual(changedPaths(a, b, undefined, {sameScalar: (x, y, p) => p === 'spec.cpu'}), ['spec.other'])
  })

  test('bigint and number of the same integer are equal', () => {
    assert.deepEqual(changedPaths({n: 9007199254740993n}, {n: 9007199254740993n}, undefined), [])
    assert.deepEqual(changedPaths({n: 5n}, {n: 5}, undefined), [])
  })
})

describe('alignOrder', () => {
  test('keyed lists of the live side follow the render, extra elements go last', () => {
    const before = deployment([{name: 'a'}, {name: 'old'}, {name: 'b'}])
    const after = deployment([{name: 'b'}, {name: 'a'}])
    const aligned = alignOrder(before, after, schemaOf(after)) as JsonObject
    const names = ((aligned.spec as JsonObject).template as any).spec.containers.map((c: JsonObject) => c.name)
    assert.deepEqual(names, ['b', 'a', 'old'])
    // The input is left alone.
    assert.deepEqual(((before.spec as any).template.spec.containers as JsonObject[]).map((c) => c.name), ['a', 'old', 'b'])
  })
})
