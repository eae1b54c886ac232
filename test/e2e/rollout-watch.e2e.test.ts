// strata rollout status --watch through bin/run.js on the real control plane: it follows an apply
// running in another process until it is done (exit 0), and ends at once with the phase's exit code
// for a paused (3), aborted (2) or failed (2) rollout, or one whose process is gone (2); `rollout
// status` without --watch agrees.
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

  test('paused exits 3, aborted 2, failed 2 — with and without --watch; a failed apply ends with the commands to go on', async (t) => {
    const {kubeconfig, kc} = await cluster()
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
    // It ends as a pause does, with commands to paste: -n, --kubeconfig and --context as given.
    const context = kc.getCurrentContext()
    const failedApply = strata(kubeconfig, 'apply', slow, '--timeout', '2s', '--no-auto-abort', '--replace-paused', '-n', ns, '--context', context)
    assert.equal(failedApply.code, 2, failedApply.all)
    const tail = failedApply.stdout.trimEnd().split('\n').slice(-3).map((l) => l.replace(/^\[[\d.]+s\] /, ''))
    assert.match(tail[0], /^failed in step 2\/2: Deployment \S+\/web: /)
    assert.equal(tail[1], `  retry: strata rollout resume shop -n ${ns} --kubeconfig ${kubeconfig} --context ${context}`)
    assert.equal(tail[2], `  roll back: strata rollout abort shop -n ${ns} --kubeconfig ${kubeconfig} --context ${context}`)
    const failed = strata(kubeconfig, 'rollout', 'status', 'shop', '-n', ns, '--watch', '--json')
    assert.equal(failed.code, 2, failed.all)
    assert.equal((JSON.parse(failed.stdout.trim().split('\n').at(-1)!) as {type: string}).type, 'failed')
    assert.equal(strata(kubeconfig, 'rollout', 'status', 'shop', '-n', ns).code, 2)
  })

  test('an apply killed mid-rollout: status says its process is gone (exit 2, not "held by"), --watch ends at once, abort takes over', async (t) => {
    const {kubeconfig} = await cluster()
    const ns = await withNamespace(t, 'watch')
    const dir = writeTree(tree(ns, 300), 'shop')
    const apply = spawn(process.execPath, [bin, 'apply', dir, '--kubeconfig', kubeconfig, '--timeout', '5m'], {env: {...process.env, CI: '1'}, stdio: 'ignore'})
    const closed = new Promise<void>((resolve) => apply.on('close', () => resolve()))
    await waitFor('the rollout to be running', async () => phaseOf(kubeconfig, ns) === 'running', {intervalMs: 100})
    const live = strata(kubeconfig, 'rollout', 'status', 'shop', '-n', ns)
    assert.equal(live.code, 0, live.all)
    assert.match(live.stdout, new RegExp(`\\nheld by pid ${apply.pid} on \\S+ \\(heartbeat `))
    apply.kill('SIGKILL')
    await closed // reaped: its pid no longer runs on this host
    const gone = strata(kubeconfig, 'rollout', 'status', 'shop', '-n', ns)
    assert.equal(gone.code, 2, gone.all)
    assert.doesNotMatch(gone.stdout, /held by/)
    assert.match(gone.stdout, new RegExp(`\\nthe process that ran it is gone \\(pid ${apply.pid} is not running on \\S+, last heartbeat \\S+\\): the apply stopped part way\\n`))
    assert.match(gone.stdout, /\ncontinue: strata rollout resume shop -n \S+ --kubeconfig \S+\n/)
    const watched = strata(kubeconfig, 'rollout', 'status', 'shop', '-n', ns, '--watch', '--json')
    assert.equal(watched.code, 2, watched.all)
    const end = JSON.parse(watched.stdout.trim().split('\n').at(-1)!) as {type: string; reason: string}
    assert.equal(end.type, 'stalled')
    assert.match(end.reason, /the process that ran it is gone/)
    assert.equal(strata(kubeconfig, 'rollout', 'abort', 'shop', '-n', ns).code, 0, 'taken over at once: no --force for a proven-gone process')
    assert.equal(phaseOf(kubeconfig, ns), 'aborted')
  })
})
