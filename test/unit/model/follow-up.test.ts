import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {describe, test} from 'node:test'
import {applyCommand, clusterTarget, commandLine, rolloutCommand, shellQuote} from '../../../src/model/follow-up.js'

/** The words a POSIX shell makes of `line` (each printed on its own NUL-terminated record). */
function shellWords(line: string): string[] {
  const r = spawnSync('sh', ['-c', `printf '%s\\0' ${line}`], {encoding: 'utf8'})
  assert.equal(r.status, 0, r.stderr)
  return r.stdout.split('\0').slice(0, -1)
}

describe('follow-up commands', () => {
  test('plain words stay bare, others are single-quoted', () => {
    assert.equal(shellQuote('/home/ann/.kube/config'), '/home/ann/.kube/config')
    assert.equal(shellQuote('team-a'), 'team-a')
    assert.equal(shellQuote('my kube'), `'my kube'`)
    assert.equal(shellQuote(''), `''`)
    assert.equal(shellQuote(`it's`), `'it'\\''s'`)
  })

  test('whatever a word holds, sh reads back exactly the words that were quoted', () => {
    const words = ['/tmp/dir with spaces/kube config', `ann's "cluster"`, 'a$b`c`\\d', '*', '~', 'x;rm -rf /', 'line\nbreak', '', '-n', 'tab\there', '!bang', '#hash']
    assert.deepEqual(shellWords(commandLine(words)), words)
  })

  test('a rollout hint carries the app, its namespace and the cluster flags the user gave', () => {
    const target = clusterTarget({kubeconfig: 'conf/kube config', context: `o'neil`}, '/work/ci')
    assert.deepEqual(target, {kubeconfig: '/work/ci/conf/kube config', context: `o'neil`})
    const line = rolloutCommand('resume', 'shop', 'team-a', target)
    assert.equal(line, `strata rollout resume shop -n team-a --kubeconfig '/work/ci/conf/kube config' --context 'o'\\''neil'`)
    assert.deepEqual(shellWords(line), ['strata', 'rollout', 'resume', 'shop', '-n', 'team-a', '--kubeconfig', '/work/ci/conf/kube config', '--context', `o'neil`])
  })

  test('without cluster flags the hint names none (it acts where the user runs it, as the apply did)', () => {
    assert.equal(rolloutCommand('status', 'shop', 'shop'), 'strata rollout status shop -n shop')
    assert.deepEqual(clusterTarget({}), {})
    assert.equal(applyCommand('overlays/my prod', 'shop', 'shop', {context: 'prod'}, ['--replace-paused']), `strata apply 'overlays/my prod' --name shop -n shop --context prod --replace-paused`)
  })
})
