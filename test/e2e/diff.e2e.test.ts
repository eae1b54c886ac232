// strata diff against the real control plane (scripts/cluster): after `kubectl apply
// --server-side` of the same render (with kubectl's ApplySet, as strata apply will record it)
// there is nothing to report; then precise changes, masked Secrets, read-only credentials and
// kinds the server does not know.
import assert from 'node:assert/strict'
import {execFileSync, spawnSync} from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {describe, test} from 'node:test'
import {CoreV1Api, RbacAuthorizationV1Api} from '@kubernetes/client-node'
import {bin, writeTree as writeTreeIn} from './helpers/cli.js'
import {cluster, waitFor, withNamespace} from './helpers/cluster.js'

const writeTree = (files: Record<string, string>, app = 'app'): string => writeTreeIn(files, app, 'strata-diff-e2e-')

/**
 * `kubectl kustomize DIR | kubectl apply --server-side --applyset=applyset-APP --prune`: the
 * inventory kubectl keeps is the one strata reads. Custom resources need their CRD established
 * first, so a failed apply is retried a few times.
 */
async function kubectlApply(kubeconfig: string, dir: string, namespace: string): Promise<void> {
  const rendered = execFileSync('kubectl', ['kustomize', dir], {encoding: 'utf8'})
  const args = ['--kubeconfig', kubeconfig, 'apply', '--server-side', '-n', namespace, '--prune', `--applyset=applyset-${path.basename(dir)}`, '-f', '-']
  await waitFor(`kubectl apply of ${dir}`, async () => {
    const r = spawnSync('kubectl', args, {input: rendered, encoding: 'utf8', env: {...process.env, KUBECTL_APPLYSET: 'true'}})
    if (r.status !== 0) throw new Error(r.stderr)
    return true
  }, {timeoutMs: 60_000, intervalMs: 1000})
}

function strataDiff(kubeconfig: string, dir: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [bin, 'diff', dir, '--kubeconfig', kubeconfig, ...args], {encoding: 'utf8'})
  return {code: r.status, stdout: r.stdout, stderr: r.stderr}
}

interface JsonReport {
  summary: Record<string, number>
  modes: Record<string, number>
  resources: {id: {kind: string; name: string; namespace: string}; action: string; changedPaths: string[]; mode?: string; modeReason?: string; note?: string; error?: string; after?: {data?: Record<string, string>}}[]
}

const b64 = (s: string) => Buffer.from(s).toString('base64')

// Every kind the issue names: workloads, networking, a CRD with a custom resource, RBAC, a Job,
// and generated ConfigMap/Secret referenced by name (so their hash suffixes matter).
function fullApp(ns: string, opts: {image?: string; logLevel?: string; password?: string; withService?: boolean; extra?: boolean} = {}): Record<string, string> {
  const group = `${ns}.strata.test`
  const resources = ['workloads.yaml', 'rbac.yaml', 'crd.yaml', 'widget.yaml', ...(opts.withService === false ? [] : ['service.yaml']), ...(opts.extra ? ['extra.yaml'] : [])]
  return {
    'kustomization.yaml': `namespace: ${ns}
resources: [${resources.join(', ')}]
labels:
- pairs: {app.kubernetes.io/name: shop}
  includeSelectors: true
configMapGenerator:
- name: shop-config
  literals: [LOG_LEVEL=${opts.logLevel ?? 'info'}, CURRENCY=EUR]
secretGenerator:
- name: shop-secrets
  literals: [DB_PASSWORD=${opts.password ?? 'hunter2-initial'}, API_TOKEN=tok-unchanged-1234]
`,
    'workloads.yaml': `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      serviceAccountName: shop
      containers:
      - name: web
        image: ${opts.image ?? 'registry.invalid/web:1.0'}
        ports: [{containerPort: 8080}]
        env: [{name: MODE, value: prod}]
        envFrom: [{configMapRef: {name: shop-config}}, {secretRef: {name: shop-secrets}}]
        resources: {requests: {cpu: "0.1", memory: 64Mi}, limits: {memory: 128Mi}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  replicas: 1
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers:
      - name: db
        image: registry.invalid/db:15
        volumeMounts: [{name: data, mountPath: /var/lib/db}]
  volumeClaimTemplates:
  - metadata: {name: data}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {requests: {storage: 1Gi}}
---
apiVersion: batch/v1
kind: Job
metadata: {name: migrate}
spec:
  backoffLimit: 1
  template:
    spec:
      restartPolicy: Never
      containers: [{name: migrate, image: registry.invalid/migrate:1}]
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: report, image: registry.invalid/report:1}]
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 5
  metrics:
  - type: Resource
    resource: {name: cpu, target: {type: Utilization, averageUtilization: 80}}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web}
spec:
  minAvailable: 1
  selector: {matchLabels: {app: web}}
`,
    'service.yaml': `apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: db}
spec:
  clusterIP: None
  selector: {app: db}
  ports: [{port: 5432}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web}
spec:
  rules:
  - host: shop.example.test
    http:
      paths:
      - path: /
        pathType: Prefix
        backend: {service: {name: web, port: {number: 80}}}
`,
    'rbac.yaml': `apiVersion: v1
kind: ServiceAccount
metadata: {name: shop}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: shop-reader}
rules:
- apiGroups: [""]
  resources: [configmaps]
  verbs: [get, list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: shop-reader}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: shop-reader}
subjects: [{kind: ServiceAccount, name: shop}]
`,
    'crd.yaml': `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.${group}}
spec:
  group: ${group}
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget, listKind: WidgetList}
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            properties:
              size: {type: integer, default: 1}
              color: {type: string}
`,
    'widget.yaml': `apiVersion: ${group}/v1
kind: Widget
metadata: {name: blue}
spec: {color: blue}
`,
    'extra.yaml': `apiVersion: v1
kind: ConfigMap
metadata: {name: feature-flags}
data: {checkout: "on"}
`,
  }
}

