import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import {describe, test} from 'node:test'
import {UserError} from '../../../src/model/errors.js'
import {formatPreviewJson, formatPreviewMarkdown, formatPreviewText} from '../../../src/preview/format.js'
import {runAffected, runPreview, type CompareRequest} from '../../../src/preview/run.js'
import {makeTheme} from '../../../src/ui/theme.js'
import {LocalRepo, tmpDir} from '../source/git-repos.js'
import {appsTree, WorkRepo} from './repo.js'

const bin = path.resolve('bin/run.js')

function request(repo: WorkRepo, extra: Partial<CompareRequest> = {}): CompareRequest {
  return {cwd: repo.dir, base: 'main', roots: [], render: {}, cacheDir: repo.cacheDir, threads: 1, ...extra}
}

async function affectedPaths(repo: WorkRepo, extra: Partial<CompareRequest> = {}): Promise<string[]> {
  return (await runAffected(request(repo, extra))).roots.map((r) => (r.status === 'changed' ? r.path : `${r.path} (${r.status})`))
}

function strata(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], {cwd, encoding: 'utf8'})
  return {code: r.status, stdout: r.stdout, stderr: r.stderr}
}

function feature(files: Record<string, string | null>): WorkRepo {
  const repo = new WorkRepo(appsTree(['web', 'api', 'jobs']))
  repo.branch('feature')
  repo.write(files)
  return repo
}

