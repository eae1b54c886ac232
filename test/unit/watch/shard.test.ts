import {test} from 'node:test'
import assert from 'node:assert/strict'
import {ClusterError} from '../../../src/cluster/errors.js'
import type {ClusterPort, DeleteOptions, ListOptions, ObjectRef} from '../../../src/cluster/port.js'
import {cloneJson, type JsonObject} from '../../../src/model/json.js'
import {microTime} from '../../../src/watch/leader.js'
import {assignApps, memberLeaseName, observeMembers, rendezvousOwner, ShardMembership, shardGroupLabel, type MemberSighting} from '../../../src/watch/shard.js'

const apps = Array.from({length: 1000}, (_, i) => `app-${i}`)

test('rendezvous: the owner does not depend on the order members are listed in, and the load is spread', () => {
  const members = ['strata-0_aa', 'strata-1_bb', 'strata-2_cc']
  for (const a of apps.slice(0, 50)) assert.equal(rendezvousOwner(a, members), rendezvousOwner(a, [...members].reverse()))
  const shares = assignApps(apps, members)
  assert.deepEqual([...shares.keys()], members)
  assert.equal([...shares.values()].reduce((n, s) => n + s.length, 0), apps.length, 'every app has exactly one owner')
  for (const [m, share] of shares) assert.ok(share.length > 250 && share.length < 420, `${m} owns ${share.length} of 1000`)
  assert.equal(rendezvousOwner('web', []), undefined)
})

test('rendezvous: a member joining takes only the apps it wins; one leaving hands over only its own', () => {
  const before = ['a', 'b', 'c']
  const joined = [...before, 'd']
  let moved = 0
  for (const app of apps) {
    const was = rendezvousOwner(app, before)
    const now = rendezvousOwner(app, joined)
    if (was !== now) {
      assert.equal(now, 'd', `${app} moved from ${was} to ${now}, not to the new member`)
      moved++
    }
  }
  assert.ok(moved > 180 && moved < 320, `about a quarter moves to the new member (${moved})`)

  const left = ['a', 'c']
  for (const app of apps) {
    const was = rendezvousOwner(app, before)
    if (was !== 'b') assert.equal(rendezvousOwner(app, left), was, `${app} stays with ${was}`)
    else assert.notEqual(rendezvousOwner(app, left), undefined)
  }
})

test('memberLeaseName is DNS-safe and stable per identity', () => {
  assert.equal(memberLeaseName('strata-watch', 'pod-1_ab12'), memberLeaseName('strata-watch', 'pod-1_ab12'))
  assert.notEqual(memberLeaseName('strata-watch', 'pod-1_ab12'), memberLeaseName('strata-watch', 'pod-2_ab12'))
  assert.match(memberLeaseName('strata-watch', 'Pod 1/ü'), /^strata-watch-member-[0-9a-f]{12}$/)
})

function lease(name: string, holder: string, renewTime: number, durationSeconds = 15, resourceVersion = '1'): JsonObject {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {name, namespace: 'ops', resourceVersion},
    spec: {holderIdentity: holder, leaseDurationSeconds: durationSeconds, renewTime: microTime(renewTime), acquireTime: microTime(renewTime), leaseTransitions: 0},
  }
}

test('observeMembers: first sight judges by renewTime; later rounds by when this replica saw it change (clock skew does not matter)', () => {
  const now = 10_000_000
  const gc = 60_000
  // b renewed 5 s ago; c's Lease lapsed 20 s ago; d's writer clock runs a minute ahead; e released its Lease.
  let view = observeMembers([lease('l-b', 'b', now - 5_000), lease('l-c', 'c', now - 35_000), lease('l-d', 'd', now + 60_000), lease('l-e', '', now - 1_000)], new Map(), now, gc)
  assert.deepEqual(view.live, ['b', 'd'])
  assert.deepEqual(view.stale.map((s) => s.name), ['l-e'], 'a released Lease can go at once; a lapsed one after the grace period')

  // 14 s later: b renewed (its renewTime moved), d did not: d's future renewTime does not keep it alive.
  const t1 = now + 14_000
  view = observeMembers([lease('l-b', 'b', t1 - 1_000), lease('l-c', 'c', now - 35_000), lease('l-d', 'd', now + 60_000)], view.sightings, t1, gc)
  assert.deepEqual(view.live, ['b', 'd'])
  const t2 = now + 15_000
  view = observeMembers([lease('l-b', 'b', t1 - 1_000), lease('l-c', 'c', now - 35_000), lease('l-d', 'd', now + 60_000)], view.sightings, t2, gc)
  assert.deepEqual(view.live, ['b'], 'd lapsed one lease duration after this replica saw its last renewal')

  // A Lease whose writer's clock runs behind: counted from the moment its renewal is seen.
  const behind = new Map<string, MemberSighting>([['l-f', {holder: 'f', renewTime: t2 - 120_000, durationMs: 15_000, seenAt: t2 - 2_000}]])
  view = observeMembers([lease('l-f', 'f', t2 - 100_000)], behind, t2, gc)
  assert.deepEqual(view.live, ['f'])

  // Long lapsed: collected (with its resourceVersion as the delete's precondition).
  view = observeMembers([lease('l-c', 'c', now - 35_000, 15, '42')], view.sightings, now + gc, gc)
  assert.deepEqual(view.stale, [{name: 'l-c', resourceVersion: '42'}])
})

