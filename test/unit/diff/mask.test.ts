import assert from 'node:assert/strict'
import {describe, test} from 'node:test'
import {maskSecretPair, scrub, secretMask, secretValues} from '../../../src/diff/mask.js'
import {foldStringData, normalizeObject} from '../../../src/diff/normalize.js'
import type {JsonObject} from '../../../src/model/json.js'

const b64 = (s: string) => Buffer.from(s).toString('base64')
const secret = (data: JsonObject, extra: JsonObject = {}): JsonObject => ({apiVersion: 'v1', kind: 'Secret', metadata: {name: 's'}, data, ...extra})

describe('Secret masking', () => {
  test('changed, unchanged, added and removed keys; no value survives', () => {
    const before = secret({user: b64('admin'), password: b64('hunter2'), gone: b64('old-value')})
    const after = secret({user: b64('admin'), password: b64('s3cret!'), token: b64('tok-123')})
    const m = maskSecretPair(before, after)
    assert.deepEqual(m.before!.data, {user: secretMask.unchanged, password: secretMask.before, gone: secretMask.removed})
    assert.deepEqual(m.after!.data, {user: secretMask.unchanged, password: secretMask.after, token: secretMask.added})
    const text = JSON.stringify(m)
    for (const v of ['admin', 'hunter2', 's3cret!', 'tok-123', 'old-value']) {
      assert.ok(!text.includes(v) && !text.includes(b64(v)), v)
    }
    // The inputs are not changed.
    assert.equal((before.data as JsonObject).password, b64('hunter2'))
  })

  test('fail closed: data that is not a map of strings is hidden whole', () => {
    const m = maskSecretPair(undefined, secret({a: 1 as never}, {stringData: 'raw-secret-text'}))
    assert.equal(m.after!.data, secretMask.hidden)
    assert.equal(m.after!.stringData, secretMask.hidden)
  })

  test('the last-applied annotation (a copy of the data) is dropped', () => {
    const s = secret({a: b64('value-1')}, {metadata: {name: 's', annotations: {'kubectl.kubernetes.io/last-applied-configuration': `{"data":{"a":"${b64('value-1')}"}}`, keep: 'me'}}})
    const m = maskSecretPair(s, undefined)
    assert.deepEqual((m.before!.metadata as JsonObject).annotations, {keep: 'me'})
  })

  test('other kinds pass through', () => {
    const cm = {apiVersion: 'v1', kind: 'ConfigMap', data: {a: 'visible'}}
    assert.equal(maskSecretPair(cm, cm).after, cm)
  })

  test('scrub replaces values in every form they can appear in', () => {
    const values = secretValues([secret({p: b64('hunter2-pw')}, {stringData: {q: 'plain-pw'}})])
    const msg = `bad ${b64('hunter2-pw')} and hunter2-pw and plain-pw and ${b64('plain-pw')}`
    assert.equal(scrub(msg, values), 'bad <hidden> and <hidden> and <hidden> and <hidden>')
  })
})

describe('normalize', () => {
  test('server-owned metadata, status and the last-applied annotation go; empty maps count as absent', () => {
    const live: JsonObject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'c',
        uid: 'u',
        resourceVersion: '1',
        generation: 2,
        creationTimestamp: '2024-01-01T00:00:00Z',
        managedFields: [],
        annotations: {'kubectl.kubernetes.io/last-applied-configuration': '{}'},
        labels: {},
      },
      status: {x: 1},
      data: {a: '1'},
    }
    assert.deepEqual(normalizeObject(live), {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'c'}, data: {a: '1'}})
    assert.equal((live.metadata as JsonObject).uid, 'u', 'input untouched')
  })

  test('stringData folds into data as the server stores it', () => {
    const s = secret({a: b64('x')}, {stringData: {a: 'y', b: 'z'}})
    assert.deepEqual(foldStringData(s), secret({a: b64('y'), b: b64('z')}))
  })
})
