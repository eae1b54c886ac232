import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {describe, test} from 'node:test'
import {editDistance, nearest, suggestFlag} from '../../../src/cli/suggest.js'

// kubectl habits through bin/run.js over the built bundle: suggestions for mistyped commands and
// flags, -o as a format, help and version commands, one usage line.
const bin = path.resolve('bin/run.js')
const example = 'examples/shop/overlays/prod'

function strata(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], {encoding: 'utf8', env: {...process.env, CI: '1', KUBECONFIG: '/nonexistent/kubeconfig'}})
  return {code: r.status, stdout: r.stdout, stderr: r.stderr}
}

describe('suggestions', () => {
  test('nearest word: swaps count once; nothing when far', () => {
    assert.equal(editDistance('statsu', 'status'), 1)
    assert.equal(nearest('statsu', ['status', 'resume', 'abort']), 'status')
    assert.equal(nearest('xyzzy', ['status', 'resume']), undefined)
    assert.equal(suggestFlag('--dry-run', ['plan', 'json']), '--plan')
    assert.equal(suggestFlag('--zzzzzz', ['plan', 'json']), undefined)
    assert.equal(suggestFlag('--namspace', ['namespace', 'name']), '--namespace')
  })

  test('unknown commands name the nearest one, topics with a space; exit 2', () => {
    for (const [args, want] of [[['rollout', 'statsu'], 'strata rollout status'], [['statsu'], 'strata rollout status'], [['lst'], 'strata list'], [['dif'], 'strata diff']] as const) {
      const r = strata(...args)
      assert.equal(r.code, 2, r.stderr)
      assert.match(r.stderr, new RegExp(`^Error: unknown command '${args.join(' ')}'\\. Did you mean \`${want}\`\\?\\n`))
      assert.doesNotMatch(r.stderr, /:statsu|rollout:/, 'no colon-separated ids')
    }
    assert.match(strata('xyzzy').stderr, /^Error: unknown command 'xyzzy'\n  Run `strata help`/)
  })

  test('unknown flags suggest ours (--dry-run → --plan) with one usage line', () => {
    const r = strata('apply', example, '--dry-run')
    assert.equal(r.code, 2)
    assert.equal(r.stderr, 'Error: Nonexistent flag: --dry-run\n  Did you mean --plan? See `strata apply --help` for usage.\n')
    assert.match(strata('diff', example, '--namspace', 'x').stderr, /Did you mean --namespace\?/)
    assert.match(strata('rollout', 'status', 'x', '--wacth').stderr, /Did you mean --watch\? See `strata rollout status --help`/)
  })

  test("oclif's parse errors read as strata's: flags as typed, arguments by name, one line per problem", () => {
    const cases = [
      [['sync'], 'Error: missing required flags --name, --repo\n  See `strata sync --help` for usage.\n'],
      [['sync', '--name', 'shop'], 'Error: missing required flag --repo\n  See `strata sync --help` for usage.\n'],
      [['rollout', 'status'], 'Error: missing argument NAME: app name (as given to strata apply --name, by default the directory name)\n  See `strata rollout status --help` for usage.\n'],
      [['diff', example, '--concurrency', 'abc'], 'Error: --concurrency: expected an integer but received: abc\n  See `strata diff --help` for usage.\n'],
      [['watch', '--config', 'a.yaml', '--repo', 'b'], 'Error: --repo=b cannot also be provided when using --config\n  See `strata watch --help` for usage.\n'],
    ] as const
    for (const [args, want] of cases) {
      const r = strata(...args)
      assert.equal(r.code, 2, args.join(' '))
      assert.equal(r.stderr, want)
    }
    // A local --repo path that names no directory: sync and watch say which directory they looked at.
    for (const command of ['sync', 'watch']) {
      const r = strata(command, '--repo', './no-such-deploy', '--name', 'shop')
      assert.equal(r.code, 2, command)
      assert.equal(r.stderr.split('\n')[0], `Error: --repo ./no-such-deploy: no directory ${path.resolve('no-such-deploy')} on this machine`)
    }
    // A refused URL names the flag (no `command line:` prefix, no `field --repo:`).
    assert.match(strata('sync', '--repo', 'ftp://host/x', '--name', 'shop').stderr, /^Error: --repo: the repository URL is refused: the "ftp" transport is not allowed/)
    const json = strata('sync', '--json')
    assert.deepEqual(JSON.parse(json.stdout), {type: 'error', message: 'missing required flags --name, --repo', file: null, line: null, field: null, hint: 'See `strata sync --help` for usage.'})
  })
})