function cleanupCrd(kubeconfig: string, ns: string): void {
  spawnSync('kubectl', ['--kubeconfig', kubeconfig, 'delete', 'crd', `widgets.${ns}.strata.test`, '--ignore-not-found', '--wait=false'])
}

describe('strata diff on the real control plane', () => {
  test('after kubectl apply --server-side of the same render, diff exits 0 and prints no resource', async (t) => {
    const ns = await withNamespace(t, 'diff')
    const {kubeconfig} = await cluster()
    t.after(() => cleanupCrd(kubeconfig, ns))
    const dir = writeTree(fullApp(ns))
    await kubectlApply(kubeconfig, dir, ns)
    const r = strataDiff(kubeconfig, dir)
    assert.equal(r.code, 0, r.stdout + r.stderr)
    assert.match(r.stdout, /^Summary: 0 to add, 0 to change, 0 to delete, 16 unchanged; compared by matching live field by field\.\n$/)
    const json = JSON.parse(strataDiff(kubeconfig, dir, '--json').stdout) as JsonReport
    assert.deepEqual(json.resources, [])
    // The same with a server-side apply dry-run for every object: nothing the server adds
    // (defaults, managedFields, status, generation) shows as a change.
    const strict = strataDiff(kubeconfig, dir, '--mode', 'server')
    assert.equal(strict.code, 0, strict.stdout + strict.stderr)
    assert.equal(strict.stdout, 'Summary: 0 to add, 0 to change, 0 to delete, 16 unchanged; compared by server-side dry-run.\n')
  })

  test('a changed image, a new generated ConfigMap name, a removed and a new object, a changed Secret: each reported precisely, no Secret value anywhere', async (t) => {
    const ns = await withNamespace(t, 'diff')
    const {kubeconfig} = await cluster()
    t.after(() => cleanupCrd(kubeconfig, ns))
    await kubectlApply(kubeconfig, writeTree(fullApp(ns)), ns)
    const changed = writeTree(fullApp(ns, {image: 'registry.invalid/web:2.0', logLevel: 'debug', password: 'n3w-Passw0rd!', withService: false, extra: true}))
    const text = strataDiff(kubeconfig, changed)
    assert.equal(text.code, 1, text.stderr)
    const jsonRun = strataDiff(kubeconfig, changed, '--json')
    assert.equal(jsonRun.code, 1, jsonRun.stderr)
    const report = JSON.parse(jsonRun.stdout) as JsonReport
    const byAction = (action: string) =>
      report.resources
        .filter((r) => r.action === action)
        .map((r) => `${r.id.kind}/${r.id.name}`)
        .sort()
    const cm = (name: string) => name.startsWith('shop-config-')
    assert.deepEqual(byAction('change'), ['Deployment/web'])
    const added = byAction('add')
    assert.equal(added.length, 3, added.join(', '))
    assert.ok(added.includes('ConfigMap/feature-flags'))
    assert.ok(added.some((a) => a.startsWith('ConfigMap/') && cm(a.slice(10))), added.join(', '))
    assert.ok(added.some((a) => a.startsWith('Secret/shop-secrets-')), added.join(', '))
    const deleted = byAction('delete')
    assert.deepEqual(deleted.filter((d) => !d.startsWith('ConfigMap/shop-config-') && !d.startsWith('Secret/shop-secrets-')), ['Ingress/web', 'Service/db', 'Service/web'])
    assert.equal(deleted.length, 5, deleted.join(', '))
    assert.deepEqual(report.summary, {add: 3, change: 1, delete: 5, unchanged: 10, error: 0, retained: 0})

    const dep = report.resources.find((r) => r.id.kind === 'Deployment')!
    const newCm = report.resources.find((r) => r.action === 'add' && r.id.name.startsWith('shop-config-'))!.id.name
    const newSecret = report.resources.find((r) => r.action === 'add' && r.id.name.startsWith('shop-secrets-'))!.id.name
    assert.deepEqual(dep.changedPaths.sort(), [
      // envFrom has no merge key: its elements compare by position.
      'spec.template.spec.containers[name=web].envFrom[0].configMapRef.name',
      'spec.template.spec.containers[name=web].envFrom[1].secretRef.name',
      'spec.template.spec.containers[name=web].image',
    ])
    assert.match(text.stdout, /~ Deployment\.apps [^\n]+\/web: change\n/)
    assert.ok(text.stdout.includes('\n-        image: registry.invalid/web:1.0\n'), text.stdout)
    assert.ok(text.stdout.includes('\n+        image: registry.invalid/web:2.0\n'))
    assert.ok(text.stdout.includes(`+            name: ${newCm}\n`), text.stdout)
    assert.ok(text.stdout.includes(`+            name: ${newSecret}\n`))
    // The new Secret shows keys only.
    assert.deepEqual(report.resources.find((r) => r.id.name === newSecret)!.after!.data, {API_TOKEN: '<added>', DB_PASSWORD: '<added>'})
    for (const out of [text.stdout, text.stderr, jsonRun.stdout, jsonRun.stderr]) {
      for (const v of ['hunter2-initial', 'n3w-Passw0rd!', 'tok-unchanged-1234']) {
        assert.ok(!out.includes(v), `plain ${v} leaked`)
        assert.ok(!out.includes(b64(v)), `base64 ${v} leaked`)
      }
    }
  })

  test('a Secret changed in place shows which key changed, never its values', async (t) => {
    const ns = await withNamespace(t, 'diff')
    const {kubeconfig} = await cluster()
    const secret = (password: string) => ({
      'kustomization.yaml': `namespace: ${ns}\nresources: [secret.yaml]\n`,
      'secret.yaml': `apiVersion: v1\nkind: Secret\nmetadata: {name: db}\nstringData: {user: admin-user, password: "${password}"}\n`,
    })
    await kubectlApply(kubeconfig, writeTree(secret('old-Pa55word')), ns)
    const r = strataDiff(kubeconfig, writeTree(secret('new-Pa55word')))
    assert.equal(r.code, 1, r.stderr)
    assert.match(r.stdout, /-  password: <changed \(before\)>\n\+  password: <changed \(after\)>\n/)
    assert.match(r.stdout, / {2}user: <unchanged>\n/)
    for (const v of ['old-Pa55word', 'new-Pa55word', 'admin-user']) {
      assert.ok(!r.stdout.includes(v) && !r.stdout.includes(b64(v)), v)
    }
    const shown = strataDiff(kubeconfig, writeTree(secret('new-Pa55word')), '--show-secrets')
    assert.ok(shown.stdout.includes(b64('new-Pa55word')), '--show-secrets prints values')
  })

  test('credentials that may not patch: read-only comparison, said in the output', async (t) => {
    const ns = await withNamespace(t, 'diff')
    const {kc, kubeconfig} = await cluster()
    const app = (image: string, cpu: string) => ({
      'kustomization.yaml': `namespace: ${ns}\nresources: [app.yaml]\nconfigMapGenerator:\n- name: cfg\n  literals: [a=1]\n`,
      'app.yaml': `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: ${image}
        resources: {requests: {cpu: "${cpu}"}}
        envFrom: [{configMapRef: {name: cfg}}]
`,
    })
    await kubectlApply(kubeconfig, writeTree(app('registry.invalid/web:1', '0.25')), ns)
    // A reader: get/list/watch on everything in the namespace, no patch.
    const rbac = kc.makeApiClient(RbacAuthorizationV1Api)
    const core = kc.makeApiClient(CoreV1Api)
    await core.createNamespacedServiceAccount({namespace: ns, body: {metadata: {name: 'ci-reader'}}})
    await rbac.createNamespacedRole({namespace: ns, body: {metadata: {name: 'reader'}, rules: [{apiGroups: ['*'], resources: ['*'], verbs: ['get', 'list', 'watch']}]}})
    await rbac.createNamespacedRoleBinding({
      namespace: ns,
      body: {metadata: {name: 'reader'}, roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader'}, subjects: [{kind: 'ServiceAccount', name: 'ci-reader', namespace: ns}]},
    })
    const token = (await core.createNamespacedServiceAccountToken({name: 'ci-reader', namespace: ns, body: {spec: {audiences: [], expirationSeconds: 600}}})).status!.token
    const readerConfig = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'strata-diff-e2e-')), 'reader.kubeconfig')
    const current = kc.getCurrentCluster()!
    fs.writeFileSync(
      readerConfig,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{name: 'c', cluster: {server: current.server, 'certificate-authority-data': fs.existsSync(current.caFile ?? '') ? fs.readFileSync(current.caFile!).toString('base64') : current.caData}}],
        users: [{name: 'reader', user: {token}}],
        contexts: [{name: 'reader', context: {cluster: 'c', user: 'reader', namespace: ns}}],
        'current-context': 'reader',
      }),
    )
    const unchangedDir = writeTree(app('registry.invalid/web:1', '250m'))
    await waitFor('the reader role to take effect', async () => strataDiff(readerConfig, unchangedDir).code === 0)
    const same = strataDiff(readerConfig, unchangedDir)
    // 250m is the 0.25 that was applied; defaults and other managers' fields are left out.
    assert.equal(same.stdout, 'Summary: 0 to add, 0 to change, 0 to delete, 2 unchanged; compared by matching live field by field.\n')
    const forced = strataDiff(readerConfig, unchangedDir, '--mode', 'read-only')
    assert.equal(forced.stdout, 'Summary: 0 to add, 0 to change, 0 to delete, 2 unchanged; compared by read-only (GET only).\n')
    const server = strataDiff(readerConfig, unchangedDir, '--mode', 'server', '--json')
    assert.equal(server.code, 2, 'a forbidden dry-run is an error when --mode server insists')
    assert.match((JSON.parse(server.stdout) as JsonReport).resources[0].error!, /Forbidden|forbidden/)

    const r = strataDiff(readerConfig, writeTree(app('registry.invalid/web:2', '0.25')), '--json')
    assert.equal(r.code, 1, r.stderr)
    const report = JSON.parse(r.stdout) as JsonReport
    assert.deepEqual(report.modes, {server: 0, matched: 1, 'read-only': 1, rendered: 0})
    const dep = report.resources.find((x) => x.id.kind === 'Deployment')!
    assert.equal(dep.mode, 'read-only')
    assert.equal(dep.modeReason, 'dry-run forbidden')
    assert.deepEqual(dep.changedPaths, ['spec.template.spec.containers[name=web].image'])
  })

  test('kinds the server does not know: additions when the render has their CRD, else an error per object (exit 2)', async (t) => {
    const ns = await withNamespace(t, 'diff')
    const {kubeconfig} = await cluster()
    const files = fullApp(ns)
    const dir = writeTree({
      'kustomization.yaml': `namespace: ${ns}\nresources: [crd.yaml, widget.yaml, gadget.yaml, cm.yaml]\n`,
      'crd.yaml': files['crd.yaml'],
      'widget.yaml': files['widget.yaml'],
      'gadget.yaml': `apiVersion: nowhere.strata.test/v1\nkind: Gadget\nmetadata: {name: g}\n`,
      'cm.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: "1"}\n`,
    })
    const r = strataDiff(kubeconfig, dir, '--json')
    assert.equal(r.code, 2, r.stderr)
    const report = JSON.parse(r.stdout) as JsonReport
    const by = new Map(report.resources.map((x) => [x.id.kind, x]))
    assert.equal(by.get('CustomResourceDefinition')!.action, 'add')
    assert.equal(by.get('Widget')!.action, 'add')
    assert.equal(by.get('Widget')!.note, `depends on CustomResourceDefinition widgets.${ns}.strata.test, not installed yet`)
    assert.equal(by.get('Gadget')!.action, 'error')
    assert.match(by.get('Gadget')!.error!, /does not know kind Gadget \(nowhere\.strata\.test\/v1\)/)
    assert.equal(by.get('ConfigMap')!.action, 'add')
  })
})
