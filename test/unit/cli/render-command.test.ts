import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {test} from 'node:test'

// The CLI as users run it: bin/run.js over the built dist/ (npm test builds first).
const bin = path.resolve('bin/run.js')

function strata(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], {encoding: 'utf8'})
  return {code: r.status, stdout: r.stdout, stderr: r.stderr}
}

const example = 'examples/shop/overlays/prod'
const golden = fs.readFileSync('fixtures/87-example-shop-prod/expected.yaml', 'utf8')

test('render prints the golden stream to stdout and exits 0', () => {
  const r = strata('render', example)
  assert.equal(r.code, 0, r.stderr)
  assert.equal(r.stdout, golden)
})

test('render -o FILE writes the stream; -o DIR/ writes one file per resource with kustomize names', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-cli-'))
  const file = path.join(tmp, 'out.yaml')
  assert.equal(strata('render', example, '-o', file).code, 0)
  assert.equal(fs.readFileSync(file, 'utf8'), golden)
  const dir = path.join(tmp, 'split') + '/'
  assert.equal(strata('render', example, '-o', dir).code, 0)
  const names = fs.readdirSync(dir).sort()
  assert.ok(names.includes('apps_v1_deployment_prod-shop.yaml'), names.join(', '))
  assert.ok(names.includes('v1_namespace_shop-prod.yaml'), names.join(', '))
  assert.equal(names.length, golden.split('\n---\n').length)
})

test('a render error exits 2 with one paragraph naming the file, and writes nothing', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-cli-'))
  const file = path.join(tmp, 'out.yaml')
  const r = strata('render', 'fixtures/89-error-missing-resource-file/input', '-o', file)
  assert.equal(r.code, 2)
  assert.match(r.stderr, /^Error: fixtures\/89-error-missing-resource-file\/input\/kustomization\.yaml/)
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace')
  assert.equal(fs.existsSync(file), false)
})

test('deprecation warnings go to stderr as kustomize prints them; --quiet drops them', () => {
  const dir = 'fixtures/64-deprecated-bases/input'
  const r = strata('render', dir)
  assert.equal(r.code, 0)
  assert.equal(r.stderr, fs.readFileSync('fixtures/64-deprecated-bases/expected-stderr.txt', 'utf8'))
  assert.equal(strata('render', dir, '--quiet').stderr, '')
})

test('unknown flags are usage errors (exit 2)', () => {
  assert.equal(strata('render', example, '--nope').code, 2)
})
