// strata rollout status --watch through bin/run.js on the real control plane: it follows an apply
// running in another process until it is done (exit 0), and ends at once with the phase's exit code
// for a paused (3), aborted (2) or failed (2) rollout; `rollout status` without --watch agrees.
import assert from 'node:assert/strict'
import {spawn, spawnSync} from 'node:child_process'
import {describe, test} from 'node:test'
import {bin, rewriteTree, strata, writeTree} from './helpers/cli.js'
import {cluster, waitFor, withNamespace} from './helpers/cluster.js'

const tree = (ns: string, minReadySeconds: number) => ({
  'kustomization.yaml': `namespace: ${ns}\nresources: [all.yaml]\n`,
  'all.yaml': [
    'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {k: v}\n',
    `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 1\n  minReadySeconds: ${minReadySeconds}\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: c, image: nginx}]}\n`,
  ].join('---\n'),
})

function phaseOf(kubeconfig: string, ns: string): string | undefined {
  const r = spawnSync(process.execPath, [bin, 'rollout', 'status', 'shop', '-n', ns, '--json', '--kubeconfig', kubeconfig], {encoding: 'utf8'})
  return r.stdout ? (JSON.parse(r.stdout) as {phase: string}).phase : undefined
}

describe('strata rollout status --watch', () => {
  test('follows an apply running in another process until done (exit 0), as JSON lines', async (t) => {
    const {kubeconfig} = await cluster()
    const ns = await withNamespace(t, 'watch')
    // minReadySeconds keeps the workloads step running for a few seconds: long enough to be seen running.
    const dir = writeTree(tree(ns, 8), 'shop')
    const apply = spawn(process.execPath, [bin, 'apply', dir, '--kubeconfig', kubeconfig], {env: {...process.env, CI: '1'}, stdio: 'ignore'})
    const applied = new Promise<number | null>((resolve) => apply.on('close', resolve))
    await waitFor('the rollout to be running', async () => phaseOf(kubeconfig, ns) === 'running', {intervalMs: 100})
    const watched = strata(kubeconfig, 'rollout', 'status', 'shop', '-n', ns, '--watch', '--json')
    assert.equal(watched.code, 0, watched.all)
    const lines = watched.stdout.trim().split('\n').map((l) => JSON.parse(l) as {type: string; phase?: string; step?: number; steps?: number})
    assert.equal(lines[0].type, 'status')
    assert.equal(lines[0].phase, 'running')
    assert.ok(lines.length >= 3, `a status line per change, then the end: ${watched.stdout}`)
    assert.deepEqual(lines.at(-2)?.phase, 'done')
    assert.deepEqual(lines.at(-1), {type: 'done', app: 'shop', namespace: ns, exitCode: 0, reason: null})
    assert.equal(await applied, 0)
  })

  test('paused exits 3, aborted 2, failed 2 — with and without --watch', async (t) => {
    const {kubeconfig} = await cluster()
    const ns = await withNamespace(t, 'watch')
    const dir = writeTree(tree(ns, 0), 'shop')
    assert.equal(strata(kubeconfig, 'apply', dir, '--pause-after', '1').code, 3)
    const paused = strata(kubeconfig, 'rollout', 'status', 'shop', '-n', ns, '--watch')
    assert.equal(paused.code, 3, paused.all)
    assert.match(paused.stdout, /^rollout shop \(namespace \S+\): paused, step 2\/\d workloads\n/)
    assert.match(paused.stdout, /\ncontinue: strata rollout resume shop -n \S+ --kubeconfig /)
    assert.equal(strata(kubeconfig, 'rollout', 'status', 'shop', '-n', ns).code, 3)

    assert.equal(strata(kubeconfig, 'rollout', 'abort', 'shop', '-n', ns).code, 0)
    const aborted = strata(kubeconfig, 'rollout', 'status', 'shop', '-n', ns, '--watch')
    assert.equal(aborted.code, 2, aborted.all)
    assert.match(aborted.stdout, /rollout shop was aborted/)
    assert.equal(strata(kubeconfig, 'rollout', 'status', 'shop', '-n', ns).code, 2)

    // A step that cannot become healthy within --timeout fails the rollout.
    const slow = rewriteTree(dir, tree(ns, 300))
    assert.equal(strata(kubeconfig, 'apply', slow, '--timeout', '2s', '--no-auto-abort', '--replace-paused').code, 2)
    const failed = strata(kubeconfig, 'rollout', 'status', 'shop', '-n', ns, '--watch', '--json')
    assert.equal(failed.code, 2, failed.all)
    assert.equal((JSON.parse(failed.stdout.trim().split('\n').at(-1)!) as {type: string}).type, 'failed')
    assert.equal(strata(kubeconfig, 'rollout', 'status', 'shop', '-n', ns).code, 2)
  })
})
