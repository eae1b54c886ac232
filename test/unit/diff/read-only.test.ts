import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {describe, test} from 'node:test'
import {changedPaths} from '../../../src/diff/changes.js'
import {schemaOf} from '../../../src/diff/list-keys.js'
import {normalizeObject} from '../../../src/diff/normalize.js'
import {sameQuantity} from '../../../src/diff/quantity.js'
import {isQuantityPath, ownedFields, projectLive} from '../../../src/diff/read-only.js'
import {cloneJson, type JsonObject} from '../../../src/model/json.js'

// A Deployment as the real API server (Kubernetes 1.37, scripts/cluster) stores it after
// `kubectl apply --server-side --field-manager=strata` of `rendered` below and a
// `kubectl annotate` by someone else: defaults filled, cpu canonicalized to 100m, managedFields.
const live = JSON.parse(readFileSync(new URL('./fixtures/live-deployment.json', import.meta.url), 'utf8')) as JsonObject

const rendered: JsonObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {name: 'web', namespace: 'rofix', labels: {app: 'web'}},
  spec: {
    replicas: 2,
    selector: {matchLabels: {app: 'web'}},
    template: {
      metadata: {labels: {app: 'web'}},
      spec: {containers: [{name: 'web', image: 'nginx:1', ports: [{containerPort: 80}], resources: {requests: {cpu: '0.1', memory: '64Mi'}}, env: [{name: 'A', value: '1'}]}]},
    },
  },
}

const sameScalar = (a: unknown, b: unknown, path: string) => isQuantityPath(path) && sameQuantity(String(a), String(b))

function readOnlyPaths(render: JsonObject): string[] {
  const before = projectLive(normalizeObject(live), render, ownedFields(live, 'strata'), schemaOf(render))
  return changedPaths(before, render, schemaOf(render), {sameScalar})
}

describe('read-only comparison', () => {
  test('the render it came from shows no change: defaults, others\' annotations and 100m vs 0.1 are not changes', () => {
    assert.deepEqual(readOnlyPaths(rendered), [])
  })

  test('a changed image and a field the render no longer sets (strata owned it) are changes', () => {
    const r = cloneJson(rendered)
    const c = (r.spec as any).template.spec.containers[0]
    c.image = 'nginx:2'
    delete c.env
    assert.deepEqual(readOnlyPaths(r), ['spec.template.spec.containers[name=web].env', 'spec.template.spec.containers[name=web].image'])
  })

  test('fields only other managers own stay out even when the render drops its own fields', () => {
    const owned = ownedFields(live, 'strata')!
    assert.ok('f:spec' in owned)
    assert.equal(ownedFields(live, 'nobody'), undefined)
    const before = projectLive(normalizeObject(live), rendered, owned, schemaOf(rendered))
    assert.equal((before.metadata as JsonObject).annotations, undefined)
    assert.equal((before as any).spec.template.spec.dnsPolicy, undefined)
    assert.equal((before as any).spec.template.spec.containers[0].imagePullPolicy, undefined)
  })
})

describe('quantities', () => {
  test('equal values in different notation', () => {
    assert.ok(sameQuantity('100m', '0.1'))
    assert.ok(sameQuantity('1Gi', '1024Mi'))
    assert.ok(sameQuantity('1k', '1000'))
    assert.ok(sameQuantity('1e3', '1k'))
    assert.ok(sameQuantity(2, '2000m'))
    assert.ok(!sameQuantity('1G', '1Gi'))
    assert.ok(!sameQuantity('abc', 'abc'))
  })
  test('only resource-like paths are treated as quantities', () => {
    assert.ok(isQuantityPath('spec.template.spec.containers[name=web].resources.requests.cpu'))
    assert.ok(isQuantityPath('spec.hard.pods'))
    assert.ok(!isQuantityPath('data.cpu'))
  })
})
