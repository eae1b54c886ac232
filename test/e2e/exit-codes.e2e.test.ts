// The exit-code table (src/model/exit-codes.ts, README "Exit codes") command by command through
// bin/run.js on the real control plane, and `--json` runs that fail ending with one error event.
// (rollout status: rollout-watch.e2e; list/delete: apps.e2e; Ctrl-C 130: apply-rollout.e2e.)
import assert from 'node:assert/strict'
import {describe, test} from 'node:test'
import {rewriteTree, strata, writeTree} from './helpers/cli.js'
import {cluster, withNamespace} from './helpers/cluster.js'

const tree = (ns: string, value: string, minReadySeconds = 0) => ({
  'kustomization.yaml': `namespace: ${ns}\nresources: [all.yaml]\n`,
  'all.yaml': [
    `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {k: "${value}"}\n`,
    `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 1\n  minReadySeconds: ${minReadySeconds}\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: c, image: nginx}]}\n`,
  ].join('---\n'),
})

function lastEvent(stdout: string): Record<string, unknown> {
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>
}

describe('exit codes through bin/run.js', () => {
  test('diff, diff --plan and apply --plan: 1 while something would change, 0 after apply; apply 0, paused 3, resume 0', async (t) => {
    const {kubeconfig} = await cluster()
    const ns = await withNamespace(t, 'exit')
    const dir = writeTree(tree(ns, 'a'), 'shop')
    for (const args of [['diff', dir], ['diff', dir, '--plan'], ['apply', dir, '--plan'], ['apply', dir, '--plan', '--json']]) {
      const r = strata(kubeconfig, ...args)
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.all}`)
    }
    assert.equal(strata(kubeconfig, 'apply', dir).code, 0)
    for (const args of [['diff', dir], ['diff', dir, '--plan'], ['apply', dir, '--plan']]) {
      const r = strata(kubeconfig, ...args)
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.all}`)
    }
    // The same tree, edited (a new directory named alike would be another source: refused).
    const changed = rewriteTree(dir, tree(ns, 'b'))
    assert.equal(strata(kubeconfig, 'apply', changed, '--pause-after', '1').code, 3)
    assert.equal(strata(kubeconfig, 'rollout', 'resume', 'shop', '-n', ns).code, 0)
    // Idempotent for CI: abort of a done rollout, and a second abort, change nothing and exit 0.
    const idle = strata(kubeconfig, 'rollout', 'abort', 'shop', '-n', ns)
    assert.equal(idle.code, 0, idle.all)
    assert.match(idle.stdout, /nothing to abort: the rollout is done/)
    assert.equal(strata(kubeconfig, 'rollout', 'status', 'shop', '-n', ns).code, 0, 'still done')
    assert.equal(strata(kubeconfig, 'apply', rewriteTree(dir, tree(ns, 'c')), '--pause-after', '1').code, 3)
    assert.equal(strata(kubeconfig, 'rollout', 'abort', 'shop', '-n', ns).code, 0)
    const again = strata(kubeconfig, 'rollout', 'abort', 'shop', '-n', ns, '--json')
    assert.equal(again.code, 0, again.all)
    assert.deepEqual(lastEvent(again.stdout), {type: 'nothing-to-abort', phase: 'aborted', reason: 'aborted by strata rollout abort', statusCommand: `strata rollout status shop -n ${ns} --kubeconfig ${kubeconfig}`})
  })

  test('apply --json whose gate fails ends with an error event after gate-failed (exit 2)', async (t) => {
    const {kubeconfig} = await cluster()
    const ns = await withNamespace(t, 'exit')
    const dir = writeTree(tree(ns, 'a', 300), 'shop')
    const r = strata(kubeconfig, 'apply', dir, '--timeout', '2s', '--no-auto-abort', '--json')
    assert.equal(r.code, 2, r.all)
    const types = r.stdout.trim().split('\n').map((l) => (JSON.parse(l) as {type: string}).type)
    assert.ok(types.includes('gate-failed'), types.join(','))
    const last = lastEvent(r.stdout)
    assert.equal(last.type, 'error')
    assert.equal(last.phase, 'failed')
    assert.equal(last.app, 'shop')
    assert.match(String(last.message), /web|timed out|Ready|available/i)
    assert.match(String(last.hint), /strata rollout resume shop -n /)
  })
})
