// Promise 10: client-side rate limit and Retry-After, against a tiny HTTP server on 127.0.0.1
// (real sockets, the real KubeCluster request path).
import assert from 'node:assert/strict'
import * as fs from 'node:fs'
import * as http from 'node:http'
import type {AddressInfo} from 'node:net'
import * as os from 'node:os'
import * as path from 'node:path'
import {after, before, describe, test} from 'node:test'
import {kubeCluster} from '../../../src/cluster/kube.js'
import {TokenBucket} from '../../../src/cluster/rate-limit.js'
import {parseRetryAfter, withRetry, type RetryPolicy} from '../../../src/cluster/retry.js'
import {ClusterError} from '../../../src/cluster/errors.js'
import {UserError} from '../../../src/model/errors.js'

describe('TokenBucket', () => {
  test('a burst goes out at once, then qps per second, in call order', async () => {
    let now = 0
    const sleeps: number[] = []
    const bucket = new TokenBucket({qps: 10, burst: 3}, {now: () => now, sleep: async (ms) => void sleeps.push(ms)})
    for (let i = 0; i < 5; i++) await bucket.take()
    // Three free, then the 4th waits 100 ms and the 5th 200 ms (reserved behind the 4th).
    assert.deepEqual(sleeps.map((s) => Math.round(s)), [100, 200])
    now += 1000 // a quiet second refills to the burst, not beyond
    sleeps.length = 0
    for (let i = 0; i < 3; i++) await bucket.take()
    assert.deepEqual(sleeps, [])
    await bucket.take()
    assert.equal(sleeps.length, 1)
  })

  test('qps 0 is no limit', async () => {
    const bucket = new TokenBucket({qps: 0, burst: 1}, {now: () => 0, sleep: async () => assert.fail('no sleep expected')})
    for (let i = 0; i < 100; i++) await bucket.take()
  })
})

describe('parseRetryAfter', () => {
  const now = Date.parse('Mon, 23 Nov 2026 05:00:00 GMT')
  test('delta-seconds and HTTP-date', () => {
    assert.equal(parseRetryAfter('3', now), 3)
    assert.equal(parseRetryAfter('Mon, 23 Nov 2026 05:00:07 GMT', now), 7)
    assert.equal(parseRetryAfter('Mon, 23 Nov 2026 04:00:00 GMT', now), 0, 'a date in the past: now')
  })
  test('garbage is ignored', () => {
    for (const v of [undefined, '', '-1', '1.5', '5s', '1e3', 'tomorrow']) assert.equal(parseRetryAfter(v, now), undefined, String(v))
  })
  test('a huge Retry-After is capped by the policy', async () => {
    const sleeps: number[] = []
    const policy: RetryPolicy = {attempts: 2, baseDelayMs: 1, maxDelayMs: 1, sleep: async (ms) => void sleeps.push(ms), random: () => 0, maxRetryAfterMs: 5000}
    let first = true
    await withRetry(async () => {
      if (first) {
        first = false
        throw new ClusterError(429, 'TooManyRequests', 'x', 86_400)
      }
    }, policy)
    assert.deepEqual(sleeps, [5000])
  })
})

