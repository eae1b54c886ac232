import {test, describe} from 'node:test'
import assert from 'node:assert/strict'
import {refineSourceValue, ReplacementValueError, writeValue} from '../../../src/render/transformers/replacements-value.js'
import type {JsonObject, JsonValue} from '../../../src/model/json.js'

// Each expectation is what `kubectl kustomize` (kustomize v5.5.0) printed for the same write.

function write(current: JsonValue | undefined, value: JsonValue, options?: {delimiter?: string; index?: number}): JsonValue {
  const holder: JsonObject = current === undefined ? {f: null} : {f: current}
  writeValue({holder, key: 'f', created: current === undefined}, value, options)
  return holder.f
}

describe('writeValue', () => {
  test('a scalar target keeps its type', () => {
    assert.equal(write(1, '123'), 123) // replicas: 1 ← "123" printed `replicas: 123`
    assert.equal(write('old', '123'), '123') // env value printed `value: "123"`
    assert.equal(write('nginx:1.0', true), 'true')
    assert.equal(write('x', {a: 1}), '') // a map into a string field printed `word: ""`
  })
  test('a value the target type cannot hold is an error', () => {
    // kubectl: cannot decode !!str `abc` as a !!int / as a !!null
    assert.throws(() => write(1, 'abc'), ReplacementValueError)
    assert.throws(() => write(null, 'abc'), ReplacementValueError)
    assert.throws(() => write(null, '123'), ReplacementValueError)
  })
  test('a created leaf reads back as plain YAML', () => {
    assert.equal(write(undefined, '123'), 123) // created `newfield: 123`
    assert.equal(write(undefined, 'true'), true) // created `x: {"y": true}`
    assert.deepEqual(write(undefined, [{containerPort: 8080}]), [{containerPort: 8080}])
  })
  test('target delimiter: replace, prefix (index < 0), append (index past the end)', () => {
    assert.equal(write('nginx:1.0', 'b', {delimiter: ':', index: 1}), 'nginx:b')
    assert.equal(write('busybox', 'b', {delimiter: ':', index: -1}), 'b:busybox')
    assert.equal(write('app', 'b', {delimiter: '-', index: 5}), 'app-b')
    assert.equal(write(undefined, 'b', {delimiter: ':', index: 1}), ':b')
  })
})

describe('refineSourceValue', () => {
  test('picks one piece, or fails out of bounds or on a list', () => {
    assert.equal(refineSourceValue('a,b,c', {delimiter: ',', index: 1}), 'b')
    assert.throws(() => refineSourceValue('a,b,c', {delimiter: ',', index: 3}), /options.index 3 is out of bounds for value a,b,c/)
    assert.throws(() => refineSourceValue(['-x'], {delimiter: ','}), /delimiter option can only be used with scalar nodes/)
  })
})
