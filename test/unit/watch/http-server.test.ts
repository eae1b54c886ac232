import {test, describe, before, after} from 'node:test'
import assert from 'node:assert/strict'
import {request, type Server} from 'node:http'
import {UserError} from '../../../src/model/errors.js'
import type {WatchedApp} from '../../../src/reconcile/app-config.js'
import {parseListenAddress, readinessOf, secretEquals, WatchServer, type HttpEvent, type Readiness} from '../../../src/watch/http-server.js'
import {MetricsRegistry} from '../../../src/watch/metrics.js'
import {signBody} from '../../../src/watch/signature.js'
import {pushInfoOf, refMatches, repoKey, webhookMatcher} from '../../../src/watch/webhook-match.js'
import {loadWebhookSecret} from '../../../src/watch/webhook-secret.js'

const secret = 's3cret-webhook-value'

function app(name: string, repo: string, ref = 'main'): WatchedApp {
  return {name, repo, ref, path: '.', intervalMs: 30_000, driftIntervalMs: 0, selfHeal: true}
}

const apps = [
  app('web', 'https://git.example.com/org/deploy.git'),
  app('web-tags', 'git@git.example.com:org/deploy.git', 'v1.2.0'),
  app('api', 'ssh://git@git.example.com:2222/org/api', 'HEAD'),
  app('other', 'https://git.example.com/org/other.git'),
]

interface Reply {
  status: number
  body: string
  headers: Record<string, string | string[] | undefined>
}

function call(port: number, method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({host: '127.0.0.1', port, method, path, headers: {...(body !== undefined && {'Content-Length': String(Buffer.byteLength(body))}), ...headers}}, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers}))
    })
    req.on('error', reject)
    if (body !== undefined) req.write(body)
    req.end()
  })
}

function githubPush(repoUrl: string, ref: string): string {
  return JSON.stringify({ref, repository: {clone_url: repoUrl, ssh_url: 'git@git.example.com:org/deploy.git', html_url: 'https://git.example.com/org/deploy', default_branch: 'main'}})
}