describe('KubeCluster against a local HTTP server', () => {
  let server: http.Server
  let kubeconfig: string
  const seen: {method: string; url: string; at: number}[] = []
  let throttleNext: {status: number; retryAfter: string}[] = []

  before(async () => {
    server = http.createServer((req, res) => {
      seen.push({method: req.method ?? '', url: req.url ?? '', at: performance.now()})
      req.resume()
      if (req.url?.startsWith('/api/v1') && !req.url.includes('/namespaces/')) {
        res.setHeader('Content-Type', 'application/json')
        res.end(JSON.stringify({kind: 'APIResourceList', resources: [{name: 'configmaps', kind: 'ConfigMap', namespaced: true}]}))
        return
      }
      const t = throttleNext.shift()
      if (t) {
        res.writeHead(t.status, {'Content-Type': 'application/json', 'Retry-After': t.retryAfter})
        res.end(JSON.stringify({kind: 'Status', code: t.status, reason: t.status === 429 ? 'TooManyRequests' : 'ServiceUnavailable', message: 'slow down'}))
        return
      }
      res.setHeader('Content-Type', 'application/json')
      res.end(JSON.stringify({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'x', namespace: 'd'}}))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const {port} = server.address() as AddressInfo
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-ratelimit-'))
    kubeconfig = path.join(dir, 'config')
    fs.writeFileSync(kubeconfig, `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: 'http://127.0.0.1:${port}', insecure-skip-tls-verify: true}\nusers:\n- name: u\n  user: {}\ncontexts:\n- name: c\n  context: {cluster: c, user: u, namespace: d}\ncurrent-context: c\n`)
  })
  after(() => server.close())

  test('429 with Retry-After (seconds), then 503 with an HTTP-date: waits as told, then succeeds', async () => {
    const sleeps: number[] = []
    const port = await kubeCluster({kubeconfig, retry: {attempts: 5, baseDelayMs: 1, maxDelayMs: 1, sleep: async (ms) => void sleeps.push(ms), random: () => 0}, rateLimit: {qps: 0, burst: 1}})
    await port.mapping('v1', 'ConfigMap')
    seen.length = 0
    throttleNext = [
      {status: 429, retryAfter: '2'},
      {status: 503, retryAfter: new Date(Date.now() + 3000).toUTCString()},
    ]
    const got = await port.get({apiVersion: 'v1', kind: 'ConfigMap', name: 'x', namespace: 'd'})
    assert.equal(got?.kind, 'ConfigMap')
    assert.equal(seen.length, 3, 'two refusals and the answer')
    assert.equal(sleeps[0], 2000)
    assert.ok(sleeps[1] >= 2000 && sleeps[1] <= 3000, `HTTP-date honoured: ${sleeps[1]}`)
  })

  test('--qps/--burst pace real requests', async () => {
    const port = await kubeCluster({kubeconfig, rateLimit: {qps: 20, burst: 2}})
    seen.length = 0
    const start = performance.now()
    await Promise.all(Array.from({length: 10}, (_, i) => port.get({apiVersion: 'v1', kind: 'ConfigMap', name: `c${i}`, namespace: 'd'})))
    const took = performance.now() - start
    // 2 at once, then 9 more tokens at 20/s (discovery takes one): ≥ 400 ms. Only this lower
    // bound is asserted: a loaded machine can only make the run slower, and it can bunch the
    // arrivals the server sees, so gaps and upper bounds would measure the machine, not the port
    // (the bucket's own pacing is proven on a fake clock above).
    assert.ok(took >= 380, `took ${took.toFixed(0)} ms`)
    assert.equal(seen.length, 11, 'discovery and ten GETs')
  })
})

describe('probe', () => {
  test('wrong or expired credentials: one UserError naming the server, not the token', async () => {
    const server = http.createServer((req, res) => {
      req.resume()
      res.writeHead(401, {'Content-Type': 'application/json'})
      res.end(JSON.stringify({kind: 'Status', code: 401, reason: 'Unauthorized', message: 'Unauthorized'}))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const {port} = server.address() as AddressInfo
      const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'strata-probe-')), 'config')
      fs.writeFileSync(file, `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: 'http://127.0.0.1:${port}', insecure-skip-tls-verify: true}\nusers:\n- name: u\n  user: {token: sekrit-token-42}\ncontexts:\n- name: c\n  context: {cluster: c, user: u}\ncurrent-context: c\n`)
      await assert.rejects(kubeCluster({kubeconfig: file, probe: true}), (e: Error) => e instanceof UserError && /rejected the credentials \(HTTP 401/.test(e.message) && !`${e.message} ${(e as UserError).hint}`.includes('sekrit'))
    } finally {
      server.close()
    }
  })

  test('an unreachable server: one UserError', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'strata-probe-')), 'config')
    fs.writeFileSync(file, `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: 'https://127.0.0.1:1', insecure-skip-tls-verify: true}\nusers:\n- name: u\n  user: {token: t}\ncontexts:\n- name: c\n  context: {cluster: c, user: u}\ncurrent-context: c\n`)
    await assert.rejects(kubeCluster({kubeconfig: file, probe: true, retry: {attempts: 1, baseDelayMs: 1, maxDelayMs: 1, sleep: async () => {}, random: () => 0}}), (e: Error) => e instanceof UserError && /cannot reach the API server at https:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\)/.test(e.message))
  })
})
