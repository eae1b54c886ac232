// A tree written for Argo CD, and one written for Flux, applied by strata unchanged on the real
// control plane: waves order the apply, protected objects survive leaving the render, ignored and
// create-only objects are not drift, and Replace=true is refused before anything changes.
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {describe, test} from 'node:test'
import {rewriteTree, strata, writeTree} from './helpers/cli.js'
import {cluster, withNamespace} from './helpers/cluster.js'

function cm(name: string, annotations: Record<string, string>, data = 'v1'): string {
  const ann = Object.entries(annotations).map(([k, v]) => `\n    ${k}: ${JSON.stringify(v)}`).join('')
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}${ann ? `\n  annotations:${ann}` : ''}\ndata: {v: ${data}}\n`
}

function tree(ns: string, objects: Record<string, string>): Record<string, string> {
  const names = Object.keys(objects)
  const files: Record<string, string> = {'kustomization.yaml': `namespace: ${ns}\nresources:\n${names.map((n) => `- ${n}.yaml\n`).join('')}`}
  for (const [n, text] of Object.entries(objects)) files[`${n}.yaml`] = text
  return files
}

function liveData(kubeconfig: string, ns: string, name: string): string | undefined {
  const r = spawnSync('kubectl', ['--kubeconfig', kubeconfig, '-n', ns, 'get', 'configmap', name, '-o', 'jsonpath={.data.v}', '--ignore-not-found'], {encoding: 'utf8'})
  assert.equal(r.status, 0, r.stderr)
  return r.stdout === '' ? undefined : r.stdout
}

/** Names of the objects applied, in the order the apply's JSON events report them. */
function appliedOrder(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as {type: string; id?: {name: string}; result?: string})
    .filter((e) => e.type === 'applied' && e.result !== 'unchanged')
    .map((e) => e.id!.name)
}

const argo = {
  wave: 'argocd.argoproj.io/sync-wave',
  sync: 'argocd.argoproj.io/sync-options',
  compare: 'argocd.argoproj.io/compare-options',
}
const flux = {
  prune: 'kustomize.toolkit.fluxcd.io/prune',
  ssa: 'kustomize.toolkit.fluxcd.io/ssa',
  reconcile: 'kustomize.toolkit.fluxcd.io/reconcile',
}

describe('Argo CD and Flux annotations on the control plane', () => {
  test('an Argo CD tree: waves 2/1/0 apply in order, Prune=false survives, IgnoreExtraneous is not drift, Replace=true refused', async (t) => {
    const {kubeconfig} = await cluster()
    const ns = await withNamespace(t, 'argo')
    const objects = {
      // Written in reverse so render order cannot be what orders them.
      two: cm('two', {[argo.wave]: '2'}),
      one: cm('one', {[argo.wave]: '1'}),
      zero: cm('zero', {}),
      keep: cm('keep', {[argo.sync]: 'ServerSideApply=true,Prune=false'}),
      extra: cm('extra', {[argo.compare]: 'IgnoreExtraneous'}),
      gone: cm('gone', {}),
    }
    const dir = writeTree(tree(ns, objects))

    const plan = strata(kubeconfig, 'apply', dir, '--plan', '-n', ns)
    assert.equal(plan.code, 1, plan.all)
    assert.match(plan.stdout, /config-storage wave 1\n\s+\+ ConfigMap \S+\/one \(create, argocd\.argoproj\.io\/sync-wave: "1"\)/)

    const first = strata(kubeconfig, 'apply', dir, '-n', ns, '--json')
    assert.equal(first.code, 0, first.all)
    const order = appliedOrder(first.stdout)
    assert.deepEqual(order.filter((n) => ['zero', 'one', 'two'].includes(n)), ['zero', 'one', 'two'], first.stdout)

    // keep, extra and gone leave the render: only gone is drift, and only gone is pruned.
    const {keep: _k, extra: _e, gone: _g, ...rest} = objects
    rewriteTree(dir, tree(ns, rest))
    const diff = strata(kubeconfig, 'diff', dir, '-n', ns, '--json')
    assert.equal(diff.code, 1, diff.all)
    const report = JSON.parse(diff.stdout) as {resources: {action: string; id: {name: string}}[]}
    assert.deepEqual(report.resources.filter((r) => r.action === 'delete').map((r) => r.id.name), ['gone'])
    const second = strata(kubeconfig, 'apply', dir, '-n', ns)
    assert.equal(second.code, 0, second.all)
    assert.equal(liveData(kubeconfig, ns, 'gone'), undefined)
    assert.equal(liveData(kubeconfig, ns, 'keep'), 'v1')
    assert.equal(liveData(kubeconfig, ns, 'extra'), 'v1')
    const quiet = strata(kubeconfig, 'diff', dir, '-n', ns)
    assert.equal(quiet.code, 0, quiet.all)

    rewriteTree(dir, tree(ns, {...rest, one: cm('one', {[argo.wave]: '1', [argo.sync]: 'Replace=true'}, 'v2')}))
    const refused = strata(kubeconfig, 'apply', dir, '-n', ns)
    assert.equal(refused.code, 2, refused.all)
    assert.match(refused.stderr, /ConfigMap \S+\/one: argocd\.argoproj\.io\/sync-options: Replace=true is not supported/)
    assert.doesNotMatch(refused.all, /\n\s+at /, 'no stack trace')
    assert.equal(liveData(kubeconfig, ns, 'one'), 'v1', 'nothing changed')
  })

  test('a Flux tree: prune: disabled survives, ssa: IfNotPresent and reconcile: disabled are created but never updated', async (t) => {
    const {kubeconfig} = await cluster()
    const ns = await withNamespace(t, 'flux')
    const objects = {
      plain: cm('plain', {}),
      keep: cm('keep', {[flux.prune]: 'disabled'}),
      seed: cm('seed', {[flux.ssa]: 'IfNotPresent'}),
      frozen: cm('frozen', {[flux.reconcile]: 'disabled'}),
    }
    const dir = writeTree(tree(ns, objects))
    const first = strata(kubeconfig, 'apply', dir, '-n', ns)
    assert.equal(first.code, 0, first.all)
    for (const n of ['plain', 'keep', 'seed', 'frozen']) assert.equal(liveData(kubeconfig, ns, n), 'v1', n)

    // Every object changes its data; keep leaves the render.
    rewriteTree(dir, tree(ns, {plain: cm('plain', {}, 'v2'), seed: cm('seed', {[flux.ssa]: 'IfNotPresent'}, 'v2'), frozen: cm('frozen', {[flux.reconcile]: 'disabled'}, 'v2')}))
    const plan = strata(kubeconfig, 'apply', dir, '--plan', '-n', ns)
    assert.equal(plan.code, 1, plan.all)
    assert.match(plan.stdout, /= ConfigMap \S+\/seed \(unchanged, kustomize\.toolkit\.fluxcd\.io\/ssa: IfNotPresent\)/)
    assert.match(plan.stdout, /= ConfigMap \S+\/frozen \(unchanged, kustomize\.toolkit\.fluxcd\.io\/reconcile: disabled\)/)
    assert.match(plan.stdout, /~ ConfigMap \S+\/plain \(update\)/)
    assert.doesNotMatch(plan.stdout, /keep/, 'a kept object is not in the plan')
    const second = strata(kubeconfig, 'apply', dir, '-n', ns)
    assert.equal(second.code, 0, second.all)
    assert.equal(liveData(kubeconfig, ns, 'plain'), 'v2')
    assert.equal(liveData(kubeconfig, ns, 'seed'), 'v1')
    assert.equal(liveData(kubeconfig, ns, 'frozen'), 'v1')
    assert.equal(liveData(kubeconfig, ns, 'keep'), 'v1')
    const quiet = strata(kubeconfig, 'diff', dir, '-n', ns)
    assert.equal(quiet.code, 0, quiet.all)

    // reconcile: disabled leaves garbage collection too.
    rewriteTree(dir, tree(ns, {plain: cm('plain', {}, 'v2'), seed: cm('seed', {[flux.ssa]: 'IfNotPresent'}, 'v2')}))
    const third = strata(kubeconfig, 'apply', dir, '-n', ns)
    assert.equal(third.code, 0, third.all)
    assert.equal(liveData(kubeconfig, ns, 'frozen'), 'v1')
  })
})
