// Additions on the real control plane: the dry-run create answers with everything the API server
// allocates and defaults (a Service's clusterIP and ipFamilies, a container's imagePullPolicy and
// terminationMessagePath, a Deployment's strategy, ...). The diff shows what the render sets.
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {describe, test} from 'node:test'
import {bin, writeTree} from './helpers/cli.js'
import {cluster, withNamespace} from './helpers/cluster.js'

describe('diff of objects the apply would create', () => {
  test('a new Service and Deployment show the rendered fields only, with the server\'s values; the applied objects then diff clean', async (t) => {
    const {kubeconfig} = await cluster()
    const ns = await withNamespace(t, 'diffadd')
    const dir = writeTree({
      'kustomization.yaml': `namespace: ${ns}\nresources: [app.yaml]\n`,
      'app.yaml': `apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80}]
---
apiVersion: apps/v1
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
        image: nginx:1.25
        resources: {requests: {cpu: "0.5"}}
`,
    }, 'app', 'strata-diffadd-')
    const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args, dir, '--kubeconfig', kubeconfig], {encoding: 'utf8', env: {...process.env, CI: '1'}})
    const text = run('diff')
    assert.equal(text.status, 1, text.stderr)
    assert.match(text.stdout, /^\+ Service .*\/web: add/m)
    assert.match(text.stdout, /compared by server-side dry-run/)
    for (const defaulted of ['clusterIP', 'clusterIPs', 'ipFamilies', 'ipFamilyPolicy', 'internalTrafficPolicy', 'sessionAffinity', 'type: ClusterIP', 'protocol: TCP', 'targetPort', 'imagePullPolicy', 'terminationMessagePath', 'dnsPolicy', 'revisionHistoryLimit', 'progressDeadlineSeconds', 'strategy:', 'schedulerName']) {
      assert.ok(!text.stdout.includes(defaulted), `${defaulted} is a server default the render does not set:\n${text.stdout}`)
    }
    assert.match(text.stdout, /cpu: 500m/, "a rendered field carries the server's form of its value")
    assert.match(text.stdout, /applyset\.kubernetes\.io\/part-of/, 'the label strata adds is shown')
    const json = run('diff', '--json')
    const report = JSON.parse(json.stdout) as {resources: {id: {kind: string}; action: string; after?: {spec?: Record<string, unknown>}}[]}
    const svc = report.resources.find((r) => r.id.kind === 'Service')!
    assert.deepEqual(Object.keys(svc.after!.spec!).sort(), ['ports', 'selector'])
    const applied = run('apply')
    assert.equal(applied.status, 0, applied.stderr)
    const again = run('diff')
    assert.equal(again.status, 0, again.stdout)
  })
})
