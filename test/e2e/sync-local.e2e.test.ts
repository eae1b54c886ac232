// strata sync --repo with a local path (relative, as `./deploy`, and an absolute bare repository)
// through bin/run.js on the real control plane: applied, and the commit recorded.
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import * as path from 'node:path'
import {describe, test} from 'node:test'
import {LocalRepo, tmpDir} from '../unit/source/git-repos.js'
import {bin} from './helpers/cli.js'
import {cluster, withNamespace} from './helpers/cluster.js'

describe('strata sync --repo PATH', () => {
  test('a relative working-tree path and an absolute bare repository both sync', async (t) => {
    const {kubeconfig} = await cluster()
    const ns = await withNamespace(t, 'synclocal')
    const root = tmpDir('strata-sync-local-')
    const repo = new LocalRepo(root, 'deploy')
    const commit = repo.commit({'app/kustomization.yaml': `namespace: ${ns}\nresources: [cm.yaml]\n`, 'app/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {k: v}\n'})
    const run = (repoArg: string, ...extra: string[]) => spawnSync(process.execPath, [bin, 'sync', '--repo', repoArg, ...extra, '--path', 'app', '--name', 'shop', '--cache-dir', `${root}/cache`, '--kubeconfig', kubeconfig], {cwd: root, encoding: 'utf8', env: {...process.env, CI: '1'}})
    const relative = run(`./${path.basename(repo.work)}`)
    assert.equal(relative.status, 0, relative.stderr)
    assert.match(relative.stdout, new RegExp(`synced shop at ${commit}`))
    // Another source for the same app: taken over explicitly (apply's ownership check).
    const bare = run(repo.bare, '--adopt')
    assert.equal(bare.status, 0, bare.stderr)
    assert.match(bare.stdout, /\(0 changes\)/)
    const got = spawnSync('kubectl', ['--kubeconfig', kubeconfig, 'get', 'configmap', 'settings', '-n', ns, '-o', 'jsonpath={.data.k}'], {encoding: 'utf8'})
    assert.equal(got.stdout, 'v')
  })

  test('errors inside the synced repository name repo@shortsha:path:line, never the cache; --json carries the same file', async (t) => {
    const {kubeconfig} = await cluster()
    const ns = await withNamespace(t, 'syncerr')
    const root = tmpDir('strata-sync-errors-')
    const repo = new LocalRepo(root, 'deploy')
    const run = (...extra: string[]) => spawnSync(process.execPath, [bin, 'sync', '--repo', './deploy.git', '--path', 'overlays/prod', '--name', 'shop', '--cache-dir', `${root}/cache`, '--kubeconfig', kubeconfig, ...extra], {cwd: root, encoding: 'utf8', env: {...process.env, CI: '1'}})
    const badYaml = repo.commit({
      'base/kustomization.yaml': `namespace: ${ns}\nresources: [cm.yaml]\n`,
      'base/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings\n',
      'overlays/prod/kustomization.yaml': 'resources: [../../base]\n',
    })
    const yaml = run()
    assert.equal(yaml.status, 2, yaml.stderr)
    assert.match(yaml.stderr, new RegExp(`^Error: \\./deploy\\.git@${badYaml.slice(0, 7)}:base/cm\\.yaml:4: invalid YAML`, 'm'))
    assert.doesNotMatch(yaml.stderr + yaml.stdout, /cache/, 'no cache path anywhere')
    const json = run('--json')
    assert.equal(json.status, 2)
    const last = JSON.parse(json.stdout.trim().split('\n').pop()!) as {type: string; file?: string}
    assert.deepEqual([last.type, last.file], ['error', `./deploy.git@${badYaml.slice(0, 7)}:base/cm.yaml`])
    // The kustomization itself: a field it does not know, named with the repository's path.
    const badKust = repo.commit({
      'base/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {k: v}\n',
      'overlays/prod/kustomization.yaml': 'resourcs: [../../base]\n',
    })
    const kust = run('--dry-run')
    assert.equal(kust.status, 2, kust.stderr)
    assert.match(kust.stderr, new RegExp(`^Error: \\./deploy\\.git@${badKust.slice(0, 7)}:overlays/prod/kustomization\\.yaml, field kustomization\\.resourcs: invalid Kustomization`, 'm'))
    assert.doesNotMatch(kust.stderr, /cache/)
    const badPatch = repo.commit({
      'base/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {k: v}\n',
      'overlays/prod/kustomization.yaml': "resources: [../../base]\npatches:\n- path: fix.yaml\n",
      'overlays/prod/fix.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: [oops\n',
    })
    const patch = run('--dry-run')
    assert.equal(patch.status, 2, patch.stderr)
    assert.match(patch.stderr, new RegExp(`\\./deploy\\.git@${badPatch.slice(0, 7)}:overlays/prod/fix\\.yaml`))
    assert.doesNotMatch(patch.stderr, /cache/)
    // A good commit again: --dry-run --json is JSON lines only, the plan one of them.
    const good = repo.commit({'overlays/prod/kustomization.yaml': 'resources: [../../base]\n'})
    const dry = run('--dry-run', '--json')
    assert.equal(dry.status, 1, dry.stderr)
    const lines = dry.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as {type: string; commit?: string; changes?: number; steps?: unknown[]})
    assert.deepEqual(lines.map((l) => l.type), ['fetched', 'plan'])
    assert.equal(lines[0].commit, good)
    assert.equal(lines[1].changes, 1)
    assert.ok(Array.isArray(lines[1].steps))
  })
})
