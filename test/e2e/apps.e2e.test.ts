// strata list and strata delete through bin/run.js on the real control plane: apps found across
// namespaces from their inventories (a synced one with its repository@commit), and a delete that
// refuses a protected object and an unconfirmed run, waits for a finalizer until --timeout (keeping
// the inventory), then finishes once the finalizer is gone.
import assert from 'node:assert/strict'
import * as fs from 'node:fs'
import {spawnSync} from 'node:child_process'
import {describe, test} from 'node:test'
import {LocalRepo, tmpDir} from '../unit/source/git-repos.js'
import {strata, writeTree} from './helpers/cli.js'
import {cluster, withNamespace} from './helpers/cluster.js'

function kubectl(kubeconfig: string, ...args: string[]) {
  const r = spawnSync('kubectl', ['--kubeconfig', kubeconfig, ...args], {encoding: 'utf8'})
  return {code: r.status, stdout: r.stdout, stderr: r.stderr}
}

const cm = (name: string, metadata = '') => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${metadata}data: {k: v}\n`
const deploy = `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 1\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: c, image: nginx}]}\n`

describe('strata list', () => {
  test('apps in every namespace with objects, source and phase; -n narrows; --json', async (t) => {
    const {kubeconfig} = await cluster()
    const ns1 = await withNamespace(t, 'list')
    const ns2 = await withNamespace(t, 'list')
    const dir = writeTree({'kustomization.yaml': `namespace: ${ns1}\nresources: [all.yaml]\n`, 'all.yaml': [cm('a'), cm('b'), deploy].join('---\n')}, 'shop')
    assert.equal(strata(kubeconfig, 'apply', dir).code, 0)
    const root = tmpDir('strata-list-')
    const repo = new LocalRepo(root, 'deploy')
    const commit = repo.commit({'apps/blog/kustomization.yaml': `namespace: ${ns2}\nresources: [cm.yaml]\n`, 'apps/blog/cm.yaml': cm('c')})
    const synced = strata(kubeconfig, 'sync', '--repo', repo.url, '--path', 'apps/blog', '--name', 'blog', '--cache-dir', `${root}/cache`)
    assert.equal(synced.code, 0, synced.all)

    const all = strata(kubeconfig, 'list')
    assert.equal(all.code, 0, all.all)
    assert.match(all.stdout, /^NAME +NAMESPACE +SOURCE +OBJECTS +LAST APPLY +ROLLOUT\n/)
    // An applied app shows the directory it was applied from (strata.dev/source).
    assert.match(all.stdout, new RegExp(`\\nshop +${ns1} +${fs.realpathSync(dir)} +3 +\\d+s +done\\n`))
    assert.match(all.stdout, new RegExp(`\\nblog +${ns2} +file://\\S+deploy\\.git@${commit.slice(0, 7)}:apps/blog +1 +\\d+s +done\\n`))

    const one = strata(kubeconfig, 'ls', '-n', ns2, '--json')
    assert.equal(one.code, 0, one.all)
    const doc = JSON.parse(one.stdout) as {apps: {name: string; namespace: string; commit: string; objects: number; phase: string}[]}
    assert.deepEqual(doc.apps.map((a) => [a.name, a.namespace, a.commit, a.objects, a.phase]), [['blog', ns2, commit, 1, 'done']])
  })
})

describe('strata delete', () => {
  test('protected and unconfirmed runs delete nothing; a finalizer holds it past --timeout; then it finishes', async (t) => {
    const {kubeconfig} = await cluster()
    const ns = await withNamespace(t, 'delete')
    const dir = writeTree({
      'kustomization.yaml': `namespace: ${ns}\nresources: [all.yaml]\n`,
      'all.yaml': [cm('keep', '  annotations: {strata.dev/prune: disabled}\n'), cm('held', '  finalizers: [example.com/hold]\n'), cm('plain'), deploy].join('---\n'),
    }, 'shop')
    assert.equal(strata(kubeconfig, 'apply', dir).code, 0)
    const exists = (kind: string, name: string) => kubectl(kubeconfig, 'get', kind, name, '-n', ns).code === 0

    const guarded = strata(kubeconfig, 'delete', 'shop', '-n', ns)
    assert.equal(guarded.code, 2, guarded.all)
    assert.match(guarded.stdout, /app shop \(namespace \S+\): 3 objects to delete, in this order:\n  Deployment \S+\/web\n/)
    assert.match(guarded.stderr, /protected by strata.dev\/prune: disabled \(ConfigMap \S+\/keep\)/)
    assert.ok(exists('deployment', 'web') && exists('configmap', 'plain'), 'nothing deleted')

    const unconfirmed = strata(kubeconfig, 'delete', 'shop', '-n', ns, '--force')
    assert.equal(unconfirmed.code, 2, unconfirmed.all)
    assert.match(unconfirmed.stderr, /stdin is not a terminal/)
    assert.ok(exists('deployment', 'web') && exists('configmap', 'plain'), 'nothing deleted')

    const held = strata(kubeconfig, 'delete', 'shop', '-n', ns, '--force', '--yes', '--timeout', '3s')
    assert.equal(held.code, 2, held.all)
    assert.match(held.stdout, /waiting for \d objects to be gone \(finalizers: example.com\/hold\)/)
    assert.match(held.stderr, /still being deleted after 3 s: ConfigMap \S+\/held \(finalizers: example.com\/hold\)/)
    assert.equal(exists('deployment', 'web'), false)
    assert.ok(exists('secret', 'applyset-shop'), 'inventory kept for the next run')
    assert.match(strata(kubeconfig, 'list', '-n', ns).stdout, /\nshop /)

    assert.equal(kubectl(kubeconfig, 'patch', 'configmap', 'held', '-n', ns, '--type=merge', '-p', '{"metadata":{"finalizers":null}}').code, 0)
    const done = strata(kubeconfig, 'delete', 'shop', '-n', ns, '--force', '--yes', '--json')
    assert.equal(done.code, 0, done.all)
    const events = done.stdout.trim().split('\n').map((l) => JSON.parse(l) as {type: string})
    assert.equal(events[0].type, 'plan')
    assert.deepEqual(events.at(-1), {type: 'done', app: 'shop', namespace: ns, deleted: 0, kept: 0, protected: 1, retained: 0})
    assert.equal(exists('secret', 'applyset-shop'), false)
    assert.equal(exists('secret', 'strata-rollout-shop'), false)
    assert.ok(exists('configmap', 'keep'), 'the protected object stays')
    assert.equal(exists('configmap', 'held'), false)
    const none = strata(kubeconfig, 'list', '-n', ns)
    assert.equal(none.stdout, '')
    assert.match(none.stderr, /No apps found/)
  })
})
