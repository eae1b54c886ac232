// Blue/green through bin/run.js on the real control plane (kwok makes pods Ready): the first
// change of a plain Deployment and a change between two versions switch the active Service in one
// write while EndpointSlices are polled (never a moment without Ready endpoints); the old version
// goes after the scale-down delay; a repeated apply is a no-op and diff shows no drift; a pause
// before promotion is resumed, or aborted, from another process; an abort during the scale-down
// delay switches back at once; bad Services and delays are refused before any change.
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {describe, test} from 'node:test'
import {kubeCluster} from '../../src/cluster/kube.js'
import type {ClusterPort} from '../../src/cluster/port.js'
import type {JsonObject} from '../../src/model/json.js'
import {newAppDir, rewriteTree, strata, strataAsync} from './helpers/cli.js'
import {cluster, waitFor, withNamespace} from './helpers/cluster.js'
import {deploymentNames, endpointImages, waitForEndpoints} from './helpers/endpoints.js'

const images = {v1: 'registry.invalid/web:1.0', v2: 'registry.invalid/web:2.0', v3: 'registry.invalid/web:3.0', v4: 'registry.invalid/web:4.0'}

function tree(ns: string, image: string, annotations: Record<string, string> = {}, services = true): Record<string, string> {
  const ann = {'strata.dev/strategy': 'blue-green', 'strata.dev/active-service': 'web', 'strata.dev/preview-service': 'web-preview', 'strata.dev/scale-down-delay': '3s', ...annotations}
  const svc = (name: string) => `apiVersion: v1
kind: Service
metadata: {name: ${name}}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
`
  return {
    'kustomization.yaml': `namespace: ${ns}\nresources: [${services ? 'svc.yaml, ' : ''}web.yaml]\n`,
    ...(services ? {'svc.yaml': `${svc('web')}---\n${svc('web-preview')}`} : {}),
    'web.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations: ${JSON.stringify(ann)}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: 0
      containers:
      - {name: web, image: ${image}}
`,
  }
}

function kubectl(kubeconfig: string, ...args: string[]) {
  return spawnSync('kubectl', ['--kubeconfig', kubeconfig, ...args], {encoding: 'utf8'})
}

/** Polls the active Service's EndpointSlices until stopped: every sample's Ready endpoint count. */
function pollEndpoints(port: ClusterPort, ns: string) {
  const samples: {total: number; images: Record<string, number>}[] = []
  let running = true
  const done = (async () => {
    while (running) {
      const images = await endpointImages(port, ns, 'web')
      samples.push({total: Object.values(images).reduce((a, b) => a + b, 0), images})
      await new Promise((r) => setTimeout(r, 50))
    }
  })()
  return {
    samples,
    stop: async () => {
      running = false
      await done
      return samples
    },
  }
}

function statusJson(kubeconfig: string, ns: string): JsonObject {
  const r = strata(kubeconfig, 'rollout', 'status', 'app', '-n', ns, '--json')
  return JSON.parse(r.stdout) as JsonObject
}

function blueGreenOf(status: JsonObject): JsonObject | undefined {
  return ((status.workloads as JsonObject[]) ?? []).find((w) => w.strategy === 'blue-green')?.blueGreen as JsonObject | undefined
}

async function setup(t: Parameters<typeof withNamespace>[0]) {
  const {kubeconfig} = await cluster()
  const port = await kubeCluster({kubeconfig})
  const ns = await withNamespace(t, 'bluegreen')
  const dir = newAppDir('app')
  rewriteTree(dir, tree(ns, images.v1))
  const first = strata(kubeconfig, 'apply', dir)
  assert.equal(first.code, 0, first.all)
  await waitForEndpoints(port, ns, 'web', {[images.v1]: 3})
  return {kubeconfig, port, ns, dir}
}

describe('blue/green', () => {
  test('promotion switches the Service with Ready endpoints throughout; old version removed after the delay; re-apply is a no-op', async (t) => {
    const {kubeconfig, port, ns, dir} = await setup(t)
    for (const [from, to] of [[images.v1, images.v2], [images.v2, images.v3]]) {
      rewriteTree(dir, tree(ns, to))
      const poll = pollEndpoints(port, ns)
      const r = await strataAsync(kubeconfig, 'apply', dir)
      const samples = await poll.stop()
      assert.equal(r.code, 0, r.all)
      assert.match(r.stdout, /blue\/green: switch web to web-/)
      assert.match(r.stdout, /Deployment web(-[0-9a-f]{10})? removed/)
      // Every sample during the apply: 3 Ready endpoints, all of one version (the switch is one write).
      assert.ok(samples.length > 20, `only ${samples.length} samples`)
      const bad = samples.filter((s) => s.total < 3)
      assert.deepEqual(bad, [], `samples without 3 Ready endpoints: ${JSON.stringify(bad.slice(0, 5))}`)
      assert.ok(samples.some((s) => s.images[from] === 3) || from === images.v1, 'the old version served at the start')
      assert.equal(samples.filter((s) => Object.keys(s.images).length > 1).length <= 2, true, 'old and new never mixed for long')
      await waitForEndpoints(port, ns, 'web', {[to]: 3})
      await waitForEndpoints(port, ns, 'web-preview', {[to]: 3})
      const names = await deploymentNames(port, ns)
      assert.equal(names.length, 1, `only the new version is left after the delay: ${names.join(', ')}`)
      assert.match(names[0], /^web-[0-9a-f]{10}$/)
      const bg = blueGreenOf(statusJson(kubeconfig, ns))!
      assert.equal(bg.phase, 'done')
      assert.equal((bg.next as JsonObject).deployment, names[0])
    }
    const diff = strata(kubeconfig, 'diff', dir)
    assert.equal(diff.code, 0, `no drift after the promotions: ${diff.all}`)
    const again = strata(kubeconfig, 'apply', dir)
    assert.equal(again.code, 0, again.all)
    assert.doesNotMatch(again.stdout, /blue\/green|created|configured/)
    assert.equal((await deploymentNames(port, ns)).length, 1)
    // The version Deployment belongs to the app: deleting the app's objects by prune takes it.
    rewriteTree(dir, {'kustomization.yaml': `namespace: ${ns}\nresources: [svc.yaml]\n`, 'svc.yaml': tree(ns, images.v1)['svc.yaml']})
    const pruned = strata(kubeconfig, 'apply', dir)
    assert.equal(pruned.code, 0, pruned.all)
    await waitFor('version Deployment pruned', async () => (await deploymentNames(port, ns)).length === 0, {timeoutMs: 30_000})
  })

  test('paused before promotion: resumed from another process; a second one aborted: Service stays, new version removed', async (t) => {
    const {kubeconfig, port, ns, dir} = await setup(t)
    rewriteTree(dir, tree(ns, images.v2, {'strata.dev/auto-promote': 'false'}))
    const paused = strata(kubeconfig, 'apply', dir)
    assert.equal(paused.code, 3, paused.all)
    assert.match(paused.stdout, /resume to switch web/)
    await waitForEndpoints(port, ns, 'web', {[images.v1]: 3})
    await waitForEndpoints(port, ns, 'web-preview', {[images.v2]: 3})
    const text = strata(kubeconfig, 'rollout', 'status', 'app', '-n', ns)
    assert.equal(text.code, 3, text.all)
    assert.match(text.stdout, /Deployment \S+\/web: blue-green ready \(new version Ready, not yet promoted\)/)
    assert.match(text.stdout, /web → web-[0-9a-f]{10}; web serves web, web-preview previews web-/)

    const poll = pollEndpoints(port, ns)
    const resumed = await strataAsync(kubeconfig, 'rollout', 'resume', 'app', '-n', ns)
    const samples = await poll.stop()
    assert.equal(resumed.code, 0, resumed.all)
    assert.deepEqual(samples.filter((s) => s.total < 3), [])
    await waitForEndpoints(port, ns, 'web', {[images.v2]: 3})
    const serving = await deploymentNames(port, ns)
    assert.equal(serving.length, 1)

    rewriteTree(dir, tree(ns, images.v3, {'strata.dev/auto-promote': 'false'}))
    assert.equal(strata(kubeconfig, 'apply', dir).code, 3)
    await waitForEndpoints(port, ns, 'web-preview', {[images.v3]: 3})
    const abort = strata(kubeconfig, 'rollout', 'abort', 'app', '-n', ns)
    assert.equal(abort.code, 0, abort.all)
    await waitForEndpoints(port, ns, 'web', {[images.v2]: 3})
    await waitForEndpoints(port, ns, 'web-preview', {[images.v2]: 3})
    await waitFor('v3 removed', async () => JSON.stringify(await deploymentNames(port, ns)) === JSON.stringify(serving), {timeoutMs: 30_000})
    assert.equal(statusJson(kubeconfig, ns).phase, 'aborted')
  })

  test('abort before the first promotion of a plain Deployment unpins the Service', async (t) => {
    const {kubeconfig, port, ns, dir} = await setup(t)
    rewriteTree(dir, tree(ns, images.v2, {'strata.dev/auto-promote': 'false'}))
    assert.equal(strata(kubeconfig, 'apply', dir).code, 3)
    const svc = JSON.parse(kubectl(kubeconfig, 'get', 'service', 'web', '-n', ns, '-o', 'json').stdout) as {spec: {selector: Record<string, string>}}
    assert.ok('pod-template-hash' in svc.spec.selector, 'pinned to the live ReplicaSet while the new version runs')
    const abort = strata(kubeconfig, 'rollout', 'abort', 'app', '-n', ns)
    assert.equal(abort.code, 0, abort.all)
    const after = JSON.parse(kubectl(kubeconfig, 'get', 'service', 'web', '-n', ns, '-o', 'json').stdout) as {spec: {selector: Record<string, string>}}
    assert.deepEqual(after.spec.selector, {app: 'web'})
    assert.deepEqual(await deploymentNames(port, ns), ['web'])
    await waitForEndpoints(port, ns, 'web', {[images.v1]: 3})
  })

  test('abort during the scale-down delay (from another process) switches back at once', async (t) => {
    const {kubeconfig, port, ns, dir} = await setup(t)
    rewriteTree(dir, tree(ns, images.v2))
    assert.equal(strata(kubeconfig, 'apply', dir).code, 0)
    await waitForEndpoints(port, ns, 'web', {[images.v2]: 3})
    rewriteTree(dir, tree(ns, images.v3, {'strata.dev/scale-down-delay': '10m'}))
    const running = strataAsync(kubeconfig, 'apply', dir)
    t.after(() => running.kill('SIGKILL'))
    await waitFor('promoted, in the scale-down delay', async () => blueGreenOf(statusJson(kubeconfig, ns))?.phase === 'promoted', {timeoutMs: 90_000, intervalMs: 500})
    await waitForEndpoints(port, ns, 'web', {[images.v3]: 3})
    const poll = pollEndpoints(port, ns)
    const abort = await strataAsync(kubeconfig, 'rollout', 'abort', 'app', '-n', ns)
    const samples = await poll.stop()
    assert.equal(abort.code, 0, abort.all)
    const applied = await running
    assert.equal(applied.code, 2, applied.all)
    assert.deepEqual(samples.filter((s) => s.total < 3), [])
    await waitForEndpoints(port, ns, 'web', {[images.v2]: 3})
    await waitFor('v3 removed', async () => (await deploymentNames(port, ns)).length === 1, {timeoutMs: 30_000})
  })

  test('bad input is refused before any change (exit 2, file and field)', async (t) => {
    const {kubeconfig} = await cluster()
    const port = await kubeCluster({kubeconfig})
    const ns = await withNamespace(t, 'bluegreen-bad')
    const dir = newAppDir('app')
    const cases: [Record<string, string>, RegExp][] = [
      [tree(ns, images.v1, {}, false), /web\.yaml.*field metadata\.annotations\.strata\.dev\/active-service.*neither rendered nor in the cluster/s],
      [tree(ns, images.v1, {'strata.dev/scale-down-delay': 'later'}), /field metadata\.annotations\.strata\.dev\/scale-down-delay.*not a duration/s],
      [{...tree(ns, images.v1), 'svc.yaml': tree(ns, images.v1)['svc.yaml'].replace('selector: {app: web}', 'selector: {app: api}')}, /does not select the Deployment's pods: app=api/],
    ]
    for (const [files, message] of cases) {
      rewriteTree(dir, files)
      const r = strata(kubeconfig, 'apply', dir)
      assert.equal(r.code, 2, r.all)
      assert.match(r.stderr, message)
      assert.doesNotMatch(r.all, /\n\s+at /, 'no stack trace')
      assert.deepEqual(await deploymentNames(port, ns), [])
      assert.deepEqual((await port.list('v1', 'Service', {namespace: ns})).length, 0)
    }
  })
})
