// Stopping a running apply from elsewhere, through bin/run.js on the real control plane: one
// process applies a new image that kwok keeps unready (scripts/cluster's strata.dev/e2e-unready
// stage), so it waits in a health gate or a batch; `strata rollout abort` from a second process
// records a stop request and waits; the first rolls the workload back and exits 2 naming who
// asked; the old image is back, `diff` of the old tree finds nothing, and prune still works.
import assert from 'node:assert/strict'
import {spawn, spawnSync} from 'node:child_process'
import {describe, test} from 'node:test'
import {bin, newAppDir, rewriteTree, strata} from './helpers/cli.js'
import {cluster, waitFor, withNamespace} from './helpers/cluster.js'
import {assertNoDrift, assertPrunedWhenRemoved} from './helpers/inventory.js'

function kubectl(kubeconfig: string, ...args: string[]) {
  const r = spawnSync('kubectl', ['--kubeconfig', kubeconfig, ...args], {encoding: 'utf8'})
  return {code: r.status, stdout: r.stdout, stderr: r.stderr}
}

const v1 = 'registry.invalid/web:1.0'
const v2 = 'registry.invalid/web:2.0'

function webTree(ns: string, image: string, unready: boolean, batches: string | undefined): Record<string, string> {
  return {
    'kustomization.yaml': `namespace: ${ns}\nresources: [web.yaml]\n`,
    'web.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
${batches ? `  annotations: {strata.dev/rollout: "${batches}"}\n` : ''}spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata:
      labels: {app: web}
      annotations: {strata.dev/e2e-unready: "${unready}"}
    spec:
      terminationGracePeriodSeconds: 0
      containers:
      - {name: web, image: ${image}}
`,
  }
}

function readyImages(kubeconfig: string, ns: string): string[] {
  const r = kubectl(kubeconfig, 'get', 'pods', '-n', ns, '-l', 'app=web', '-o', 'json')
  type Pod = {metadata: {deletionTimestamp?: string}; spec: {containers: {image: string}[]}; status?: {conditions?: {type: string; status: string}[]}}
  return (JSON.parse(r.stdout) as {items: Pod[]}).items
    .filter((p) => !p.metadata.deletionTimestamp && p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
    .map((p) => p.spec.containers[0].image)
    .sort()
}

describe('strata rollout abort stops an apply running elsewhere', () => {
  for (const batches of [undefined, '50%,100%']) {
    test(`${batches ? 'a batched (canary) rollout' : 'a plain rollout'} waiting on pods that never become Ready`, async (t) => {
      const ns = await withNamespace(t, 'stop')
      const {kubeconfig} = await cluster()
      const dir = newAppDir('web')
      rewriteTree(dir, webTree(ns, v1, false, batches))
      const first = strata(kubeconfig, 'apply', dir)
      assert.equal(first.code, 0, first.all)
      await waitFor('two v1 pods Ready', async () => JSON.stringify(readyImages(kubeconfig, ns)) === JSON.stringify([v1, v1]), {timeoutMs: 60_000})

      // The stuck CI apply: it would wait for 10 minutes.
      rewriteTree(dir, webTree(ns, v2, true, batches))
      const child = spawn(process.execPath, [bin, 'apply', dir, '--timeout', '10m', '--batch-timeout', '10m', '--kubeconfig', kubeconfig], {env: {...process.env, CI: '1'}, stdio: ['ignore', 'pipe', 'pipe']})
      let out = ''
      child.stdout.on('data', (b: Buffer) => (out += b.toString()))
      child.stderr.on('data', (b: Buffer) => (out += b.toString()))
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
      t.after(() => child.kill('SIGKILL'))
      await waitFor('the apply waiting on web', async () => (batches ? /batch 1\/2/ : /Deployment \S+\/web (configured|progressing)/).test(out), {timeoutMs: 60_000})

      // Another process (another machine, as far as strata can tell) stops it.
      const abort = strata(kubeconfig, 'rollout', 'abort', 'web', '-n', ns, '--reason', 'bad build')
      assert.equal(abort.code, 0, abort.all)
      assert.match(abort.stdout, /asked process \d+ on \S+ .*to stop/)
      assert.match(abort.stdout, /aborted at the request of/)

      const code = await exited
      assert.equal(code, 2, out)
      assert.match(out, /stop requested by \S+@\S+ \(pid \d+\) .*\(bad build\): rolling back/)
      assert.match(out, /aborted at the request of \S+@\S+ \(pid \d+\): restored Deployment \S+\/web/)
      const status = strata(kubeconfig, 'rollout', 'status', 'web', '-n', ns, '--json')
      const saved = JSON.parse(status.stdout) as {phase: string; holder: unknown; stopRequested: {reason: string}}
      assert.deepEqual({phase: saved.phase, holder: saved.holder, reason: saved.stopRequested.reason}, {phase: 'aborted', holder: null, reason: 'bad build'})

      await waitFor('two v1 pods Ready, nothing else', async () => JSON.stringify(readyImages(kubeconfig, ns)) === JSON.stringify([v1, v1]), {timeoutMs: 60_000})
      assert.notEqual(kubectl(kubeconfig, 'get', 'deployment', 'web-strata-canary', '-n', ns).code, 0, 'no canary left')
      const web = {kind: 'Deployment', name: 'web', namespace: ns} as const
      rewriteTree(dir, webTree(ns, v1, false, batches))
      assertNoDrift(kubeconfig, dir, web)
      await assertPrunedWhenRemoved(kubeconfig, dir, {'kustomization.yaml': `namespace: ${ns}\nresources: [cfg.yaml]\n`, 'cfg.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\ndata: {a: "1"}\n'}, web)
    })
  }

  test('a holder that stopped sending heartbeats: abort refuses without --force, takes over with it', async (t) => {
    const ns = await withNamespace(t, 'stale')
    const {kubeconfig} = await cluster()
    const dir = newAppDir('web')
    rewriteTree(dir, webTree(ns, v1, false, undefined))
    assert.equal(strata(kubeconfig, 'apply', dir).code, 0)
    await waitFor('two v1 pods Ready', async () => JSON.stringify(readyImages(kubeconfig, ns)) === JSON.stringify([v1, v1]), {timeoutMs: 60_000})
    rewriteTree(dir, webTree(ns, v2, true, undefined))
    const child = spawn(process.execPath, [bin, 'apply', dir, '--timeout', '10m', '--kubeconfig', kubeconfig], {env: {...process.env, CI: '1'}, stdio: ['ignore', 'pipe', 'pipe']})
    let out = ''
    child.stdout.on('data', (b: Buffer) => (out += b.toString()))
    child.stderr.on('data', (b: Buffer) => (out += b.toString()))
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()))
    t.after(() => child.kill('SIGKILL'))
    await waitFor('the apply waiting on web', async () => /Deployment \S+\/web (configured|progressing)/.test(out), {timeoutMs: 60_000})
    // A frozen runner: the process exists but sends nothing (SIGSTOP), as a hung or cut-off one would.
    child.kill('SIGSTOP')
    t.after(() => child.kill('SIGCONT'))
    // Its heartbeat goes stale after 30 s; a live-looking pid on this host is not proof it is gone.
    await waitFor('the heartbeat stale', async () => /no heartbeat for \d+ s/.test(strata(kubeconfig, 'rollout', 'status', 'web', '-n', ns).stdout), {timeoutMs: 60_000, intervalMs: 2_000})
    const refused = strata(kubeconfig, 'rollout', 'abort', 'web', '-n', ns)
    assert.equal(refused.code, 2, refused.all)
    assert.match(refused.stderr, new RegExp(`strata rollout abort web -n ${ns}( --kubeconfig \\S+)? --force`))
    const forced = strata(kubeconfig, 'rollout', 'abort', 'web', '-n', ns, '--force')
    assert.equal(forced.code, 0, forced.all)
    await waitFor('two v1 pods Ready', async () => JSON.stringify(readyImages(kubeconfig, ns)) === JSON.stringify([v1, v1]), {timeoutMs: 60_000})
    // The frozen process wakes up: its next heartbeat finds the rollout taken and it stops.
    child.kill('SIGCONT')
    await exited
    assert.equal(kubectl(kubeconfig, 'get', 'deployment', 'web', '-n', ns, '-o', 'jsonpath={.spec.template.spec.containers[0].image}').stdout, v1)
    rewriteTree(dir, webTree(ns, v1, false, undefined))
    assertNoDrift(kubeconfig, dir, {kind: 'Deployment', name: 'web', namespace: ns})
  })
})