/** Leases in one namespace: list by label, get, create, CAS update, delete with preconditions; counts requests. */
function leaseServer() {
  let rv = 1
  const leases = new Map<string, JsonObject>()
  const calls: string[] = []
  const meta = (o: JsonObject) => o.metadata as JsonObject
  const server = {
    leases,
    calls,
    defaultNamespace: 'ops',
    async list(_v: string, _k: string, options: ListOptions = {}) {
      calls.push('list')
      const [key, value] = (options.labelSelector ?? '').split('=')
      return [...leases.values()].filter((l) => !key || (meta(l).labels as Record<string, string> | undefined)?.[key] === value).map(cloneJson)
    },
    async get(ref: ObjectRef) {
      calls.push('get')
      return leases.has(ref.name) ? cloneJson(leases.get(ref.name)!) : undefined
    },
    async create(obj: JsonObject) {
      calls.push('create')
      const name = meta(obj).name as string
      if (leases.has(name)) throw new ClusterError(409, 'AlreadyExists', 'exists')
      leases.set(name, {...cloneJson(obj), metadata: {...meta(obj), resourceVersion: String(++rv)}})
      return cloneJson(leases.get(name)!)
    },
    async update(obj: JsonObject) {
      calls.push('update')
      const name = meta(obj).name as string
      const live = leases.get(name)
      if (!live || meta(obj).resourceVersion !== meta(live).resourceVersion) throw new ClusterError(409, 'Conflict', 'stale')
      leases.set(name, {...cloneJson(obj), metadata: {...meta(obj), resourceVersion: String(++rv)}})
      return cloneJson(leases.get(name)!)
    },
    async delete(ref: ObjectRef, options: DeleteOptions = {}) {
      calls.push('delete')
      const live = leases.get(ref.name)
      if (!live) return
      if (options.preconditions?.resourceVersion && options.preconditions.resourceVersion !== meta(live).resourceVersion) throw new ClusterError(409, 'Conflict', 'precondition')
      leases.delete(ref.name)
    },
  }
  return server
}

const timings = {leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000}

test('ShardMembership: members see each other; one that stops renewing drops out after the lease duration; release deletes the Lease', async () => {
  const server = leaseServer()
  const port = server as unknown as ClusterPort
  let now = 5_000_000
  const clock = () => now
  const a = new ShardMembership(port, {group: 'strata-watch', namespace: 'ops', identity: 'a', ...timings}, clock)
  const b = new ShardMembership(port, {group: 'strata-watch', namespace: 'ops', identity: 'b', ...timings}, clock)
  // Another installation's Leases in the same namespace are not members.
  await new ShardMembership(port, {group: 'other', namespace: 'ops', identity: 'x', ...timings}, clock).round()

  assert.deepEqual(await a.round(), ['a'])
  assert.deepEqual(await b.round(), ['a', 'b'])
  server.calls.length = 0
  now += 2_000
  assert.deepEqual(await a.round(), ['a', 'b'])
  assert.deepEqual(server.calls, ['list', 'update'], 'one list and one write per round')
  const own = server.leases.get(memberLeaseName('strata-watch', 'a'))!
  assert.deepEqual((own.metadata as JsonObject).labels, {[shardGroupLabel]: 'strata-watch'})

  // b is gone (SIGKILL): a keeps it for the lease duration after b's last renewal, then drops it.
  for (let t = 4_000; t < 15_000; t += 2_000) {
    now += 2_000
    assert.deepEqual(await a.round(), ['a', 'b'], `still counted ${t} ms after its last renewal`)
  }
  now += 2_000
  assert.deepEqual(await a.round(), ['a'])
  assert.equal(a.stillMember(), true)

  // Its Lease is deleted once lapsed for the grace period (4 lease durations).
  now += 60_000
  await a.round()
  assert.equal(server.leases.has(memberLeaseName('strata-watch', 'b')), false)

  // a cannot renew (API down): it stops counting itself within the renew deadline.
  const saved = {list: server.list, update: server.update, get: server.get}
  const fail = async () => {
    throw new ClusterError(503, 'ServiceUnavailable', 'down')
  }
  Object.assign(server, {list: fail, update: fail, get: fail})
  now += 2_000
  assert.equal(await a.round(), undefined, 'no view when the list fails')
  assert.equal(a.stillMember(), true, 'within the renew deadline')
  now += 9_000
  await a.round()
  assert.equal(a.stillMember(), false)
  Object.assign(server, saved)
  now += 2_000
  assert.deepEqual(await a.round(), ['a'], 'back as a member with the next renewal')

  await a.release()
  assert.equal(server.leases.has(memberLeaseName('strata-watch', 'a')), false)
})

