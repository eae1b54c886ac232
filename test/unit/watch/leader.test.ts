import {test} from 'node:test'
import assert from 'node:assert/strict'
import {ClusterError} from '../../../src/cluster/errors.js'
import type {ClusterPort, ObjectRef} from '../../../src/cluster/port.js'
import {cloneJson, type JsonObject} from '../../../src/model/json.js'
import {LeaderElector, leaseRecordOf, mayHold, microTime} from '../../../src/watch/leader.js'

/** Just enough of an API server for one Lease: get, create (409 when present), update with resourceVersion CAS. */
function leaseStore(): ClusterPort & {lease?: JsonObject; writes: number} {
  let rv = 1
  const s = {
    lease: undefined as JsonObject | undefined,
    writes: 0,
    defaultNamespace: 'default',
    async get(_ref: ObjectRef) {
      return s.lease ? cloneJson(s.lease) : undefined
    },
    async create(obj: JsonObject) {
      if (s.lease) throw new ClusterError(409, 'AlreadyExists', 'exists')
      s.writes++
      s.lease = {...cloneJson(obj), metadata: {...(obj.metadata as JsonObject), resourceVersion: String(++rv)}}
      return cloneJson(s.lease)
    },
    async update(obj: JsonObject) {
      const want = (obj.metadata as JsonObject).resourceVersion
      if (!s.lease || want !== (s.lease.metadata as JsonObject).resourceVersion) throw new ClusterError(409, 'Conflict', 'stale')
      s.writes++
      s.lease = {...cloneJson(obj), metadata: {...(obj.metadata as JsonObject), resourceVersion: String(++rv)}}
      return cloneJson(s.lease)
    },
  }
  return s as unknown as ClusterPort & {lease?: JsonObject; writes: number}
}

const timings = {leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000}

test('microTime has six fractional digits', () => {
  assert.equal(microTime(Date.UTC(2026, 10, 23, 2, 51, 13, 123)), '2026-11-23T02:51:13.123000Z')
})

test('the first candidate creates the Lease; the second waits until it expires, then takes over', async () => {
  const store = leaseStore()
  let now = 1_000_000
  const a = new LeaderElector(store, {name: 'strata-watch', namespace: 'ops', identity: 'a', ...timings}, () => now)
  const b = new LeaderElector(store, {name: 'strata-watch', namespace: 'ops', identity: 'b', ...timings}, () => now)
  assert.equal(await a.tryAcquireOrRenew(), true)
  assert.equal(await b.tryAcquireOrRenew(), false)
  assert.equal(b.holder, 'a')
  now += 2_000
  assert.equal(await a.tryAcquireOrRenew(), true, 'the holder renews')
  now += 14_999
  assert.equal(await b.tryAcquireOrRenew(), false, 'not before renewTime + duration')
  assert.equal(a.stillLeading(), false, 'a leader that has not renewed within the deadline stops acting')
  now += 1
  assert.equal(await b.tryAcquireOrRenew(), true)
  const rec = leaseRecordOf(store.lease!)
  assert.equal(rec.holder, 'b')
  assert.equal(rec.transitions, 1)
  assert.equal(await a.tryAcquireOrRenew(), false, 'the old leader sees the new holder')
})

test('two candidates racing on the same resourceVersion: exactly one wins', async () => {
  const store = leaseStore()
  const now = 5_000_000
  const seed = new LeaderElector(store, {name: 'l', namespace: 'ops', identity: 'old', ...timings}, () => now - 60_000)
  await seed.tryAcquireOrRenew()
  const a = new LeaderElector(store, {name: 'l', namespace: 'ops', identity: 'a', ...timings}, () => now)
  const b = new LeaderElector(store, {name: 'l', namespace: 'ops', identity: 'b', ...timings}, () => now)
  const results = await Promise.all([a.tryAcquireOrRenew(), b.tryAcquireOrRenew()])
  assert.deepEqual(results.filter(Boolean).length, 1)
})

test('release hands the Lease over at once', async () => {
  const store = leaseStore()
  let now = 1_000
  const a = new LeaderElector(store, {name: 'l', namespace: 'ops', identity: 'a', ...timings}, () => now)
  const b = new LeaderElector(store, {name: 'l', namespace: 'ops', identity: 'b', ...timings}, () => now)
  await a.tryAcquireOrRenew()
  await a.release()
  now += 1
  assert.equal(await b.tryAcquireOrRenew(), true)
})

test('mayHold follows client-go: empty holder or expired lease is free', () => {
  assert.equal(mayHold(undefined, 'x', 0), true)
  assert.equal(mayHold({holder: '', durationSeconds: 15, renewTime: 0, acquireTime: 0, transitions: 0}, 'x', 0), true)
  assert.equal(mayHold({holder: 'y', durationSeconds: 15, renewTime: 0, acquireTime: 0, transitions: 0}, 'x', 14_999), false)
  assert.equal(mayHold({holder: 'y', durationSeconds: 15, renewTime: 0, acquireTime: 0, transitions: 0}, 'x', 15_000), true)
})