describe('watch HTTP server on 127.0.0.1 (real requests)', () => {
  const triggered: string[] = []
  const events: HttpEvent[] = []
  let readiness: Readiness = {ready: false, detail: 'waiting for the first reconcile of every app'}
  let stopping = false
  const metrics = new MetricsRegistry()
  metrics.counter('strata_watch_errors_total', 'errors')
  metrics.inc('strata_watch_errors_total', {app: 'web'})
  const server = new WatchServer({
    apps,
    trigger: (name) => {
      if (stopping) return 'stopping'
      triggered.push(name)
      return 'queued'
    },
    metrics,
    readiness: () => readiness,
    webhookSecret: secret,
    maxBodyBytes: 64 * 1024,
    onEvent: (e) => events.push(e),
  })
  let port = 0
  before(async () => {
    port = (await server.listen({host: '127.0.0.1', port: 0})).port
  })
  after(() => server.close(1000))

  test('healthz, readyz (503 then 200), metrics, 404 and 405', async () => {
    assert.deepEqual([(await call(port, 'GET', '/healthz')).status, (await call(port, 'GET', '/healthz')).body], [200, 'ok\n'])
    const notReady = await call(port, 'GET', '/readyz')
    assert.equal(notReady.status, 503)
    assert.match(notReady.body, /waiting for the first reconcile/)
    readiness = {ready: true, detail: 'every app reconciled at least once'}
    assert.equal((await call(port, 'GET', '/readyz')).status, 200)
    const m = await call(port, 'GET', '/metrics')
    assert.equal(m.status, 200)
    assert.match(String(m.headers['content-type']), /^text\/plain; version=0\.0\.4/)
    assert.match(m.body, /^strata_watch_errors_total\{app="web"\} 1$/m)
    assert.equal((await call(port, 'GET', '/nope')).status, 404)
    const wrong = await call(port, 'GET', '/webhook')
    assert.equal(wrong.status, 405)
    assert.equal(wrong.headers.allow, 'POST')
    assert.equal((await call(port, 'POST', '/metrics', '')).status, 405)
  })

  test('GitHub push: signature checked, repo and branch mapped to the apps watching them → 202', async () => {
    triggered.length = 0
    const body = githubPush('https://git.example.com/org/deploy.git', 'refs/heads/main')
    const ok = await call(port, 'POST', '/webhook', body, {'Content-Type': 'application/json', 'X-Hub-Signature-256': signBody(secret, body), 'X-GitHub-Event': 'push'})
    assert.equal(ok.status, 202)
    assert.deepEqual(JSON.parse(ok.body).triggered, ['web'])
    assert.deepEqual(triggered, ['web'])
    // A tag push reaches the app following that tag (matched through the payload's ssh URL).
    const tag = githubPush('https://git.example.com/org/deploy.git', 'refs/tags/v1.2.0')
    const t = await call(port, 'POST', '/webhook', tag, {'X-Hub-Signature-256': signBody(secret, tag)})
    assert.deepEqual(JSON.parse(t.body).triggered, ['web-tags'])
    // A push nobody follows is accepted and triggers nothing.
    const dev = githubPush('https://git.example.com/org/deploy.git', 'refs/heads/dev')
    const d = await call(port, 'POST', '/webhook', dev, {'X-Hub-Signature-256': signBody(secret, dev)})
    assert.equal(d.status, 202)
    assert.deepEqual(JSON.parse(d.body).triggered, [])
  })

  test('401 on a missing or wrong signature, before anything about apps is revealed', async () => {
    triggered.length = 0
    const body = githubPush('https://git.example.com/org/deploy.git', 'refs/heads/main')
    for (const headers of [{}, {'X-Hub-Signature-256': signBody('wrong', body)}, {'X-Hub-Signature-256': 'sha256=zz'}, {'X-Gitlab-Token': 'wrong'}]) {
      const r = await call(port, 'POST', '/webhook', body, headers)
      assert.equal(r.status, 401, JSON.stringify(headers))
      assert.ok(!r.body.includes(secret))
    }
    assert.equal((await call(port, 'POST', '/webhook/does-not-exist', '{}')).status, 401)
    assert.deepEqual(triggered, [])
    // A body altered after signing fails too.
    const r = await call(port, 'POST', '/webhook', body.replace('main', 'mair'), {'X-Hub-Signature-256': signBody(secret, body)})
    assert.equal(r.status, 401)
  })

  test('Gitea signature and GitLab token forms; GitLab default-branch app', async () => {
    triggered.length = 0
    const gitea = JSON.stringify({ref: 'refs/heads/main', repository: {clone_url: 'https://GIT.example.com/org/deploy', default_branch: 'main'}})
    const g = await call(port, 'POST', '/webhook', gitea, {'X-Gitea-Signature': signBody(secret, gitea).slice('sha256='.length)})
    assert.equal(g.status, 202)
    assert.deepEqual(JSON.parse(g.body).triggered, ['web'])
    const gitlab = JSON.stringify({object_kind: 'push', ref: 'refs/heads/trunk', project: {git_ssh_url: 'ssh://git@git.example.com:2222/org/api.git', default_branch: 'trunk'}})
    const l = await call(port, 'POST', '/webhook', gitlab, {'X-Gitlab-Token': secret})
    assert.equal(l.status, 202)
    assert.deepEqual(JSON.parse(l.body).triggered, ['api'])
    assert.deepEqual(triggered, ['web', 'api'])
  })

  test('/webhook/<app>: 202 for a known app, 404 for an unknown one (after authentication)', async () => {
    triggered.length = 0
    const body = '{}'
    const ok = await call(port, 'POST', '/webhook/other', body, {'X-Hub-Signature-256': signBody(secret, body)})
    assert.equal(ok.status, 202)
    assert.deepEqual(triggered, ['other'])
    assert.equal((await call(port, 'POST', '/webhook/nope', body, {'X-Hub-Signature-256': signBody(secret, body)})).status, 404)
  })

  test('form-encoded GitHub payload, ping, bad JSON, oversized body, shutting down', async () => {
    triggered.length = 0
    const form = `payload=${encodeURIComponent(githubPush('https://git.example.com/org/deploy.git', 'refs/heads/main'))}`
    const f = await call(port, 'POST', '/webhook', form, {'Content-Type': 'application/x-www-form-urlencoded', 'X-Hub-Signature-256': signBody(secret, form)})
    assert.deepEqual(JSON.parse(f.body).triggered, ['web'])
    const ping = '{"zen":"hi"}'
    assert.equal((await call(port, 'POST', '/webhook', ping, {'X-GitHub-Event': 'ping', 'X-Hub-Signature-256': signBody(secret, ping)})).status, 200)
    const bad = 'not json'
    assert.equal((await call(port, 'POST', '/webhook', bad, {'X-Hub-Signature-256': signBody(secret, bad)})).status, 400)
    const big = Buffer.alloc(65 * 1024, 'a')
    assert.equal((await call(port, 'POST', '/webhook', big, {'X-Hub-Signature-256': signBody(secret, big)})).status, 413)
    stopping = true
    const body = '{}'
    assert.equal((await call(port, 'POST', '/webhook/web', body, {'X-Hub-Signature-256': signBody(secret, body)})).status, 503)
    stopping = false
  })

  test('events never carry the secret', () => {
    assert.ok(events.length > 5)
    assert.ok(!JSON.stringify(events).includes(secret))
  })
})

test('without a secret the webhook endpoint is off (404)', async () => {
  const server = new WatchServer({apps, trigger: () => 'queued', metrics: new MetricsRegistry(), readiness: () => ({ready: true, detail: ''})})
  const {port} = await server.listen({host: '127.0.0.1', port: 0})
  try {
    const r = await call(port, 'POST', '/webhook/web', '{}')
    assert.equal(r.status, 404)
    assert.match(r.body, /no secret configured/)
  } finally {
    await server.close(500)
  }
})

