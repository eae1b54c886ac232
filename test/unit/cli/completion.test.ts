import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {after, before, describe, test} from 'node:test'

// `strata completion SHELL` through bin/run.js over the built bundle; the bash script is then
// sourced into a real bash and asked for completions the way readline asks (COMP_WORDS/COMP_CWORD).
const bin = path.resolve('bin/run.js')

function strata(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], {encoding: 'utf8', env: {...process.env, CI: '1', KUBECONFIG: '/nonexistent/kubeconfig'}})
  return {code: r.status, stdout: r.stdout, stderr: r.stderr}
}

const hasBash = spawnSync('bash', ['-c', 'true']).status === 0

describe('strata completion', () => {
  let dir: string
  let script: string
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-completion-'))
    const r = strata('completion', 'bash')
    assert.equal(r.code, 0, r.stderr)
    script = path.join(dir, 'strata.bash')
    fs.writeFileSync(script, r.stdout)
    fs.mkdirSync(path.join(dir, 'overlays', 'prod'), {recursive: true})
    fs.mkdirSync(path.join(dir, 'other'))
  })
  after(() => fs.rmSync(dir, {recursive: true, force: true}))

  /** What bash offers for the words typed (the last one is the word being completed). */
  function complete(...words: string[]): string[] {
    const r = spawnSync('bash', ['-c', 'source "$0"; COMP_WORDS=("$@"); COMP_CWORD=$(($#-1)); _strata; printf "%s\\n" "${COMPREPLY[@]}"', script, 'strata', ...words], {encoding: 'utf8', cwd: dir})
    assert.equal(r.status, 0, r.stderr)
    return r.stdout.split('\n').filter(Boolean).sort()
  }

  test('bash: top-level commands and topics, nothing else', {skip: !hasBash && 'no bash'}, () => {
    const top = complete('')
    for (const c of ['apply', 'completion', 'delete', 'diff', 'list', 'render', 'rollout', 'sync', 'version', 'watch']) assert.ok(top.includes(c), `${c} in ${top}`)
    assert.ok(!top.includes('status'), 'a topic command is not top level')
    assert.ok(!top.includes('overlays'), 'no paths where a command is expected')
    assert.deepEqual(complete('di'), ['diff'])
  })

  test('bash: a topic completes its commands (`rollout st` → status)', {skip: !hasBash && 'no bash'}, () => {
    assert.deepEqual(complete('rollout', ''), ['abort', 'resume', 'status'])
    assert.deepEqual(complete('rollout', 'st'), ['status'])
  })

  test("bash: flags of the command typed so far, also after other flags and their values", {skip: !hasBash && 'no bash'}, () => {
    assert.deepEqual(complete('rollout', 'status', '--w'), ['--watch'])
    assert.deepEqual(complete('apply', '--context', 'prod', 'overlays/prod', '--pl'), ['--plan'])
    assert.ok(complete('list', '--').includes('--namespace'))
    assert.ok(complete('list', '--').includes('--help'))
    assert.ok(!complete('list', '--').includes('--plan'), 'no flags of another command')
    // `--context rollout` is a flag value, not the topic.
    assert.deepEqual(complete('diff', '--context', 'rollout', '--ignore-f'), ['--ignore-field'])
  })

  test('bash: fixed flag and argument values, paths for arguments', {skip: !hasBash && 'no bash'}, () => {
    assert.deepEqual(complete('diff', '--mode', ''), ['auto', 'read-only', 'server'])
    assert.deepEqual(complete('completion', ''), ['bash', 'fish', 'zsh'])
    assert.deepEqual(complete('completion', 'z'), ['zsh'])
    assert.deepEqual(complete('diff', 'ov'), ['overlays'])
    assert.deepEqual(complete('render', 'overlays/p'), ['overlays/prod'])
  })

  test('zsh and fish scripts name every command, topic and flag', () => {
    const zsh = strata('completion', 'zsh')
    assert.equal(zsh.code, 0, zsh.stderr)
    assert.match(zsh.stdout, /^#compdef strata\n/)
    assert.match(zsh.stdout, /bashcompinit/)
    assert.match(zsh.stdout, /'rollout'\) words='abort resume status'/)
    assert.match(zsh.stdout, /complete -o filenames -F _strata strata/)

    const fish = strata('completion', 'fish')
    assert.equal(fish.code, 0, fish.stderr)
    assert.match(fish.stdout, /complete -c strata -n '__fish_use_subcommand' -a 'rollout'/)
    assert.match(fish.stdout, /-n '__fish_seen_subcommand_from rollout; and test \(count \(commandline -opc\)\) -eq 2' -a 'status'/)
    assert.match(fish.stdout, /-n '__fish_seen_subcommand_from rollout; and __fish_seen_subcommand_from status' -l watch -s w/)
    assert.match(fish.stdout, /-n '__fish_seen_subcommand_from diff' -l mode -x -a 'auto server read-only'/)
    // Quotes inside descriptions are escaped for fish.
    assert.ok(!/-d '[^']*'s /.test(fish.stdout.replaceAll("'\\''", '')), 'descriptions quoted')
  })

  test('an unknown shell is a usage error naming the shells; exit 2', () => {
    const r = strata('completion', 'tcsh')
    assert.equal(r.code, 2)
    assert.match(r.stderr, /Expected tcsh to be one of: bash, zsh, fish/)
    assert.match(r.stderr, /strata completion --help/)
  })

  test('completion goes through oclif and leaves the render fast path on (no plugin in package.json)', () => {
    const pjson = JSON.parse(fs.readFileSync('package.json', 'utf8')) as {oclif: {plugins?: unknown[]}}
    assert.ok(!pjson.oclif.plugins?.length)
  })
})
