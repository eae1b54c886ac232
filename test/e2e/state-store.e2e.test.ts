// The rollout state store on the real control plane: a Secret round trip, and the CAS that makes
// it a lock — two stores (two processes) racing on one app, one wins, the other is told.
import assert from 'node:assert/strict'
import {describe, test} from 'node:test'
import {kubeCluster} from '../../src/cluster/kube.js'
import {RolloutStateStore, StateConflictError} from '../../src/cluster/state-store.js'
import {UserError} from '../../src/model/errors.js'
import type {RolloutState} from '../../src/rollout/types.js'
import {cluster, withNamespace} from './helpers/cluster.js'

function state(ns: string, phase: RolloutState['phase']): RolloutState {
  const at = new Date().toISOString()
  return {version: 1, app: 'shop', namespace: ns, phase, plan: {steps: [{index: 0, name: 'config', category: 'config-storage', wave: 0, items: [], pauseAfter: false}]} as unknown as RolloutState['plan'], step: 0, workloads: {}, previousTemplates: {}, holder: {pid: 1, host: 'elsewhere', startedAt: at, heartbeatAt: at}, startedAt: at, updatedAt: at}
}

describe('state store on the control plane', () => {
  test('round trip, CAS conflict between two stores, acquire refuses a live holder', async (t) => {
    const {kubeconfig} = await cluster()
    const ns = await withNamespace(t, 'state')
    const port = await kubeCluster({kubeconfig})
    const a = new RolloutStateStore(port, 'shop', ns)
    const b = new RolloutStateStore(await kubeCluster({kubeconfig}), 'shop', ns)
    const rv = await a.save(state(ns, 'running'), undefined)
    const loaded = await b.load()
    assert.equal(loaded?.resourceVersion, rv)
    assert.equal(loaded?.state.phase, 'running')
    const secret = await port.get({apiVersion: 'v1', kind: 'Secret', name: 'strata-rollout-shop', namespace: ns})
    assert.equal(secret?.type, 'strata.dev/rollout-state')
    await assert.rejects(b.save(state(ns, 'running'), undefined), StateConflictError)
    const rv2 = await b.save(state(ns, 'paused'), rv)
    await assert.rejects(a.save(state(ns, 'done'), rv), StateConflictError)
    assert.notEqual(rv2, rv)
    // running with a fresh heartbeat on another host: the lock holds
    await b.save(state(ns, 'running'), rv2)
    await assert.rejects(a.acquire({pid: process.pid, host: 'me', startedAt: '', heartbeatAt: ''}, {replacePaused: true, resume: true}), UserError)
    await a.clear()
    assert.equal(await b.load(), undefined)
  })
})
