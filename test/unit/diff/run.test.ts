import assert from 'node:assert/strict'
import {describe, test} from 'node:test'
import {applySetId, applySetParent} from '../../../src/cluster/applyset.js'
import {formatDiffJson} from '../../../src/diff/format-json.js'
import {formatDiffText} from '../../../src/diff/format-text.js'
import {parseIgnoreFlags} from '../../../src/diff/ignore.js'
import {diffResources, type DiffOptions} from '../../../src/diff/run.js'
import {cloneJson, type JsonObject} from '../../../src/model/json.js'
import {newResource, type Resource} from '../../../src/model/resource.js'
import {makeTheme} from '../../../src/ui/theme.js'
import {FakeCluster} from './helpers/fake-cluster.js'
import {MemoryCluster} from '../helpers/memory-cluster.js'

const ns = 'shop'
const id = applySetId(applySetParent('shop', ns))
const partOf = {'applyset.kubernetes.io/part-of': id}

const deployment = (image: string, replicas = 2): JsonObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {name: 'web', namespace: ns},
  spec: {replicas, selector: {matchLabels: {app: 'web'}}, template: {metadata: {labels: {app: 'web'}}, spec: {containers: [{name: 'web', image}]}}},
})
const configMap = (name: string, data: JsonObject): JsonObject => ({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name, namespace: ns}, data})
const secret = (password: string): JsonObject => ({apiVersion: 'v1', kind: 'Secret', metadata: {name: 'db', namespace: ns}, type: 'Opaque', data: {user: b64('admin'), password: b64(password)}})
const b64 = (s: string) => Buffer.from(s).toString('base64')

const resources = (...objs: JsonObject[]): Resource[] => objs.map((o) => newResource(cloneJson(o), {file: 'app.yaml'}))

/** A cluster where `objs` were applied as the app `shop` (labelled, parent recorded). */
function appliedCluster(...objs: JsonObject[]): FakeCluster {
  const c = new FakeCluster()
  c.namespaces.add(ns)
  c.put({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: 'applyset-shop',
      namespace: ns,
      labels: {'applyset.kubernetes.io/id': id},
      annotations: {'applyset.kubernetes.io/contains-group-kinds': 'ConfigMap,Deployment.apps,Secret', 'applyset.kubernetes.io/tooling': 'strata/v0.1.0'},
    },
  })
  for (const o of objs) {
    const labelled = cloneJson(o)
    ;(labelled.metadata as JsonObject).labels = {...partOf}
    c.put(labelled)
  }
  return c
}

const opts: DiffOptions = {name: 'shop'}

