import {test} from 'node:test'
import assert from 'node:assert/strict'
import {replicasTransformer} from '../../../src/render/transformers/replicas.js'
import {objs, setOf, withPreviousIds} from './helpers.js'

// Expected output from `kubectl kustomize` (kustomize v5.5.0) on these resources with
// `namePrefix: p-` and `replicas: [{name: web, count: 3}, {name: p-other, count: 0}]`: the prefix
// has already run here (previous ids recorded), since replicas run after it in kustomize.
test('replicas match the current or any previous name, for the covered kinds only', () => {
  const set = setOf(`
apiVersion: apps/v1
kind: Deployment
metadata: {name: p-web}
spec: {replicas: 1}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: p-web}
---
apiVersion: v1
kind: ReplicationController
metadata: {name: p-web}
spec: {replicas: null}
---
apiVersion: example.com/v1
kind: Deployment
metadata: {name: p-web}
---
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: p-other}
---
apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata: {name: p-web}
`)
  for (const r of set) {
    const md = r.obj.metadata as {name: string}
    withPreviousIds(r, {kind: r.obj.kind as string, name: md.name.slice(2)})
  }
  replicasTransformer([
    {name: 'web', count: 3},
    {name: 'p-other', count: 0},
  ])(set)
  assert.deepStrictEqual(
    objs(set).map((o) => [o.kind, (o.spec as {replicas?: number} | undefined)?.replicas]),
    [
      ['Deployment', 3],
      ['StatefulSet', 3],
      ['ReplicationController', 3],
      ['Deployment', 3],
      ['ReplicaSet', 0],
      ['HorizontalPodAutoscaler', undefined],
    ],
  )
})
