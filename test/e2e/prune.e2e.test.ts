// The ApplySet write side and member deletion on the real control plane: the parent strata writes
// is one kubectl recognises, members are deleted only when labelled as ours, and an object kubectl
// created outside the inventory is never touched.
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {describe, test} from 'node:test'
import {kubeCluster} from '../../src/cluster/kube.js'
import {applySetId, applySetParent, readApplySet, withPartOfLabel} from '../../src/cluster/applyset.js'
import {recordMembers} from '../../src/cluster/applyset-write.js'
import {deleteMembers} from '../../src/rollout/delete-members.js'
import type {PlanItem, RolloutEvent} from '../../src/rollout/types.js'
import {cluster, withNamespace} from './helpers/cluster.js'

const cm = (name: string, ns: string) => ({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name, namespace: ns}, data: {k: 'v'}})
const item = (name: string, ns: string): PlanItem => ({id: {key: `ConfigMap/${ns}/${name}`, apiVersion: 'v1', kind: 'ConfigMap', namespace: ns, name}, action: 'delete'})

describe('prune on the control plane', () => {
  test('parent kubectl recognises; only labelled members deleted; kubectl-created object untouched', async (t) => {
    const {kubeconfig} = await cluster()
    const ns = await withNamespace(t, 'prune')
    const port = await kubeCluster({kubeconfig})
    const parent = applySetParent('shop', ns)
    const id = applySetId(parent)
    await recordMembers(port, parent, {groupKinds: [{group: '', kind: 'ConfigMap'}], namespaces: [ns]})
    for (const name of ['a', 'b']) await port.apply(withPartOfLabel(cm(name, ns), id), {dryRun: false, force: false})
    const outside = spawnSync('kubectl', ['--kubeconfig', kubeconfig, '-n', ns, 'create', 'configmap', 'outside', '--from-literal=k=v'], {encoding: 'utf8'})
    assert.equal(outside.status, 0, outside.stderr)

    const inv = await readApplySet(port, parent)
    assert.deepEqual(inv.members.map((m) => (m.metadata as {name: string}).name).sort(), ['a', 'b'])

    // kubectl reads our parent: same id, group-kinds parsed. It refuses to operate a parent another tool manages,
    // and says so by naming our tooling — proof it accepted the rest of the parent.
    const manifest = JSON.stringify({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'a', namespace: ns}, data: {k: 'v'}})
    const k = spawnSync('kubectl', ['--kubeconfig', kubeconfig, 'apply', '--prune', `--applyset=secret/${parent.name}`, '-n', ns, '--dry-run=server', '-f', '-'], {input: manifest, encoding: 'utf8', env: {...process.env, KUBECTL_APPLYSET: 'true'}})
    t.diagnostic(`kubectl: exit ${k.status} ${k.stdout.trim()} ${k.stderr.trim()}`)
    assert.match(k.stderr, /managed by tooling "strata" instead of "kubectl"/)

    const events: RolloutEvent[] = []
    const gen = deleteMembers(port, [item('b', ns), item('outside', ns)], id)
    let r = await gen.next()
    while (!r.done) {
      events.push(r.value)
      r = await gen.next()
    }
    assert.deepEqual(r.value, {deleted: 1, kept: 1, failed: 0})
    assert.equal(await port.get({apiVersion: 'v1', kind: 'ConfigMap', name: 'b', namespace: ns}), undefined)
    assert.ok(await port.get({apiVersion: 'v1', kind: 'ConfigMap', name: 'outside', namespace: ns}))
    assert.ok(await port.get({apiVersion: 'v1', kind: 'ConfigMap', name: 'a', namespace: ns}))
  })
})
