import {test, describe} from 'node:test'
import assert from 'node:assert/strict'
import {cloneJson, type JsonObject} from '../../../src/model/json.js'
import {strategicMerge} from '../../../src/render/patch/strategic-merge.js'
import {cloneKeepingEmptyNulls, isEmptyNull} from '../../../src/render/yaml/empty-null.js'
import {parseYamlDocuments} from '../../../src/render/yaml/parse.js'

// Which nulls kustomize's strategic merge keeps depends on how they were written; the expected
// outputs below are what kubectl kustomize (v5.5) printed for the same target and patch.

const tracked = (text: string) => parseYamlDocuments(text, 'r.yaml', '1.2', {emptyNulls: true})[0] as JsonObject

describe('resource documents remember nulls written as nothing', () => {
  const doc = tracked('a:\nb: null\nc: ~\nd: Null\ne: !!null\nf: NULL\nnull: key\ng: [null, ~, x]\nh: {i: , j: null}\n')

  test('an empty value or a bare !!null is an empty null; null, ~, Null and NULL are written', () => {
    assert.deepEqual(
      ['a', 'b', 'c', 'd', 'e', 'f'].filter((k) => isEmptyNull(doc, k)),
      ['a', 'e'],
    )
    assert.equal(isEmptyNull(doc.h as JsonObject, 'i'), true)
    assert.equal(isEmptyNull(doc.h as JsonObject, 'j'), false)
  })

  test('the values are plain nulls, a null key reads "null", and the marks are invisible to JSON', () => {
    assert.deepEqual(doc, {a: null, b: null, c: null, d: null, e: null, f: null, null: 'key', g: [null, null, 'x'], h: {i: null, j: null}})
    assert.equal(JSON.stringify(doc.h), '{"i":null,"j":null}')
    assert.deepEqual(Object.keys(doc.h as JsonObject), ['i', 'j'])
  })

  test('an alias shares the marks of its anchor', () => {
    const d = tracked('x: &m {p: , q: null}\ny: *m\n')
    assert.equal(isEmptyNull(d.y as JsonObject, 'p'), true)
    assert.equal(isEmptyNull(d.y as JsonObject, 'q'), false)
  })

  test('a document that is a written null is null', () => {
    assert.deepEqual(parseYamlDocuments('null\n---\na: 1\n', 'r.yaml', '1.2', {emptyNulls: true}), [null, {a: 1}])
  })

  test('without the option nothing is marked', () => {
    const plain = parseYamlDocuments('a:\n', 'r.yaml')[0] as JsonObject
    assert.equal(isEmptyNull(plain, 'a'), false)
  })

  test('cloneKeepingEmptyNulls keeps the marks, cloneJson (a JSON round trip) drops them', () => {
    assert.equal(isEmptyNull(cloneKeepingEmptyNulls(doc), 'a'), true)
    assert.equal(isEmptyNull(cloneJson(doc), 'a'), false)
  })
})

describe('strategic merge clears the empty nulls the patch does not mention', () => {
  const target = tracked(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  creationTimestamp: null
spec:
  template:
    metadata:
      annotations:
    spec:
      affinity:
        nodeAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
          requiredDuringSchedulingIgnoredDuringExecution: ~
      containers:
      - name: app
        image: nginx
        env:
        resources:
          limits:
          requests: null
`)
  const patch = {apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'web'}, spec: {replicas: 2}}

  test('empty ones go (an emptied map stays as {}), written ones stay, in list elements too', () => {
    assert.deepEqual(strategicMerge(target, patch), {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {name: 'web', creationTimestamp: null},
      spec: {
        template: {
          metadata: {},
          spec: {
            affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: null}},
            containers: [{name: 'app', image: 'nginx', resources: {requests: null}}],
          },
        },
        replicas: 2,
      },
    })
  })

  test('the target is not modified', () => {
    assert.equal(isEmptyNull((target.spec as JsonObject).template as JsonObject, 'metadata'), false)
    assert.equal(isEmptyNull(((target.spec as JsonObject).template as JsonObject).metadata as JsonObject, 'annotations'), true)
  })

  test('without marks (a target built in code) every null the patch leaves alone stays', () => {
    const out = strategicMerge(cloneJson(target), patch) as JsonObject
    const md = ((out.spec as JsonObject).template as JsonObject).metadata as JsonObject
    assert.deepEqual(md, {annotations: null})
  })
})
