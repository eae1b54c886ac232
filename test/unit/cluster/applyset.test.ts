import assert from 'node:assert/strict'
import {describe, test} from 'node:test'
import {applySetId, applySetParent, parseGroupKinds, readApplySet, withPartOfLabel} from '../../../src/cluster/applyset.js'
import {UserError} from '../../../src/model/errors.js'
import {FakeCluster} from '../diff/helpers/fake-cluster.js'

describe('ApplySet', () => {
  test('the id is the one kubectl computes', () => {
    // From a real run: KUBECTL_APPLYSET=true kubectl apply --server-side -n aset --prune
    // --applyset=applyset-myapp (kubectl v1.32) labelled its Secret parent with this id.
    assert.equal(applySetId(applySetParent('myapp', 'aset')), 'applyset-nDqzueMYlo_KP_xYyoBzFZ3PGbotMplCFKYC4WjiAVo-v1')
  })

  test('group-kinds as kubectl writes them (`ConfigMap,Deployment.apps`)', () => {
    assert.deepEqual(parseGroupKinds('ConfigMap,Deployment.apps, Widget.example.com,'), [
      {group: '', kind: 'ConfigMap'},
      {group: 'apps', kind: 'Deployment'},
      {group: 'example.com', kind: 'Widget'},
    ])
  })

  test('members are listed by label per group-kind, in the parent namespace and the additional ones', async () => {
    const c = new FakeCluster()
    const parent = applySetParent('app', 'one')
    const id = applySetId(parent)
    c.put({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'applyset-app',
        namespace: 'one',
        labels: {'applyset.kubernetes.io/id': id},
        annotations: {'applyset.kubernetes.io/contains-group-kinds': 'ConfigMap,Namespace', 'applyset.kubernetes.io/additional-namespaces': 'two'},
      },
    })
    const member = (name: string, namespace: string, owner = id) => ({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name, namespace, labels: {'applyset.kubernetes.io/part-of': owner}}})
    c.put(member('a', 'one'))
    c.put(member('b', 'two'))
    c.put(member('c', 'three'))
    c.put(member('d', 'one', 'applyset-someone-else-v1'))
    c.put({apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'two', labels: {'applyset.kubernetes.io/part-of': id}}})
    const inv = await readApplySet(c, parent)
    assert.equal(inv.found, true)
    assert.deepEqual(inv.members.map((m) => `${m.kind}/${(m.metadata as {name: string}).name}`).sort(), ['ConfigMap/a', 'ConfigMap/b', 'Namespace/two'])
  })

  test('no parent: not found, no members; a parent of another ApplySet is a user error', async () => {
    const c = new FakeCluster()
    assert.deepEqual(await readApplySet(c, applySetParent('app', 'default')), {id: applySetId(applySetParent('app', 'default')), found: false, members: [], annotations: {}})
    c.put({apiVersion: 'v1', kind: 'Secret', metadata: {name: 'applyset-app', namespace: 'default', labels: {'applyset.kubernetes.io/id': 'applyset-other-v1'}}})
    await assert.rejects(readApplySet(c, applySetParent('app', 'default')), (e) => e instanceof UserError && /not this app's ApplySet parent/.test(e.message))
  })

  test('withPartOfLabel copies', () => {
    const obj = {kind: 'ConfigMap', metadata: {name: 'a', labels: {x: '1'}}}
    assert.deepEqual(withPartOfLabel(obj, 'applyset-i-v1').metadata, {name: 'a', labels: {x: '1', 'applyset.kubernetes.io/part-of': 'applyset-i-v1'}})
    assert.deepEqual(obj.metadata.labels, {x: '1'})
  })
})
