// strata apply and strata rollout resume|abort through bin/run.js on the real control plane
// (kwok makes pods Ready): CRD + custom resource + Namespace in one apply, a Deployment moved in
// 25%/50%/100% batches across three processes, abort back to the old image, prune and its cap.
import assert from 'node:assert/strict'
import {spawn, spawnSync} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {describe, test} from 'node:test'
import {bin, newAppDir as freshAppDir, rewriteTree, strata} from './helpers/cli.js'
import {cluster, waitFor, withNamespace} from './helpers/cluster.js'
import {assertNoDrift, assertPrunedWhenRemoved} from './helpers/inventory.js'

function kubectl(kubeconfig: string, ...args: string[]) {
  const r = spawnSync('kubectl', ['--kubeconfig', kubeconfig, ...args], {encoding: 'utf8'})
  return {code: r.status, stdout: r.stdout, stderr: r.stderr}
}

/** Live (not terminating) pods of app=web, counted by image. */
function podsByImage(kubeconfig: string, ns: string): Record<string, number> {
  const r = kubectl(kubeconfig, 'get', 'pods', '-n', ns, '-l', 'app=web', '-o', 'json')
  assert.equal(r.code, 0, r.stderr)
  const out: Record<string, number> = {}
  for (const p of (JSON.parse(r.stdout) as {items: {metadata: {deletionTimestamp?: string}; spec: {containers: {image: string}[]}}[]}).items) {
    if (p.metadata.deletionTimestamp) continue
    const image = p.spec.containers[0].image
    out[image] = (out[image] ?? 0) + 1
  }
  return out
}

async function waitForPods(kubeconfig: string, ns: string, want: Record<string, number>): Promise<void> {
  await waitFor(`pods ${JSON.stringify(want)}`, async () => {
    const got = podsByImage(kubeconfig, ns)
    return JSON.stringify(Object.entries(got).sort()) === JSON.stringify(Object.entries(want).filter(([, n]) => n > 0).sort()) ? got : false
  }, {timeoutMs: 60_000})
}

