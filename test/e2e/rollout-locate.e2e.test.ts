// `rollout status|resume NAME` without -n on the control plane: the kubeconfig's namespace (default)
// has no rollout of NAME, so the one namespace that has is found by a LIST and used.
import assert from 'node:assert/strict'
import {describe, test} from 'node:test'
import {strata, writeTree} from './helpers/cli.js'
import {cluster, withNamespace} from './helpers/cluster.js'

const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}}\ndata: {k: v}\n---\n`

describe('rollout NAME without -n', () => {
  test('finds the paused rollout in its namespace, says where, resumes it; two namespaces are refused naming both', async (t) => {
    const {kubeconfig} = await cluster()
    const ns = await withNamespace(t, 'locate')
    const app = `loc-${ns.slice(-6)}`
    const files = {'kustomization.yaml': `namespace: ${ns}\nresources: [all.yaml]\n`, 'all.yaml': `apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: sa}\n---\n${cm('a')}`}
    const dir = writeTree(files, app)
    const paused = strata(kubeconfig, 'apply', dir, '-n', ns, '--pause-after', '1')
    assert.equal(paused.code, 3, paused.all)

    const status = strata(kubeconfig, 'rollout', 'status', app)
    assert.equal(status.code, 3, status.all)
    assert.match(status.stderr, new RegExp(`rollout of ${app} found in namespace ${ns} \\(none in default`))
    assert.match(status.stdout, new RegExp(`rollout ${app} \\(namespace ${ns}\\): paused`))

    const ns2 = await withNamespace(t, 'locate2')
    const dir2 = writeTree({...files, 'kustomization.yaml': `namespace: ${ns2}\nresources: [all.yaml]\n`}, app)
    assert.equal(strata(kubeconfig, 'apply', dir2, '-n', ns2, '--pause-after', '1').code, 3)
    const ambiguous = strata(kubeconfig, 'rollout', 'resume', app)
    assert.equal(ambiguous.code, 2, ambiguous.all)
    assert.match(ambiguous.stderr, new RegExp(`has a rollout in 2 namespaces`))
    assert.match(ambiguous.stderr, new RegExp(`-n ${ns}`))
    assert.match(ambiguous.stderr, new RegExp(`-n ${ns2}`))

    assert.equal(strata(kubeconfig, 'rollout', 'abort', app, '-n', ns2).code, 0)
    // Aborted state stays; a rollout of the app is still in both namespaces, so name the first.
    const resumed = strata(kubeconfig, 'rollout', 'resume', app, '-n', ns)
    assert.equal(resumed.code, 0, resumed.all)
  })
})
