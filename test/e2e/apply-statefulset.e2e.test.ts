// strata apply / rollout through bin/run.js on the real control plane for the two cases the
// Deployment scenarios of apply-rollout.e2e.test.ts leave out: a StatefulSet moved by partition
// (paused, status from another process, two resumes, the user's partition back at the end), and
// the circuit breaker tripping on a template kwok keeps unready (scripts/cluster's
// strata.dev/e2e-unready stage), which rolls the workload back by itself.
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {describe, test} from 'node:test'
import {newAppDir, rewriteTree, strata} from './helpers/cli.js'
import {cluster, waitFor, withNamespace} from './helpers/cluster.js'
import {assertNoDrift, assertPrunedWhenRemoved} from './helpers/inventory.js'

function kubectl(kubeconfig: string, ...args: string[]) {
  const r = spawnSync('kubectl', ['--kubeconfig', kubeconfig, ...args], {encoding: 'utf8'})
  return {code: r.status, stdout: r.stdout, stderr: r.stderr}
}

interface PodView {
  name: string
  image: string
  ready: boolean
}

function pods(kubeconfig: string, ns: string, app: string): PodView[] {
  const r = kubectl(kubeconfig, 'get', 'pods', '-n', ns, '-l', `app=${app}`, '-o', 'json')
  assert.equal(r.code, 0, r.stderr)
  type Pod = {metadata: {name: string; deletionTimestamp?: string}; spec: {containers: {image: string}[]}; status?: {conditions?: {type: string; status: string}[]}}
  return (JSON.parse(r.stdout) as {items: Pod[]}).items
    .filter((p) => !p.metadata.deletionTimestamp)
    .map((p) => ({name: p.metadata.name, image: p.spec.containers[0].image, ready: p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false}))
    .sort((a, b) => a.name.localeCompare(b.name))
}

/** Waits until the pods named are Ready on exactly these images (name → image). */
async function waitForImages(kubeconfig: string, ns: string, app: string, want: Record<string, string>): Promise<void> {
  await waitFor(`pods ${JSON.stringify(want)}`, async () => {
    const got = pods(kubeconfig, ns, app)
    const ok = got.length === Object.keys(want).length && got.every((p) => p.ready && want[p.name] === p.image)
    return ok ? got : false
  }, {timeoutMs: 90_000})
}

const v1 = 'registry.invalid/db:1.0'
const v2 = 'registry.invalid/db:2.0'

/** The tree once the workload is removed from it: its Service stays, so the render is not empty. */
function onlyService(ns: string, app: string): Record<string, string> {
  return {
    'kustomization.yaml': `namespace: ${ns}\nresources: [svc.yaml]\n`,
    'svc.yaml': `apiVersion: v1\nkind: Service\nmetadata: {name: ${app}}\nspec:\n  clusterIP: None\n  selector: {app: ${app}}\n  ports: [{port: 5432}]\n`,
  }
}

function statefulSetTree(ns: string, image: string, partition?: number): Record<string, string> {
  const strategy = partition === undefined ? '' : `  updateStrategy:\n    type: RollingUpdate\n    rollingUpdate: {partition: ${partition}}\n`
  return {
    'kustomization.yaml': `namespace: ${ns}\nresources: [db.yaml]\n`,
    'db.yaml': `apiVersion: v1
kind: Service
metadata: {name: db}
spec:
  clusterIP: None
  selector: {app: db}
  ports: [{port: 5432}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
  annotations: {strata.dev/rollout: "25%,50%,100%"}
spec:
  serviceName: db
  replicas: 4
  podManagementPolicy: Parallel
${strategy}  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers:
      - {name: db, image: ${image}}
`,
  }
}

