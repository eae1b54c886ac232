import assert from 'node:assert/strict'
import {createServer, type IncomingMessage} from 'node:http'
import {mkdtemp, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {test} from 'node:test'
import {httpMetrics, prometheusValue} from '../../../src/metrics/http.js'
import {MeasureError} from '../../../src/rollout/analysis/run.js'

async function serve(handler: (req: IncomingMessage, body: string) => [number, string]) {
  const seen: Array<{url: string; headers: IncomingMessage['headers']; body: string; method: string}> = []
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', (c) => (body += c))
    req.on('end', () => {
      seen.push({url: req.url!, headers: req.headers, body, method: req.method!})
      const [status, text] = handler(req, body)
      res.writeHead(status, {'content-type': 'application/json'}).end(text)
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as {port: number}).port
  return {url: `http://127.0.0.1:${port}`, seen, close: () => new Promise((r) => server.close(r))}
}

const never = new AbortController().signal

test('prometheus: an instant query with headers from env and file; a vector becomes its values', async () => {
  const s = await serve(() => [200, JSON.stringify({status: 'success', data: {resultType: 'vector', result: [{metric: {}, value: [1, '0.25']}, {metric: {}, value: [1, 'NaN']}]}})])
  const dir = await mkdtemp(join(tmpdir(), 'h18a-'))
  await writeFile(join(dir, 'token'), 'file-secret\n')
  try {
    const v = await httpMetrics({TOKEN: 'env-secret'}).measure({kind: 'prometheus', address: s.url + '/', query: 'sum(rate(x[1m]))', timeoutMs: 2000, insecure: false, headers: [{key: 'Authorization', valueFrom: {env: 'TOKEN'}}, {key: 'X-Scope-OrgID', valueFrom: {file: join(dir, 'token')}}, {key: 'X-A', value: 'b'}]}, never)
    assert.equal((v as number[])[0], 0.25)
    assert.ok(Number.isNaN((v as number[])[1]))
    assert.equal(s.seen[0].url, '/api/v1/query?query=sum%28rate%28x%5B1m%5D%29%29')
    assert.equal(s.seen[0].headers.authorization, 'env-secret')
    assert.equal(s.seen[0].headers['x-scope-orgid'], 'file-secret')
  } finally {
    await s.close()
  }
})

test('errors are MeasureErrors that name host and status, never a credential', async () => {
  const s = await serve(() => [400, JSON.stringify({status: 'error', error: 'parse error at char 3'})])
  try {
    await assert.rejects(
      httpMetrics({TOKEN: 'sekret'}).measure({kind: 'prometheus', address: s.url, query: 'x(', timeoutMs: 2000, insecure: false, headers: [{key: 'Authorization', valueFrom: {env: 'TOKEN'}}]}, never),
      (e: unknown) => e instanceof MeasureError && /answered 400: parse error at char 3/.test(e.message) && !e.message.includes('sekret'),
    )
    await assert.rejects(httpMetrics({}).measure({kind: 'prometheus', address: s.url, query: 'x', timeoutMs: 2000, insecure: false, headers: [{key: 'Authorization', valueFrom: {env: 'TOKEN'}}]}, never), /environment variable TOKEN is not set/)
  } finally {
    await s.close()
  }
  await assert.rejects(httpMetrics({}).measure({kind: 'prometheus', address: s.url, query: 'x', timeoutMs: 2000, insecure: false, headers: []}, never), (e: unknown) => e instanceof MeasureError && /ECONNREFUSED/.test(e.message))
})

test('a server that does not answer in time is a MeasureError', async () => {
  const server = createServer(() => {})
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  try {
    await assert.rejects(httpMetrics({}).measure({kind: 'web', url: `http://127.0.0.1:${(server.address() as {port: number}).port}/`, method: 'GET', headers: [], timeoutMs: 100, insecure: false}, never), /did not answer within 100ms/)
  } finally {
    server.closeAllConnections()
    await new Promise((r) => server.close(r))
  }
})

test('web: method, body and jsonPath pick the value', async () => {
  const s = await serve((_, body) => [200, JSON.stringify({data: {errorRate: 0.02, echo: body}})])
  try {
    const m = httpMetrics({})
    assert.equal(await m.measure({kind: 'web', url: s.url + '/m', method: 'POST', body: '{"q":1}', headers: [], jsonPath: ['data', 'errorRate'], jsonPathText: '{$.data.errorRate}', timeoutMs: 2000, insecure: false}, never), 0.02)
    assert.equal(s.seen[0].method, 'POST')
    assert.equal(s.seen[0].headers['content-type'], 'application/json')
    await assert.rejects(m.measure({kind: 'web', url: s.url, method: 'GET', headers: [], jsonPath: ['data', 'nope'], jsonPathText: '{$.data.nope}', timeoutMs: 2000, insecure: false}, never), /jsonPath \{\$.data.nope\} finds nothing/)
  } finally {
    await s.close()
  }
})

test('prometheus result types: scalar is a number, matrix is refused', () => {
  assert.equal(prometheusValue(JSON.stringify({status: 'success', data: {resultType: 'scalar', result: [1, '+Inf']}}), 'h'), Infinity)
  assert.throws(() => prometheusValue(JSON.stringify({status: 'success', data: {resultType: 'matrix', result: []}}), 'h'), /matrix result cannot be judged/)
  assert.throws(() => prometheusValue('<html>', 'h'), MeasureError)
})