describe('-o is a format as in kubectl', () => {
  test('-o yaml is stdout; -o json one List; a bare non-format word is refused, not written', () => {
    const yaml = strata('render', example, '-o', 'yaml')
    assert.equal(yaml.code, 0, yaml.stderr)
    assert.equal(yaml.stdout, strata('render', example).stdout)
    const json = strata('render', example, '-o', 'json')
    assert.equal(json.code, 0, json.stderr)
    const list = JSON.parse(json.stdout) as {kind: string; items: {kind: string}[]}
    assert.equal(list.kind, 'List')
    assert.equal(list.items[0].kind, 'Namespace')
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-o-'))
    const wide = spawnSync(process.execPath, [bin, 'render', path.resolve(example), '-o', 'wide'], {cwd: tmp, encoding: 'utf8'})
    assert.equal(wide.status, 2)
    assert.match(wide.stderr, /^Error: -o 'wide' is neither an output format nor a path/, 'no `field --output:` prefix naming a flag the user did not write')
    assert.deepEqual(fs.readdirSync(tmp), [], 'nothing written')
    const file = spawnSync(process.execPath, [bin, 'render', path.resolve(example), '-o', 'out.yaml'], {cwd: tmp, encoding: 'utf8'})
    assert.equal(file.status, 0, file.stderr)
    assert.equal(fs.readFileSync(path.join(tmp, 'out.yaml'), 'utf8'), yaml.stdout)
  })
})

describe('diff --ignore-field kinds', () => {
  test('a misspelt kind is an error with the nearest kind and the render\'s kinds, before any cluster call; an absent built-in kind is a warning', () => {
    for (const [kind, want] of [['Deploymnet', 'Deployment'], ['deployment', 'Deployment'], ['Deployment.app', 'Deployment.apps']] as const) {
      const r = strata('diff', example, '--ignore-field', `${kind}:/spec/replicas`)
      assert.equal(r.code, 2, r.stderr)
      assert.match(r.stderr, new RegExp(`^Error: --ignore-field '${kind.replace('.', '\\.')}:/spec/replicas': no object of kind ${kind.replace('.', '\\.')} in the render; did you mean ${want.replace('.', '\\.')}\\?\n  Kinds in this render: ConfigMap, Deployment, HorizontalPodAutoscaler, Ingress, Namespace, Secret, Service, ServiceAccount\\.`))
    }
    const unknown = strata('diff', example, '--ignore-field', 'Rollout:/spec/replicas')
    assert.equal(unknown.code, 2)
    assert.match(unknown.stderr, /no object of kind Rollout in the render\n  Kinds in this render: /)
    // Past the check, the missing kubeconfig is the next error: the warning came first.
    const absent = strata('diff', example, '--ignore-field', 'StatefulSet:/spec/replicas', '--ignore-field', '*:/metadata/labels', '--ignore-field', 'Deployment.apps:/spec/replicas')
    assert.match(absent.stderr, /^# Warning: --ignore-field 'StatefulSet:\/spec\/replicas': this render has no StatefulSet\n/)
    assert.doesNotMatch(absent.stderr, /no object of kind/)
  })
})

describe('help and version', () => {
  test('strata help lists commands once (ls is hidden), the rollout topic has its own text, help COMMAND works', () => {
    const r = strata('help')
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /\n  list +List every app/)
    assert.doesNotMatch(r.stdout, /\n  ls /)
    assert.match(r.stdout, /\n  rollout +See, follow, resume or roll back/)
    const status = strata('help', 'rollout', 'status')
    assert.equal(status.code, 0)
    assert.match(status.stdout, /\$ strata rollout status NAME/)
    assert.match(strata('rollout').stdout, /^See, follow, resume or roll back/)
  })

  test('version --client prints the client only; --json; an unreachable server is not an error', () => {
    const r = strata('version', '--client')
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /^Client Version: strata \d+\.\d+\.\d+ \(node v\d+/)
    const j = JSON.parse(strata('version', '--json', '--kubeconfig', '/nonexistent/kubeconfig').stdout) as {clientVersion: {strata: string}; serverVersion: null; serverError: string}
    assert.match(j.clientVersion.strata, /^\d+\.\d+\.\d+/)
    assert.equal(j.serverVersion, null)
    assert.match(j.serverError, /does not exist/)
  })
})
