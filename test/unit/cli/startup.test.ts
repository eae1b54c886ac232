// The start-up design (issue 15), checked on the built CLI as users run it — not timed:
// `strata render`, `strata --version` and help load only what they use (never the cluster client, git
// or helm code, and on the fast path not even oclif), and the package ships oclif.manifest.json
// and the bundle.
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {test} from 'node:test'
import {fileURLToPath} from 'node:url'

const bin = path.resolve('bin/run.js')
const recorder = path.resolve('test/unit/cli/helpers/record-modules.mjs')

/** The files a CLI call loaded: packages by path, and for bundle chunks the src/ files in them (from their source maps). */
function loadedFiles(args: string[], env: Record<string, string> = {}): {code: number | null; files: string[]; stderr: string} {
  const record = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'strata-startup-')), 'modules.txt')
  fs.writeFileSync(record, '')
  const r = spawnSync(process.execPath, ['--import', recorder, bin, ...args], {encoding: 'utf8', env: {...process.env, ...env, STRATA_RECORD_MODULES: record}})
  const files = new Set<string>()
  for (const url of fs.readFileSync(record, 'utf8').split('\n').filter((u) => u.startsWith('file:'))) {
    const file = fileURLToPath(url)
    files.add(path.relative(process.cwd(), file))
    const map = `${file}.map`
    if (file.includes(`${path.sep}dist${path.sep}bundle${path.sep}`) && fs.existsSync(map)) {
      for (const source of JSON.parse(fs.readFileSync(map, 'utf8')).sources as string[]) files.add(path.relative(process.cwd(), path.resolve(path.dirname(file), source)))
    }
  }
  return {code: r.status, files: [...files], stderr: r.stderr}
}

