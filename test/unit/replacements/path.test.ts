import {test, describe} from 'node:test'
import assert from 'node:assert/strict'
import {lookupField, matchFields, ReplacementPathError, splitReplacementPath} from '../../../src/render/transformers/replacements-path.js'
import type {JsonObject} from '../../../src/model/json.js'

// Expected values come from `kubectl kustomize` (kustomize v5.5.0) runs of replacements using
// these paths on the same objects; the comment on each case says what kubectl did.

const deployment = (): JsonObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {name: 'web'},
  spec: {
    replicas: 1,
    template: {
      spec: {
        containers: [
          {name: 'app', image: 'nginx:1.0', args: ['-x', '--port=80'], env: [{name: 'A', value: 'old'}, {name: 'B', value: null}]},
          {name: 'myapp-sidecar', image: 'busybox', ports: [{containerPort: 8080}]},
        ],
      },
    },
  },
})

describe('splitReplacementPath', () => {
  test('keeps [k=v] whole, unwraps a dotted bracket, honours \\.', () => {
    // kubectl: `metadata.annotations.[example.com/a.b]` set annotation "example.com/a.b";
    // `metadata.labels.x\.y` set label "x.y".
    assert.deepEqual(splitReplacementPath('metadata.annotations.[example.com/a.b]'), ['metadata', 'annotations', 'example.com/a.b'])
    assert.deepEqual(splitReplacementPath('metadata.labels.x\\.y'), ['metadata', 'labels', 'x.y'])
    assert.deepEqual(splitReplacementPath('spec.containers.[name=a.b].image'), ['spec', 'containers', '[name=a.b]', 'image'])
  })
})

describe('lookupField (replacement source)', () => {
  test('`-` is the last element and numbers index lists', () => {
    // kubectl: source `spec.template.spec.containers.-.name` gave "myapp-sidecar".
    assert.equal(lookupField(deployment(), splitReplacementPath('spec.template.spec.containers.-.name')), 'myapp-sidecar')
    assert.deepEqual(lookupField(deployment(), splitReplacementPath('spec.template.spec.containers.1.ports')), [{containerPort: 8080}])
  })
  test('[k=v] is an exact match on the source side; absent fields are undefined', () => {
    assert.equal(lookupField(deployment(), splitReplacementPath('spec.template.spec.containers.[name=app].image')), 'nginx:1.0')
    assert.equal(lookupField(deployment(), splitReplacementPath('spec.template.spec.containers.[name=myapp].image')), undefined)
    assert.equal(lookupField(deployment(), splitReplacementPath('spec.nope')), undefined)
  })
  test('a wildcard is refused', () => {
    // kubectl: "error looking up replacement source: wildcard is not supported in PathGetter".
    assert.throws(() => lookupField(deployment(), ['spec', '*']), (e: unknown) => e instanceof ReplacementPathError && /wildcard is not supported/.test(e.message))
  })
})

describe('matchFields (replacement targets)', () => {
  test('[name=app] is an unanchored regexp: it also matches myapp-sidecar', () => {
    // kubectl wrote the value into both containers' images for `containers.[name=app].image`.
    const d = deployment()
    const slots = matchFields(d, splitReplacementPath('spec.template.spec.containers.[name=app].image'), 'none')
    assert.equal(slots.length, 2)
  })
  test('* visits every element; a missing field without create matches nothing', () => {
    assert.equal(matchFields(deployment(), splitReplacementPath('spec.template.spec.containers.*.image'), 'none').length, 2)
    assert.equal(matchFields(deployment(), splitReplacementPath('spec.nope.x'), 'none').length, 0)
  })
  test('create builds lists before index and [k=v] steps, and new list elements', () => {
    // kubectl (create: true): app got `ports: [{containerPort: …}]`; the sidecar got
    // `env: [{name: A, value: …}]`.
    const d = deployment()
    const ports = matchFields(d, splitReplacementPath('spec.template.spec.containers.[name=app].ports.0.containerPort'), 'scalar')
    const env = matchFields(d, splitReplacementPath('spec.template.spec.containers.[name=app].env.[name=A].value'), 'scalar')
    assert.equal(ports.length, 2)
    assert.equal(env.length, 2)
    const containers = ((d.spec as JsonObject).template as JsonObject).spec as JsonObject
    const [app, sidecar] = containers.containers as JsonObject[]
    assert.deepEqual(app.ports, [{containerPort: null}])
    assert.deepEqual(sidecar.env, [{name: 'A', value: null}])
    assert.ok(env.some((s) => s.created) && env.some((s) => !s.created))
  })
  test('a map step on a list fails as in kyaml', () => {
    // kubectl: "wrong node kind: expected MappingNode but got SequenceNode".
    assert.throws(() => matchFields(deployment(), splitReplacementPath('spec.template.spec.containers.image'), 'none'), /expected MappingNode but got SequenceNode/)
  })
  test('an index past the end fails', () => {
    assert.throws(() => matchFields(deployment(), splitReplacementPath('spec.template.spec.containers.5.image'), 'none'), /index 5 specified but only 2 elements found/)
  })
})
