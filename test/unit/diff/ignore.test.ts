import assert from 'node:assert/strict'
import {describe, test} from 'node:test'
import {ignoredPointers, parseIgnoreFlags, removeAt} from '../../../src/diff/ignore.js'
import {UserError} from '../../../src/model/errors.js'
import type {JsonObject} from '../../../src/model/json.js'

describe('ignored fields', () => {
  test('flags by Kind, Kind.group or *, plus the object annotation', () => {
    const rules = parseIgnoreFlags(['Deployment:/spec/replicas', 'Deployment.apps:/spec/paused', 'Service:/spec/x', '*:/metadata/annotations/a~1b'])
    const obj: JsonObject = {apiVersion: 'apps/v1', kind: 'Deployment', metadata: {annotations: {'strata.dev/ignore-fields': '/spec/template/spec/containers/*/image, /spec/minReadySeconds'}}}
    assert.deepEqual(ignoredPointers(obj, undefined, rules), [
      ['spec', 'replicas'],
      ['spec', 'paused'],
      ['metadata', 'annotations', 'a/b'],
      ['spec', 'template', 'spec', 'containers', '*', 'image'],
      ['spec', 'minReadySeconds'],
    ])
  })

  test('malformed flags and annotations are user errors naming where', () => {
    assert.throws(() => parseIgnoreFlags(['spec/replicas']), (e) => e instanceof UserError && e.origin.field === '--ignore-field')
    const obj: JsonObject = {kind: 'X', metadata: {annotations: {'strata.dev/ignore-fields': 'spec.replicas'}}}
    assert.throws(() => ignoredPointers(obj, undefined, [], 'app.yaml'), (e) => e instanceof UserError && e.origin.file === 'app.yaml')
  })

  test('removeAt handles wildcards, indexes and missing paths', () => {
    const o: JsonObject = {spec: {replicas: 3, containers: [{name: 'a', image: 'x'}, {name: 'b', image: 'y'}]}}
    removeAt(o, ['spec', 'containers', '*', 'image'])
    removeAt(o, ['spec', 'replicas'])
    removeAt(o, ['spec', 'missing', 'deep'])
    removeAt(o, ['spec', 'containers', '1'])
    assert.deepEqual(o, {spec: {containers: [{name: 'a'}]}})
  })
})
