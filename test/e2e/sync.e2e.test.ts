// strata sync through bin/run.js against the real control plane, from a local bare git repository:
// a commit is applied and its SHA printed and recorded; a broken commit (invalid YAML, a missing
// patch file) exits 2 and leaves the cluster as it was; the next good commit applies; --dry-run
// changes nothing; a sync killed with SIGKILL mid-apply is taken over by the next sync.
import assert from 'node:assert/strict'
import {spawn, spawnSync} from 'node:child_process'
import {describe, test} from 'node:test'
import {LocalRepo, tmpDir} from '../unit/source/git-repos.js'
import {bin, strata} from './helpers/cli.js'
import {cluster, waitFor, withNamespace} from './helpers/cluster.js'

function kubectl(kubeconfig: string, ...args: string[]) {
  const r = spawnSync('kubectl', ['--kubeconfig', kubeconfig, ...args], {encoding: 'utf8'})
  return {code: r.status, stdout: r.stdout, stderr: r.stderr}
}

const cm = (value: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {level: "${value}"}\n`

describe('strata sync', () => {
  test('commit applied and recorded; broken commits keep the last good state; dry-run changes nothing', async (t) => {
    const ns = await withNamespace(t, 'sync')
    const {kubeconfig} = await cluster()
    const root = tmpDir('strata-sync-')
    const repo = new LocalRepo(root, 'deploy')
    const cache = `${root}/cache`
    const sync = (...extra: string[]) => strata(kubeconfig, 'sync', '--repo', repo.url, '--ref', 'main', '--path', 'apps/shop', '--name', 'shop', '--cache-dir', cache, ...extra)
    const level = () => kubectl(kubeconfig, 'get', 'configmap', 'settings', '-n', ns, '-o', 'jsonpath={.data.level}').stdout
    const kustomization = `namespace: ${ns}\nresources: [cm.yaml]\n`

    const c1 = repo.commit({'apps/shop/kustomization.yaml': kustomization, 'apps/shop/cm.yaml': cm('info')})
    const first = sync()
    assert.equal(first.code, 0, first.all)
    assert.match(first.stdout, new RegExp(`synced shop at ${c1} \\(1 changes\\)`))
    assert.equal(level(), 'info')
    const recorded = kubectl(kubeconfig, 'get', 'secret', 'applyset-shop', '-n', ns, '-o', 'jsonpath={.metadata.annotations.strata\\.dev/source-commit}')
    assert.equal(recorded.stdout, c1)

    const again = sync()
    assert.equal(again.code, 0, again.all)
    assert.match(again.stdout, /\(0 changes\)/)

    repo.commit({'apps/shop/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings\n'})
    const badYaml = sync()
    assert.equal(badYaml.code, 2, badYaml.all)
    assert.match(badYaml.stderr, /cm\.yaml/)
    assert.equal(level(), 'info')

    repo.commit({'apps/shop/cm.yaml': cm('warn'), 'apps/shop/kustomization.yaml': `${kustomization}patchesStrategicMerge: [missing-patch.yaml]\n`})
    const badPatch = sync()
    assert.equal(badPatch.code, 2, badPatch.all)
    assert.match(badPatch.stderr, /missing-patch\.yaml/)
    assert.equal(level(), 'info', 'the broken commit left nothing behind')

    repo.commit({'apps/shop/kustomization.yaml': kustomization, 'apps/shop/cm.yaml': cm('debug')})
    const dry = sync('--dry-run')
    assert.equal(dry.code, 1, dry.all)
    assert.equal(level(), 'info', '--dry-run changed nothing')

    const c5 = repo.head()
    const good = sync('--json')
    assert.equal(good.code, 0, good.all)
    const events = good.stdout.trim().split('\n').map((l) => JSON.parse(l) as {type: string; commit?: string})
    assert.deepEqual([events[0].type, events[0].commit], ['fetched', c5])
    assert.deepEqual([events.at(-1)?.type, events.at(-1)?.commit], ['synced', c5])
    assert.equal(level(), 'debug')
  })

  test('SIGKILL mid-sync: the next sync takes over the dead holder and converges', async (t) => {
    const ns = await withNamespace(t, 'sync-kill')
    const {kubeconfig} = await cluster()
    const root = tmpDir('strata-sync-kill-')
    const repo = new LocalRepo(root, 'deploy')
    const web = (annotations: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}, annotations: {${annotations}}}
    spec:
      containers:
      - {name: web, image: registry.invalid/web:1}
`
    // kwok keeps these pods unready (scripts/cluster): the sync waits in the workloads step.
    repo.commit({'kustomization.yaml': `namespace: ${ns}\nresources: [web.yaml]\n`, 'web.yaml': web('strata.dev/e2e-unready: "true"')})
    const args = ['sync', '--repo', repo.url, '--ref', 'main', '--name', 'web', '--cache-dir', `${root}/cache`, '--kubeconfig', kubeconfig, '--timeout', '2m']
    const child = spawn(process.execPath, [bin, ...args], {env: {...process.env, CI: '1'}, stdio: ['ignore', 'pipe', 'pipe']})
    let out = ''
    child.stdout.on('data', (b: Buffer) => (out += b.toString()))
    child.stderr.on('data', (b: Buffer) => (out += b.toString()))
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()))
    await waitFor('the sync waiting on web', async () => /Deployment \S+\/web (created|progressing)/.test(out), {timeoutMs: 60_000})
    child.kill('SIGKILL')
    await exited

    const c2 = repo.commit({'web.yaml': web('strata.dev/e2e-unready: "false"')})
    const next = strata(kubeconfig, ...args.slice(0, -4))
    assert.equal(next.code, 0, next.all)
    assert.match(next.stdout, new RegExp(`synced web at ${c2}`))
    const status = strata(kubeconfig, 'rollout', 'status', 'web', '-n', ns, '--json')
    assert.equal((JSON.parse(status.stdout) as {phase: string}).phase, 'done', status.all)
    const ready = kubectl(kubeconfig, 'get', 'deployment', 'web', '-n', ns, '-o', 'jsonpath={.status.readyReplicas}')
    assert.equal(ready.stdout, '2')
  })
})
