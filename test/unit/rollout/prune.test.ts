import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {defaultMaxDeletions, selectPrunable} from '../../../src/rollout/prune.js'
import type {JsonObject} from '../../../src/model/json.js'
import type {PlanItem, RolloutPlan} from '../../../src/rollout/types.js'

function item(kind: string, name: string, action: PlanItem['action'], md: JsonObject = {}): PlanItem {
  const apiVersion = kind === 'Deployment' ? 'apps/v1' : 'v1'
  return {id: {key: `${kind}/ns/${name}`, apiVersion, kind, namespace: 'ns', name}, action, object: {apiVersion, kind, metadata: {name, namespace: 'ns', ...md}}}
}

function plan(applied: number, deletions: PlanItem[]): RolloutPlan {
  const items = Array.from({length: applied}, (_, i) => item('ConfigMap', `keep-${i}`, 'unchanged'))
  const steps = [{index: 0, name: 'config-storage', category: 'config-storage', wave: 0, items, pauseAfter: false}]
  if (deletions.length) steps.push({index: 1, name: 'prune', category: 'prune', wave: 0, items: deletions, pauseAfter: false})
  return {steps} as unknown as RolloutPlan
}

describe('selectPrunable', () => {
  test('default cap: 25% of the inventory, at least 1', () => {
    assert.deepEqual([0, 1, 4, 7, 8, 100].map(defaultMaxDeletions), [1, 1, 1, 1, 2, 25])
  })
  test('within the cap: everything in the prune step, in its order', () => {
    const dels = [item('Deployment', 'old', 'delete'), item('ConfigMap', 'old', 'delete')]
    const s = selectPrunable(plan(6, dels), 8, {allowMassDelete: false})
    assert.deepEqual(s.delete.map((i) => i.id.key), ['Deployment/ns/old', 'ConfigMap/ns/old'])
    assert.deepEqual(s.protected, [])
    assert.equal(s.refused, undefined)
  })
  test('strata.dev/prune: disabled protects, and protected objects do not count against the cap', () => {
    const dels = [item('ConfigMap', 'a', 'delete', {annotations: {'strata.dev/prune': 'disabled'}}), item('ConfigMap', 'b', 'delete')]
    const s = selectPrunable(plan(2, dels), 4, {allowMassDelete: false})
    assert.deepEqual(s.delete.map((i) => i.id.name), ['b'])
    assert.deepEqual(s.protected.map((i) => i.name), ['a'])
    assert.equal(s.refused, undefined)
  })
  test('over the cap: refused with count and cap; --allow-mass-delete and --max-deletions lift it', () => {
    const dels = [item('ConfigMap', 'a', 'delete'), item('ConfigMap', 'b', 'delete'), item('ConfigMap', 'c', 'delete')]
    const s = selectPrunable(plan(5, dels), 8, {allowMassDelete: false})
    assert.deepEqual({count: s.refused?.count, cap: s.refused?.cap}, {count: 3, cap: 2})
    assert.match(s.refused!.reason, /--max-deletions/)
    assert.match(s.refused!.hint, /--allow-mass-delete/)
    assert.equal(selectPrunable(plan(5, dels), 8, {allowMassDelete: true}).refused, undefined)
    assert.equal(selectPrunable(plan(5, dels), 8, {allowMassDelete: false, maxDeletions: 3}).refused, undefined)
    assert.equal(selectPrunable(plan(5, dels), 8, {allowMassDelete: false, maxDeletions: 0}).refused?.cap, 0)
  })
  test('an empty render refuses even with --allow-mass-delete, unless allowEmptyRender', () => {
    const dels = [item('ConfigMap', 'a', 'delete'), item('ConfigMap', 'b', 'delete')]
    const s = selectPrunable(plan(0, dels), 2, {allowMassDelete: true})
    assert.match(s.refused!.reason, /render is empty/)
    assert.equal(selectPrunable(plan(0, dels), 2, {allowMassDelete: true, allowEmptyRender: true}).refused, undefined)
    assert.equal(selectPrunable(plan(0, []), 0, {allowMassDelete: false}).refused, undefined)
  })
  test('never the ApplySet parent or the rollout state', () => {
    const dels = [
      item('Secret', 'applyset-shop', 'delete', {labels: {'applyset.kubernetes.io/id': 'applyset-x-v1'}}),
      item('Secret', 'strata-rollout-shop', 'delete', {labels: {'strata.dev/rollout-of': 'shop'}}),
      item('Secret', 'creds', 'delete'),
    ]
    const s = selectPrunable(plan(4, dels), 8, {allowMassDelete: false})
    assert.deepEqual(s.delete.map((i) => i.id.name), ['creds'])
  })
})
