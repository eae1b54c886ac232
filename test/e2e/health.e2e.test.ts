// Health gates on the real control plane (kwok makes pods Ready and Job pods Succeeded): a
// Deployment goes progressing → healthy, a Job completes, a CRD becomes Established, and a
// Deployment whose pods cannot schedule times out with a report naming the pod condition and
// the scheduler's events.
import assert from 'node:assert/strict'
import {describe, test} from 'node:test'
import {kubeCluster} from '../../src/cluster/kube.js'
import type {ClusterPort} from '../../src/cluster/port.js'
import type {JsonObject} from '../../src/model/json.js'
import {waitForHealthy, type GateResult} from '../../src/rollout/wait-healthy.js'
import type {Health, PlanObjectId, RolloutEvent} from '../../src/rollout/types.js'
import {cluster, withNamespace} from './helpers/cluster.js'

async function port(): Promise<ClusterPort> {
  const {kubeconfig} = await cluster()
  return kubeCluster({kubeconfig})
}

function idOf(obj: JsonObject): PlanObjectId {
  const md = obj.metadata as JsonObject
  const apiVersion = String(obj.apiVersion)
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : ''
  const namespace = typeof md.namespace === 'string' ? md.namespace : ''
  return {key: `${group}/${String(obj.kind)}/${namespace}/${String(md.name)}`, apiVersion, kind: String(obj.kind), namespace, name: String(md.name)}
}

async function drain(gen: AsyncGenerator<RolloutEvent, GateResult>): Promise<{healths: Health[]; result: GateResult}> {
  const healths: Health[] = []
  for (;;) {
    const r = await gen.next()
    if (r.done === true) return {healths, result: r.value}
    if (r.value.type === 'health') healths.push(r.value.health)
  }
}

function deployment(ns: string, name: string, extraPodSpec: JsonObject = {}): JsonObject {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name, namespace: ns},
    spec: {replicas: 2, selector: {matchLabels: {app: name}}, template: {metadata: {labels: {app: name}},
      spec: {containers: [{name: 'app', image: 'example.com/app:1'}], terminationGracePeriodSeconds: 0, ...extraPodSpec}}},
  }
}

describe('health gates on the real control plane', () => {
  test('a Deployment goes progressing → healthy', async (t) => {
    const ns = await withNamespace(t, 'health')
    const kube = await port()
    const obj = await kube.apply(deployment(ns, 'web'), {dryRun: false, force: true})
    const {healths, result} = await drain(waitForHealthy(kube, [idOf(obj)], {timeoutMs: 60_000, pollMs: 250}))
    assert.deepEqual(result, {ok: true})
    assert.equal(healths[0].status, 'progressing')
    assert.deepEqual(healths.at(-1), {status: 'healthy', message: '2/2 replicas ready', ready: 2, desired: 2})
  })

  test('a Job completes', async (t) => {
    const ns = await withNamespace(t, 'health')
    const kube = await port()
    const job = await kube.apply({apiVersion: 'batch/v1', kind: 'Job', metadata: {name: 'migrate', namespace: ns},
      spec: {backoffLimit: 0, template: {spec: {restartPolicy: 'Never', containers: [{name: 'm', image: 'example.com/migrate:1'}]}}}}, {dryRun: false, force: true})
    const {healths, result} = await drain(waitForHealthy(kube, [idOf(job)], {timeoutMs: 60_000, pollMs: 250}))
    assert.deepEqual(result, {ok: true})
    assert.equal(healths.at(-1)?.condition, 'Complete')
  })

  test('a CRD becomes Established', async (t) => {
    const kube = await port()
    const suffix = Math.random().toString(36).slice(2, 8)
    const group = `h${suffix}.strata.dev`
    const crd = await kube.apply({apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: {name: `gadgets.${group}`},
      spec: {group, scope: 'Namespaced', names: {plural: 'gadgets', singular: 'gadget', kind: 'Gadget'},
        versions: [{name: 'v1', served: true, storage: true, schema: {openAPIV3Schema: {type: 'object', 'x-kubernetes-preserve-unknown-fields': true}}}]}}, {dryRun: false, force: true})
    t.after(() => kube.delete({apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: `gadgets.${group}`}))
    const {healths, result} = await drain(waitForHealthy(kube, [idOf(crd)], {timeoutMs: 30_000, pollMs: 100}))
    assert.deepEqual(result, {ok: true})
    assert.equal(healths.at(-1)?.message, 'CRD is established')
  })

  test('unschedulable pods: a tiny timeout ends with a report naming the pod condition and events', async (t) => {
    const ns = await withNamespace(t, 'health')
    const kube = await port()
    const obj = await kube.apply(deployment(ns, 'nowhere', {nodeSelector: {'strata.dev/no-such-node': 'true'}}), {dryRun: false, force: true})
    // Long enough for the scheduler to record FailedScheduling on the pods.
    const {result} = await drain(waitForHealthy(kube, [idOf(obj)], {timeoutMs: 4000, pollMs: 500}))
    assert.equal(result.ok, false)
    if (result.ok) return
    t.diagnostic(result.report)
    assert.equal(result.timedOut, true)
    assert.equal(result.id.name, 'nowhere')
    assert.equal(result.health.status, 'progressing')
    assert.match(result.report, new RegExp(`Deployment/nowhere in namespace ${ns}: progressing`))
    assert.match(result.report, /pods \(0\/2 ready, selector app=nowhere\)/)
    assert.match(result.report, /not ready, Pending, PodScheduled=False: Unschedulable/)
    assert.match(result.report, /FailedScheduling Pod\/nowhere-/)
  })

  // A hang guard, not a timing: without the abort the gate would poll every ten minutes for an hour.
  test('abort returns promptly as interrupted', {timeout: 60_000}, async (t) => {
    const ns = await withNamespace(t, 'health')
    const kube = await port()
    const obj = await kube.apply(deployment(ns, 'stuck', {nodeSelector: {'strata.dev/no-such-node': 'true'}}), {dryRun: false, force: true})
    const ac = new AbortController()
    setTimeout(() => ac.abort(), 500)
    const {result} = await drain(waitForHealthy(kube, [idOf(obj)], {timeoutMs: 3_600_000, pollMs: 600_000, signal: ac.signal}))
    assert.equal(result.ok, false)
    if (!result.ok) assert.equal(result.interrupted, true)
  })
})
