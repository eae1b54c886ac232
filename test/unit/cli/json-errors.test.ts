import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import * as path from 'node:path'
import {describe, test} from 'node:test'

// `--json` never goes silent: a command that fails ends stdout with one error event naming the
// message, file and field, and still exits 2. Through bin/run.js over the built bundle.
const bin = path.resolve('bin/run.js')
const broken = 'fixtures/89-error-missing-resource-file/input'

function strata(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], {encoding: 'utf8', env: {...process.env, CI: '1'}})
  return {code: r.status, stdout: r.stdout, stderr: r.stderr}
}

function lastEvent(stdout: string): Record<string, unknown> {
  const lines = stdout.trim().split('\n')
  return JSON.parse(lines[lines.length - 1]) as Record<string, unknown>
}

describe('--json failure paths end with an error event', () => {
  test('diff: a render failure names the file and the field', () => {
    const r = strata('diff', broken, '--json')
    assert.equal(r.code, 2, r.stderr)
    const e = lastEvent(r.stdout)
    assert.equal(e.type, 'error')
    assert.equal(e.file, `${broken}/kustomization.yaml`)
    assert.equal(e.field, 'resources[1]')
    assert.match(String(e.message), /does-not-exist\.yaml/)
    assert.match(r.stderr, /^Error: /, 'the paragraph still goes to stderr')
  })

  for (const args of [
    ['apply', broken, '--kubeconfig', '/nonexistent/kubeconfig'],
    ['apply', broken, '--plan', '--kubeconfig', '/nonexistent/kubeconfig'],
    ['diff', broken, '--plan'],
    ['sync', '--repo', '/nonexistent/repo.git', '--name', 'x', '--offline'],
    ['list', '--kubeconfig', '/nonexistent/kubeconfig'],
    ['delete', 'shop', '--yes', '--kubeconfig', '/nonexistent/kubeconfig'],
    ['rollout', 'status', 'shop', '--kubeconfig', '/nonexistent/kubeconfig'],
    ['rollout', 'status', 'shop', '--watch', '--kubeconfig', '/nonexistent/kubeconfig'],
    ['rollout', 'resume', 'shop', '--kubeconfig', '/nonexistent/kubeconfig'],
    ['rollout', 'abort', 'shop', '--kubeconfig', '/nonexistent/kubeconfig'],
    ['apply', broken, '--no-such-flag'],
  ]) {
    test(`${args.slice(0, 2).join(' ')} … --json (${args.at(-1)}): exit 2 and a closing error event`, () => {
      const r = strata(...args, '--json')
      assert.equal(r.code, 2, r.stderr)
      const e = lastEvent(r.stdout)
      assert.equal(e.type, 'error', r.stdout)
      assert.ok(typeof e.message === 'string' && e.message.length > 0)
      assert.ok('file' in e && 'field' in e && 'hint' in e)
    })
  }
})