describe('diffResources', () => {
  test('an applied render has no changes', async () => {
    const objs = [deployment('web:1'), configMap('cfg', {a: '1'}), secret('hunter2-pw')]
    const report = await diffResources(resources(...objs), appliedCluster(...objs), opts)
    assert.deepEqual(report.summary, {add: 0, change: 0, delete: 0, unchanged: 3, error: 0, retained: 0})
    // Live objects already hold every rendered field: settled without dry-runs, and without a
    // GET each (the inventory's member lists are the live state).
    assert.deepEqual(report.modes, {server: 0, matched: 3, 'read-only': 0, rendered: 0})
    assert.equal(report.inventory.found, true)
  })

  test('--mode server asks the server for every object', async () => {
    const objs = [deployment('web:1'), configMap('cfg', {a: '1'})]
    const cluster = appliedCluster(...objs)
    const report = await diffResources(resources(...objs), cluster, {...opts, mode: 'server'})
    assert.deepEqual(report.modes, {server: 2, matched: 0, 'read-only': 0, rendered: 0})
    assert.deepEqual(report.summary.unchanged, 2)
    assert.deepEqual(cluster.calls.filter((c) => c.startsWith('apply')).sort(), ['apply ConfigMap/cfg', 'apply Deployment/web'])
    assert.ok(!cluster.calls.some((c) => c.startsWith('get Deployment')), cluster.calls.join(', '))
  })

  test('a changed image, a new object and one no longer rendered are each reported precisely', async () => {
    const cluster = appliedCluster(deployment('web:1'), configMap('cfg-old', {a: '1'}))
    const report = await diffResources(resources(deployment('web:2'), configMap('cfg-new', {a: '2'})), cluster, opts)
    assert.deepEqual(report.summary, {add: 1, change: 1, delete: 1, unchanged: 0, error: 0, retained: 0})
    const [dep, added, deleted] = report.resources
    assert.equal(dep.action, 'change')
    assert.deepEqual(dep.changedPaths, ['spec.template.spec.containers[name=web].image'])
    assert.equal(added.action, 'add')
    assert.equal(added.id.name, 'cfg-new')
    // The addition is what the server would store: labelled as a member of the app's ApplySet.
    assert.deepEqual((added.after!.metadata as JsonObject).labels, partOf)
    assert.equal(deleted.action, 'delete')
    assert.equal(deleted.id.name, 'cfg-old')
  })

  test('an addition shows what the render sets, not what the server fills in (clusterIP, ipFamilies, imagePullPolicy, ...)', async () => {
    const service: JsonObject = {apiVersion: 'v1', kind: 'Service', metadata: {name: 'web', namespace: ns}, spec: {selector: {app: 'web'}, ports: [{name: 'http', port: 80}]}}
    const report = await diffResources(resources(service, deployment('web:1')), appliedCluster(), opts)
    const [svc, dep] = report.resources
    assert.deepEqual([svc.action, svc.mode, dep.action, dep.mode], ['add', 'server', 'add', 'server'])
    assert.deepEqual(svc.after!.spec, {ports: [{name: 'http', port: 80}], selector: {app: 'web'}})
    assert.deepEqual((svc.after!.metadata as JsonObject).labels, partOf, 'what strata adds itself stays')
    const spec = dep.after!.spec as JsonObject
    assert.equal(spec.revisionHistoryLimit, undefined)
    assert.doesNotMatch(JSON.stringify(dep.after), /imagePullPolicy|status|uid/)
    assert.equal(spec.replicas, 2)
    const text = formatDiffText(report, makeTheme(false))
    assert.doesNotMatch(text, /clusterIP|ipFamil|sessionAffinity|internalTrafficPolicy|protocol: TCP|targetPort/)
  })

  test('the text output: a header per object, a unified diff, a summary', async () => {
    const cluster = appliedCluster(deployment('web:1'), configMap('cfg-old', {a: '1'}))
    const report = await diffResources(resources(deployment('web:2'), configMap('cfg-new', {a: '2'})), cluster, opts)
    const expected = `+ ConfigMap shop/cfg-new: add
@@ -0,0 +1,9 @@
+apiVersion: v1
+data:
+  a: "2"
+kind: ConfigMap
+metadata:
+  labels:
+    applyset.kubernetes.io/part-of: ${id}
+  name: cfg-new
+  namespace: shop

~ Deployment.apps shop/web: change
@@ -17,6 +17,6 @@
         app: web
     spec:
       containers:
-      - image: web:1
+      - image: web:2
         imagePullPolicy: IfNotPresent
         name: web

- ConfigMap shop/cfg-old: delete
@@ -1,9 +0,0 @@
-apiVersion: v1
-data:
-  a: "1"
-kind: ConfigMap
-metadata:
-  labels:
-    applyset.kubernetes.io/part-of: ${id}
-  name: cfg-old
-  namespace: shop

Summary: 1 to add, 1 to change, 1 to delete, 0 unchanged; compared by server-side dry-run.
`
    // Printed in render order, deletions last; here the addition is listed first to show that.
    const reordered = {...report, resources: [report.resources[1], report.resources[0], report.resources[2]]}
    assert.equal(formatDiffText(reordered, makeTheme(false)), expected)
    assert.match(formatDiffText(report, makeTheme(true)), /\u001b\[32m\+      - image: web:2\u001b\[39m/)
  })

  test('a changed Secret shows which key changed, never a value, in text or JSON', async () => {
    const cluster = appliedCluster(secret('hunter2-pw'))
    const report = await diffResources(resources(secret('n3w-Passw0rd')), cluster, opts)
    const [s] = report.resources
    assert.equal(s.action, 'change')
    assert.deepEqual(s.changedPaths, ['data.password'])
    assert.deepEqual(s.after!.data, {user: '<unchanged>', password: '<changed (after)>'})
    const outputs = [formatDiffText(report, makeTheme(false)), formatDiffJson(report)]
    for (const out of outputs) {
      for (const v of ['hunter2-pw', 'n3w-Passw0rd', 'admin']) {
        assert.ok(!out.includes(v), `plain ${v} leaked`)
        assert.ok(!out.includes(b64(v)), `base64 ${v} leaked`)
      }
    }
    assert.match(outputs[0], /-  password: <changed \(before\)>\n\+  password: <changed \(after\)>/)
    const shown = await diffResources(resources(secret('n3w-Passw0rd')), cluster, {...opts, showSecrets: true})
    assert.equal((shown.resources[0].after!.data as JsonObject).password, b64('n3w-Passw0rd'))
  })

  test('dry-run forbidden: read-only comparison, said in the output', async () => {
    const cluster = appliedCluster(deployment('web:1'), configMap('cfg', {a: '1'}))
    cluster.forbidden.add('apply Deployment')
    const report = await diffResources(resources(deployment('web:2'), configMap('cfg', {a: '1'})), cluster, opts)
    const [dep, cm] = report.resources
    assert.equal(dep.action, 'change')
    assert.equal(dep.mode, 'read-only')
    assert.equal(dep.modeReason, 'dry-run forbidden')
    assert.deepEqual(dep.changedPaths, ['spec.template.spec.containers[name=web].image'])
    assert.equal(cm.mode, 'matched')
    assert.match(formatDiffText(report, makeTheme(false)), /~ Deployment.apps shop\/web: change \(read-only: dry-run forbidden\)[^]*compared by matching live field by field for 1, read-only \(GET only\) for 1\./)
  })

  test('--mode server reports a forbidden dry-run as an error for that object only', async () => {
    const cluster = appliedCluster(deployment('web:1'), configMap('cfg', {a: '1'}))
    cluster.forbidden.add('apply Deployment')
    const report = await diffResources(resources(deployment('web:2'), configMap('cfg', {a: '2'})), cluster, {...opts, mode: 'server'})
    assert.equal(report.resources[0].action, 'error')
    assert.match(report.resources[0].error!, /forbidden/)
    assert.equal(report.resources[1].action, 'change')
    assert.deepEqual(report.summary, {add: 0, change: 1, delete: 0, unchanged: 0, error: 1, retained: 0})
  })

  test('a forbidden GET is reported, not fatal for the others', async () => {
    const cluster = appliedCluster(configMap('b', {x: '1'}))
    // Not an inventory member (applied by someone else): strata has to GET it.
    cluster.put(configMap('a', {x: '1'}))
    cluster.forbidden.add('get ConfigMap/a')
    const report = await diffResources(resources(configMap('a', {x: '1'}), configMap('b', {x: '2'})), cluster, opts)
    assert.deepEqual(
      report.resources.map((r) => r.action),
      ['error', 'change'],
    )
  })

  test('a custom resource whose CRD is in the render is an addition that depends on it; without the CRD, an error naming the kind', async () => {
    const crd: JsonObject = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: {name: 'widgets.example.com'},
      spec: {group: 'example.com', names: {kind: 'Widget', plural: 'widgets'}, scope: 'Namespaced', versions: [{name: 'v1', served: true, storage: true}]},
    }
    const widget: JsonObject = {apiVersion: 'example.com/v1', kind: 'Widget', metadata: {name: 'w', namespace: ns}, spec: {size: 1}}
    const gadget: JsonObject = {apiVersion: 'other.io/v1', kind: 'Gadget', metadata: {name: 'g', namespace: ns}}
    const report = await diffResources(resources(crd, widget, gadget, configMap('cfg', {a: '1'})), appliedCluster(), opts)
    const [c, w, g, cm] = report.resources
    assert.equal(c.action, 'add')
    assert.equal(w.action, 'add')
    assert.equal(w.mode, 'rendered')
    assert.equal(w.note, 'depends on CustomResourceDefinition widgets.example.com, not installed yet')
    assert.equal(g.action, 'error')
    assert.match(g.error!, /does not know kind Gadget \(other\.io\/v1\)/)
    assert.equal(cm.action, 'add')
  })

  test('objects in a namespace the render creates are additions', async () => {
    const nsObj: JsonObject = {apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'fresh'}}
    const cm: JsonObject = {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'c', namespace: 'fresh'}, data: {a: '1'}}
    const report = await diffResources(resources(nsObj, cm), new FakeCluster(), {name: 'x', namespace: 'fresh'})
    assert.deepEqual(report.resources.map((r) => [r.action, r.mode, r.note]), [
      ['add', 'server', undefined],
      ['add', 'rendered', 'namespace fresh is created by this render'],
    ])
  })

  test('a namespace the render creates and the cluster lacks costs one GET, not two requests per object', async () => {
    const cluster = new MemoryCluster()
    const objs: JsonObject[] = [{apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'fresh'}}]
    for (let i = 0; i < 50; i++) objs.push({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: `c${i}`, namespace: 'fresh'}, data: {a: '1'}})
    const report = await diffResources(resources(...objs), cluster, {name: 'x', namespace: 'fresh'})
    assert.equal(report.resources.filter((r) => r.action === 'add').length, 51)
    const configMapCalls = cluster.calls.filter((c) => c.kind === 'ConfigMap')
    assert.deepEqual(configMapCalls, [])
    assert.equal(cluster.calls.filter((c) => c.kind === 'Namespace' && c.name === 'fresh' && c.verb === 'get').length, 2, 'one GET for the Namespace object, one for the existence check')
    // Once the namespace exists, its objects are compared one by one again.
    cluster.seed({apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'fresh'}})
    cluster.seed({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'c0', namespace: 'fresh'}, data: {a: '2'}})
    const again = await diffResources(resources(...objs), cluster, {name: 'x', namespace: 'fresh'})
    assert.equal(again.resources[1].action, 'change')
  })

  test('ignored fields: --ignore-field and the strata.dev/ignore-fields annotation', async () => {
    const cluster = appliedCluster(deployment('web:1', 5))
    const report = await diffResources(resources(deployment('web:1', 2)), cluster, {...opts, ignore: parseIgnoreFlags(['Deployment:/spec/replicas'])})
    assert.equal(report.resources[0].action, 'unchanged')
    const annotated = deployment('web:1', 2)
    ;(annotated.metadata as JsonObject).annotations = {'strata.dev/ignore-fields': '/spec/replicas'}
    const c2 = appliedCluster(deployment('web:1', 5))
    ;((c2.store.get(`apps/Deployment/${ns}/web`)!.metadata as JsonObject).annotations as unknown) = {'strata.dev/ignore-fields': '/spec/replicas'}
    const r2 = await diffResources(resources(annotated), c2, opts)
    assert.equal(r2.resources[0].action, 'unchanged')
  })

  test('members marked strata.dev/prune: disabled are not reported for deletion', async () => {
    const kept = configMap('kept', {a: '1'})
    ;(kept.metadata as JsonObject).annotations = {'strata.dev/prune': 'disabled'}
    // The render is empty, so the inventory's namespace is named (else the context's, default, is read).
    const report = await diffResources([], appliedCluster(kept, configMap('other', {a: '1'})), {...opts, namespace: ns})
    assert.equal(report.inventory.found, true)
    assert.deepEqual(report.resources.map((r) => [r.action, r.id.name]), [['delete', 'other']])
  })

  test("Argo CD's Prune=false / Delete=false / IgnoreExtraneous and Flux's prune: disabled members are not drift when they leave the render", async () => {
    const annotated = (name: string, annotations: Record<string, string>) => {
      const o = configMap(name, {a: '1'})
      ;(o.metadata as JsonObject).annotations = annotations
      return o
    }
    const cluster = appliedCluster(
      annotated('p', {'argocd.argoproj.io/sync-options': 'Prune=false'}),
      annotated('d', {'argocd.argoproj.io/sync-options': 'Delete=false'}),
      annotated('i', {'argocd.argoproj.io/compare-options': 'IgnoreExtraneous'}),
      annotated('f', {'kustomize.toolkit.fluxcd.io/prune': 'disabled'}),
      annotated('gone', {'argocd.argoproj.io/sync-options': 'Prune=true'}),
    )
    const report = await diffResources([], cluster, {...opts, namespace: ns})
    assert.equal(report.inventory.found, true)
    assert.deepEqual(report.resources.filter((r) => r.action === 'delete').map((r) => r.id.name), ['gone'])
  })

  test("Flux's ssa: IfNotPresent and reconcile: disabled: an existing object that differs is unchanged (apply never updates it); a missing one is added", async () => {
    for (const annotation of [{'kustomize.toolkit.fluxcd.io/ssa': 'IfNotPresent'}, {'kustomize.toolkit.fluxcd.io/reconcile': 'disabled'}]) {
      const live = configMap('seed', {a: '1'})
      ;(live.metadata as JsonObject).annotations = annotation
      const wanted = cloneJson(live)
      wanted.data = {a: '2'}
      const fresh = configMap('new', {b: '1'})
      ;(fresh.metadata as JsonObject).annotations = annotation
      const report = await diffResources(resources(wanted, fresh), appliedCluster(live), opts)
      const [seed, added] = report.resources
      assert.equal(seed.action, 'unchanged')
      assert.equal(seed.note, `not updated: ${Object.keys(annotation)[0]}: ${Object.values(annotation)[0]}`)
      assert.equal(added.action, 'add')
    }
    // Without the annotation the same change is drift.
    const report = await diffResources(resources(configMap('seed', {a: '2'})), appliedCluster(configMap('seed', {a: '1'})), opts)
    assert.equal(report.resources[0].action, 'change')
  })

  test('no inventory yet: nothing to delete, and the output says so', async () => {
    const report = await diffResources(resources(configMap('cfg', {a: '1'})), new FakeCluster(), {name: 'shop', namespace: 'default'})
    assert.equal(report.inventory.found, false)
    assert.match(formatDiffText(report, makeTheme(false)), /No inventory yet \(Secret default\/applyset-shop\)/)
  })

  test('requests stay within the concurrency bound', async () => {
    const objs = Array.from({length: 40}, (_, i) => configMap(`c${i}`, {i: String(i)}))
    const cluster = appliedCluster(...objs)
    const report = await diffResources(resources(...objs), cluster, {...opts, concurrency: 3})
    assert.equal(report.summary.unchanged, 40)
    assert.ok(cluster.maxInFlight <= 3, `max in flight ${cluster.maxInFlight}`)
    assert.ok(cluster.maxInFlight >= 2)
  })

  test('-n places namespace-less objects (served kinds and kinds of a CRD in the render) and the text shows where each lands', async () => {
    const cluster = new MemoryCluster({defaultNamespace: 'default'})
    const loose: JsonObject = {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'loose'}, data: {a: '1'}}
    const pinned: JsonObject = {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'pinned', namespace: 'ops'}, data: {a: '1'}}
    const role: JsonObject = {apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: {name: 'reader'}, rules: []}
    const crd: JsonObject = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: {name: 'gadgets.example.io'},
      spec: {group: 'example.io', scope: 'Namespaced', names: {kind: 'Gadget', plural: 'gadgets'}, versions: [{name: 'v1', served: true, storage: true}]},
    }
    const gadget: JsonObject = {apiVersion: 'example.io/v1', kind: 'Gadget', metadata: {name: 'g'}, spec: {}}
    const report = await diffResources(resources(loose, pinned, role, crd, gadget), cluster, {name: 'app', namespace: 'team-a', targetNamespace: 'team-a'})
    assert.deepEqual(
      report.resources.map((r) => `${r.id.kind} ${r.id.namespace}/${r.id.name}`),
      ['ConfigMap team-a/loose', 'ConfigMap ops/pinned', 'ClusterRole /reader', 'CustomResourceDefinition /gadgets.example.io', 'Gadget team-a/g'],
    )
    assert.equal((report.resources[4].after?.metadata as JsonObject).namespace, 'team-a')
    const text = formatDiffText(report, makeTheme(false))
    assert.match(text, /^\+ ConfigMap team-a\/loose: add/m)
    assert.match(text, /^\+ Gadget\.example\.io team-a\/g: add/m)
    // Without -n, kubectl's default: the kubeconfig context's namespace.
    const plain = await diffResources(resources(loose), cluster, {name: 'app'})
    assert.equal(plain.resources[0].id.namespace, 'default')
  })

  test('several namespaces without --namespace is a user error', async () => {
    const a = configMap('a', {})
    const b = {...configMap('b', {}), metadata: {name: 'b', namespace: 'other'}}
    await assert.rejects(diffResources(resources(a, b), new FakeCluster(), {name: 'x'}), /several namespaces \(other, shop\)/)
  })
})
