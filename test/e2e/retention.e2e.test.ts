// Generated config outlives its rollout, on the real control plane: a configMapGenerator's old
// version stays while a ReplicaSet of the app still mounts it (marked strata.dev/retained-by, not
// drift, not counted against the prune cap), `kubectl rollout undo` finds its config, and once
// --keep-generated newer versions exist the oldest goes.
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {describe, test} from 'node:test'
import {rewriteTree, strata, writeTree} from './helpers/cli.js'
import {cluster, withNamespace} from './helpers/cluster.js'

function tree(ns: string, level: string): Record<string, string> {
  return {
    'kustomization.yaml': `namespace: ${ns}\nresources:\n- deployment.yaml\nconfigMapGenerator:\n- name: app-config\n  literals:\n  - LEVEL=${level}\n`,
    'deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: registry.example/web:1
        envFrom: [{configMapRef: {name: app-config}}]
`,
  }
}

function kubectl(kubeconfig: string, ...args: string[]): string {
  const r = spawnSync('kubectl', ['--kubeconfig', kubeconfig, ...args], {encoding: 'utf8'})
  assert.equal(r.status, 0, `kubectl ${args.join(' ')}: ${r.stderr}`)
  return r.stdout.trim()
}

interface Event {
  type: string
  id?: {name: string}
  result?: string
  reason?: string
}

describe('generated config outlives its rollout', () => {
  test('old versions stay while ReplicaSets use them, up to --keep-generated; rollout undo finds its config; the oldest goes', async (t) => {
    const {kubeconfig} = await cluster()
    const ns = await withNamespace(t, 'retention')
    const dir = writeTree(tree(ns, 'v1'))
    const configMaps = () => kubectl(kubeconfig, '-n', ns, 'get', 'configmaps', '-o', 'jsonpath={.items[*].metadata.name}').split(' ').filter((n) => n.startsWith('app-config-')).sort()
    const inUse = () => kubectl(kubeconfig, '-n', ns, 'get', 'deployment', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].envFrom[0].configMapRef.name}')
    const apply = (level: string) => {
      rewriteTree(dir, tree(ns, level))
      const r = strata(kubeconfig, 'apply', dir, '--keep-generated', '2', '--json')
      assert.equal(r.code, 0, r.all)
      return {events: r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Event), config: inUse()}
    }

    const v1 = apply('v1')
    const v2 = apply('v2')
    assert.notEqual(v1.config, v2.config)
    assert.deepEqual(configMaps(), [v1.config, v2.config].sort(), 'v1 kept: the revision-1 ReplicaSet mounts it')
    const kept = v2.events.find((e) => e.type === 'deleted' && e.id?.name === v1.config)
    assert.equal(kept?.result, 'kept', JSON.stringify(v2.events))
    assert.match(kept!.reason!, /still used by ReplicaSet\/web-\w+ \(revision 1\)/)
    assert.match(kubectl(kubeconfig, '-n', ns, 'get', 'configmap', v1.config, '-o', 'jsonpath={.metadata.annotations.strata\\.dev/retained-by}'), /^ReplicaSet\/web-\w+ \(revision 1\)$/)

    // Kept config is not drift: diff is clean (exit 0) and says what it keeps.
    const diff = strata(kubeconfig, 'diff', dir)
    assert.equal(diff.code, 0, diff.all)
    assert.match(diff.stdout, new RegExp(`= ConfigMap ${ns}/${v1.config}: kept while in use`))
    assert.match(diff.stdout, /1 kept while in use/)

    // v3: both old versions in use, two kept (--keep-generated 2). The inventory has 3 members, so
    // the default prune cap is 1: the apply passes only because kept objects are not deletions.
    const v3 = apply('v3')
    assert.deepEqual(configMaps(), [v1.config, v2.config, v3.config].sort())

    // v4: three old versions in use, the oldest goes.
    const v4 = apply('v4')
    assert.deepEqual(configMaps(), [v2.config, v3.config, v4.config].sort())
    const gone = v4.events.find((e) => e.type === 'deleted' && e.id?.name === v1.config)
    assert.equal(gone?.result, 'deleted', JSON.stringify(v4.events))

    // kubectl rollout undo goes back to v3's template: its ConfigMap is there.
    kubectl(kubeconfig, '-n', ns, 'rollout', 'undo', 'deployment/web')
    kubectl(kubeconfig, '-n', ns, 'rollout', 'status', 'deployment/web', '--timeout=60s')
    assert.equal(inUse(), v3.config)
    assert.ok(configMaps().includes(v3.config))
    t.diagnostic(`versions: ${[v1, v2, v3, v4].map((v) => v.config).join(' → ')}; live after v4: ${configMaps().join(', ')}`)
  })
})
