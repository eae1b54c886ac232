import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import type {JsonObject} from '../../../../src/model/json.js'
import {pinReplicaSetPatch, selectedVersion, selectVersionPatch, templateHash, versionDeployment, versionName, withoutVersionSelector} from '../../../../src/rollout/strategies/blue-green/objects.js'

function deploy(image: string, extra: JsonObject = {}): JsonObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {name: 'web', namespace: 'shop', labels: {'applyset.kubernetes.io/part-of': 'applyset-x', app: 'web'}, annotations: {'strata.dev/strategy': 'blue-green'}},
    spec: {replicas: 3, selector: {matchLabels: {app: 'web'}}, template: {metadata: {labels: {app: 'web'}}, spec: {containers: [{name: 'web', image}]}}, ...extra},
  }
}

/** Merge patch (RFC 7386) as the API server applies it to a Service selector map. */
function mergeSelector(selector: Record<string, string>, patch: JsonObject): Record<string, string> {
  const out = {...selector}
  for (const [k, v] of Object.entries(((patch.spec as JsonObject).selector as JsonObject) ?? {})) {
    if (v === null) delete out[k]
    else out[k] = String(v)
  }
  return out
}

describe('templateHash / versionName', () => {
  test('same template, same hash; key order does not matter', () => {
    const a = deploy('web:2')
    const b: JsonObject = {...deploy('web:2'), spec: {template: {spec: {containers: [{image: 'web:2', name: 'web'}]}, metadata: {labels: {app: 'web'}}}, replicas: 9, selector: {}}}
    assert.equal(templateHash(a), templateHash(b))
    assert.match(templateHash(a), /^[0-9a-f]{10}$/)
  })
  test('a different template, a different hash', () => {
    assert.notEqual(templateHash(deploy('web:2')), templateHash(deploy('web:3')))
  })
  test('the version label strata adds does not change the hash (a version Deployment hashes as its render)', () => {
    const h = templateHash(deploy('web:2'))
    assert.equal(templateHash(versionDeployment(deploy('web:2'), h)), h)
  })
  test('names stay short enough for pod hostnames', () => {
    assert.equal(versionName('web', '0123456789'), 'web-0123456789')
    const long = versionName('a'.repeat(80), '0123456789')
    assert.ok(long.length <= 63 - 17, long)
    assert.match(long, /^a+-0123456789$/)
    assert.equal(versionName(`${'a'.repeat(34)}-rest`, '0123456789'), `${'a'.repeat(34)}-0123456789`)
  })
})

describe('versionDeployment', () => {
  const h = 'abcdef0123'
  const v = versionDeployment(deploy('web:2'), h)
  const spec = v.spec as JsonObject
  test('named from the hash, in the same namespace, ApplySet label kept', () => {
    assert.deepEqual(v.metadata, {
      name: 'web-abcdef0123',
      namespace: 'shop',
      labels: {'applyset.kubernetes.io/part-of': 'applyset-x', app: 'web', 'strata.dev/bg-hash': h},
      annotations: {'strata.dev/strategy': 'blue-green'},
    })
  })
  test('version label on selector and pods, user labels kept', () => {
    assert.deepEqual(spec.selector, {matchLabels: {app: 'web', 'strata.dev/bg-hash': h}})
    assert.deepEqual((spec.template as JsonObject).metadata, {labels: {app: 'web', 'strata.dev/bg-hash': h}})
    assert.equal(spec.replicas, 3)
  })
  test('replicas can be given (scale-down) and the render is not modified', () => {
    const r = deploy('web:2')
    const before = JSON.stringify(r)
    assert.equal((versionDeployment(r, h, 0).spec as JsonObject).replicas, 0)
    assert.equal(JSON.stringify(r), before)
  })
})

describe('Service switch', () => {
  test('promotion is one merge patch: user keys stay, version moves, ReplicaSet pin goes', () => {
    const pinned = mergeSelector({app: 'web'}, pinReplicaSetPatch('5d9f'))
    assert.deepEqual(pinned, {app: 'web', 'pod-template-hash': '5d9f'})
    const promoted = mergeSelector(pinned, selectVersionPatch('abcdef0123'))
    assert.deepEqual(promoted, {app: 'web', 'strata.dev/bg-hash': 'abcdef0123'})
    assert.deepEqual(mergeSelector(promoted, selectVersionPatch('9999999999')), {app: 'web', 'strata.dev/bg-hash': '9999999999'})
    // Abort of a first blue/green change: back on the old ReplicaSet in one write.
    assert.deepEqual(mergeSelector(promoted, pinReplicaSetPatch('5d9f')), {app: 'web', 'pod-template-hash': '5d9f'})
  })
  test('selectedVersion reads the version a live Service points at', () => {
    assert.equal(selectedVersion({kind: 'Service', spec: {selector: {app: 'web', 'strata.dev/bg-hash': 'abc'}}}), 'abc')
    assert.equal(selectedVersion({kind: 'Service', spec: {selector: {app: 'web'}}}), undefined)
  })
  test("diff does not see strata's switch keys as drift, but sees the user's own", () => {
    const live: JsonObject = {kind: 'Service', spec: {selector: {app: 'web', 'strata.dev/bg-hash': 'abc', 'pod-template-hash': '5d9'}}}
    const rendered: JsonObject = {kind: 'Service', spec: {selector: {app: 'web'}}}
    assert.deepEqual(withoutVersionSelector(live, rendered), {kind: 'Service', spec: {selector: {app: 'web'}}})
    assert.deepEqual((live.spec as JsonObject).selector, {app: 'web', 'strata.dev/bg-hash': 'abc', 'pod-template-hash': '5d9'}, 'live untouched')
    const ownsKey: JsonObject = {kind: 'Service', spec: {selector: {app: 'web', 'pod-template-hash': 'x'}}}
    assert.deepEqual(withoutVersionSelector(live, ownsKey), {kind: 'Service', spec: {selector: {app: 'web', 'pod-template-hash': '5d9'}}})
    const deployment = deploy('web:2')
    assert.equal(withoutVersionSelector(deployment, deployment), deployment)
  })
})