const clusterGitHelm = [/node_modules\/@kubernetes\/client-node\//, /node_modules\/simple-git\//, /^src\/cluster\//, /^src\/source\/helm-runner\.ts$/, /^src\/rollout\//, /^src\/diff\//, /^src\/watch\//]

function offending(files: string[], patterns: RegExp[]): string[] {
  return files.filter((f) => patterns.some((p) => p.test(f.split(path.sep).join('/'))))
}

test('strata render loads no cluster client, git or helm code, and no oclif on the fast path', () => {
  const r = loadedFiles(['render', 'examples/shop/overlays/prod'])
  assert.equal(r.code, 0, r.stderr)
  assert.ok(r.files.some((f) => f.startsWith('src/render/')), `the recorder saw the render code: ${r.files.join(', ')}`)
  assert.deepEqual(offending(r.files, [...clusterGitHelm, /node_modules\/@oclif\//]), [])
})

test('a render in its own process loads no builtin it does not use: node:net, perf_hooks, child_process, crypto, http', () => {
  const record = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'strata-startup-')), 'builtins.txt')
  const preload = path.resolve('test/unit/cli/helpers/record-builtins.cjs')
  // Auto mode, as users run it: the call looks for a server (none runs in this private TMPDIR) and would start one only after a slow render.
  const tmp = path.dirname(record)
  const {CI: _ci, XDG_RUNTIME_DIR: _runtime, ...inherited} = process.env
  // Output to a file: a pipe is a socket to Node, whose process.stdout then needs node:net itself.
  const out = fs.openSync(path.join(tmp, 'out.yaml'), 'w')
  const r = spawnSync(process.execPath, ['-r', preload, bin, 'render', 'examples/shop/overlays/prod'], {encoding: 'utf8', stdio: ['ignore', out, 'pipe'], env: {...inherited, TMPDIR: tmp, STRATA_RENDER_SERVER: '', STRATA_RECORD_BUILTINS: record}})
  fs.closeSync(out)
  assert.equal(r.status, 0, r.stderr)
  assert.match(fs.readFileSync(path.join(tmp, 'out.yaml'), 'utf8'), /^kind: Deployment$/m)
  const loaded = fs.readFileSync(record, 'utf8').split('\n').filter(Boolean)
  assert.ok(loaded.includes('fs') && loaded.includes('vm'), `the recorder saw the builtins: ${loaded.join(', ')}`)
  assert.deepEqual(loaded.filter((m) => ['net', 'perf_hooks', 'child_process', 'crypto', 'http', 'https', 'worker_threads'].includes(m)), [])
})

test('strata render through oclif (fast path off) loads no cluster client, git or helm code either', () => {
  const r = loadedFiles(['render', 'examples/shop/overlays/prod'], {STRATA_FAST_PATH: 'off'})
  assert.equal(r.code, 0, r.stderr)
  assert.ok(r.files.some((f) => f.includes('node_modules/@oclif/core/')), 'oclif ran the command')
  assert.deepEqual(offending(r.files, clusterGitHelm), [])
  // The manifest lists the commands: oclif imports the one it runs, not every command.
  assert.deepEqual(r.files.filter((f) => /^src\/commands\//.test(f)), ['src/commands/render.ts'])
})

test('strata --version loads neither oclif nor any command', () => {
  const r = loadedFiles(['--version'])
  assert.equal(r.code, 0, r.stderr)
  assert.deepEqual(
    r.files.filter((f) => f.includes('node_modules') || /^src\/(render|commands|cluster)\//.test(f)),
    [],
  )
})

test('strata --help and strata help X (to a pipe) load neither oclif nor any command', () => {
  for (const args of [['--help'], ['help', 'render'], ['rollout', 'status', '--help']]) {
    const r = loadedFiles(args)
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(
      r.files.filter((f) => f.includes('node_modules') || /^src\/(render|commands|cluster)\//.test(f)),
      [],
      args.join(' '),
    )
  }
})

test('the package ships oclif.manifest.json, the help texts and the bundle the bin runs', () => {
  const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {encoding: 'utf8'})
  assert.equal(r.status, 0, r.stderr)
  const files = (JSON.parse(r.stdout) as {files: {path: string}[]}[])[0].files.map((f) => f.path)
  for (const needed of ['oclif.manifest.json', 'dist/fast-path.json', 'dist/help.json', 'bin/run.js', 'bin/package.json', 'dist/bundle/main.cjs', 'dist/bundle/fast-render.cjs', 'dist/bundle/commands/render.js']) assert.ok(files.includes(needed), `${needed} not in the package`)
  // The entry is CommonJS: an ES module entry starts Node's ES module loader on every call.
  assert.equal(JSON.parse(fs.readFileSync('bin/package.json', 'utf8')).type, 'commonjs')
  const manifest = JSON.parse(fs.readFileSync('oclif.manifest.json', 'utf8'))
  const pjson = JSON.parse(fs.readFileSync('package.json', 'utf8'))
  assert.equal(manifest.version, pjson.version, 'oclif ignores a manifest of another version')
  assert.ok(manifest.commands.render.flags.output, 'the manifest holds the render flags')
  // What the fast path reads instead of the whole manifest: the same version and render command.
  assert.deepEqual(JSON.parse(fs.readFileSync('dist/fast-path.json', 'utf8')), {version: manifest.version, commands: {render: manifest.commands.render}})
})

test('strata render compiles from the shipped code cache: V8 accepts it (no fallback cache is written)', () => {
  // V8 rejects a code cache recorded under other flags; render sets a heap flag (render-heap.ts)
  // before the compile, at build and at run alike. A rejected cache is recorded again under
  // the temporary directory, which is what this looks for.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-cache-check-'))
  const r = spawnSync(process.execPath, [bin, 'render', 'examples/shop/overlays/prod'], {encoding: 'utf8', env: {...process.env, TMPDIR: tmp}})
  assert.equal(r.status, 0, r.stderr)
  assert.deepEqual(fs.readdirSync(tmp), [], 'the shipped cache was rejected and recorded again')
})
