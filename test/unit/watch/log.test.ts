import {test} from 'node:test'
import assert from 'node:assert/strict'
import {createLogger} from '../../../src/watch/log.js'

const at = Date.UTC(2026, 10, 23, 3, 0, 0)

function capture(format: 'json' | 'text', secrets: string[] = [], level?: 'debug' | 'info') {
  const lines: string[] = []
  const logger = createLogger({format, write: (l) => lines.push(l), now: () => at, secrets, level})
  return {lines, logger}
}

test('json: one compact object per line, undefined fields left out', () => {
  const {lines, logger} = capture('json')
  logger.log('info', 'reconcile-done', {app: 'web', status: 'applied', commit: 'abc123', durationMs: 120, error: undefined})
  assert.equal(lines.length, 1)
  assert.ok(lines[0].endsWith('\n') && !lines[0].slice(0, -1).includes('\n'))
  assert.deepEqual(JSON.parse(lines[0]), {time: '2026-11-23T03:00:00.000Z', level: 'info', msg: 'reconcile-done', app: 'web', status: 'applied', commit: 'abc123', durationMs: 120})
})

test('text: time, level, message, key=value with quoting', () => {
  const {lines, logger} = capture('text')
  logger.log('error', 'reconcile-done', {app: 'web', error: 'invalid YAML: bad indent\nline 2', ok: false})
  assert.equal(lines[0], '2026-11-23T03:00:00.000Z ERROR reconcile-done app=web error="invalid YAML: bad indent\\nline 2" ok=false\n')
})

test('credentials in URLs, secret-named fields and registered secrets are redacted everywhere', () => {
  const {lines, logger} = capture('json', ['hunter2-webhook'])
  logger.addSecret('late-secret-value')
  logger.log('error', 'fetch https://user:tok3n@git.example.com/org/r.git failed', {
    repo: 'https://x-access-token:ghp_abcdef@github.com/org/r.git',
    ssh: 'ssh://git:pw@host/r.git',
    error: 'signature mismatch for hunter2-webhook and late-secret-value',
    webhookSecret: 'anything',
    Authorization: 'Bearer zzz',
    urls: ['https://a:b@h/x'],
  })
  const line = lines[0]
  for (const leaked of ['tok3n', 'ghp_abcdef', 'x-access-token', ':pw@', 'hunter2-webhook', 'late-secret-value', 'anything', 'zzz', 'a:b@']) {
    assert.ok(!line.includes(leaked), `${leaked} leaked: ${line}`)
  }
  const o = JSON.parse(line)
  assert.equal(o.repo, 'https://github.com/org/r.git')
  assert.equal(o.ssh, 'ssh://git@host/r.git')
  assert.equal(o.webhookSecret, '[redacted]')
  assert.match(o.error, /for \[redacted\] and \[redacted\]/)
})

test('scheduler events map to levels; debug lines are dropped at info', () => {
  const {lines, logger} = capture('json')
  logger.event({kind: 'reconcile-done', at, app: 'web', reason: 'poll', status: 'failed', commit: 'c', error: 'boom', durationMs: 4})
  logger.event({kind: 'retry-scheduled', at, app: 'web', commit: 'c', failures: 2, delayMs: 20_000})
  logger.event({kind: 'skipped', at, app: 'web', reason: 'poll', why: 'backoff'})
  logger.event({kind: 'reconcile-start', at: at + 1500, app: 'web', reason: 'webhook'})
  assert.deepEqual(
    lines.map((l) => [JSON.parse(l).level, JSON.parse(l).msg]),
    [['error', 'reconcile-done'], ['warn', 'retry-scheduled'], ['info', 'reconcile-start']],
  )
  assert.equal(JSON.parse(lines[1]).delayMs, 20_000)
  assert.equal(JSON.parse(lines[2]).time, '2026-11-23T03:00:01.500Z') // the event's own instant
})
