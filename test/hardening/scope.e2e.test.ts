// Promise 9 on the real control plane: --allow-namespaces / --allow-cluster-scoped=false refuse a
// tenant overlay that reaches outside its lane before anything is applied.
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {test} from 'node:test'
import {cluster, withNamespace} from '../e2e/helpers/cluster.js'
import {strata, writeTree} from '../e2e/helpers/cli.js'

function kubectl(kubeconfig: string, ...args: string[]): {code: number | null; out: string} {
  const r = spawnSync('kubectl', ['--kubeconfig', kubeconfig, ...args], {encoding: 'utf8'})
  return {code: r.status, out: r.stdout + r.stderr}
}

/** A base in the tenant's namespace and an overlay that also writes into kube-system. */
function tenantTree(ns: string, tag: string): string {
  return writeTree({
    'base/kustomization.yaml': `namespace: ${ns}\nresources:\n- app.yaml\n`,
    'base/app.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-${tag}\ndata:\n  a: "1"\n`,
    'overlays/tenant/kustomization.yaml': 'resources:\n- ../../base\n- sneaky.yaml\n',
    'overlays/tenant/sneaky.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: sneaky-${tag}\n  namespace: kube-system\ndata:\n  b: "2"\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: sneaky-${tag}\nrules: []\n`,
  }, `scope-${tag}`)
}

test('a tenant overlay that writes into kube-system is refused before anything changes', async (t) => {
  const {kubeconfig} = await cluster()
  const ns = await withNamespace(t, 'h8-scope')
  const tag = randomBytes(3).toString('hex')
  const dir = tenantTree(ns, tag)
  const app = `scope-${tag}`
  t.after(() => {
    kubectl(kubeconfig, 'delete', 'configmap', '-n', 'kube-system', `sneaky-${tag}`, '--ignore-not-found')
    kubectl(kubeconfig, 'delete', 'clusterrole', `sneaky-${tag}`, '--ignore-not-found')
  })

  const r = strata(kubeconfig, 'apply', `${dir}/overlays/tenant`, '--name', app, '-n', ns, '--allow-namespaces', ns)
  assert.equal(r.code, 2, r.all)
  assert.match(r.stderr, /outside the allowed scope/)
  assert.match(r.stderr, new RegExp(`ConfigMap kube-system/sneaky-${tag} \\(.*sneaky\\.yaml\\)`))
  assert.doesNotMatch(r.stderr, new RegExp(`app-${tag}`), 'objects inside the lane are not listed')
  assert.doesNotMatch(r.all, /internal error|at .*\.js:\d+/)

  // Nothing written: neither the offender, nor the allowed object, nor the inventory or state.
  assert.notEqual(kubectl(kubeconfig, 'get', 'configmap', '-n', 'kube-system', `sneaky-${tag}`).code, 0)
  assert.notEqual(kubectl(kubeconfig, 'get', 'configmap', '-n', ns, `app-${tag}`).code, 0)
  assert.equal(kubectl(kubeconfig, 'get', 'secrets', '-n', ns, '-o', 'name').out.trim(), '')

  // diff --plan refuses the same way.
  const d = strata(kubeconfig, 'diff', `${dir}/overlays/tenant`, '--name', app, '-n', ns, '--plan', '--allow-namespaces', ns)
  assert.equal(d.code, 2, d.all)
  assert.match(d.stderr, new RegExp(`kube-system/sneaky-${tag}`))

  // Cluster-scoped objects: --allow-cluster-scoped=false names the ClusterRole.
  const c = strata(kubeconfig, 'apply', `${dir}/overlays/tenant`, '--name', app, '-n', ns, '--allow-cluster-scoped=false')
  assert.equal(c.code, 2, c.all)
  assert.match(c.stderr, new RegExp(`ClusterRole sneaky-${tag} .*cluster-scoped objects are not allowed`))
  assert.notEqual(kubectl(kubeconfig, 'get', 'clusterrole', `sneaky-${tag}`).code, 0)

  // The base alone stays in the lane and applies.
  const ok = strata(kubeconfig, 'apply', `${dir}/base`, '--name', app, '-n', ns, '--allow-namespaces', ns, '--no-allow-cluster-scoped')
  assert.equal(ok.code, 0, ok.all)
  assert.equal(kubectl(kubeconfig, 'get', 'configmap', '-n', ns, `app-${tag}`).code, 0)
})
