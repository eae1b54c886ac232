// strata diff --plan (the plan `strata apply` follows) through bin/run.js on the real control
// plane: read-only, exit 0, steps in dependency order, JSON without object content.
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {describe, test} from 'node:test'
import {strata, writeTree} from './helpers/cli.js'
import {cluster, withNamespace} from './helpers/cluster.js'

function app(ns: string): Record<string, string> {
  return {
    'kustomization.yaml': `namespace: ${ns}\nresources: [all.yaml]\nconfigMapGenerator:\n- name: cfg\n  literals: [A=1]\n`,
    'all.yaml': `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: web, image: registry.invalid/web:1.0, envFrom: [{configMapRef: {name: cfg}}]}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80}]
`,
  }
}

describe('strata diff --plan', () => {
  test('prints the rollout plan, touches nothing, exits 0', async (t) => {
    const ns = await withNamespace(t, 'plan')
    const {kubeconfig} = await cluster()
    const dir = writeTree(app(ns))

    const text = strata(kubeconfig, 'diff', dir, '--plan', '-n', ns)
    assert.equal(text.code, 1, `exit 1: the plan changes something; ${text.stderr}`)
    assert.match(text.stdout, /Step 1\//)
    // config before workloads: the ConfigMap's step comes before the Deployment's
    const cm = text.stdout.indexOf('ConfigMap')
    const dep = text.stdout.indexOf('Deployment')
    assert.ok(cm >= 0 && dep > cm, text.stdout)

    const json = strata(kubeconfig, 'diff', dir, '--plan', '--json', '-n', ns)
    assert.equal(json.code, 1, json.stderr)
    const plan = JSON.parse(json.stdout) as {app: string; namespace: string; steps: unknown[]}
    assert.equal(plan.app, 'app')
    assert.equal(plan.namespace, ns)
    assert.ok(plan.steps.length >= 2)
    assert.doesNotMatch(json.stdout, /registry\.invalid/, 'no object content in the plan JSON')

    // nothing was created
    const get = spawnSync('kubectl', ['--kubeconfig', kubeconfig, 'get', 'deploy,svc', '-n', ns, '-o', 'name'], {encoding: 'utf8'})
    assert.equal(get.status, 0, get.stderr)
    assert.equal(get.stdout.trim(), '')
    const cms = spawnSync('kubectl', ['--kubeconfig', kubeconfig, 'get', 'cm', '-n', ns, '-o', 'name'], {encoding: 'utf8'})
    assert.doesNotMatch(cms.stdout, /configmap\/cfg-/)
  })
})
