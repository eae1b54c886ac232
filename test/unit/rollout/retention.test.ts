import assert from 'node:assert/strict'
import {describe, test} from 'node:test'
import {chooseRetained, generatedBase, podSpecUses, templateUsersOf, workloadKey, type TemplateUser} from '../../../src/rollout/retention.js'
import type {JsonObject} from '../../../src/model/json.js'
import type {PlanItem} from '../../../src/rollout/types.js'

const candidate = (kind: string, name: string, namespace = 'shop', apiVersion = 'v1'): PlanItem => ({
  id: {key: `${kind}/${namespace}/${name}`, apiVersion, kind, namespace, name},
  action: 'delete',
})

const replicaSet = (name: string, revision: number, spec: JsonObject, owner = 'web', ownerKind = 'Deployment', namespace = 'shop'): JsonObject => ({
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: {name, namespace, annotations: {'deployment.kubernetes.io/revision': String(revision)}, ownerReferences: [{apiVersion: 'apps/v1', kind: ownerKind, name: owner, controller: true, uid: 'u'}]},
  spec: {template: {spec}},
})

const mounts = (configMap: string): JsonObject => ({containers: [{name: 'web', image: 'web:1'}], volumes: [{name: 'config', configMap: {name: configMap}}]})

describe('retention: generated config outlives its rollout', () => {
  test('a kustomize hash suffix names the generator; other names are not generated', () => {
    assert.equal(generatedBase('app-config-5m8c7b9g2t'), 'app-config')
    assert.equal(generatedBase('settings-h2k4m6t8bc'), 'settings')
    // Vowels and 0/1/3 never appear in kustomize's suffix; ten characters exactly.
    assert.equal(generatedBase('app-config-5m8c7b9a2t'), undefined)
    assert.equal(generatedBase('app-config-5m8c7b9g2'), undefined)
    assert.equal(generatedBase('web-tls'), undefined)
    assert.equal(generatedBase('-5m8c7b9g2t'), undefined)
  })

  test('a pod spec uses ConfigMaps and Secrets through volumes, projections, envFrom, env and pull secrets', () => {
    const uses = podSpecUses({
      volumes: [{name: 'a', configMap: {name: 'cm-vol'}}, {name: 'b', secret: {secretName: 's-vol'}}, {name: 'c', projected: {sources: [{configMap: {name: 'cm-proj'}}, {secret: {name: 's-proj'}}]}}],
      initContainers: [{name: 'init', envFrom: [{configMapRef: {name: 'cm-init'}}]}],
      containers: [{name: 'web', envFrom: [{secretRef: {name: 's-from'}}], env: [{name: 'X', valueFrom: {configMapKeyRef: {name: 'cm-key', key: 'x'}}}, {name: 'Y', valueFrom: {secretKeyRef: {name: 's-key', key: 'y'}}}, {name: 'Z', value: 'plain'}]}],
      ephemeralContainers: [{name: 'debug', envFrom: [{configMapRef: {name: 'cm-eph'}}]}],
      imagePullSecrets: [{name: 'pull'}],
    })
    assert.deepEqual([...uses].sort(), ['ConfigMap/cm-eph', 'ConfigMap/cm-init', 'ConfigMap/cm-key', 'ConfigMap/cm-proj', 'ConfigMap/cm-vol', 'Secret/pull', 'Secret/s-from', 'Secret/s-key', 'Secret/s-proj', 'Secret/s-vol'])
  })

  test("only the app's workloads count: ReplicaSets of its Deployments, ControllerRevisions of its StatefulSets", () => {
    const workloads = new Set([workloadKey('Deployment', 'shop', 'web'), workloadKey('StatefulSet', 'shop', 'db')])
    const revision: JsonObject = {apiVersion: 'apps/v1', kind: 'ControllerRevision', revision: 4, metadata: {name: 'db-7c9', namespace: 'shop', ownerReferences: [{kind: 'StatefulSet', name: 'db', controller: true}]}, data: {spec: {template: {spec: mounts('db-config-h2k4m6t8bc')}}}}
    const users = templateUsersOf(
      [
        replicaSet('web-1', 2, mounts('app-config-5m8c7b9g2t')),
        replicaSet('other-1', 1, mounts('app-config-5m8c7b9g2t'), 'other'),
        replicaSet('web-elsewhere', 1, mounts('app-config-5m8c7b9g2t'), 'web', 'Deployment', 'other-ns'),
        replicaSet('bare', 1, mounts('app-config-5m8c7b9g2t'), 'web', 'StatefulSet'),
        revision,
      ],
      workloads,
    )
    assert.deepEqual(
      users.map((u) => [u.kind, u.name, u.revision, [...u.uses]]),
      [
        ['ReplicaSet', 'web-1', 2, ['ConfigMap/app-config-5m8c7b9g2t']],
        ['ControllerRevision', 'db-7c9', 4, ['ConfigMap/db-config-h2k4m6t8bc']],
      ],
    )
  })

  const user = (name: string, revision: number, ...uses: string[]): TemplateUser => ({kind: 'ReplicaSet', namespace: 'shop', name, revision, uses: new Set(uses)})

  test('kept: generated versions in use, the most recently used first, at most N per generator; the rest keeps the plan order', () => {
    const items = [
      candidate('ConfigMap', 'app-config-bbbbbbbbbb'),
      candidate('ConfigMap', 'plain'),
      candidate('ConfigMap', 'app-config-cccccccccc'),
      candidate('ConfigMap', 'app-config-dddddddddd'),
      candidate('Secret', 'creds-gggggggggg'),
      candidate('ConfigMap', 'unused-hhhhhhhhhh'),
    ]
    const users = [user('web-1', 1, 'ConfigMap/app-config-bbbbbbbbbb'), user('web-2', 2, 'ConfigMap/app-config-cccccccccc', 'Secret/creds-gggggggggg'), user('web-3', 3, 'ConfigMap/app-config-dddddddddd', 'ConfigMap/plain')]
    const two = chooseRetained(items, users, 2)
    assert.deepEqual(two.retained.map((r) => [r.item.id.name, r.by]), [
      ['app-config-dddddddddd', ['ReplicaSet/web-3 (revision 3)']],
      ['app-config-cccccccccc', ['ReplicaSet/web-2 (revision 2)']],
      ['creds-gggggggggg', ['ReplicaSet/web-2 (revision 2)']],
    ])
    // `plain` is used but not generated: prune deletes it as before (the render dropped it on purpose).
    assert.deepEqual(two.rest.map((i) => i.id.name), ['app-config-bbbbbbbbbb', 'plain', 'unused-hhhhhhhhhh'])
    assert.deepEqual(chooseRetained(items, users, 0).retained, [])
    assert.equal(chooseRetained(items, users, 0).rest.length, items.length)
    assert.equal(chooseRetained(items, users, 3).retained.length, 4)
  })

  test('a user in another namespace, or a ConfigMap of another API group, keeps nothing', () => {
    const items = [candidate('ConfigMap', 'app-config-bbbbbbbbbb', 'staging'), candidate('ConfigMap', 'app-config-cccccccccc', 'shop', 'example.com/v1')]
    const users = [user('web-1', 1, 'ConfigMap/app-config-bbbbbbbbbb', 'ConfigMap/app-config-cccccccccc')]
    assert.deepEqual(chooseRetained(items, users, 3).retained, [])
  })
})
