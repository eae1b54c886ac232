import {test, describe} from 'node:test'
import assert from 'node:assert/strict'
import {emitYaml, emitYamlStream} from '../../../src/render/yaml/emit.js'
import {UserError} from '../../../src/model/errors.js'
import {emitCases} from './kubectl-cases.js'

// Expected strings come from kubectl kustomize runs (see kubectl-cases.ts).

describe('emitYaml matches kubectl kustomize byte for byte', () => {
  for (const c of emitCases) {
    test(`${c.name}: ${c.title}`, () => {
      const doc = {apiVersion: 'v1', kind: 'Foo', metadata: {name: c.name}, v: c.value}
      if (c.expected === null) {
        assert.throws(() => emitYaml(doc), UserError)
        return
      }
      assert.equal(emitYaml(doc), c.expected)
    })
  }
})

describe('emitYamlStream', () => {
  // kubectl kustomize prints nothing for an empty build, and `---\n` between documents only.
  test('no documents', () => {
    assert.equal(emitYamlStream([]), '')
  })

  test('one and two documents', () => {
    const x = {apiVersion: 'v1', kind: 'Foo', metadata: {name: 'x'}}
    const y = {apiVersion: 'v1', kind: 'Foo', metadata: {name: 'y'}}
    assert.equal(emitYamlStream([x]), 'apiVersion: v1\nkind: Foo\nmetadata:\n  name: x\n')
    assert.equal(emitYamlStream([x, y]), 'apiVersion: v1\nkind: Foo\nmetadata:\n  name: x\n---\napiVersion: v1\nkind: Foo\nmetadata:\n  name: "y"\n')
  })

  test('a document ending in a kept literal is followed directly by the separator', () => {
    // kubectl kustomize: `v: |+\n  a\n\n---\n`, no `...` marker.
    const a = {apiVersion: 'v1', kind: 'Foo', metadata: {name: 'x'}, v: 'a\n\n'}
    const b = {apiVersion: 'v1', kind: 'Foo', metadata: {name: 'y'}, v: 'a\n\n', w: 1}
    assert.equal(
      emitYamlStream([a, b]),
      'apiVersion: v1\nkind: Foo\nmetadata:\n  name: x\nv: |+\n  a\n\n---\napiVersion: v1\nkind: Foo\nmetadata:\n  name: "y"\nv: |+\n  a\n\nw: 1\n',
    )
  })

  test('does not modify its input', () => {
    const doc = {apiVersion: 'v1', kind: 'Foo', metadata: {name: 'x'}, b: [2, 1], a: {z: 1, y: 2}}
    const before = JSON.stringify(doc)
    emitYamlStream([doc])
    assert.equal(JSON.stringify(doc), before)
  })
})
