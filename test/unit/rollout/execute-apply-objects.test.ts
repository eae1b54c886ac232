import assert from 'node:assert/strict'
import {describe, test} from 'node:test'
import {ClusterError} from '../../../src/cluster/errors.js'
import type {ApplyOptions, ClusterPort} from '../../../src/cluster/port.js'
import type {JsonObject} from '../../../src/model/json.js'
import {applyObjects, parseConflicts} from '../../../src/rollout/apply-objects.js'
import {planObjectId} from '../../../src/rollout/plan.js'
import type {PlanAction, PlanItem} from '../../../src/rollout/types.js'

function cm(name: string): JsonObject {
  return {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name, namespace: 'shop'}, data: {a: '1'}}
}
function item(obj: JsonObject, action: PlanAction): PlanItem {
  return {id: planObjectId(obj), action, object: obj}
}

/** Only `apply` is used; it records calls, honours a per-name failure, and measures concurrency. */
function fakeCluster(fail: Map<string, Error> = new Map(), onApply?: () => void) {
  const calls: {obj: JsonObject; options: ApplyOptions}[] = []
  let inFlight = 0
  let maxInFlight = 0
  const port = {
    async apply(obj: JsonObject, options: ApplyOptions) {
      inFlight++
      maxInFlight = Math.max(maxInFlight, inFlight)
      calls.push({obj, options})
      onApply?.()
      await new Promise((r) => setTimeout(r, 2))
      inFlight--
      const name = (obj.metadata as JsonObject).name as string
      const err = fail.get(name)
      if (err) throw err
      return obj
    },
  } as unknown as ClusterPort
  return {port, calls, maxInFlight: () => maxInFlight}
}

const options = {fieldManager: 'strata', forceConflicts: false, applySetId: 'applyset-abc-v1', concurrency: 4}

describe('applyObjects', () => {
  test('applies changed objects with the part-of label, skips unchanged ones without a request', async () => {
    const f = fakeCluster()
    const r = await applyObjects(f.port, 2, [item(cm('a'), 'create'), item(cm('b'), 'unchanged'), item(cm('c'), 'update')], options)
    assert.equal(f.calls.length, 2)
    for (const c of f.calls) {
      assert.equal(((c.obj.metadata as JsonObject).labels as JsonObject)['applyset.kubernetes.io/part-of'], 'applyset-abc-v1')
      assert.deepEqual(c.options, {dryRun: false, force: false, fieldManager: 'strata'})
    }
    assert.deepEqual(r.events.map((e) => (e.type === 'applied' ? `${e.id.name}:${e.result}:${e.step}` : e.type)), ['a:created:2', 'b:unchanged:2', 'c:configured:2'])
    assert.deepEqual({applied: r.applied, unchanged: r.unchanged, failed: r.failed, skipped: r.skipped}, {applied: 2, unchanged: 1, failed: 0, skipped: 0})
  })

  test('keeps at most `concurrency` requests in flight', async () => {
    const f = fakeCluster()
    const items = Array.from({length: 20}, (_, i) => item(cm(`c${i}`), 'create'))
    const r = await applyObjects(f.port, 0, items, {...options, concurrency: 3})
    assert.equal(r.applied, 20)
    assert.equal(f.maxInFlight(), 3)
  })

  test('a field conflict fails that object only, naming the manager and the field', async () => {
    const msg = 'ConfigMap shop/b: Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using v1: .data.a (HTTP 409)'
    const f = fakeCluster(new Map([['b', new ClusterError(409, 'Conflict', msg)]]))
    const r = await applyObjects(f.port, 0, [item(cm('a'), 'update'), item(cm('b'), 'update')], options)
    assert.equal(r.applied, 1)
    assert.equal(r.failed, 1)
    const failed = r.events.find((e) => e.type === 'apply-failed')
    assert.ok(failed && failed.type === 'apply-failed')
    assert.match(failed.message, /ConfigMap shop\/b: field conflict: \.data\.a is owned by "kubectl-client-side-apply" \(v1\)/)
    assert.match(failed.message, /--force-conflicts/)
  })

  test('--force-conflicts is passed to the server', async () => {
    const f = fakeCluster()
    await applyObjects(f.port, 0, [item(cm('a'), 'update')], {...options, forceConflicts: true})
    assert.equal(f.calls[0].options.force, true)
  })

  test('a fired signal starts no new requests; those in flight finish', async () => {
    const ac = new AbortController()
    const f = fakeCluster(new Map(), () => ac.abort())
    const items = Array.from({length: 10}, (_, i) => item(cm(`c${i}`), 'create'))
    const r = await applyObjects(f.port, 0, items, {...options, concurrency: 2, signal: ac.signal})
    assert.ok(f.calls.length <= 2, `sent ${f.calls.length}`)
    assert.equal(r.applied, f.calls.length)
    assert.equal(r.skipped, 10 - f.calls.length)
  })
})

describe('parseConflicts', () => {
  test('one conflict on one line', () => {
    assert.deepEqual(parseConflicts('Deployment a/b: Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas (HTTP 409)'), [
      {manager: 'kubectl-client-side-apply', apiVersion: 'apps/v1', field: '.spec.replicas'},
    ])
  })
  test('several fields and managers as lists', () => {
    const msg = 'Apply failed with 3 conflicts: conflicts with "kubectl" using apps/v1:\n- .spec.replicas\n- .spec.template.spec.containers[name="web"].image\nconflict with "helm" using apps/v1: .metadata.labels.x (HTTP 409)'
    assert.deepEqual(parseConflicts(msg), [
      {manager: 'kubectl', apiVersion: 'apps/v1', field: '.spec.replicas'},
      {manager: 'kubectl', apiVersion: 'apps/v1', field: '.spec.template.spec.containers[name="web"].image'},
      {manager: 'helm', apiVersion: 'apps/v1', field: '.metadata.labels.x'},
    ])
  })
  test('a message without conflicts gives none', () => {
    assert.deepEqual(parseConflicts('Secret a/b: Conflict (HTTP 409); fields: .data.x'), [])
  })
})