function webTree(ns: string, image: string): Record<string, string> {
  return {
    'kustomization.yaml': `namespace: ${ns}\nresources: [web.yaml]\n`,
    'web.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations: {strata.dev/rollout: "25%,50%,100%"}
spec:
  replicas: 4
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: web, image: ${image}}
`,
  }
}

/** The tree once web is removed from it (a ConfigMap stays, so the render is not empty). */
function withoutWeb(ns: string): Record<string, string> {
  return {
    'kustomization.yaml': `namespace: ${ns}\nresources: [cfg.yaml]\n`,
    'cfg.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\ndata: {a: "1"}\n',
  }
}

const v1 = 'registry.invalid/web:1.0'
const v2 = 'registry.invalid/web:2.0'

describe('strata apply + rollout', () => {
  test('a Namespace, a CRD, its custom resource and a ConfigMap in one apply', async (t) => {
    const {kubeconfig} = await cluster()
    const suffix = randomBytes(3).toString('hex')
    const ns = `apply-crd-${suffix}`
    const group = `e2e${suffix}.strata.dev`
    t.after(() => {
      kubectl(kubeconfig, 'delete', 'namespace', ns, '--wait=false', '--ignore-not-found')
      kubectl(kubeconfig, 'delete', 'crd', `widgets.${group}`, '--wait=false', '--ignore-not-found')
    })
    const dir = rewriteTree(freshAppDir('crdapp'), {
      'kustomization.yaml': 'resources: [all.yaml]\n',
      'all.yaml': `apiVersion: ${group}/v1
kind: Widget
metadata: {name: w1, namespace: ${ns}}
spec: {size: 3}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: ${ns}}
data: {a: "1"}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.${group}}
spec:
  group: ${group}
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec: {type: object, x-kubernetes-preserve-unknown-fields: true}
---
apiVersion: v1
kind: Namespace
metadata: {name: ${ns}}
`,
    })
    const r = strata(kubeconfig, 'apply', dir)
    assert.equal(r.code, 0, r.all)
    assert.equal(kubectl(kubeconfig, 'get', `widgets.${group}`, 'w1', '-n', ns).code, 0)
    assert.equal(kubectl(kubeconfig, 'get', 'configmap', 'settings', '-n', ns).code, 0)
    assert.equal(kubectl(kubeconfig, 'get', 'secret', 'applyset-crdapp', '-n', ns).code, 0)
    // a second apply has nothing to change
    const again = strata(kubeconfig, 'apply', dir)
    assert.equal(again.code, 0, again.all)
  })

  test('a Deployment in 25%,50%,100% batches: paused, status from another process, two resumes', async (t) => {
    const ns = await withNamespace(t, 'batches')
    const {kubeconfig} = await cluster()
    const dir = freshAppDir('web')
    rewriteTree(dir, webTree(ns, v1))
    const first = strata(kubeconfig, 'apply', dir)
    assert.equal(first.code, 0, first.all)
    await waitForPods(kubeconfig, ns, {[v1]: 4})

    rewriteTree(dir, webTree(ns, v2))
    const a = strata(kubeconfig, 'apply', dir)
    assert.equal(a.code, 3, a.all)
    assert.match(a.all, new RegExp(`strata rollout resume web -n ${ns}`))
    await waitForPods(kubeconfig, ns, {[v1]: 3, [v2]: 1})

    const status = strata(kubeconfig, 'rollout', 'status', 'web', '-n', ns)
    assert.equal(status.code, 3, status.all)
    assert.match(status.stdout, /paused/)
    const again = strata(kubeconfig, 'apply', dir)
    assert.equal(again.code, 2, again.all)
    assert.match(again.stderr, /paused/)

    const r1 = strata(kubeconfig, 'rollout', 'resume', 'web', '-n', ns)
    assert.equal(r1.code, 3, r1.all)
    await waitForPods(kubeconfig, ns, {[v1]: 2, [v2]: 2})

    const r2 = strata(kubeconfig, 'rollout', 'resume', 'web', '-n', ns)
    assert.equal(r2.code, 0, r2.all)
    await waitForPods(kubeconfig, ns, {[v2]: 4})
    assert.notEqual(kubectl(kubeconfig, 'get', 'deployment', 'web-strata-canary', '-n', ns).code, 0, 'canary removed')
    const done = strata(kubeconfig, 'rollout', 'status', 'web', '-n', ns, '--json')
    assert.equal((JSON.parse(done.stdout) as {phase: string}).phase, 'done')
    // The promotion kept web in the inventory: nothing to diff, and removing it prunes it.
    const web = {kind: 'Deployment', name: 'web', namespace: ns} as const
    assertNoDrift(kubeconfig, dir, web)
    await assertPrunedWhenRemoved(kubeconfig, dir, withoutWeb(ns), web)
  })

  test('rollout abort puts the old image back on every pod', async (t) => {
    const ns = await withNamespace(t, 'abort')
    const {kubeconfig} = await cluster()
    const dir = freshAppDir('web')
    rewriteTree(dir, webTree(ns, v1))
    assert.equal(strata(kubeconfig, 'apply', dir).code, 0)
    await waitForPods(kubeconfig, ns, {[v1]: 4})
    rewriteTree(dir, webTree(ns, v2))
    const a = strata(kubeconfig, 'apply', dir)
    assert.equal(a.code, 3, a.all)
    await waitForPods(kubeconfig, ns, {[v1]: 3, [v2]: 1})

    const ab = strata(kubeconfig, 'rollout', 'abort', 'web', '-n', ns)
    assert.equal(ab.code, 0, ab.all)
    await waitForPods(kubeconfig, ns, {[v1]: 4})
    assert.notEqual(kubectl(kubeconfig, 'get', 'deployment', 'web-strata-canary', '-n', ns).code, 0, 'canary removed')
    const image = kubectl(kubeconfig, 'get', 'deployment', 'web', '-n', ns, '-o', 'jsonpath={.spec.template.spec.containers[0].image}')
    assert.equal(image.stdout, v1)
    // The cluster is back on the old tree, web still in the inventory.
    const web = {kind: 'Deployment', name: 'web', namespace: ns} as const
    rewriteTree(dir, webTree(ns, v1))
    assertNoDrift(kubeconfig, dir, web)
    await assertPrunedWhenRemoved(kubeconfig, dir, withoutWeb(ns), web)
  })

  test('prune deletes a removed member only; over the cap nothing is deleted', async (t) => {
    const ns = await withNamespace(t, 'prune')
    const {kubeconfig} = await cluster()
    const dir = freshAppDir('cfg')
    const tree = (names: string[]) => ({
      'kustomization.yaml': `namespace: ${ns}\nresources: [all.yaml]\n`,
      'all.yaml': names.map((n) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${n}}\ndata: {a: "1"}\n`).join('---\n'),
    })
    const configMaps = () => kubectl(kubeconfig, 'get', 'configmap', '-n', ns, '-o', 'name').stdout.split('\n').filter((l) => l && !l.includes('kube-root-ca')).sort()
    rewriteTree(dir, tree(['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8']))
    const first = strata(kubeconfig, 'apply', dir)
    assert.equal(first.code, 0, first.all)
    assert.equal(kubectl(kubeconfig, 'create', 'configmap', 'outsider', '-n', ns, '--from-literal=a=1').code, 0)

    rewriteTree(dir, tree(['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7']))
    const pruned = strata(kubeconfig, 'apply', dir)
    assert.equal(pruned.code, 0, pruned.all)
    assert.deepEqual(configMaps(), ['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'outsider'].map((n) => `configmap/${n}`))

    rewriteTree(dir, tree(['c1', 'c2']))
    const refused = strata(kubeconfig, 'apply', dir)
    assert.equal(refused.code, 2, refused.all)
    assert.match(refused.stderr, /delete 5 objects, over the cap of 1/)
    assert.match(refused.stderr, /--allow-mass-delete/)
    assert.deepEqual(configMaps(), ['c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'outsider'].map((n) => `configmap/${n}`))
  })

  for (const sig of ['SIGINT', 'SIGKILL'] as const) {
    test(`${sig} mid-step, then rollout resume completes`, async (t) => {
      const ns = await withNamespace(t, sig.toLowerCase())
      const {kubeconfig} = await cluster()
      // Pods annotated strata.dev/e2e-unready: "true" stay unready (scripts/cluster's kwok stage):
      // the apply sits in the workloads step's health gate until it is stopped.
      const dir = rewriteTree(freshAppDir('stuck'), {
        'kustomization.yaml': `namespace: ${ns}\nresources: [web.yaml]\n`,
        'web.yaml': `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}, annotations: {strata.dev/e2e-unready: "true"}}
    spec:
      containers:
      - {name: web, image: ${v1}}
`,
      })
      const child = spawn(process.execPath, [bin, 'apply', dir, '--timeout', '2m', '--kubeconfig', kubeconfig], {env: {...process.env, CI: '1'}, stdio: ['ignore', 'pipe', 'pipe']})
      let out = ''
      child.stdout.on('data', (b: Buffer) => (out += b.toString()))
      child.stderr.on('data', (b: Buffer) => (out += b.toString()))
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
      await waitFor('the apply waiting on web', async () => /Deployment \S+\/web (created|progressing)/.test(out), {timeoutMs: 60_000})
      child.kill(sig)
      const code = await exited
      if (sig === 'SIGINT') {
        assert.equal(code, 130, out)
        assert.match(out, /strata rollout resume stuck/)
        const status = strata(kubeconfig, 'rollout', 'status', 'stuck', '-n', ns, '--json')
        assert.equal((JSON.parse(status.stdout) as {phase: string}).phase, 'interrupted', status.all)
      }
      // Let kwok make the pods Ready, as a fixed image would.
      await waitFor('web pods', async () => podsByImage(kubeconfig, ns)[v1] === 2)
      assert.equal(kubectl(kubeconfig, 'annotate', 'pods', '-n', ns, '-l', 'app=web', 'strata.dev/e2e-unready=false', '--overwrite').code, 0)
      const resumed = strata(kubeconfig, 'rollout', 'resume', 'stuck', '-n', ns)
      assert.equal(resumed.code, 0, resumed.all)
      const status = strata(kubeconfig, 'rollout', 'status', 'stuck', '-n', ns, '--json')
      assert.equal((JSON.parse(status.stdout) as {phase: string}).phase, 'done', status.all)
      const web = {kind: 'Deployment', name: 'web', namespace: ns} as const
      assertNoDrift(kubeconfig, dir, web)
      await assertPrunedWhenRemoved(kubeconfig, dir, withoutWeb(ns), web)
    })
  }
})
