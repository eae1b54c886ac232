import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {deleteMembers} from '../../../src/rollout/delete-members.js'
import {ClusterError} from '../../../src/cluster/errors.js'
import type {PlanItem, RolloutEvent} from '../../../src/rollout/types.js'
import {MemoryCluster} from '../helpers/memory-cluster.js'

const ID = 'applyset-abc-v1'
const cm = (name: string, labels: Record<string, string> = {'applyset.kubernetes.io/part-of': ID}) => ({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name, namespace: 'ns', labels}})
const item = (name: string): PlanItem => ({id: {key: `ConfigMap/ns/${name}`, apiVersion: 'v1', kind: 'ConfigMap', namespace: 'ns', name}, action: 'delete'})

async function drain(gen: AsyncGenerator<RolloutEvent, unknown>): Promise<{events: RolloutEvent[]; result: unknown}> {
  const events: RolloutEvent[] = []
  for (;;) {
    const r = await gen.next()
    if (r.done) return {events, result: r.value}
    events.push(r.value)
  }
}

describe('deleteMembers', () => {
  test('deletes labelled members in order; keeps unlabelled, foreign and missing ones', async () => {
    const c = new MemoryCluster({objects: [cm('a'), cm('b', {}), cm('c', {'applyset.kubernetes.io/part-of': 'applyset-other-v1'}), cm('d')]})
    const {events, result} = await drain(deleteMembers(c, ['d', 'b', 'c', 'gone', 'a'].map(item), ID))
    assert.deepEqual(events.map((e) => e.type === 'deleted' && `${e.id.name}:${e.result}`), ['d:deleted', 'b:kept', 'c:kept', 'gone:kept', 'a:deleted'])
    assert.deepEqual(result, {deleted: 2, kept: 3, failed: 0})
    assert.ok(c.peek('v1', 'ConfigMap', 'b', 'ns'))
    assert.ok(c.peek('v1', 'ConfigMap', 'c', 'ns'))
    assert.equal(c.peek('v1', 'ConfigMap', 'a', 'ns'), undefined)
    const deletes = c.calls.filter((k) => k.verb === 'delete').map((k) => k.name)
    assert.deepEqual(deletes, ['d', 'a'])
  })
  test('a forbidden delete is a failed event, the object stays, the rest go on', async () => {
    const c = new MemoryCluster({objects: [cm('a'), cm('b')]})
    c.failWith = (call) => (call.verb === 'delete' && call.name === 'a' ? new ClusterError(403, 'Forbidden', 'configmaps "a" is forbidden') : undefined)
    const {events, result} = await drain(deleteMembers(c, [item('a'), item('b')], ID))
    assert.deepEqual(result, {deleted: 1, kept: 0, failed: 1})
    const first = events[0]
    assert.ok(first.type === 'deleted' && first.result === 'failed' && /forbidden/.test(first.reason ?? ''))
    assert.ok(c.peek('v1', 'ConfigMap', 'a', 'ns'))
  })
  test('an object replaced between read and delete (uid precondition) is kept', async () => {
    const c = new MemoryCluster({objects: [cm('a')]})
    const realGet = c.get.bind(c)
    c.get = async (ref) => {
      const live = await realGet(ref)
      // Someone deletes and recreates it right after our read.
      await c.delete(ref)
      c.seed(cm('a'))
      return live
    }
    const {result} = await drain(deleteMembers(c, [item('a')], ID))
    assert.deepEqual(result, {deleted: 0, kept: 1, failed: 0})
    assert.ok(c.peek('v1', 'ConfigMap', 'a', 'ns'))
  })
  test('stops between deletes when aborted', async () => {
    const c = new MemoryCluster({objects: [cm('a'), cm('b')]})
    const ac = new AbortController()
    const gen = deleteMembers(c, [item('a'), item('b')], ID, {signal: ac.signal})
    await gen.next()
    ac.abort()
    assert.equal((await gen.next()).done, true)
    assert.ok(c.peek('v1', 'ConfigMap', 'b', 'ns'))
  })
})