describe('strata affected', () => {
  test('a changed shared component lists every prod root that includes it and no other; preview shows the change in each', async () => {
    const repo = feature({'shared/prod-defaults/policy.yaml': 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny\nspec:\n  podSelector: {}\n  policyTypes: [Ingress]\n'})
    assert.deepEqual(await affectedPaths(repo), ['apps/api/overlays/prod', 'apps/jobs/overlays/prod', 'apps/web/overlays/prod'])
    const report = await runPreview({...request(repo), showSecrets: false})
    assert.deepEqual(report.roots.map((r) => [r.root, r.status, r.counts]), ['api', 'jobs', 'web'].map((a) => [`apps/${a}/overlays/prod`, 'changed', {add: 0, change: 1, delete: 0}]))
    assert.deepEqual(report.roots[0].objects[0].changedPaths, ['spec.policyTypes'])
  })

  test('renders fan out to worker threads with the same result as on one thread (in-process and from the built CLI)', async () => {
    const apps = Array.from({length: 14}, (_, i) => `app${i}`)
    const repo = new WorkRepo(appsTree(apps))
    repo.branch('feature')
    repo.write({'shared/prod-defaults/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources:\n- policy.yaml\nlabels:\n- pairs:\n    tier: production\n'})
    repo.commit()
    const one = await runPreview({...request(repo, {head: 'feature'}), showSecrets: false})
    const two = await runPreview({...request(repo, {head: 'feature', cacheDir: tmpDir('strata-preview-cache-')}), threads: 2, showSecrets: false})
    assert.equal(one.roots.length, 14)
    assert.deepEqual(two, one)
    const cli = strata(repo.dir, 'preview', '--base', 'main', '--head', 'feature', '--format', 'json', '--cache-dir', tmpDir('strata-preview-cache-'))
    assert.equal(cli.code, 1, cli.stderr)
    assert.deepEqual(JSON.parse(cli.stdout), JSON.parse(formatPreviewJson(one)))
  })

  test('an overlay-only change lists that one root', async () => {
    const repo = feature({'apps/api/overlays/prod/replicas.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: 5\n'})
    assert.deepEqual(await affectedPaths(repo), ['apps/api/overlays/prod'])
  })

  test('a README change lists nothing; preview says so and exits 0', async () => {
    const repo = feature({'README.md': '# deploy\n\nMore words.\n'})
    repo.commit()
    assert.deepEqual(await affectedPaths(repo), [])
    const r = strata(repo.dir, 'preview', '--base', 'main', '--cache-dir', repo.cacheDir)
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /0 roots affected/)
    const a = strata(repo.dir, 'affected', '--base', 'main', '--cache-dir', repo.cacheDir)
    assert.equal(a.code, 0, a.stderr)
    assert.equal(a.stdout, '')
  })

  test('the remembered graph answers a second run without rendering; roots no changed file can reach are not rendered at all', async () => {
    const repo = feature({'apps/web/base/app.env': 'LOG_LEVEL=debug\n'})
    const first = await runAffected(request(repo))
    assert.deepEqual(first.stats, {candidates: 6, fromCache: 0, fromIncludes: 4, rendered: 2})
    const second = await runAffected(request(repo))
    assert.deepEqual(second.stats, {candidates: 6, fromCache: 2, fromIncludes: 4, rendered: 0})
    assert.deepEqual(second.roots.map((r) => r.path), ['apps/web/overlays/dev', 'apps/web/overlays/prod'])
    assert.deepEqual(second.roots[0].changedInputs, ['apps/web/base/app.env'])
    // Without the load restrictor a kustomization may read anywhere: every root is rendered to learn its inputs.
    const open = await runAffected(request(repo, {cacheDir: tmpDir('strata-preview-cache-'), render: {loadRestrictor: 'none'}}))
    assert.deepEqual(open.stats, {candidates: 6, fromCache: 0, fromIncludes: 0, rendered: 6})
    assert.deepEqual(open.roots.map((r) => r.path), second.roots.map((r) => r.path))
  })

  test('adding a file a render would have picked up (a second kustomization file) counts as a change', async () => {
    const repo = feature({'README.md': '# deploy, again\n'})
    // Learn every root's inputs first (no restrictor: nothing is ruled out by includes), probes included.
    const open = {render: {loadRestrictor: 'none' as const}}
    assert.deepEqual(await affectedPaths(repo, open), [])
    repo.write({'apps/jobs/overlays/dev/kustomization.yml': 'resources: []\n'})
    const r = await runAffected(request(repo, open))
    assert.equal(r.stats.rendered, 0)
    assert.deepEqual(r.roots.map((x) => [x.path, x.changedInputs]), [['apps/jobs/overlays/dev', ['apps/jobs/overlays/dev/kustomization.yml']]])
    const report = await runPreview({...request(repo), showSecrets: false})
    assert.equal(report.roots[0].status, 'error')
    assert.match(report.roots[0].error!, /multiple kustomization files/)
  })

  test('a renamed patch file lists its root; the output is the same, so preview exits 0', async () => {
    const repo = feature({})
    repo.git('mv', 'apps/web/overlays/prod/replicas.yaml', 'apps/web/overlays/prod/scale.yaml')
    repo.write({'apps/web/overlays/prod/kustomization.yaml': 'namespace: web-prod\nresources:\n- ../../base\ncomponents:\n- ../../../../shared/prod-defaults\npatches:\n- path: scale.yaml\n'})
    repo.commit('rename')
    assert.deepEqual(await affectedPaths(repo, {head: 'feature'}), ['apps/web/overlays/prod'])
    const r = strata(repo.dir, 'preview', '--base', 'main', '--head', 'feature', '--cache-dir', repo.cacheDir)
    assert.equal(r.code, 0, r.stdout + r.stderr)
    assert.match(r.stdout, /apps\/web\/overlays\/prod \(inputs changed, output the same/)
  })

  test('a patch renamed without its reference: the head render fails, naming the root and the file (exit 2)', async () => {
    const repo = feature({})
    repo.git('mv', 'apps/web/overlays/prod/replicas.yaml', 'apps/web/overlays/prod/scale.yaml')
    const r = strata(repo.dir, 'preview', '--base', 'main', '--cache-dir', repo.cacheDir)
    assert.equal(r.code, 2, r.stdout + r.stderr)
    assert.match(r.stdout, /=== apps\/web\/overlays\/prod \(error\)\napps\/web\/overlays\/prod\/kustomization\.yaml/)
    assert.match(r.stdout, /replicas\.yaml/)
  })

  test('a root that failed on the base side and renders on the head side is a change (exit 1)', async () => {
    const repo = new WorkRepo({...appsTree(['api']), 'apps/api/overlays/dev/kustomization.yaml': 'resources:\n- ../../base\n- missing.yaml\n'})
    repo.branch('feature')
    repo.write({'apps/api/overlays/dev/kustomization.yaml': 'resources:\n- ../../base\n'})
    const report = await runPreview({...request(repo), showSecrets: false})
    assert.equal(report.roots[0].status, 'changed')
    assert.match(report.roots[0].note!, /did not render on the base side.*missing\.yaml/s)
    assert.equal(report.roots[0].counts.add, 2)
    const r = strata(repo.dir, 'preview', '--base', 'main', '--cache-dir', repo.cacheDir)
    assert.equal(r.code, 1, r.stderr)
  })

  test('a deleted overlay is listed as deleted and previews every object removed', async () => {
    const repo = feature({'apps/jobs/overlays/dev': null})
    repo.commit()
    assert.deepEqual(await affectedPaths(repo), ['apps/jobs/overlays/dev (deleted)'])
    const report = await runPreview({...request(repo), showSecrets: false})
    assert.deepEqual(report.roots.map((r) => [r.root, r.status, r.counts]), [['apps/jobs/overlays/dev', 'deleted', {add: 0, change: 0, delete: 2}]])
    assert.equal(strata(repo.dir, 'affected', '--base', 'main', '--cache-dir', repo.cacheDir).stdout, 'apps/jobs/overlays/dev (deleted)\n')
  })

  test('a new environment is listed as new and previews every object added', async () => {
    const repo = feature({'apps/api/overlays/staging/kustomization.yaml': 'namespace: api-staging\nresources:\n- ../../base\n'})
    assert.deepEqual(await affectedPaths(repo), ['apps/api/overlays/staging (added)'])
    const report = await runPreview({...request(repo), showSecrets: false})
    assert.deepEqual(report.roots.map((r) => [r.status, r.counts]), [['added', {add: 2, change: 0, delete: 0}]])
  })

  test("a remote base's ?ref= bump lists the root; preview shows the remote's change", async () => {
    const remote = new LocalRepo(tmpDir('strata-preview-remote-'), 'platform')
    remote.commit({'base/kustomization.yaml': 'resources:\n- cm.yaml\n', 'base/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: platform\ndata:\n  level: one\n'})
    remote.tag('v1')
    remote.commit({'base/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: platform\ndata:\n  level: two\n'})
    remote.tag('v2')
    const repo = new WorkRepo({...appsTree(['api']), 'clusters/east/kustomization.yaml': `resources:\n- ${remote.url}//base?ref=v1\n`})
    repo.branch('feature')
    repo.write({'clusters/east/kustomization.yaml': `resources:\n- ${remote.url}//base?ref=v2\n`})
    assert.deepEqual(await affectedPaths(repo), ['clusters/east'])
    const report = await runPreview({...request(repo), showSecrets: false})
    assert.deepEqual(report.roots[0].objects.map((o) => [o.action, o.id.name, o.changedPaths]), [['change', 'platform', ['data.level']]])
  })

  test("a generator's env file change: the new hashed name is added, the old removed, the reference follows", async () => {
    const repo = feature({'apps/api/base/app.env': 'LOG_LEVEL=debug\n'})
    const report = await runPreview({...request(repo), roots: ['apps/api/overlays/dev'], showSecrets: false})
    const objects = report.roots[0].objects
    const added = objects.find((o) => o.action === 'add')!
    const removed = objects.find((o) => o.action === 'delete')!
    assert.match(added.id.name, /^api-env-[a-z0-9]{10}$/)
    assert.match(removed.id.name, /^api-env-[a-z0-9]{10}$/)
    assert.notEqual(added.id.name, removed.id.name)
    const changed = objects.find((o) => o.action === 'change')!
    assert.equal(changed.id.kind, 'Deployment')
    assert.deepEqual(changed.changedPaths, ['spec.template.spec.containers[name=main].envFrom[0].configMapRef.name'])
    const text = formatPreviewText(report, makeTheme(false))
    assert.ok(text.includes(`-            name: ${removed.id.name}\n+            name: ${added.id.name}\n`), text)
  })

  test('a change inside a helm chart (read by helm, not the render) lists the root; the base side is rendered from a written-out copy', async () => {
    const fake = path.join(tmpDir('strata-preview-helm-'), 'helm')
    // helm template RELEASE CHART ...: prints the chart's one template as it is.
    fs.writeFileSync(fake, '#!/bin/sh\nif [ "$1" = version ]; then echo v3.14.0; else cat "$3/templates/cm.yaml"; fi\n', {mode: 0o755})
    const cm = (level: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-chart\ndata:\n  level: ${level}\n`
    const repo = new WorkRepo({
      'charted/kustomization.yaml': 'helmCharts:\n- name: web\n  releaseName: r\n',
      'charted/charts/web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 1.0.0\n',
      'charted/charts/web/values.yaml': 'a: 1\n',
      'charted/charts/web/templates/cm.yaml': cm('one'),
      'plain/kustomization.yaml': 'resources:\n- cm.yaml\n',
      'plain/cm.yaml': cm('plain'),
    })
    repo.branch('feature')
    repo.write({'charted/charts/web/templates/cm.yaml': cm('two')})
    repo.commit()
    const helm = {render: {helm: {command: fake}}, head: 'feature'}
    assert.deepEqual(await affectedPaths(repo, helm), ['charted'])
    assert.deepEqual(await affectedPaths(repo, helm), ['charted'], 'from the remembered graph as well')
    const report = await runPreview({...request(repo, helm), showSecrets: false})
    assert.deepEqual(report.roots[0].objects.map((o) => [o.action, o.id.name, o.changedPaths]), [['change', 'from-chart', ['data.level']]])
  })

  test('Secret values never appear in text, markdown, JSON or the --output file; --show-secrets shows them', async () => {
    const repo = feature({'apps/web/base/kustomization.yaml': 'resources:\n- deployment.yaml\nconfigMapGenerator:\n- name: web-env\n  envs:\n  - app.env\nsecretGenerator:\n- name: web-db\n  literals:\n  - password=n3w-Hunter2-value\n'})
    const secrets = ['s3cr3t-Hunter2-value', 'n3w-Hunter2-value'].flatMap((s) => [s, Buffer.from(s).toString('base64')])
    const report = await runPreview({...request(repo), showSecrets: false})
    assert.ok(report.roots.some((r) => r.objects.some((o) => o.id.kind === 'Secret')))
    const out = path.join(tmpDir('strata-preview-out-'), 'full.md')
    const texts = [formatPreviewText(report, makeTheme(false)), formatPreviewMarkdown(report), formatPreviewMarkdown(report, {limit: 2000}), formatPreviewJson(report)]
    for (const format of ['text', 'markdown', 'json']) {
      const r = strata(repo.dir, 'preview', '--base', 'main', '--cache-dir', repo.cacheDir, '--format', format, '--output', out)
      assert.equal(r.code, 1, r.stderr)
      texts.push(r.stdout, r.stderr, fs.readFileSync(out, 'utf8'))
    }
    for (const t of texts) for (const s of secrets) assert.ok(!t.includes(s), `a Secret value leaked: ${s}`)
    assert.ok(texts[0].includes('password: <added>') && texts[0].includes('password: <removed>'))
    const shown = strata(repo.dir, 'preview', '--base', 'main', '--cache-dir', repo.cacheDir, '--show-secrets')
    assert.ok(shown.stdout.includes(Buffer.from('n3w-Hunter2-value').toString('base64')))
  })

  test('uncommitted changes count as head; the work tree and index are left as they were', async () => {
    const repo = feature({'apps/api/overlays/dev/kustomization.yaml': 'namespace: api-dev\nresources:\n- ../../base\nnamePrefix: x-\n'})
    repo.write({'untracked-notes.txt': 'scratch\n'})
    const status = repo.git('status', '--porcelain')
    const index = fs.readFileSync(path.join(repo.dir, '.git', 'index'))
    assert.deepEqual(await affectedPaths(repo), ['apps/api/overlays/dev'])
    await runPreview({...request(repo), showSecrets: false})
    assert.equal(repo.git('status', '--porcelain'), status)
    assert.deepEqual(fs.readFileSync(path.join(repo.dir, '.git', 'index')), index)
    assert.equal(repo.git('rev-parse', '--abbrev-ref', 'HEAD'), 'feature')
  })

  test('roots: named ones (relative to the current directory), else strata.yaml apps; a named root on neither side is an error', async () => {
    const repo = feature({'apps/api/base/app.env': 'LOG_LEVEL=debug\n'})
    assert.deepEqual(await affectedPaths(repo, {cwd: path.join(repo.dir, 'apps/api'), roots: ['overlays/prod', 'overlays/dev']}), ['apps/api/overlays/dev', 'apps/api/overlays/prod'])
    assert.deepEqual(await affectedPaths(repo, {roots: ['apps/web/overlays/prod']}), [])
    await assert.rejects(runAffected(request(repo, {roots: ['apps/nope']})), (e: unknown) => e instanceof UserError && /apps\/nope/.test(e.message))
    repo.write({'strata.yaml': 'apps:\n- name: api-prod\n  repo: https://git.example/deploy.git\n  path: apps/api/overlays/prod\n'})
    const r = await runAffected(request(repo))
    assert.equal(r.from, 'strata.yaml')
    assert.deepEqual(r.roots.map((x) => x.path), ['apps/api/overlays/prod'])
  })

  test('a --base that names no commit is one error naming the flag (exit 2)', () => {
    const repo = feature({})
    const r = strata(repo.dir, 'affected', '--base', 'no-such-branch', '--cache-dir', repo.cacheDir)
    assert.equal(r.code, 2)
    assert.match(r.stderr, /--base.*no-such-branch|no-such-branch.*--base/s)
    assert.doesNotMatch(r.stderr, /\n\s+at /)
  })

  test('affected --json: paths and per-root status for CI matrices', () => {
    const repo = feature({'apps/api/overlays/staging/kustomization.yaml': 'resources:\n- ../../base\n', 'apps/web/base/app.env': 'X=1\n'})
    const r = strata(repo.dir, 'affected', '--base', 'main', '--json', '--cache-dir', repo.cacheDir)
    assert.equal(r.code, 0, r.stderr)
    const doc = JSON.parse(r.stdout)
    assert.deepEqual(doc.paths, ['apps/api/overlays/staging', 'apps/web/overlays/dev', 'apps/web/overlays/prod'])
    assert.deepEqual(doc.roots.map((x: {status: string}) => x.status), ['added', 'changed', 'changed'])
  })
})
