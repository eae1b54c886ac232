import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {UserError} from '../../../../src/model/errors.js'
import type {JsonObject} from '../../../../src/model/json.js'
import {checkServices, readBlueGreenSpec, type BlueGreenSpec} from '../../../../src/rollout/strategies/blue-green/spec.js'

const origin = {file: 'apps/shop/web.yaml', describe: 'Deployment shop/web'}

function deploy(annotations: Record<string, string | number>, kind = 'Deployment'): JsonObject {
  return {
    apiVersion: 'apps/v1',
    kind,
    metadata: {name: 'web', namespace: 'shop', annotations},
    spec: {replicas: 3, selector: {matchLabels: {app: 'web'}}, template: {metadata: {labels: {app: 'web', tier: 'front'}}, spec: {containers: [{name: 'web', image: 'web:2'}]}}},
  }
}

function service(name: string, selector?: Record<string, string>): JsonObject {
  return {apiVersion: 'v1', kind: 'Service', metadata: {name, namespace: 'shop'}, spec: selector ? {selector} : {}}
}

function refused(fn: () => unknown, message: RegExp, field: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof UserError, `expected UserError, got ${String(e)}`)
    assert.match(e.message, message)
    assert.equal(e.origin.field, field)
    assert.equal(e.origin.file, 'apps/shop/web.yaml')
    assert.ok(e.hint, 'a hint says what to do')
    return true
  })
}

describe('readBlueGreenSpec', () => {
  test('no strategy annotation: not blue/green', () => {
    assert.equal(readBlueGreenSpec(deploy({}), origin), undefined)
  })
  test('strategy canary: not blue/green', () => {
    assert.equal(readBlueGreenSpec(deploy({'strata.dev/strategy': 'canary'}), origin), undefined)
  })
  test('active only: default delay 30s, no preview', () => {
    assert.deepEqual(readBlueGreenSpec(deploy({'strata.dev/strategy': 'blue-green', 'strata.dev/active-service': 'web'}), origin), {activeService: 'web', scaleDownDelayMs: 30_000})
  })
  test('all annotations', () => {
    const spec = readBlueGreenSpec(
      deploy({'strata.dev/strategy': 'blue-green', 'strata.dev/active-service': 'web', 'strata.dev/preview-service': 'web-preview', 'strata.dev/scale-down-delay': '1m30s'}),
      origin,
    )
    assert.deepEqual(spec, {activeService: 'web', previewService: 'web-preview', scaleDownDelayMs: 90_000})
  })
  test('delay 0s is allowed (old pods go right after promotion)', () => {
    assert.equal(readBlueGreenSpec(deploy({'strata.dev/strategy': 'blue-green', 'strata.dev/active-service': 'web', 'strata.dev/scale-down-delay': '0s'}), origin)?.scaleDownDelayMs, 0)
  })
  test('unknown strategy is refused naming the annotation', () => {
    refused(() => readBlueGreenSpec(deploy({'strata.dev/strategy': 'bluegreen'}), origin), /unknown strata\.dev\/strategy "bluegreen"/, 'metadata.annotations.strata.dev/strategy')
  })
  test('blue-green on a StatefulSet is refused', () => {
    refused(() => readBlueGreenSpec(deploy({'strata.dev/strategy': 'blue-green', 'strata.dev/active-service': 'web'}, 'StatefulSet'), origin), /Deployments only/, 'metadata.annotations.strata.dev/strategy')
  })
  test('missing active service is refused', () => {
    refused(() => readBlueGreenSpec(deploy({'strata.dev/strategy': 'blue-green'}), origin), /needs strata\.dev\/active-service/, 'metadata.annotations.strata.dev/active-service')
  })
  test('a Service name that is not a DNS label is refused', () => {
    refused(() => readBlueGreenSpec(deploy({'strata.dev/strategy': 'blue-green', 'strata.dev/active-service': 'Web_1'}), origin), /not a Service name/, 'metadata.annotations.strata.dev/active-service')
  })
  test('preview equal to active is refused', () => {
    refused(
      () => readBlueGreenSpec(deploy({'strata.dev/strategy': 'blue-green', 'strata.dev/active-service': 'web', 'strata.dev/preview-service': 'web'}), origin),
      /same Service/,
      'metadata.annotations.strata.dev/preview-service',
    )
  })
  for (const bad of ['soon', '30x', '-5s', '', '25h']) {
    test(`delay ${JSON.stringify(bad)} is refused`, () => {
      refused(
        () => readBlueGreenSpec(deploy({'strata.dev/strategy': 'blue-green', 'strata.dev/active-service': 'web', 'strata.dev/scale-down-delay': bad}), origin),
        /strata\.dev\/scale-down-delay/,
        'metadata.annotations.strata.dev/scale-down-delay',
      )
    })
  }
  test('blue/green annotations without the strategy are refused (a typo must not silently roll in place)', () => {
    refused(() => readBlueGreenSpec(deploy({'strata.dev/active-service': 'web'}), origin), /without strata\.dev\/strategy: blue-green/, 'metadata.annotations.strata.dev/active-service')
    refused(() => readBlueGreenSpec(deploy({'strata.dev/strategy': 'canary', 'strata.dev/preview-service': 'p'}), origin), /only apply to/, 'metadata.annotations.strata.dev/preview-service')
  })
})

describe('checkServices', () => {
  const spec: BlueGreenSpec = {activeService: 'web', previewService: 'web-preview', scaleDownDelayMs: 30_000}
  const lookupOf = (...svcs: JsonObject[]) => (name: string) => svcs.find((s) => (s.metadata as JsonObject).name === name)

  test('Services whose selectors are a subset of the pod labels pass', () => {
    checkServices(spec, deploy({}), origin, lookupOf(service('web', {app: 'web'}), service('web-preview', {app: 'web', tier: 'front'})))
  })
  test("strata's own switch keys on a live Service do not count against the match", () => {
    checkServices(spec, deploy({}), origin, lookupOf(service('web', {app: 'web', 'strata.dev/bg-hash': 'abc'}), service('web-preview', {app: 'web', 'pod-template-hash': '5d9'})))
  })
  test('an unknown active Service is refused', () => {
    refused(() => checkServices(spec, deploy({}), origin, lookupOf(service('web-preview', {app: 'web'}))), /Service web, which is neither rendered nor in the cluster/, 'metadata.annotations.strata.dev/active-service')
  })
  test('an unknown preview Service is refused', () => {
    refused(() => checkServices(spec, deploy({}), origin, lookupOf(service('web', {app: 'web'}))), /Service web-preview/, 'metadata.annotations.strata.dev/preview-service')
  })
  test('a selector that misses the pods is refused, naming the label', () => {
    refused(
      () => checkServices(spec, deploy({}), origin, lookupOf(service('web', {app: 'api'}), service('web-preview', {app: 'web'}))),
      /does not select the Deployment's pods: app=api \(pods have app=web\)/,
      'metadata.annotations.strata.dev/active-service',
    )
    refused(
      () => checkServices(spec, deploy({}), origin, lookupOf(service('web', {app: 'web'}), service('web-preview', {app: 'web', track: 'x'}))),
      /track=x \(pods have no such label\)/,
      'metadata.annotations.strata.dev/preview-service',
    )
  })
  test('a Service without a selector is refused (strata could not switch it)', () => {
    refused(() => checkServices(spec, deploy({}), origin, lookupOf(service('web'), service('web-preview', {app: 'web'}))), /has no spec\.selector/, 'metadata.annotations.strata.dev/active-service')
  })
})
