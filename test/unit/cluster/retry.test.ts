import assert from 'node:assert/strict'
import {describe, test} from 'node:test'
import {boundedPort} from '../../../src/cluster/bounded.js'
import {ClusterError, clusterErrorFromStatus} from '../../../src/cluster/errors.js'
import {stringifyJson} from '../../../src/cluster/kube.js'
import {withRetry, type RetryPolicy} from '../../../src/cluster/retry.js'
import {FakeCluster} from '../diff/helpers/fake-cluster.js'

function policy(sleeps: number[]): RetryPolicy {
  return {attempts: 4, baseDelayMs: 100, maxDelayMs: 250, sleep: async (ms) => void sleeps.push(ms), random: () => 1}
}

describe('retries', () => {
  test('429 and 5xx are retried with capped exponential backoff; Retry-After wins', async () => {
    const sleeps: number[] = []
    const failures = [new ClusterError(429, 'TooManyRequests', 'slow down'), new ClusterError(503, 'ServiceUnavailable', 'x'), new ClusterError(500, 'InternalError', 'x', 2)]
    const result = await withRetry(async () => {
      const f = failures.shift()
      if (f) throw f
      return 'ok'
    }, policy(sleeps))
    assert.equal(result, 'ok')
    assert.deepEqual(sleeps, [100, 200, 2000])
  })

  test('answers (forbidden, not found, invalid, conflict) are thrown at once; attempts are bounded', async () => {
    const sleeps: number[] = []
    let calls = 0
    await assert.rejects(
      withRetry(async () => {
        calls++
        throw new ClusterError(403, 'Forbidden', 'no')
      }, policy(sleeps)),
      /no/,
    )
    assert.equal(calls, 1)
    calls = 0
    await assert.rejects(
      withRetry(async () => {
        calls++
        throw new ClusterError(0, 'ECONNRESET', 'reset')
      }, policy(sleeps)),
      /reset/,
    )
    assert.equal(calls, 4)
  })
})

describe('cluster errors', () => {
  test('for a Secret the server wording is dropped (it can quote values); fields stay', () => {
    const body = {code: 422, reason: 'Invalid', message: 'Secret "db" is invalid: data[password]: Invalid value: "hunter2"', details: {causes: [{field: 'data[password]', message: 'Invalid value: "hunter2"'}]}}
    const e = clusterErrorFromStatus(422, body, 'apply Secret ns/db', true)
    assert.equal(e.message, 'apply Secret ns/db: Invalid (HTTP 422); fields: data[password]')
    assert.ok(!e.message.includes('hunter2'))
    const other = clusterErrorFromStatus(422, {...body, message: 'Deployment.apps "web" is invalid'}, 'apply Deployment ns/web', false)
    assert.equal(other.message, 'apply Deployment ns/web: Deployment.apps "web" is invalid (HTTP 422)')
    assert.equal(clusterErrorFromStatus(503, undefined, 'get x', false).transient, true)
  })

  test('request bodies keep exact big integers', () => {
    assert.equal(stringifyJson({a: 9007199254740993n, b: [1, 'x']}), '{"a":9007199254740993,"b":[1,"x"]}')
  })
})

describe('boundedPort', () => {
  test('never more than the limit in flight', async () => {
    const fake = new FakeCluster()
    const port = boundedPort(fake, 2)
    await Promise.all(Array.from({length: 20}, (_, i) => port.get({apiVersion: 'v1', kind: 'ConfigMap', name: `c${i}`, namespace: 'default'})))
    assert.equal(fake.maxInFlight, 2)
  })
})