test('ShardMembership.wake: a webhook for another member\'s app reaches it at its next round, once', async () => {
  const server = leaseServer()
  const port = server as unknown as ClusterPort
  const patches: Array<{name: string; body: unknown}> = []
  Object.assign(server, {
    async patch(ref: ObjectRef, body: JsonObject) {
      patches.push({name: ref.name, body})
      const live = server.leases.get(ref.name)
      if (!live) throw new ClusterError(404, 'NotFound', 'gone')
      const md = live.metadata as JsonObject
      md.annotations = {...((md.annotations as JsonObject) ?? {}), ...((body.metadata as JsonObject).annotations as JsonObject)}
      md.resourceVersion = String(Number(md.resourceVersion) + 100)
      return cloneJson(live)
    },
  })
  let now = 5_000_000
  const a = new ShardMembership(port, {group: 'g', namespace: 'ops', identity: 'a', ...timings}, () => now)
  const b = new ShardMembership(port, {group: 'g', namespace: 'ops', identity: 'b', ...timings}, () => now)
  await a.round()
  await b.round()
  await b.wake('a', ['web'])
  await b.wake('a', ['api'])
  assert.deepEqual(patches.map((p) => p.name), [memberLeaseName('g', 'a'), memberLeaseName('g', 'a')])
  assert.deepEqual(a.takeWakes(), [], 'not before its next round')
  now += 2_000
  await a.round()
  assert.deepEqual(a.takeWakes().sort(), ['api', 'web'], 'two senders never overwrite each other')
  assert.deepEqual(a.takeWakes(), [])
  now += 2_000
  await a.round()
  assert.deepEqual(a.takeWakes(), [], 'the renewal consumed the annotations')
  assert.equal(((server.leases.get(memberLeaseName('g', 'a'))!.metadata as JsonObject).annotations as JsonObject | undefined)?.['wake.strata.dev/web'], undefined)
  await assert.rejects(b.wake('gone', ['web']))
})

test('ShardMembership: a wake written between the list and the renewal is kept and the renewal retried; a failed list still reads its own Lease before renewing', async () => {
  const server = leaseServer()
  const port = server as unknown as ClusterPort
  let now = 5_000_000
  const a = new ShardMembership(port, {group: 'g', namespace: 'ops', identity: 'a', ...timings}, () => now)
  await a.round()
  const name = memberLeaseName('g', 'a')
  const annotate = (app: string) => {
    const live = server.leases.get(name)!
    const md = live.metadata as JsonObject
    md.annotations = {...((md.annotations as JsonObject) ?? {}), [`wake.strata.dev/${app}`]: microTime(now)}
    md.resourceVersion = String(Number(md.resourceVersion) + 100)
  }

  // The wake lands after the list: the renewal's compare-and-swap fails, a fresh read sees the wake.
  const list = server.list
  server.list = async (...args: Parameters<typeof list>) => {
    const out = await list(...args)
    annotate('web')
    return out
  }
  server.calls.length = 0
  now += 2_000
  assert.deepEqual(await a.round(), ['a'])
  assert.deepEqual(server.calls, ['list', 'update', 'get', 'update'])
  assert.deepEqual(a.takeWakes(), ['web'])
  assert.equal(a.stillMember(), true)
  server.list = list

  // The list fails: the Lease is read (keeping its wakes) before the renewal consumes them.
  annotate('api')
  server.list = async () => {
    throw new ClusterError(503, 'ServiceUnavailable', 'down')
  }
  now += 2_000
  assert.equal(await a.round(), undefined)
  assert.deepEqual(a.takeWakes(), ['api'])
  assert.equal(((server.leases.get(name)!.metadata as JsonObject).annotations as JsonObject | undefined)?.['wake.strata.dev/api'], undefined, 'consumed by the renewal')
})
