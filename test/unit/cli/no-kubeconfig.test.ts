import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {test} from 'node:test'

// The CLI as users run it (bin/run.js over the built dist/), on a machine with no kubeconfig at
// all: every command that needs a cluster says so in one paragraph, never "internal error".
const bin = path.resolve('bin/run.js')
const example = 'examples/shop/overlays/prod'

function strata(env: NodeJS.ProcessEnv, ...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], {encoding: 'utf8', env})
  return {code: r.status, stdout: r.stdout, stderr: r.stderr}
}

function bareEnv(home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {...process.env, HOME: home, ...extra}
  // Neither a kubeconfig nor a pod's service account to fall back to.
  if (!('KUBECONFIG' in extra)) delete env.KUBECONFIG
  delete env.KUBERNETES_SERVICE_HOST
  delete env.KUBERNETES_SERVICE_PORT
  return env
}

const commands = [
  ['diff', example],
  ['apply', '--plan', example],
  ['rollout', 'status', 'shop'],
]

test('no kubeconfig: diff, apply --plan and rollout status exit 2 with one paragraph naming where strata looked', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-no-kubeconfig-'))
  for (const args of commands) {
    const r = strata(bareEnv(home), ...args)
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`)
    assert.doesNotMatch(r.stderr, /internal error/, args.join(' '))
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace')
    assert.match(r.stderr, /^Error: no kubeconfig found/, args.join(' '))
    assert.ok(r.stderr.includes(path.join(home, '.kube', 'config')), `names ~/.kube/config: ${r.stderr}`)
    assert.match(r.stderr, /--kubeconfig/)
    assert.match(r.stderr, /KUBECONFIG/)
    assert.equal(r.stderr.trim().split('\n').length, 2, `one paragraph: ${r.stderr}`)
  }
})

test('$KUBECONFIG naming only missing files: the message lists them', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-no-kubeconfig-'))
  const files = [path.join(home, 'prod.kc'), path.join(home, 'dev.kc')]
  const r = strata(bareEnv(home, {KUBECONFIG: files.join(path.delimiter)}), 'diff', example)
  assert.equal(r.code, 2, r.stderr)
  assert.match(r.stderr, /^Error: no kubeconfig found/)
  for (const f of files) assert.ok(r.stderr.includes(f), r.stderr)
  assert.doesNotMatch(r.stderr, /internal error/)
})
