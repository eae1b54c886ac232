// Plain HTTP(S) resource files against a loopback server: cache with ETag revalidation, offline,
// status errors, the size cap, timeouts, and credentials kept out of messages.
import assert from 'node:assert/strict'
import * as http from 'node:http'
import type {AddressInfo} from 'node:net'
import * as path from 'node:path'
import {after, before, describe, test} from 'node:test'
import {UserError} from '../../../src/model/errors.js'
import {fetchHttpFile} from '../../../src/source/http-fetch.js'
import {tmpDir} from './git-repos.js'

describe('fetchHttpFile', () => {
  let server: http.Server
  let base: string
  const seen: {url: string; ifNoneMatch?: string}[] = []
  before(async () => {
    server = http.createServer((req, res) => {
      seen.push({url: req.url ?? '', ifNoneMatch: req.headers['if-none-match']})
      if (req.url === '/cm.yaml') {
        if (req.headers['if-none-match'] === '"v1"') return res.writeHead(304).end()
        return res.writeHead(200, {etag: '"v1"'}).end('kind: ConfigMap\n')
      }
      if (req.url === '/no-etag.yaml') return res.writeHead(200).end('a: 1\n')
      if (req.url === '/big-declared') return res.writeHead(200, {'content-length': '5000'}).end('x'.repeat(5000))
      if (req.url === '/big-chunked') {
        res.writeHead(200)
        for (let i = 0; i < 10; i++) res.write('x'.repeat(1000))
        return res.end()
      }
      if (req.url === '/hang') return // never answers
      if (req.url === '/private.yaml') {
        const ok = req.headers.authorization === `Basic ${Buffer.from('user:hunter2').toString('base64')}`
        return res.writeHead(ok ? 200 : 401).end(ok ? 'private: true\n' : '')
      }
      if (req.url === '/redirect') return res.writeHead(302, {location: '/cm.yaml'}).end()
      res.writeHead(404).end('not here')
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  after(() => {
    server.closeAllConnections()
    server.close()
  })

  test('fetches, caches by URL and revalidates with If-None-Match (304 served from the cache)', async () => {
    const cacheDir = path.join(tmpDir('strata-http-'), 'http')
    seen.length = 0
    const first = await fetchHttpFile(`${base}/cm.yaml`, {cacheDir})
    assert.deepEqual(first, {ok: true, body: Buffer.from('kind: ConfigMap\n')})
    const second = await fetchHttpFile(`${base}/cm.yaml`, {cacheDir})
    assert.deepEqual(second, first)
    assert.deepEqual(seen, [{url: '/cm.yaml', ifNoneMatch: undefined}, {url: '/cm.yaml', ifNoneMatch: '"v1"'}])
  })

  test('offline serves the cache and never connects; an uncached URL is a clear error', async () => {
    const cacheDir = path.join(tmpDir('strata-http-'), 'http')
    await fetchHttpFile(`${base}/no-etag.yaml`, {cacheDir})
    seen.length = 0
    assert.deepEqual(await fetchHttpFile(`${base}/no-etag.yaml`, {cacheDir, offline: true}), {ok: true, body: Buffer.from('a: 1\n')})
    await assert.rejects(fetchHttpFile(`${base}/cm.yaml`, {cacheDir, offline: true}), (e: unknown) => e instanceof UserError && /--offline/.test(e.message))
    assert.deepEqual(seen, [])
  })

  test('a status outside 2xx is returned for the caller to report; redirects are followed', async () => {
    assert.deepEqual(await fetchHttpFile(`${base}/missing.yaml`), {ok: false, status: 404})
    assert.deepEqual(await fetchHttpFile(`${base}/redirect`), {ok: true, body: Buffer.from('kind: ConfigMap\n')})
  })

  test('bodies over the cap are refused, declared or streamed', async () => {
    for (const p of ['/big-declared', '/big-chunked']) {
      await assert.rejects(fetchHttpFile(`${base}${p}`, {maxBytes: 4096}), (e: unknown) => e instanceof UserError && /larger than 4096 bytes/.test(e.message), p)
    }
  })

  // The test's limit is a hang guard: without its own timeout the request would wait forever.
  test('a server that never answers times out', {timeout: 60_000}, async () => {
    await assert.rejects(fetchHttpFile(`${base}/hang`, {timeoutMs: 300}), (e: unknown) => e instanceof UserError && /timed out after 0.3s/.test(e.message))
  })

  test('credentials in the URL are sent as Basic auth', async () => {
    const authed = base.replace('http://', 'http://user:hunter2@')
    assert.deepEqual(await fetchHttpFile(`${authed}/private.yaml`), {ok: true, body: Buffer.from('private: true\n')})
    assert.deepEqual(await fetchHttpFile(`${base}/private.yaml`), {ok: false, status: 401})
  })

  test('credentials in the URL never appear in an error', async () => {
    await assert.rejects(fetchHttpFile('http://user:hunter2@127.0.0.1:1/x.yaml', {timeoutMs: 2000}), (e: unknown) => {
      assert.ok(e instanceof UserError)
      assert.doesNotMatch(e.message, /hunter2|user/)
      return true
    })
  })
})
