// deploy/ is rendered by strata itself: it must render as `kubectl kustomize` does (the oracle is
// used here only, never by strata), and keep the properties the README promises.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import {fileURLToPath} from 'node:url'
import {isObject, type JsonObject} from '../../../src/model/json.js'
import {renderKustomization} from '../../../src/render/index.js'
import {parseWatchConfig} from '../../../src/reconcile/app-config.js'

const repo = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..')
const trees = ['deploy/base', 'deploy/overlays/example', 'deploy/overlays/sharded']

for (const tree of trees) {
  test(`${tree} renders byte for byte as kubectl kustomize`, async () => {
    const dir = path.join(repo, tree)
    const ours = await renderKustomization(dir, {displayBase: repo})
    const theirs = execFileSync('kubectl', ['kustomize', dir], {encoding: 'utf8'})
    assert.equal(ours.yaml, theirs)
    assert.deepEqual(ours.warnings, [])
  })
}

function byKind(objs: JsonObject[], kind: string): JsonObject[] {
  return objs.filter((o) => o.kind === kind)
}

test('deploy/overlays/example: 2 replicas with --leader-elect, probes, hardened container, least-privilege Lease RBAC', async () => {
  const r = await renderKustomization(path.join(repo, 'deploy/overlays/example'), {displayBase: repo})
  const objs = [...r.resources].map((res) => res.obj)
  const [dep] = byKind(objs, 'Deployment') as Array<{spec: any}>
  assert.equal(dep.spec.replicas, 2)
  const pod = dep.spec.template.spec
  const [c] = pod.containers
  assert.ok(c.args.includes('--leader-elect'))
  assert.ok(c.args.includes('--listen=:8080'))
  assert.equal(c.livenessProbe.httpGet.path, '/healthz')
  assert.equal(c.readinessProbe.httpGet.path, '/readyz')
  assert.equal(pod.securityContext.runAsNonRoot, true)
  assert.equal(c.securityContext.readOnlyRootFilesystem, true)
  assert.equal(c.securityContext.allowPrivilegeEscalation, false)
  assert.deepEqual(c.securityContext.capabilities.drop, ['ALL'])
  assert.equal(c.image, 'registry.example.com/platform/strata:0.1.0')
  assert.equal(pod.serviceAccountName, 'strata-watch')
  assert.ok(pod.terminationGracePeriodSeconds >= 10, 'the grace period covers the 10 s graceful stop')

  // The Lease rights are a namespaced Role, nothing more than get/create/update on leases.
  const [role] = byKind(objs, 'Role') as Array<{rules: Array<{resources: string[]; verbs: string[]}>; metadata: {namespace: string}}>
  assert.equal(role.metadata.namespace, 'strata-system')
  assert.deepEqual(role.rules, [{apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update']}])
  // No wildcard anywhere in the apps' ClusterRole, and nothing that grants RBAC escalation.
  const [cr] = byKind(objs, 'ClusterRole') as Array<{rules: Array<{apiGroups: string[]; resources: string[]; verbs: string[]}>}>
  for (const rule of cr.rules) {
    for (const v of [...rule.apiGroups, ...rule.resources, ...rule.verbs]) assert.notEqual(v, '*')
    assert.ok(!rule.verbs.some((v) => v === 'escalate' || v === 'bind' || v === 'impersonate'))
  }
  for (const b of [...byKind(objs, 'RoleBinding'), ...byKind(objs, 'ClusterRoleBinding')] as Array<{subjects: Array<{name: string; namespace: string}>}>) {
    assert.deepEqual(b.subjects.map((s) => `${s.namespace}/${s.name}`), ['strata-system/strata-watch'])
  }

  // The Service reaches the pods' http port; the ConfigMap is a valid strata.yaml mounted where --config points.
  const [svc] = byKind(objs, 'Service') as Array<{spec: {selector: Record<string, string>; ports: Array<{targetPort: string}>}}>
  assert.deepEqual(svc.spec.selector, dep.spec.selector.matchLabels)
  assert.equal(svc.spec.ports[0].targetPort, 'http')
  const [cm] = byKind(objs, 'ConfigMap')
  assert.ok(isObject(cm.data) && typeof cm.data['strata.yaml'] === 'string')
  const config = parseWatchConfig(cm.data['strata.yaml'] as string, 'strata.yaml')
  assert.deepEqual(config.apps.map((a) => a.name), ['web', 'payments'])
  const volume = pod.volumes.find((v: {configMap?: {name: string}}) => v.configMap)
  assert.equal(volume.configMap.name, (cm.metadata as JsonObject).name)
})

test('deploy/overlays/sharded: N replicas with --shard (never with --leader-elect), Lease rights to list and collect the members', async () => {
  const r = await renderKustomization(path.join(repo, 'deploy/overlays/sharded'), {displayBase: repo})
  const objs = [...r.resources].map((res) => res.obj)
  const [dep] = byKind(objs, 'Deployment') as Array<{spec: any}>
  assert.equal(dep.spec.replicas, 3)
  const [c] = dep.spec.template.spec.containers
  assert.ok(c.args.includes('--shard'))
  assert.ok(!c.args.includes('--leader-elect'), '--shard and --leader-elect exclude each other')
  assert.ok(c.args.includes('--listen=:8080'), 'each replica serves its own /metrics with the apps per member')
  assert.ok(c.env.some((e: {name: string}) => e.name === 'POD_NAMESPACE'), 'membership Leases go to the pod namespace')
  const [role] = byKind(objs, 'Role') as Array<{rules: Array<{apiGroups: string[]; resources: string[]; verbs: string[]}>}>
  assert.deepEqual(role.rules, [{apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'list', 'create', 'update', 'patch', 'delete']}])
  // Everything else is the base's.
  const base = await renderKustomization(path.join(repo, 'deploy/base'), {displayBase: repo})
  assert.deepEqual(objs.map((o) => `${o.kind}/${(o.metadata as JsonObject).name}`), [...base.resources].map((res) => `${res.obj.kind}/${(res.obj.metadata as JsonObject).name}`))
})

test('deploy/base/strata.yaml is a valid config', () => {
  const text = fs.readFileSync(path.join(repo, 'deploy/base/strata.yaml'), 'utf8')
  assert.equal(parseWatchConfig(text, 'deploy/base/strata.yaml').apps.length, 1)
})
