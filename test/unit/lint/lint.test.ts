// strata lint over fixtures, one per finding and a clean tree: each finding names the file, the
// entry and a fix; every tree that kustomize builds is checked to build with kubectl kustomize
// (these are entries kustomize lets through silently).
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {runLint} from '../../../src/lint/run-lint.js'
import type {LintFinding} from '../../../src/lint/finding.js'

const fixtures = path.join(import.meta.dirname, 'fixtures')
const bin = path.join(import.meta.dirname, '..', '..', '..', 'bin', 'run.js')

async function lint(name: string, base?: string, cwd = fixtures) {
  return runLint({dir: path.join(cwd, name), cwd, render: {}, base, cacheDir: path.join(os.tmpdir(), 'strata-lint-test-cache')})
}

function brief(findings: LintFinding[]): string[] {
  return findings.map((f) => `${f.file} ${f.field} ${f.rule}`)
}

function kustomizeBuilds(dir: string): boolean {
  return spawnSync('kubectl', ['kustomize', dir], {encoding: 'utf8'}).status === 0
}

describe('strata lint findings', () => {
  test('a clean overlay (prefix, images, replicas, JSON and strategic-merge patches that all change something) has none', async () => {
    const r = await lint('clean')
    assert.deepEqual(r.findings, [])
  })

  test('patch and replacement targets that match nothing', async () => {
    assert.ok(kustomizeBuilds(path.join(fixtures, 'no-target')))
    const r = await lint('no-target')
    assert.deepEqual(brief(r.findings), [
      'no-target/kustomization.yaml patches[0] no-target',
      'no-target/kustomization.yaml patches[1] no-target',
      'no-target/kustomization.yaml replacements[0].targets[0] no-target',
    ])
    assert.match(r.findings[0].message, /"name":"api"/)
    for (const f of r.findings) assert.ok(f.fix.length > 10)
  })

  test('patches, images and replicas entries that set what is already there', async () => {
    assert.ok(kustomizeBuilds(path.join(fixtures, 'no-effect')))
    const r = await lint('no-effect')
    assert.deepEqual(brief(r.findings), [
      'no-effect/kustomization.yaml images[0] no-effect',
      'no-effect/kustomization.yaml patches[0] no-effect',
      'no-effect/kustomization.yaml patches[1] no-effect',
      'no-effect/kustomization.yaml replicas[0] no-effect',
    ])
    assert.match(r.findings[1].message, /^patch replicas\.yaml changes nothing on Deployment\/web/)
    assert.deepEqual(r.findings[1].paths, ['spec.replicas'])
  })

  test('the fields of a live patch that only repeat the base', async () => {
    const r = await lint('redundant-fields')
    assert.deepEqual(brief(r.findings), ['redundant-fields/kustomization.yaml patches[0] redundant-fields'])
    // memory 512Mi changes the object; replicas and image repeat it.
    assert.deepEqual(r.findings[0].paths, ['spec.replicas', 'spec.template.spec.containers[name=web].image'])
  })

  test('a list replaced whole (no merge key) is redundant only when the patch restates all of it', async () => {
    assert.ok(kustomizeBuilds(path.join(fixtures, 'replaced-list')))
    const r = await lint('replaced-list')
    assert.deepEqual(brief(r.findings), ['replaced-list/kustomization.yaml patches[1] redundant-fields'])
    assert.match(r.findings[0].object ?? '', /^Ingress\/admin$/)
    assert.ok(r.findings[0].paths?.every((p) => p.startsWith('spec.rules[0].')))
  })

  test('two patches of one kustomization setting one field to different values', async () => {
    const r = await lint('conflict')
    assert.deepEqual(brief(r.findings), ['conflict/kustomization.yaml patches[0] conflict'])
    assert.match(r.findings[0].message, /spec\.replicas: 3 then 4/)
    assert.match(r.findings[0].message, /patches\[1\]/)
  })

  test('an images entry that matches no container image (the other entry applies)', async () => {
    assert.ok(kustomizeBuilds(path.join(fixtures, 'image-no-match')))
    const r = await lint('image-no-match')
    assert.deepEqual(brief(r.findings), ['image-no-match/kustomization.yaml images[0] image-no-match'])
    assert.match(r.findings[0].message, /'redis' matches no container image \(images here: nginx:1\.25\)/)
  })

  test('a base listed twice in one resources list is a finding that explains the render error', async () => {
    const r = await lint('duplicate')
    assert.deepEqual(brief(r.findings), ['duplicate/kustomization.yaml resources[0] duplicate'])
    assert.match(r.findings[0].message, /\(resources\[0\] and resources\[1\]\)/)
    assert.match(r.renderError ?? '', /already registered id/)
  })

  test('a base reached through two kustomizations is a finding only when the build fails on it', async () => {
    const r = await lint('duplicate-diamond')
    assert.deepEqual(brief(r.findings), ['duplicate-diamond/left/kustomization.yaml resources[0] duplicate'])
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-lint-'))
    fs.cpSync(path.join(fixtures, 'duplicate-diamond'), tmp, {recursive: true})
    fs.appendFileSync(path.join(tmp, 'right', 'kustomization.yaml'), 'namespace: right\n')
    const ok = await runLint({dir: tmp, cwd: tmp, render: {}, cacheDir: os.tmpdir()})
    assert.deepEqual(ok.findings, [])
    fs.rmSync(tmp, {recursive: true, force: true})
  })

  test('a render error no finding explains is an error', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-lint-'))
    fs.writeFileSync(path.join(tmp, 'kustomization.yaml'), 'resources:\n- missing.yaml\n')
    await assert.rejects(runLint({dir: tmp, cwd: tmp, render: {}, cacheDir: os.tmpdir()}), /missing\.yaml/)
    fs.rmSync(tmp, {recursive: true, force: true})
  })
})

