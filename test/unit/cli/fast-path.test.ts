// The start-up fast path (src/cli/fast-path.ts) against oclif itself: for each argument list, the
// same stdout, stderr, exit code and written files whether the fast path answers or oclif does
// (STRATA_FAST_PATH=off), and the argument lists the fast path must leave to oclif.
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {test} from 'node:test'
import {fastPlan, parseCertain, type Manifest, type PackageJson} from '../../../src/cli/fast-path.js'

const bin = path.resolve('bin/run.js')
const manifest = JSON.parse(fs.readFileSync('oclif.manifest.json', 'utf8')) as Manifest
const pjson = JSON.parse(fs.readFileSync('package.json', 'utf8')) as PackageJson

function run(args: string[], fastPath: boolean) {
  const r = spawnSync(process.execPath, [bin, ...args], {encoding: 'utf8', env: {...process.env, STRATA_FAST_PATH: fastPath ? '' : 'off'}})
  return {code: r.status, stdout: r.stdout, stderr: r.stderr}
}

const shop = 'examples/shop/overlays/prod'
const cases: {name: string; args: (tmp: string) => string[]; files?: string[]}[] = [
  {name: '--version', args: () => ['--version']},
  {name: 'render DIR', args: () => ['render', shop]},
  {name: 'render with every kind of flag the fast path takes', args: () => ['render', '--load-restrictor=none', shop, '--helm-command', 'helm', '-q', '--offline']},
  {name: 'render -o FILE', args: (tmp) => ['render', shop, '-o', path.join(tmp, 'out.yaml')], files: ['out.yaml']},
  {name: 'render --output DIR/', args: (tmp) => ['render', shop, '--output', `${path.join(tmp, 'split')}/`], files: ['split']},
  {name: 'render of a missing directory', args: () => ['render', 'no/such/dir']},
  {name: 'render of an invalid tree', args: () => ['render', 'fixtures/89-error-missing-resource-file/input']},
  {name: 'render with deprecation warnings', args: () => ['render', 'fixtures/64-deprecated-bases/input']},
  {name: 'render with warnings, --quiet', args: () => ['render', 'fixtures/64-deprecated-bases/input', '--quiet']},
  {name: 'render with a bad option value (oclif reports it)', args: () => ['render', shop, '--load-restrictor', 'everywhere']},
  {name: 'render with an unknown flag (oclif reports it)', args: () => ['render', shop, '--frobnicate']},
  {name: 'render with two directories (oclif reports it)', args: () => ['render', shop, shop]},
  {name: 'render --help (the help text rendered at build)', args: () => ['render', '--help']},
  {name: 'render --enable-helm (the helm runner loads on demand)', args: () => ['render', 'fixtures/170-helm-chart-values-inline/input', '--enable-helm', '--helm-command', '/nonexistent/helm']},
]

for (const c of cases) {
  test(`same result with and without the fast path: ${c.name}`, () => {
    const results = [true, false].map((fast) => {
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-fast-'))
      const r = run(c.args(tmp), fast)
      const files = (c.files ?? []).map((f) => {
        const p = path.join(tmp, f)
        if (!fs.existsSync(p)) return `${f}: missing`
        return fs.statSync(p).isDirectory() ? fs.readdirSync(p).sort().map((n) => `${n}\n${fs.readFileSync(path.join(p, n), 'utf8')}`).join('\n') : fs.readFileSync(p, 'utf8')
      })
      // Paths under the per-run temporary directory differ by name only.
      const strip = (s: string) => s.split(tmp).join('<tmp>')
      return {code: r.code, stdout: strip(r.stdout), stderr: strip(r.stderr), files}
    })
    assert.deepEqual(results[0], results[1])
  })
}

test('the fast path takes plain render and --version calls, with the flag defaults of the manifest', () => {
  assert.deepEqual(fastPlan(['render'], pjson, manifest), {kind: 'render', dir: '.', flags: {'load-restrictor': 'rootOnly', 'max-input-bytes': manifest.commands.render.flags['max-input-bytes'].default, offline: false, 'enable-helm': false, 'helm-command': 'helm', quiet: false}})
  const plan = fastPlan(['render', 'a', '-o', 'x.yaml', '--load-restrictor=none', '--enable-helm'], pjson, manifest)
  assert.equal(plan?.kind, 'render')
  assert.equal(plan?.kind === 'render' && plan.dir, 'a')
  assert.deepEqual(plan?.kind === 'render' && [plan.flags.output, plan.flags['load-restrictor'], plan.flags['enable-helm']], ['x.yaml', 'none', true])
  assert.equal(fastPlan(['--version'], pjson, manifest)?.kind, 'version')
})

test('the fast path leaves to oclif whatever it cannot be sure of', () => {
  const declined = [
    [],
    ['--help'],
    ['help'],
    ['diff', 'a'],
    ['render', '--help'],
    ['render', 'a', '--help'],
    ['render', 'a', 'b'],
    ['render', 'a', '--'],
    ['render', 'a', '--nope'],
    ['render', 'a', '-x'],
    ['render', 'a', '-qo', 'x'],
    ['render', 'a', '-o'],
    ['render', 'a', '-o', '--help'],
    ['render', 'a', '-o', '-'],
    ['render', 'a', '--output='],
    ['render', 'a', '-o', 'x', '-o', 'y'],
    ['render', 'a', '--quiet=true'],
    ['render', 'a', '--no-quiet'],
    ['render', 'a', '--load-restrictor', 'bogus'],
    ['render', 'a', '--max-input-bytes', '10'],
    ['render', 'a', '--helm-api-versions', 'v1'],
  ]
  for (const argv of declined) assert.equal(fastPlan(argv, pjson, manifest), undefined, argv.join(' '))
  // A manifest of another version, plugins or hooks: oclif decides.
  assert.equal(fastPlan(['render', 'a'], pjson, {...manifest, version: '0.0.0-other'}), undefined)
  assert.equal(fastPlan(['render', 'a'], {...pjson, oclif: {...pjson.oclif, hooks: {init: './x.js'}}}, manifest), undefined)
  assert.equal(fastPlan(['render', 'a'], {...pjson, oclif: {...pjson.oclif, plugins: ['@oclif/plugin-help']}}, manifest), undefined)
  assert.equal(fastPlan(['render', 'a'], pjson, undefined), undefined)
  const withEnv = {...manifest.commands.render, flags: {...manifest.commands.render.flags, quiet: {...manifest.commands.render.flags.quiet, env: 'STRATA_QUIET'}}}
  assert.equal(parseCertain(['a'], withEnv, pjson), undefined)
})