test('listen on a taken port is a UserError naming --listen', async () => {
  const a = new WatchServer({apps, trigger: () => 'queued', metrics: new MetricsRegistry(), readiness: () => ({ready: true, detail: ''})})
  const {port} = await a.listen({host: '127.0.0.1', port: 0})
  const b = new WatchServer({apps, trigger: () => 'queued', metrics: new MetricsRegistry(), readiness: () => ({ready: true, detail: ''})})
  try {
    await assert.rejects(b.listen({host: '127.0.0.1', port}), (e: unknown) => e instanceof UserError && e.origin.field === '--listen' && /EADDRINUSE/.test(e.message))
  } finally {
    await a.close(500)
  }
})

// A hang guard, not a timing: the idle connection and the close's deadline would each hold the
// close for ten minutes, so only dropping idle connections at once ends it within the test's limit.
test('close drops idle keep-alive connections at once, then the port is free', {timeout: 60_000}, async () => {
  const server = new WatchServer({apps, trigger: () => 'queued', metrics: new MetricsRegistry(), readiness: () => ({ready: true, detail: ''})})
  ;(server as unknown as {server: Server}).server.keepAliveTimeout = 600_000
  const {port} = await server.listen({host: '127.0.0.1', port: 0})
  await call(port, 'GET', '/healthz') // leaves a keep-alive connection behind
  await server.close(600_000)
  await assert.rejects(call(port, 'GET', '/healthz'))
})

test('parseListenAddress', () => {
  assert.deepEqual(parseListenAddress('127.0.0.1:8080'), {host: '127.0.0.1', port: 8080})
  assert.deepEqual(parseListenAddress(':9090'), {host: '0.0.0.0', port: 9090})
  assert.deepEqual(parseListenAddress('[::1]:80'), {host: '::1', port: 80})
  assert.deepEqual(parseListenAddress('localhost:0'), {host: 'localhost', port: 0})
  for (const bad of ['8080', 'host:', 'host:99999', 'a:b:c', '']) assert.throws(() => parseListenAddress(bad), (e: unknown) => e instanceof UserError && e.origin.field === '--listen', bad)
})

test('readinessOf: with and without leader election', () => {
  assert.equal(readinessOf({allAttempted: false}).ready, false)
  assert.equal(readinessOf({allAttempted: true}).ready, true)
  assert.equal(readinessOf({allAttempted: false, election: {leading: false, roundDone: false}}).ready, false)
  assert.equal(readinessOf({allAttempted: false, election: {leading: false, roundDone: true}}).ready, true)
  assert.equal(readinessOf({allAttempted: false, election: {leading: true, roundDone: true}}).ready, false)
  assert.equal(readinessOf({allAttempted: true, election: {leading: true, roundDone: true}}).ready, true)
})

test('webhook matching: repo keys, refs, payload shapes', () => {
  assert.equal(repoKey('https://user:tok@Git.Example.com:443/Org/Deploy.git/'), 'git.example.com/org/deploy')
  assert.equal(repoKey('git@git.example.com:org/deploy.git'), 'git.example.com/org/deploy')
  assert.equal(repoKey('ssh://git@git.example.com:2222/org/deploy'), 'git.example.com/org/deploy')
  assert.equal(repoKey('file:///srv/git/deploy.git'), 'file/srv/git/deploy')
  assert.ok(refMatches('main', 'refs/heads/main', undefined))
  assert.ok(!refMatches('main', 'refs/heads/maintenance', undefined))
  assert.ok(refMatches('v1', 'refs/tags/v1', undefined))
  assert.ok(refMatches('refs/heads/main', 'refs/heads/main', undefined))
  assert.ok(refMatches('HEAD', 'refs/heads/trunk', 'trunk'))
  assert.ok(!refMatches('HEAD', 'refs/heads/dev', 'trunk'))
  assert.ok(!refMatches('0123456789abcdef0123456789abcdef01234567', 'refs/heads/main', 'main'))
  assert.deepEqual(pushInfoOf('nope'), {repoUrls: []})
  const match = webhookMatcher(apps)
  assert.deepEqual(match({repoUrls: ['https://git.example.com/org/deploy'], ref: 'refs/heads/main'}), ['web'])
  assert.deepEqual(match({repoUrls: ['https://elsewhere.example.com/org/deploy'], ref: 'refs/heads/main'}), [])
})

test('secretEquals and loadWebhookSecret', () => {
  assert.ok(secretEquals('abc', 'abc'))
  assert.ok(!secretEquals('abc', 'abcd'))
  assert.equal(loadWebhookSecret({env: {STRATA_WEBHOOK_SECRET: 'x1'}}), 'x1')
  assert.equal(loadWebhookSecret({env: {}}), undefined)
  assert.equal(loadWebhookSecret({env: {STRATA_WEBHOOK_SECRET: 'x1'}, file: '/s', readFile: () => 'from-file\n'}), 'from-file')
  assert.throws(() => loadWebhookSecret({env: {}, file: '/s', readFile: () => '\n'}), (e: unknown) => e instanceof UserError && /empty/.test(e.message))
  assert.throws(
    () => loadWebhookSecret({env: {}, file: '/nope/secret', readFile: () => { throw Object.assign(new Error('x'), {code: 'ENOENT'}) }}),
    (e: unknown) => e instanceof UserError && e.origin.file === '/nope/secret' && /ENOENT/.test(e.message),
  )
})
