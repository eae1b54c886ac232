import assert from 'node:assert/strict'
import * as path from 'node:path'
import {describe, test} from 'node:test'
import {parseFleet} from '../../../src/fleet/fleet-file.js'
import {fleetDigest} from '../../../src/fleet/fleet-digest.js'
import {UserError} from '../../../src/model/errors.js'

const file = '/srv/deploy/fleet.yaml'
const good = `apiVersion: strata.dev/v1alpha1
kind: Fleet
metadata: {name: shop}
spec:
  path: overlays/{cluster}
  clusters:
  - {name: canary, kubeconfig: ./kube/canary.yaml, labels: {tier: canary}}
  - {name: eu-1, kubeconfig: kube/eu-1.yaml, context: admin, labels: {tier: main}}
  - {name: eu-2, labels: {tier: main}, path: ../other/eu-2}
  waves:
  - {name: canary, selector: {tier: canary}, pause: true}
  - {name: main, selector: {tier: main}, maxParallel: 2, maxFailures: 1}
`

/** The UserError parseFleet throws for `text`, as {message, field}. */
function refusal(text: string): {message: string; field?: string; file?: string} {
  try {
    parseFleet(text, file)
  } catch (e) {
    assert.ok(e instanceof UserError, `expected a UserError, got ${String(e)}`)
    return {message: e.message, field: e.origin.field, file: e.origin.file}
  }
  assert.fail('expected a refusal')
}

