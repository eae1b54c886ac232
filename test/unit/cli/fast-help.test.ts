// Help on the start-up fast path (src/cli/fast-path.ts prints dist/help.json, which
// scripts/help-texts.js renders with oclif's help at build) against oclif itself: for every
// command and topic, each way of asking for help prints the same bytes with the same exit code
// whether the fast path answers or oclif does (STRATA_FAST_PATH=off), both writing to a pipe.
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import {test} from 'node:test'
import {fastPlan, helpSubject, type HelpTexts, type Manifest, type PackageJson} from '../../../src/cli/fast-path.js'

const bin = path.resolve('bin/run.js')
const manifest = JSON.parse(fs.readFileSync('oclif.manifest.json', 'utf8')) as Manifest
const pjson = JSON.parse(fs.readFileSync('package.json', 'utf8')) as PackageJson
const help = JSON.parse(fs.readFileSync('dist/help.json', 'utf8')) as HelpTexts
const {OCLIF_COLUMNS, FORCE_COLOR, ...env} = process.env
const pipe = {stdoutIsTTY: false, env}

function run(args: string[], fastPath: boolean) {
  const r = spawnSync(process.execPath, [bin, ...args], {encoding: 'utf8', env: {...env, STRATA_FAST_PATH: fastPath ? '' : 'off'}})
  return {code: r.status, stdout: r.stdout, stderr: r.stderr}
}

test('the build rendered help for the root, every topic and every command', () => {
  // Topics are every proper prefix of a command id (rollout, edit, edit:add, ...).
  const commands = Object.keys(manifest.commands)
  const topics = commands.flatMap((id) => id.split(':').slice(0, -1).map((_, i, words) => words.slice(0, i + 1).join(':')))
  const ids = [...new Set(['', ...topics, ...commands])].sort()
  assert.deepEqual(Object.keys(help.texts).sort(), ids)
  assert.equal(help.version, pjson.version)
})

const asks: string[][] = [[], ['--help'], ['help']]
for (const id of Object.keys(help.texts).filter((k) => k !== '')) {
  const words = id.split(':')
  asks.push([...words, '--help'], ['help', ...words])
}

for (const argv of asks) {
  test(`help is the same with and without the fast path: strata ${argv.join(' ')}`, () => {
    // The fast path takes it (else the comparison proves nothing)...
    const plan = fastPlan(argv, pjson, manifest, pipe)
    assert.equal(plan?.kind, 'help')
    assert.ok(plan?.kind === 'help' && Object.hasOwn(help.texts, plan.id))
    // ...and prints what oclif prints.
    const fast = run(argv, true)
    assert.deepEqual(fast, run(argv, false))
    assert.equal(fast.code, 0)
    assert.ok(fast.stdout.includes('USAGE'))
  })
}

test('help the build did not render as oclif would print it goes to oclif', () => {
  // On a terminal oclif fits help to its width, and may colour it.
  assert.equal(helpSubject(['--help'], pjson, {stdoutIsTTY: true, env}), undefined)
  assert.equal(helpSubject(['--help'], pjson, {stdoutIsTTY: false, env: {...env, OCLIF_COLUMNS: '120'}}), undefined)
  assert.equal(helpSubject(['--help'], pjson, {stdoutIsTTY: false, env: {...env, FORCE_COLOR: '1'}}), undefined)
  // Arguments or flags beside the subject, help flags elsewhere, `--`: oclif decides.
  for (const argv of [['render', 'a', '--help'], ['render', '--help', 'a'], ['render', '-q', '--help'], ['help', 'render', '--help'], ['--', '--help'], ['render'], ['help', '--all']]) {
    const id = helpSubject(argv, pjson, {stdoutIsTTY: false, env})
    assert.ok(id === undefined || !Object.hasOwn(help.texts, id), argv.join(' '))
  }
  // A name that is no command or topic (even one every object has) is no text of the build.
  assert.equal(helpSubject(['constructor', '--help'], pjson, pipe), 'constructor')
  assert.equal(Object.hasOwn(help.texts, 'constructor'), false)
  assert.deepEqual(run(['constructor', '--help'], true), run(['constructor', '--help'], false))
})
