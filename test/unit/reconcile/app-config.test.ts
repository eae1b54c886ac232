import {test} from 'node:test'
import assert from 'node:assert/strict'
import {UserError} from '../../../src/model/errors.js'
import {appFromFlags, parseWatchConfig} from '../../../src/reconcile/app-config.js'
import {formatDuration, parseDuration} from '../../../src/model/duration.js'
import {backoffDelay} from '../../../src/watch/backoff.js'

function fails(text: string, field: string, message: RegExp): void {
  assert.throws(
    () => parseWatchConfig(text, 'strata.yaml'),
    (e: unknown) => e instanceof UserError && e.origin.file === 'strata.yaml' && e.origin.field === field && message.test(e.message),
  )
}

test('durations: Go style, plain seconds, refusals', () => {
  assert.equal(parseDuration('30s'), 30_000)
  assert.equal(parseDuration('5m'), 300_000)
  assert.equal(parseDuration('1h30m'), 5_400_000)
  assert.equal(parseDuration('1m30s'), 90_000)
  assert.equal(parseDuration('250ms'), 250)
  assert.equal(parseDuration('45'), 45_000)
  assert.equal(parseDuration(45), 45_000)
  assert.equal(parseDuration('1.5s'), 1500)
  for (const bad of ['', 's', '5 m', '-5s', '5d', '1h-30m', 'soon']) assert.equal(parseDuration(bad), undefined, bad)
  assert.equal(formatDuration(90_000), '1m30s')
  assert.equal(formatDuration(3_600_000), '1h')
  assert.equal(formatDuration(250), '250ms')
})

test('backoff: exponential, capped, equal jitter', () => {
  const p = {initialMs: 1000, maxMs: 8000}
  assert.deepEqual([1, 2, 3, 4, 5, 50].map((n) => backoffDelay(n, p, () => 0)), [500, 1000, 2000, 4000, 4000, 4000])
  assert.deepEqual([1, 2, 4].map((n) => backoffDelay(n, p, () => 0.5)), [750, 1500, 6000])
})

test('a full config with defaults', () => {
  const cfg = parseWatchConfig(
    `defaults:
  interval: 1m
  selfHeal: false
apps:
  - name: web
    repo: https://git.example.com/org/deploy.git
    ref: main
    path: overlays/prod/
    driftInterval: 0
    namespace: web
  - name: api
    repo: git@git.example.com:org/deploy.git
    path: ./apps/../api
    interval: 45
    selfHeal: true
`,
    'strata.yaml',
  )
  assert.deepEqual(cfg.apps, [
    {name: 'web', repo: 'https://git.example.com/org/deploy.git', ref: 'main', path: 'overlays/prod', intervalMs: 60_000, driftIntervalMs: 0, selfHeal: false, namespace: 'web'},
    {name: 'api', repo: 'git@git.example.com:org/deploy.git', ref: 'HEAD', path: 'api', intervalMs: 45_000, driftIntervalMs: 300_000, selfHeal: true},
  ])
})

const base = (extra: string) => `apps:\n  - name: web\n    repo: https://h/r.git\n${extra}`

test('errors name the file, the app and the field', () => {
  fails('apps: []\n', 'apps', /non-empty list/)
  fails('apps:\n  - name: web\n', 'apps[0].repo', /app "web" \(apps\[0\]\): apps\[0\]\.repo is required/)
  fails(base('  - name: web\n    repo: https://h/other.git\n'), 'apps[1].name', /app "web" \(apps\[1\]\): the name "web" is already used by apps\[0\]/)
  fails(base('    interval: 5 minutes\n'), 'apps[0].interval', /"5 minutes" is not a duration/)
  fails(base('    interval: 100ms\n'), 'apps[0].interval', /shorter than 1s/)
  fails(base('    driftInterval: soon\n'), 'apps[0].driftInterval', /not a duration/)
  fails(base('    path: ../other\n'), 'apps[0].path', /leaves the repository/)
  fails(base('    path: a/../../b\n'), 'apps[0].path', /leaves the repository/)
  fails(base('    path: /etc\n'), 'apps[0].path', /absolute/)
  fails(base('    ref: --upload-pack=touch /tmp/x\n'), 'apps[0].ref', /refused: it starts with "-"/)
  fails(base('    ref: a..b\n'), 'apps[0].ref', /refused/)
  fails(base('    intervall: 5m\n'), 'apps[0].intervall', /unknown field "intervall"/)
  fails(base('    selfHeal: "no"\n'), 'apps[0].selfHeal', /true or false/)
  fails(base('    namespace: Web_NS\n'), 'apps[0].namespace', /not a valid namespace/)
  fails('apps:\n  - name: web\n    repo: ext::sh -c touch% /tmp/pwned\n', 'apps[0].repo', /refused/)
  fails('apps:\n  - name: web\n    repo: -oProxyCommand=x\n', 'apps[0].repo', /refused/)
  fails('apps:\n  - name: Web App\n    repo: https://h/r.git\n', 'apps[0].name', /not a lowercase DNS label/)
  fails('apps:\n  - repo: https://h/r.git\n', 'apps[0].name', /apps\[0\]: apps\[0\]\.name is required/)
  fails('app:\n  - name: web\n', 'app', /unknown field "app"/)
  fails('defaults:\n  repo: x\napps: []\n', 'defaults.repo', /unknown field/)
  assert.throws(() => parseWatchConfig('apps: [', 'strata.yaml'), (e: unknown) => e instanceof UserError && e.origin.file === 'strata.yaml')
  assert.throws(() => parseWatchConfig('- a\n', 'strata.yaml'), (e: unknown) => e instanceof UserError && /mapping/.test(e.message))
})

test('appFromFlags: defaults, and errors name the flag', () => {
  assert.deepEqual(appFromFlags({name: 'web', repo: 'file:///srv/git/deploy.git', path: 'prod', interval: '10s', selfHeal: false}), {
    name: 'web',
    repo: 'file:///srv/git/deploy.git',
    ref: 'HEAD',
    path: 'prod',
    intervalMs: 10_000,
    driftIntervalMs: 300_000,
    selfHeal: false,
  })
  assert.throws(
    () => appFromFlags({name: 'web', repo: 'https://h/r.git', driftInterval: 'x'}),
    (e: unknown) => e instanceof UserError && e.origin.field === '--drift-interval' && e.origin.file === undefined,
  )
  assert.throws(() => appFromFlags({repo: 'https://h/r.git'}), (e: unknown) => e instanceof UserError && e.origin.field === '--name' && /--name is required/.test(e.message))
  assert.throws(() => appFromFlags({name: 'web', repo: 'https://h/r.git', path: '../x'}), (e: unknown) => e instanceof UserError && e.origin.field === '--path')
})
