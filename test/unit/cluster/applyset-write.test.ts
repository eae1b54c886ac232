import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {recordMembers, shrinkMembers} from '../../../src/cluster/applyset-write.js'
import {applySetId, applySetParent, readApplySet} from '../../../src/cluster/applyset.js'
import {ClusterError} from '../../../src/cluster/errors.js'
import {UserError} from '../../../src/model/errors.js'
import {MemoryCluster} from '../helpers/memory-cluster.js'

const parent = applySetParent('shop', 'ns')
const ann = (c: MemoryCluster) => (c.peek('v1', 'Secret', 'applyset-shop', 'ns')!.metadata as any).annotations

describe('applyset write side', () => {
  test('creates the parent with the id label and sorted kubectl-format annotations', async () => {
    const c = new MemoryCluster()
    await recordMembers(c, parent, {groupKinds: [{group: 'apps', kind: 'Deployment'}, {group: '', kind: 'ConfigMap'}], namespaces: ['ns', 'zeta', 'alpha']})
    const obj = c.peek('v1', 'Secret', 'applyset-shop', 'ns')!
    assert.equal((obj.metadata as any).labels['applyset.kubernetes.io/id'], applySetId(parent))
    assert.deepEqual(ann(c), {
      'applyset.kubernetes.io/tooling': 'strata/v0',
      'applyset.kubernetes.io/contains-group-kinds': 'ConfigMap,Deployment.apps',
      'applyset.kubernetes.io/additional-namespaces': 'alpha,zeta',
    })
    assert.equal((await readApplySet(c, parent)).found, true)
  })
  test('record only grows (superset); no write when nothing new; shrink sets exactly', async () => {
    const c = new MemoryCluster()
    await recordMembers(c, parent, {groupKinds: [{group: 'apps', kind: 'Deployment'}], namespaces: ['other']})
    await recordMembers(c, parent, {groupKinds: [{group: '', kind: 'Service'}], namespaces: []})
    assert.equal(ann(c)['applyset.kubernetes.io/contains-group-kinds'], 'Deployment.apps,Service')
    assert.equal(ann(c)['applyset.kubernetes.io/additional-namespaces'], 'other')
    const writes = c.calls.filter((k) => k.verb === 'update' || k.verb === 'create').length
    await recordMembers(c, parent, {groupKinds: [{group: 'apps', kind: 'Deployment'}], namespaces: ['ns']})
    assert.equal(c.calls.filter((k) => k.verb === 'update' || k.verb === 'create').length, writes)
    await shrinkMembers(c, parent, {groupKinds: [{group: '', kind: 'Service'}], namespaces: []})
    assert.equal(ann(c)['applyset.kubernetes.io/contains-group-kinds'], 'Service')
    assert.equal(ann(c)['applyset.kubernetes.io/additional-namespaces'], '')
  })
  test('strata annotations ride along: set at creation, rewritten when they change although no kind is new, kept by shrink', async () => {
    const c = new MemoryCluster()
    const cm = {groupKinds: [{group: '', kind: 'ConfigMap'}], namespaces: []}
    await recordMembers(c, parent, cm, {'strata.dev/source': '{"root":"/a"}'})
    assert.equal(ann(c)['strata.dev/source'], '{"root":"/a"}')
    const writes = () => c.calls.filter((k) => k.verb === 'update' || k.verb === 'create').length
    const before = writes()
    await recordMembers(c, parent, cm, {'strata.dev/source': '{"root":"/a"}'})
    assert.equal(writes(), before, 'unchanged: no write')
    await recordMembers(c, parent, cm, {'strata.dev/source': '{"root":"/b"}'})
    assert.equal(ann(c)['strata.dev/source'], '{"root":"/b"}')
    assert.equal(ann(c)['applyset.kubernetes.io/contains-group-kinds'], 'ConfigMap')
    await shrinkMembers(c, parent, {groupKinds: [], namespaces: []})
    assert.equal(ann(c)['strata.dev/source'], '{"root":"/b"}')
  })
  test('a 409 on the parent is re-read and retried', async () => {
    const c = new MemoryCluster()
    await recordMembers(c, parent, {groupKinds: [{group: '', kind: 'ConfigMap'}], namespaces: []})
    let conflicts = 2
    c.failWith = (call) => (call.verb === 'update' && conflicts-- > 0 ? new ClusterError(409, 'Conflict', 'modified') : undefined)
    await recordMembers(c, parent, {groupKinds: [{group: '', kind: 'Secret'}], namespaces: []})
    assert.equal(ann(c)['applyset.kubernetes.io/contains-group-kinds'], 'ConfigMap,Secret')
  })
  test('a Secret of that name that is not this parent is refused, untouched', async () => {
    const c = new MemoryCluster({objects: [{apiVersion: 'v1', kind: 'Secret', metadata: {name: 'applyset-shop', namespace: 'ns'}}]})
    await assert.rejects(recordMembers(c, parent, {groupKinds: [], namespaces: []}), UserError)
  })
})