describe('strata apply + rollout: StatefulSet and breaker', () => {
  test('a StatefulSet in 25%,50%,100% batches by partition: paused, status elsewhere, two resumes', async (t) => {
    const ns = await withNamespace(t, 'sts')
    const {kubeconfig} = await cluster()
    const dir = newAppDir('db')
    rewriteTree(dir, statefulSetTree(ns, v1))
    const first = strata(kubeconfig, 'apply', dir)
    assert.equal(first.code, 0, first.all)
    await waitForImages(kubeconfig, ns, 'db', {'db-0': v1, 'db-1': v1, 'db-2': v1, 'db-3': v1})

    rewriteTree(dir, statefulSetTree(ns, v2))
    const a = strata(kubeconfig, 'apply', dir)
    assert.equal(a.code, 3, a.all)
    assert.match(a.all, new RegExp(`strata rollout resume db -n ${ns}`))
    // A partition updates the highest ordinals first.
    await waitForImages(kubeconfig, ns, 'db', {'db-0': v1, 'db-1': v1, 'db-2': v1, 'db-3': v2})
    const partition = kubectl(kubeconfig, 'get', 'statefulset', 'db', '-n', ns, '-o', 'jsonpath={.spec.updateStrategy.rollingUpdate.partition}')
    assert.equal(partition.stdout, '3')

    const status = strata(kubeconfig, 'rollout', 'status', 'db', '-n', ns, '--json')
    assert.equal(status.code, 3, status.all)
    assert.equal((JSON.parse(status.stdout) as {phase: string}).phase, 'paused')

    // --dir: the tree still renders the paused plan, so resume goes on.
    const r1 = strata(kubeconfig, 'rollout', 'resume', 'db', '-n', ns, '--dir', dir)
    assert.equal(r1.code, 3, r1.all)
    await waitForImages(kubeconfig, ns, 'db', {'db-0': v1, 'db-1': v1, 'db-2': v2, 'db-3': v2})

    // A newer commit in the tree: resume --dir refuses and changes nothing.
    rewriteTree(dir, statefulSetTree(ns, 'registry.invalid/db:3.0'))
    const stale = strata(kubeconfig, 'rollout', 'resume', 'db', '-n', ns, '--dir', dir)
    assert.equal(stale.code, 2, stale.all)
    assert.match(stale.stderr, /renders differently/)
    assert.match(stale.stderr, /--replace-paused/)
    const still = strata(kubeconfig, 'rollout', 'status', 'db', '-n', ns, '--json')
    assert.equal((JSON.parse(still.stdout) as {phase: string}).phase, 'paused')
    rewriteTree(dir, statefulSetTree(ns, v2))

    const r2 = strata(kubeconfig, 'rollout', 'resume', 'db', '-n', ns)
    assert.equal(r2.code, 0, r2.all)
    await waitForImages(kubeconfig, ns, 'db', {'db-0': v2, 'db-1': v2, 'db-2': v2, 'db-3': v2})
    // The render sets no partition: the batches' partition is gone once the rollout is done.
    const after = kubectl(kubeconfig, 'get', 'statefulset', 'db', '-n', ns, '-o', 'jsonpath={.spec.updateStrategy.rollingUpdate.partition}')
    assert.ok(after.stdout === '' || after.stdout === '0', `partition left at ${after.stdout}`)
    const done = strata(kubeconfig, 'rollout', 'status', 'db', '-n', ns, '--json')
    assert.equal((JSON.parse(done.stdout) as {phase: string}).phase, 'done')
    // Nothing left to do: the diff finds nothing and the next apply changes nothing.
    const db = {kind: 'StatefulSet', name: 'db', namespace: ns} as const
    assertNoDrift(kubeconfig, dir, db)
    const again = strata(kubeconfig, 'apply', dir)
    assert.equal(again.code, 0, again.all)
    await assertPrunedWhenRemoved(kubeconfig, dir, onlyService(ns, 'db'), db)
  })

  test('a StatefulSet rollout aborted after the first batch is back on the old image with its own partition', async (t) => {
    const ns = await withNamespace(t, 'sts-abort')
    const {kubeconfig} = await cluster()
    const dir = newAppDir('db')
    rewriteTree(dir, statefulSetTree(ns, v1, 0))
    assert.equal(strata(kubeconfig, 'apply', dir).code, 0)
    await waitForImages(kubeconfig, ns, 'db', {'db-0': v1, 'db-1': v1, 'db-2': v1, 'db-3': v1})
    rewriteTree(dir, statefulSetTree(ns, v2, 0))
    const a = strata(kubeconfig, 'apply', dir)
    assert.equal(a.code, 3, a.all)
    await waitForImages(kubeconfig, ns, 'db', {'db-0': v1, 'db-1': v1, 'db-2': v1, 'db-3': v2})

    const ab = strata(kubeconfig, 'rollout', 'abort', 'db', '-n', ns)
    assert.equal(ab.code, 0, ab.all)
    await waitForImages(kubeconfig, ns, 'db', {'db-0': v1, 'db-1': v1, 'db-2': v1, 'db-3': v1})
    const live = kubectl(kubeconfig, 'get', 'statefulset', 'db', '-n', ns, '-o', 'jsonpath={.spec.template.spec.containers[0].image} {.spec.updateStrategy.rollingUpdate.partition}')
    assert.equal(live.stdout, `${v1} 0`)
    const db = {kind: 'StatefulSet', name: 'db', namespace: ns} as const
    rewriteTree(dir, statefulSetTree(ns, v1, 0))
    assertNoDrift(kubeconfig, dir, db)
    await assertPrunedWhenRemoved(kubeconfig, dir, onlyService(ns, 'db'), db)
  })

  test('a batch kwok keeps unready trips the breaker: exit 2, the report names the pods, the Deployment is rolled back', async (t) => {
    const ns = await withNamespace(t, 'breaker')
    const {kubeconfig} = await cluster()
    const tree = (image: string, unready: boolean) => ({
      'kustomization.yaml': `namespace: ${ns}\nresources: [web.yaml]\n`,
      'web.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations: {strata.dev/rollout: "50%,100%"}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata:
      labels: {app: web}
      annotations: {strata.dev/e2e-unready: "${unready}"}
    spec:
      containers:
      - {name: web, image: ${image}}
`,
    })
    const dir = newAppDir('web')
    rewriteTree(dir, tree(v1, false))
    assert.equal(strata(kubeconfig, 'apply', dir).code, 0)
    await waitForImages(kubeconfig, ns, 'web', Object.fromEntries(pods(kubeconfig, ns, 'web').map((p) => [p.name, v1])))

    rewriteTree(dir, tree(v2, true))
    const started = Date.now()
    const r = strata(kubeconfig, 'apply', dir, '--batch-timeout', '8s')
    assert.equal(r.code, 2, r.all)
    assert.ok(Date.now() - started < 60_000, `the breaker took ${Date.now() - started} ms`)
    assert.match(r.all, /breaker/i)
    assert.match(r.all, /web-strata-canary/)
    // Rolled back by itself (--auto-abort is the default): v1 everywhere, no canary.
    await waitFor('two v1 pods and no canary', async () => {
      const live = pods(kubeconfig, ns, 'web')
      return live.length === 2 && live.every((p) => p.image === v1 && p.ready) && kubectl(kubeconfig, 'get', 'deployment', 'web-strata-canary', '-n', ns).code !== 0
    }, {timeoutMs: 60_000})
    const image = kubectl(kubeconfig, 'get', 'deployment', 'web', '-n', ns, '-o', 'jsonpath={.spec.template.spec.containers[0].image}')
    assert.equal(image.stdout, v1)
    const status = strata(kubeconfig, 'rollout', 'status', 'web', '-n', ns, '--json')
    const phase = (JSON.parse(status.stdout) as {phase: string}).phase
    assert.ok(phase === 'failed' || phase === 'aborted', `phase ${phase}`)
    const web = {kind: 'Deployment', name: 'web', namespace: ns} as const
    rewriteTree(dir, tree(v1, false))
    assertNoDrift(kubeconfig, dir, web)
    await assertPrunedWhenRemoved(kubeconfig, dir, {'kustomization.yaml': `namespace: ${ns}\nresources: [cfg.yaml]\n`, 'cfg.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\ndata: {a: "1"}\n'}, web)
  })
})
