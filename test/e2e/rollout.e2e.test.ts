// strata rollout status through bin/run.js on the real control plane: reads the state another
// process saved (Secret strata-rollout-<app>), without the app's directory.
import assert from 'node:assert/strict'
import {describe, test} from 'node:test'
import {kubeCluster} from '../../src/cluster/kube.js'
import {RolloutStateStore} from '../../src/cluster/state-store.js'
import {buildPlan} from '../../src/rollout/plan.js'
import type {RolloutState} from '../../src/rollout/types.js'
import {strata} from './helpers/cli.js'
import {cluster, withNamespace} from './helpers/cluster.js'

describe('strata rollout status', () => {
  test('shows a paused rollout saved by another process; a missing one is a clear error', async (t) => {
    const ns = await withNamespace(t, 'rstatus')
    const {kubeconfig} = await cluster()
    const port = await kubeCluster({kubeconfig})
    const cm = {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'cfg', namespace: ns}, data: {a: '1'}}
    const svc = {apiVersion: 'v1', kind: 'Service', metadata: {name: 'web', namespace: ns}, spec: {ports: [{port: 80}]}}
    const plan = buildPlan({app: 'shop', namespace: ns, objects: [cm, svc].map((object) => ({object, action: 'create' as const, changedPaths: []})), deletions: []}, {pauseAfter: 'each'})
    const at = new Date().toISOString()
    const state: RolloutState = {version: 1, app: 'shop', namespace: ns, phase: 'paused', plan, step: 1, workloads: {}, previousTemplates: {}, reason: 'paused after step 1', startedAt: at, updatedAt: at}
    await new RolloutStateStore(port, 'shop', ns).save(state, undefined)

    const text = strata(kubeconfig, 'rollout', 'status', 'shop', '-n', ns)
    assert.equal(text.code, 3, text.stderr) // status of a paused rollout exits 3
    assert.match(text.stdout, new RegExp(`rollout shop \\(namespace ${ns}\\): paused`))
    assert.match(text.stdout, new RegExp(`step 2/${plan.steps.length}`))
    assert.match(text.stdout, new RegExp(`strata rollout resume shop -n ${ns}`))

    const json = strata(kubeconfig, 'rollout', 'status', 'shop', '-n', ns, '--json')
    assert.equal(json.code, 3, json.stderr)
    const parsed = JSON.parse(json.stdout) as {phase: string; step: number}
    assert.deepEqual({phase: parsed.phase, step: parsed.step}, {phase: 'paused', step: 2}, 'JSON counts steps from 1, as the text')

    const missing = strata(kubeconfig, 'rollout', 'status', 'nope', '-n', ns)
    assert.equal(missing.code, 2)
    assert.match(missing.stderr, /no rollout of app 'nope'/)
  })
})
