// The package as users get it: `npm pack` of the built tree, installed globally on a clean prefix
// (dependencies from the registry, never this checkout's node_modules), then every kind of command
// run from outside the repository: render of the example, help, diff --help, edit, version --json.
// Needs `npm run build` first (`npm test` does it) and the npm registry (or a warm npm cache).
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'

const repo = path.join(import.meta.dirname, '..', '..')
const pkg = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')) as {name: string; version: string; dependencies: Record<string, string>; devDependencies: Record<string, string>}

function sh(cmd: string, args: string[], opts: {cwd: string; env?: NodeJS.ProcessEnv}) {
  const r = spawnSync(cmd, args, {encoding: 'utf8', cwd: opts.cwd, env: opts.env ?? process.env, timeout: 300_000})
  return {code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? String(r.error ?? '')}
}

describe('the packed tarball, installed globally on a clean prefix', () => {
  test('installs and runs every command', async (t) => {
    assert.ok(fs.existsSync(path.join(repo, 'dist', 'bundle', 'main.cjs')), 'dist/ is missing: run `npm run build` first')
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-package-'))
    t.after(() => fs.rmSync(tmp, {recursive: true, force: true}))

    const packed = sh('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], {cwd: repo})
    assert.equal(packed.code, 0, packed.stderr)
    const [{filename}] = JSON.parse(packed.stdout) as {filename: string}[]
    const tarball = path.join(tmp, filename)

    const prefix = path.join(tmp, 'prefix')
    const installed = sh('npm', ['install', '--global', '--prefix', prefix, tarball, '--prefer-offline', '--no-audit', '--no-fund'], {cwd: tmp})
    assert.equal(installed.code, 0, `npm install -g failed (is the registry reachable?): ${installed.stderr}`)

    // Only runtime dependencies came along: no test or build tool. (@types/* packages may arrive
    // as dependencies of @kubernetes/client-node; they are typings, never loaded.)
    const modules = path.join(prefix, 'lib', 'node_modules', pkg.name, 'node_modules')
    for (const dev of Object.keys(pkg.devDependencies).filter((d) => !d.startsWith('@types/'))) assert.ok(!fs.existsSync(path.join(modules, dev)), `${dev} (a devDependency) was installed`)

    // A PATH with the installed bin and node only, a working directory outside the repository.
    const env = {...process.env, PATH: [path.join(prefix, 'bin'), path.dirname(process.execPath), '/usr/bin', '/bin'].join(path.delimiter), CI: '1'}
    const work = path.join(tmp, 'work')
    fs.cpSync(path.join(repo, 'examples', 'shop'), path.join(work, 'shop'), {recursive: true})
    const strata = (...args: string[]) => sh(path.join(prefix, 'bin', 'strata'), args, {cwd: work, env})

    const help = strata('--help')
    assert.equal(help.code, 0, help.stderr)
    for (const command of ['render', 'diff', 'apply', 'edit', 'rollout', 'sync', 'watch']) assert.match(help.stdout, new RegExp(`\\n  ${command} `), `--help lists ${command}`)

    const diffHelp = strata('diff', '--help')
    assert.equal(diffHelp.code, 0, diffHelp.stderr)
    assert.match(diffHelp.stdout, /EXAMPLES/)

    const version = strata('version', '--json', '--client')
    assert.equal(version.code, 0, version.stderr)
    assert.equal((JSON.parse(version.stdout) as {clientVersion: {strata: string}}).clientVersion.strata, pkg.version)

    const rendered = strata('render', 'shop/overlays/prod')
    assert.equal(rendered.code, 0, rendered.stderr)
    const oracle = sh('kubectl', ['kustomize', 'shop/overlays/prod'], {cwd: work})
    assert.equal(oracle.code, 0, oracle.stderr)
    assert.equal(rendered.stdout, oracle.stdout)

    const edited = strata('edit', 'set', 'namespace', 'shop-staging', '--dir', 'shop/overlays/prod')
    assert.equal(edited.code, 0, edited.stderr)
    assert.match(fs.readFileSync(path.join(work, 'shop', 'overlays', 'prod', 'kustomization.yaml'), 'utf8'), /^namespace: shop-staging/m)

    const bad = strata('render', 'nowhere')
    assert.equal(bad.code, 2)
    assert.doesNotMatch(bad.stderr, /\n\s+at /, 'a user error, not a stack trace')
  })
})
