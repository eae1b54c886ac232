import {test} from 'node:test'
import assert from 'node:assert/strict'
import {UserError} from '../../../src/model/errors.js'
import {normalizeSelfHealArgv, watchAppsFrom} from '../../../src/watch/run-watch-apps.js'

const config = `defaults:\n  interval: 30s\napps:\n  - name: web\n    repo: https://git.example.com/org/web.git\n    ref: main\n  - name: api\n    repo: https://git.example.com/org/api.git\n    interval: 1m\n    driftInterval: 0\n    selfHeal: false\n`
const read = (files: Record<string, string>) => (f: string) => {
  if (!(f in files)) throw Object.assign(new Error('nope'), {code: 'ENOENT'})
  return files[f]
}

test('one app from the flags', () => {
  const [app] = watchAppsFrom({repo: 'https://git.example.com/org/web.git', ref: 'main', path: 'overlays/prod/', name: 'web', interval: '2s', 'drift-interval': '3s', 'self-heal': false})
  assert.deepEqual(app, {name: 'web', repo: 'https://git.example.com/org/web.git', ref: 'main', path: 'overlays/prod', intervalMs: 2000, driftIntervalMs: 3000, selfHeal: false})
})

test('apps from --config; --no-self-heal and --interval apply to every app; the file wins otherwise', () => {
  const plain = watchAppsFrom({config: 's.yaml', path: '.', 'self-heal': true}, read({'s.yaml': config}))
  assert.deepEqual(plain.map((a) => [a.name, a.intervalMs, a.driftIntervalMs, a.selfHeal]), [['web', 30_000, 300_000, true], ['api', 60_000, 0, false]])
  const forced = watchAppsFrom({config: 's.yaml', path: '.', 'self-heal': false, interval: '5s'}, read({'s.yaml': config}))
  assert.deepEqual(forced.map((a) => [a.name, a.intervalMs, a.driftIntervalMs, a.selfHeal]), [['web', 5_000, 300_000, false], ['api', 5_000, 0, false]])
})

test('input errors are UserErrors naming the flag or file', () => {
  assert.throws(() => watchAppsFrom({path: '.', 'self-heal': true}), (e: unknown) => e instanceof UserError && /nothing to watch/.test(e.message))
  assert.throws(() => watchAppsFrom({config: 's.yaml', name: 'x', path: '.', 'self-heal': true}, read({'s.yaml': config})), (e: unknown) => e instanceof UserError && /--name cannot be combined/.test(e.message))
  assert.throws(() => watchAppsFrom({config: 'missing.yaml', path: '.', 'self-heal': true}, read({})), (e: unknown) => e instanceof UserError && /ENOENT/.test(e.message))
  assert.throws(() => watchAppsFrom({config: 's.yaml', path: '.', 'self-heal': true, interval: '10ms'}, read({'s.yaml': config})), (e: unknown) => e instanceof UserError && /--interval/.test(e.message))
  assert.throws(() => watchAppsFrom({repo: '--upload-pack=evil', name: 'x', path: '.', 'self-heal': true}), UserError)
})

test('--self-heal=false and =true become the oclif spellings; other arguments untouched', () => {
  assert.deepEqual(normalizeSelfHealArgv(['--self-heal=false', '--interval', '2s', '--self-heal=true', '--self-heal']), ['--no-self-heal', '--interval', '2s', '--self-heal', '--self-heal'])
  assert.deepEqual(normalizeSelfHealArgv(['--drift-watch=false', '--drift-watch=true', '--drift-watch=maybe']), ['--no-drift-watch', '--drift-watch', '--drift-watch=maybe'])
})
