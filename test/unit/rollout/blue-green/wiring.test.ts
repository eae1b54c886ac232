// Blue/green across plan, diff and the up-front Service check.
import assert from 'node:assert/strict'
import {describe, test} from 'node:test'
import {applySetId, applySetParent} from '../../../../src/cluster/applyset.js'
import {diffResources} from '../../../../src/diff/run.js'
import {UserError} from '../../../../src/model/errors.js'
import {cloneJson, type JsonObject} from '../../../../src/model/json.js'
import {newResource} from '../../../../src/model/resource.js'
import {buildPlan, type PlanObjectInput} from '../../../../src/rollout/plan.js'
import {formatPlanText} from '../../../../src/rollout/plan-format.js'
import {makeTheme} from '../../../../src/ui/theme.js'
import {checkBlueGreenServices} from '../../../../src/rollout/strategies/blue-green/check.js'
import {templateHash, versionDeployment} from '../../../../src/rollout/strategies/blue-green/objects.js'
import {FakeCluster} from '../../diff/helpers/fake-cluster.js'

const ns = 'shop'
const id = applySetId(applySetParent('shop', ns))
const partOf = {'applyset.kubernetes.io/part-of': id}

function web(image: string, annotations: Record<string, string> = {}): JsonObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {name: 'web', namespace: ns, annotations: {'strata.dev/strategy': 'blue-green', 'strata.dev/active-service': 'web', ...annotations}},
    spec: {replicas: 2, selector: {matchLabels: {app: 'web'}}, template: {metadata: {labels: {app: 'web'}}, spec: {containers: [{name: 'web', image}]}}},
  }
}
const svc = (name: string, selector: Record<string, string> = {app: 'web'}): JsonObject => ({apiVersion: 'v1', kind: 'Service', metadata: {name, namespace: ns}, spec: {selector, ports: [{port: 80}]}})

describe('plan', () => {
  const plan = (o: PlanObjectInput) => buildPlan({app: 'shop', namespace: ns, objects: [o], deletions: []})
  test('a template change of a blue/green Deployment is one blue-green "batch" with its spec', () => {
    const item = plan({object: web('web:2', {'strata.dev/scale-down-delay': '1m'}), action: 'update', changedPaths: ['spec.template.spec.containers[name=web].image']}).steps[0].items[0]
    assert.deepEqual(item.batches, {strategy: 'blue-green', shares: [1]})
    assert.deepEqual(item.blueGreen, {activeService: 'web', scaleDownDelayMs: 60_000})
  })
  test('no template change: no batches, but still marked blue/green (applied under its version name)', () => {
    for (const o of [{object: web('web:1'), action: 'update' as const, changedPaths: ['spec.replicas']}, {object: web('web:1'), action: 'create' as const, changedPaths: []}]) {
      const item = plan(o).steps[0].items[0]
      assert.equal(item.batches, undefined)
      assert.equal(item.blueGreen?.activeService, 'web')
    }
  })
  test('strata.dev/rollout on a blue/green Deployment and a bad delay are refused, naming the annotation', () => {
    assert.throws(() => plan({object: web('web:2', {'strata.dev/rollout': '25%,100%'}), action: 'update', changedPaths: ['spec.template']}), (e: UserError) => e instanceof UserError && e.origin.field === 'metadata.annotations.strata.dev/rollout')
    assert.throws(() => plan({object: web('web:2', {'strata.dev/scale-down-delay': 'soon'}), action: 'update', changedPaths: ['spec.template']}), (e: UserError) => e instanceof UserError && e.origin.field === 'metadata.annotations.strata.dev/scale-down-delay')
    assert.throws(() => plan({object: web('web:2', {'strata.dev/auto-promote': 'no'}), action: 'update', changedPaths: ['spec.template']}), (e: UserError) => e instanceof UserError && e.origin.field === 'metadata.annotations.strata.dev/auto-promote')
  })
})