function git(cwd: string, ...args: string[]): void {
  const r = spawnSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', '-c', 'commit.gpgsign=false', ...args], {cwd, encoding: 'utf8'})
  assert.equal(r.status, 0, r.stderr)
}

describe('strata lint --base', () => {
  test('reports only what the change introduced; a root whose inputs did not change has nothing', async () => {
    const repo = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'strata-lint-repo-')))
    fs.cpSync(path.join(fixtures, 'base'), path.join(repo, 'base'), {recursive: true})
    fs.cpSync(path.join(fixtures, 'no-target'), path.join(repo, 'overlay'), {recursive: true})
    fs.cpSync(path.join(fixtures, 'clean'), path.join(repo, 'other'), {recursive: true})
    git(repo, 'init', '-q', '-b', 'main')
    git(repo, 'add', '-A')
    git(repo, 'commit', '-q', '-m', 'base')
    // The change: a new stale patch above the old ones (their indexes move, they stay known).
    const k = path.join(repo, 'overlay', 'kustomization.yaml')
    fs.writeFileSync(k, fs.readFileSync(k, 'utf8').replace('patches:\n', 'patches:\n- target:\n    kind: Deployment\n    name: gone\n  patch: |\n    - op: remove\n      path: /spec/replicas\n'))
    const cacheDir = path.join(repo, '.cache')
    const all = await runLint({dir: 'overlay', cwd: repo, render: {}, cacheDir})
    assert.equal(all.findings.length, 4)
    const introduced = await runLint({dir: 'overlay', cwd: repo, render: {}, base: 'main', cacheDir})
    assert.deepEqual(brief(introduced.findings), ['overlay/kustomization.yaml patches[0] no-target'])
    assert.match(introduced.findings[0].message, /"name":"gone"/)
    assert.equal(introduced.base?.changed, true)
    const untouched = await runLint({dir: 'other', cwd: repo, render: {}, base: 'main', cacheDir})
    assert.deepEqual(untouched.findings, [])
    assert.equal(untouched.base?.changed, false)
    fs.rmSync(repo, {recursive: true, force: true})
  })
})

describe('strata lint CLI', {skip: !fs.existsSync(bin) && 'not built'}, () => {
  const run = (...args: string[]) => spawnSync(process.execPath, [bin, 'lint', ...args], {encoding: 'utf8', cwd: fixtures, env: {...process.env, CI: '1'}})
  test('exit 1 with findings, 0 clean, 2 on a bad tree; --json is one document', () => {
    const found = run('conflict')
    assert.equal(found.status, 1, found.stderr)
    assert.match(found.stdout, /conflict\/kustomization\.yaml patches\[0\]: .* \[conflict\]\n {2}fix: /)
    const clean = run('clean')
    assert.equal(clean.status, 0, clean.stderr)
    assert.equal(clean.stdout, 'no findings\n')
    const json = run('no-effect', '--json')
    assert.equal(json.status, 1)
    const doc = JSON.parse(json.stdout)
    assert.equal(doc.count, 4)
    assert.equal(doc.findings[1].object, 'Deployment/web')
    assert.deepEqual(Object.keys(doc.findings[0]).sort(), ['field', 'file', 'fix', 'key', 'message', 'object', 'paths', 'rule'].sort())
    const bad = run('does-not-exist')
    assert.equal(bad.status, 2)
    assert.match(bad.stderr, /is not a directory/)
  })
})