describe('fleet file', () => {
  test('clusters, waves and paths relative to the fleet file; app defaults to the fleet name', () => {
    const f = parseFleet(good, file)
    assert.equal(f.name, 'shop')
    assert.equal(f.app, 'shop')
    assert.equal(f.namespace, undefined)
    assert.deepEqual(
      f.clusters.map((c) => [c.name, c.kubeconfig, c.context, c.dir, c.wave]),
      [
        ['canary', '/srv/deploy/kube/canary.yaml', undefined, '/srv/deploy/overlays/canary', 0],
        ['eu-1', '/srv/deploy/kube/eu-1.yaml', 'admin', '/srv/deploy/overlays/eu-1', 1],
        ['eu-2', undefined, undefined, '/srv/other/eu-2', 1],
      ],
    )
    assert.deepEqual(
      f.waves.map((w) => [w.name, w.clusters, w.pause, w.maxParallel, w.maxFailures]),
      [
        ['canary', ['canary'], true, 1, 0],
        ['main', ['eu-1', 'eu-2'], false, 2, 1],
      ],
    )
    assert.equal(f.file, path.resolve(file))
  })

  test('spec.app and spec.namespace are taken when given', () => {
    const f = parseFleet(good.replace('  path: overlays/{cluster}\n', '  path: overlays/{cluster}\n  app: web\n  namespace: web\n'), file)
    assert.equal(f.app, 'web')
    assert.equal(f.namespace, 'web')
  })

  test('a cluster in no wave is refused, naming it and its labels', () => {
    const r = refusal(good.replace('{name: eu-2, labels: {tier: main}', '{name: eu-2, labels: {tier: edge}'))
    assert.match(r.message, /cluster "eu-2" is in no wave \(labels tier=edge\)/)
    assert.equal(r.field, 'spec.clusters[2].labels')
    assert.equal(r.file, file)
  })

  test('a cluster in two waves is refused, naming both waves', () => {
    const r = refusal(good.replace('{name: eu-1, kubeconfig: kube/eu-1.yaml, context: admin, labels: {tier: main}}', '{name: eu-1, kubeconfig: kube/eu-1.yaml, context: admin, labels: {tier: main, canary: "yes"}}').replace('selector: {tier: canary}', 'selector: {canary: "yes"}').replace('{name: canary, kubeconfig: ./kube/canary.yaml, labels: {tier: canary}}', '{name: canary, kubeconfig: ./kube/canary.yaml, labels: {canary: "yes"}}'))
    assert.match(r.message, /cluster "eu-1" is in two waves: "canary" and "main"/)
    assert.equal(r.field, 'spec.waves[1].selector')
  })

  test('unknown keys are refused at every level', () => {
    assert.equal(refusal(good.replace('kind: Fleet', 'kind: Fleet\nstatus: {}')).field, 'status')
    assert.equal(refusal(good.replace('  path: overlays', '  paths: x\n  path: overlays')).field, 'spec.paths')
    assert.equal(refusal(good.replace('context: admin', 'contxt: admin')).field, 'spec.clusters[1].contxt')
    const r = refusal(good.replace('maxParallel: 2', 'parallel: 2'))
    assert.equal(r.field, 'spec.waves[1].parallel')
    assert.match(r.message, /unknown field "spec.waves\[1\].parallel"/)
  })

  test('duplicate cluster and wave names are refused', () => {
    assert.match(refusal(good.replace('{name: eu-2,', '{name: eu-1,')).message, /cluster name "eu-1" is already used by spec.clusters\[1\]/)
    assert.equal(refusal(good.replace('{name: main, selector', '{name: canary, selector')).field, 'spec.waves[1].name')
  })

  test('bad selectors: empty, not a mapping, a number value, selecting nothing', () => {
    assert.match(refusal(good.replace('selector: {tier: canary}', 'selector: {}')).message, /selector is empty/)
    assert.match(refusal(good.replace('selector: {tier: canary}', 'selector: tier=canary')).message, /spec.waves\[0\].selector must be a mapping/)
    const n = refusal(good.replace('selector: {tier: canary}', 'selector: {tier: 1}'))
    assert.equal(n.field, 'spec.waves[0].selector.tier')
    assert.match(n.message, /must be a string/)
    assert.match(refusal(good.replace('selector: {tier: canary}', 'selector: {tier: blue}')).message, /wave "canary" selects no cluster \(tier=blue\)/)
  })

  test('wrong types and values name their field', () => {
    assert.equal(refusal(good.replace('pause: true', 'pause: "yes"')).field, 'spec.waves[0].pause')
    assert.equal(refusal(good.replace('maxParallel: 2', 'maxParallel: 0')).field, 'spec.waves[1].maxParallel')
    assert.equal(refusal(good.replace('maxFailures: 1', 'maxFailures: -1')).field, 'spec.waves[1].maxFailures')
    assert.equal(refusal(good.replace('{name: eu-2,', '{name: EU_2,')).field, 'spec.clusters[2].name')
    assert.equal(refusal(good.replace('apiVersion: strata.dev/v1alpha1', 'apiVersion: v1')).field, 'apiVersion')
    assert.equal(refusal(good.replace('kind: Fleet', 'kind: Kustomization')).field, 'kind')
    assert.equal(refusal(good.replace('  path: overlays/{cluster}\n', '')).field, 'spec.path')
    assert.match(refusal(good.replace('overlays/{cluster}', 'overlays/{region}')).message, /unknown placeholder \{region\}/)
    assert.equal(refusal(good.replace(/ {2}waves:[\s\S]*/, '  waves: []\n')).field, 'spec.waves')
    assert.equal(refusal('- a\n').field, 'apiVersion')
  })

  test('the fleet digest changes with a render and with a wave assignment, not with file order', () => {
    const f = parseFleet(good, file)
    const renders = new Map([['canary', 'a'], ['eu-1', 'b'], ['eu-2', 'c']])
    const d = fleetDigest(f, renders)
    assert.equal(fleetDigest({...f, clusters: [...f.clusters].reverse()}, renders), d)
    assert.notEqual(fleetDigest(f, new Map([...renders, ['eu-2', 'x']])), d)
    assert.notEqual(fleetDigest({...f, clusters: f.clusters.map((c) => (c.name === 'eu-2' ? {...c, wave: 0} : c))}, renders), d)
  })
})