describe('checkBlueGreenServices', () => {
  const res = (...objs: JsonObject[]) => objs.map((o) => newResource(cloneJson(o), {file: 'app/web.yaml'}))
  test('a missing Service is refused naming file and annotation; a live one is enough', async () => {
    const c = new FakeCluster()
    await assert.rejects(checkBlueGreenServices(c, res(web('web:1')), ns), (e: UserError) => e instanceof UserError && e.origin.file === 'app/web.yaml' && e.origin.field === 'metadata.annotations.strata.dev/active-service' && /neither rendered nor in the cluster/.test(e.message))
    c.put(svc('web'))
    await checkBlueGreenServices(c, res(web('web:1')), ns)
  })
  test('a Service whose selector misses the pods is refused; the rendered Service wins over the live one', async () => {
    const c = new FakeCluster()
    c.put(svc('web'))
    await assert.rejects(checkBlueGreenServices(c, res(web('web:1'), svc('web', {app: 'api'})), ns), /does not select the Deployment's pods: app=api \(pods have app=web\)/)
    await assert.rejects(checkBlueGreenServices(c, res(web('web:1', {'strata.dev/preview-service': 'web-preview'})), ns), (e: UserError) => e.origin.field === 'metadata.annotations.strata.dev/preview-service')
  })
})

describe('diff', () => {
  /** The app after a blue/green promotion: the version Deployment serving, the Service switched. */
  function promoted(rendered: JsonObject, stale?: JsonObject): FakeCluster {
    const c = new FakeCluster()
    c.namespaces.add(ns)
    c.put({apiVersion: 'v1', kind: 'Secret', metadata: {name: 'applyset-shop', namespace: ns, labels: {'applyset.kubernetes.io/id': id}, annotations: {'applyset.kubernetes.io/contains-group-kinds': 'Deployment.apps,Service', 'applyset.kubernetes.io/tooling': 'strata/v0.1.0'}}})
    const hash = templateHash(rendered)
    for (const o of [versionDeployment(rendered, hash), ...(stale ? [versionDeployment(stale, templateHash(stale))] : []), svc('web', {app: 'web', 'strata.dev/bg-hash': hash})]) {
      const labelled = cloneJson(o)
      ;(labelled.metadata as JsonObject).labels = {...((labelled.metadata as JsonObject).labels as JsonObject | undefined), ...partOf}
      c.put(labelled)
    }
    return c
  }
  const rendered = (...objs: JsonObject[]) => objs.map((o) => newResource(cloneJson(o), {file: 'app.yaml'}))

  test('after a promotion, the same render is unchanged: no switch keys as drift, version Deployments not pruned', async () => {
    const report = await diffResources(rendered(web('web:2'), svc('web')), promoted(web('web:2'), web('web:1')), {name: 'shop'})
    assert.deepEqual(report.summary, {add: 0, change: 0, delete: 0, unchanged: 2, error: 0, retained: 0})
  })
  test('a new image is a change of Deployment web (under the rendered name), nothing else', async () => {
    const report = await diffResources(rendered(web('web:3'), svc('web')), promoted(web('web:2')), {name: 'shop'})
    assert.deepEqual(report.summary, {add: 0, change: 1, delete: 0, unchanged: 1, error: 0, retained: 0})
    const change = report.resources.find((r) => r.action === 'change')!
    assert.equal(change.id.name, 'web')
    assert.deepEqual(change.changedPaths, ['spec.template.spec.containers[name=web].image'])
    assert.equal((change.after!.metadata as JsonObject).name, 'web')
  })
  test('a version Deployment of a Deployment the render no longer has is pruned', async () => {
    const plain = web('web:2')
    const report = await diffResources(rendered(svc('web')), promoted(plain), {name: 'shop'})
    assert.equal(report.summary.delete, 1)
  })
})

describe('plan text', () => {
  test('a blue/green change says what it will do instead of batch shares', () => {
    const p = buildPlan({app: 'shop', namespace: ns, objects: [{object: web('web:2', {'strata.dev/preview-service': 'web-preview', 'strata.dev/auto-promote': 'false'}), action: 'update', changedPaths: ['spec.template']}], deletions: []})
    assert.match(formatPlanText(p, makeTheme(false)), /~ Deployment shop\/web \(update, blue-green: preview web-preview, switch web after resume, old version removed 30s later\)/)
  })
})
