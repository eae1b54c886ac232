import {test} from 'node:test'
import assert from 'node:assert/strict'
import {request} from 'node:http'
import type {WatchedApp} from '../../../src/reconcile/app-config.js'
import {createLogger} from '../../../src/watch/log.js'
import {MetricsRegistry} from '../../../src/watch/metrics.js'
import {startWatch, type Elector} from '../../../src/watch/run-watch.js'
import type {Reconcile, ReconcileReason} from '../../../src/watch/scheduler.js'
import {assignApps, type Membership} from '../../../src/watch/shard.js'
import {fakeTimers} from './fake-timers.js'

const app = (name: string): WatchedApp => ({name, repo: `https://git.example.com/org/${name}.git`, ref: 'main', path: '.', intervalMs: 10_000, driftIntervalMs: 0, selfHeal: true})

function recorder() {
  const runs: Array<{app: string; reason: ReconcileReason}> = []
  const reconcile: Reconcile = async (a, reason) => {
    runs.push({app: a.name, reason})
    return {status: 'applied', commit: 'c1', durationMs: 1}
  }
  return {runs, reconcile}
}

function captureLogger() {
  const lines: Array<Record<string, unknown>> = []
  const logger = createLogger({format: 'json', write: (l) => lines.push(JSON.parse(l) as Record<string, unknown>), level: 'debug', secrets: ['s3cr3t']})
  return {lines, logger}
}

/** An elector whose round outcome the test sets. */
function fakeElector(initial: boolean) {
  const e = {
    wins: initial,
    released: 0,
    holder: initial ? 'me' : 'other' as string | undefined,
    async tryAcquireOrRenew() {
      e.holder = e.wins ? 'me' : 'other'
      return e.wins
    },
    stillLeading() {
      return e.wins
    },
    async release() {
      e.released++
    },
  }
  return e satisfies Elector
}

test('without election: every app reconciles at startup, ready once all attempted; one log line per event', async () => {
  const timers = fakeTimers()
  const {runs, reconcile} = recorder()
  const {lines, logger} = captureLogger()
  const w = await startWatch({apps: [app('a'), app('b')], reconcile, logger, metrics: new MetricsRegistry(), timers})
  assert.equal(w.readiness().ready, false)
  await timers.flush()
  assert.deepEqual(runs.map((r) => `${r.app}:${r.reason}`).sort(), ['a:startup', 'b:startup'])
  assert.equal(w.readiness().ready, true)
  assert.equal(w.leading(), true)
  const done = lines.filter((l) => l.msg === 'reconcile-done')
  assert.equal(done.length, 2)
  assert.equal(done[0].status, 'applied')
  assert.deepEqual(await w.stop(1000), [])
  assert.ok(lines.some((l) => l.msg === 'shutdown-complete'))
})

test('standby: skips its ticks; on taking the Lease later it reconciles every app; stop hands the Lease back', async () => {
  const timers = fakeTimers()
  const {runs, reconcile} = recorder()
  const {lines, logger} = captureLogger()
  const metrics = new MetricsRegistry()
  const elector = fakeElector(false)
  const w = await startWatch({apps: [app('a'), app('b')], reconcile, logger, metrics, timers, election: {elector, identity: 'me', retryPeriodMs: 2_000}})
  await timers.advance(25_000)
  assert.equal(runs.length, 0, 'a standby never reconciles')
  assert.equal(w.readiness().ready, true, 'a standby is ready after its first round')
  assert.match(metrics.render(), /strata_watch_leader 0/)
  assert.ok(lines.some((l) => l.msg === 'standby'))

  elector.wins = true
  await timers.advance(2_000)
  assert.equal(w.leading(), true)
  assert.deepEqual(runs.map((r) => `${r.app}:${r.reason}`).sort(), ['a:startup', 'b:startup'])
  assert.match(metrics.render(), /strata_watch_leader 1/)
  assert.ok(lines.some((l) => l.msg === 'leader-acquired'))

  elector.wins = false
  await timers.advance(2_000)
  assert.equal(w.leading(), false)
  assert.ok(lines.some((l) => l.msg === 'leader-lost'))
  elector.wins = true
  await timers.advance(2_000)
  await w.stop(1000)
  assert.equal(elector.released, 1)
})

test('a replica that wins the first round reconciles once at startup (no second startup run)', async () => {
  const timers = fakeTimers()
  const {runs, reconcile} = recorder()
  const {logger} = captureLogger()
  const elector = fakeElector(true)
  const w = await startWatch({apps: [app('a')], reconcile, logger, metrics: new MetricsRegistry(), timers, election: {elector, identity: 'me', retryPeriodMs: 2_000}})
  await timers.advance(5_000)
  assert.deepEqual(runs.map((r) => r.reason), ['startup'])
  await w.stop(1000)
  assert.equal(elector.released, 1)
})

test('a release that hangs does not hold the stop past its bound', async () => {
  const timers = fakeTimers()
  const {reconcile} = recorder()
  const {lines, logger} = captureLogger()
  const elector = {...fakeElector(true), release: () => new Promise<void>(() => {})}
  const w = await startWatch({apps: [app('a')], reconcile, logger, metrics: new MetricsRegistry(), timers, election: {elector, identity: 'me', retryPeriodMs: 2_000}})
  await timers.flush()
  const stopped = w.stop(1000)
  await timers.advance(2_000)
  await stopped
  assert.ok(lines.some((l) => l.msg === 'leader-release-timeout'))
})

test('the HTTP server: a signed webhook to /webhook/<app> triggers it; /readyz, /metrics; the secret never logged', async () => {
  const {runs, reconcile} = recorder()
  const {lines, logger} = captureLogger()
  const expired: string[] = []
  const heads = {expire: (repo: string) => void expired.push(repo), onMoved: () => undefined}
  const w = await startWatch({apps: [app('a')], reconcile, logger, metrics: new MetricsRegistry(), listen: {host: '127.0.0.1', port: 0}, webhookSecret: 's3cr3t', heads})
  try {
    const port = w.address!.port
    await new Promise((r) => setTimeout(r, 20))
    assert.equal((await call(port, 'GET', '/readyz')).status, 200)
    assert.match((await call(port, 'GET', '/metrics')).body, /strata_watch_reconciles_total\{app="a",status="applied"\} 1/)
    const {createHmac} = await import('node:crypto')
    const body = '{}'
    const sig = `sha256=${createHmac('sha256', 's3cr3t').update(body).digest('hex')}`
    const r = await call(port, 'POST', '/webhook/a', body, {'X-Hub-Signature-256': sig})
    assert.equal(r.status, 202)
    await new Promise((res) => setTimeout(res, 20))
    assert.deepEqual(runs.map((x) => x.reason), ['startup', 'webhook'])
    assert.deepEqual(expired, ['https://git.example.com/org/a.git'], 'the push expires the shared look-up of its repository')
    assert.equal((await call(port, 'POST', '/webhook/a', body, {'X-Hub-Signature-256': 'sha256=00'})).status, 401)
  } finally {
    await w.stop(1000)
  }
  const text = lines.map((l) => JSON.stringify(l)).join('\n')
  assert.ok(!text.includes('s3cr3t'))
  assert.ok(lines.some((l) => l.msg === 'webhook' && l.status === 202))
})

function call(port: number, method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<{status: number; body: string}> {
  return new Promise((resolve, reject) => {
    const req = request({host: '127.0.0.1', port, method, path, headers: {...headers, ...(body !== undefined && {'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body)})}}, (res) => {
      let text = ''
      res.setEncoding('utf8').on('data', (d: string) => (text += d))
      res.on('end', () => resolve({status: res.statusCode ?? 0, body: text}))
    })
    req.on('error', reject)
    req.end(body)
  })
}

test('drift watch: each planned reconcile hands its objects over, reported drift runs a drift reconcile, losing the Lease clears the streams', async () => {
  const timers = fakeTimers()
  const runs: string[] = []
  const objects = [{apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web'}]
  const reconcile: Reconcile = async (a, reason) => {
    runs.push(`${a.name}:${reason}`)
    return {status: 'applied', commit: 'c1', durationMs: 1, objects}
  }
  const inventories: Array<[string, number]> = []
  let cleared = 0
  let stopped = 0
  let report!: (app: string, changes: string[]) => void
  const elector = fakeElector(true)
  const {lines, logger} = captureLogger()
  const w = await startWatch({
    apps: [app('a')],
    reconcile,
    logger,
    metrics: new MetricsRegistry(),
    timers,
    election: {elector, identity: 'me', retryPeriodMs: 1_000},
    driftWatch: (onDrift) => {
      report = onDrift
      return {setInventory: (name, objs) => inventories.push([name, objs.length]), clear: () => cleared++, stop: async () => void stopped++}
    },
  })
  await timers.flush()
  assert.deepEqual(inventories, [['a', 1]])
  report('a', ['Deployment shop/web: spec.replicas changed by kubectl (scale)'])
  await timers.flush()
  assert.deepEqual(runs, ['a:startup', 'a:drift'])
  assert.ok(lines.some((l) => l.msg === 'drift-seen' && l.app === 'a' && l.reconcile === 'queued'))
  elector.wins = false
  await timers.advance(1_000)
  assert.equal(cleared, 1)
  await w.stop()
  assert.equal(stopped, 1)
})

test('shared look-ups: a moved ref wakes every app on that repository and ref (any spelling), not the others', async () => {
  const timers = fakeTimers()
  const {runs, reconcile} = recorder()
  const {logger} = captureLogger()
  let listener!: (repo: string, ref: string, head: string) => void
  const expired: string[] = []
  const on = (name: string, repo: string): WatchedApp => ({...app(name), repo})
  const w = await startWatch({
    apps: [on('a', 'https://git.example.com/org/shared.git'), on('b', 'git@git.example.com:org/shared'), app('c')],
    reconcile,
    logger,
    metrics: new MetricsRegistry(),
    timers,
    heads: {expire: (repo) => expired.push(repo), onMoved: (l) => (listener = l)},
  })
  await timers.flush()
  runs.length = 0
  listener('https://git.example.com/org/shared', 'main', 'c9')
  await timers.flush()
  assert.deepEqual(runs.map((r) => `${r.app}:${r.reason}`).sort(), ['a:poll', 'b:poll'])
  await w.stop()
})

/** A shard membership whose view of the members the test sets. */
function fakeMembership(identity: string, members: string[]) {
  const m = {
    identity,
    members,
    member: true,
    listFails: false,
    released: 0,
    wakes: [] as string[],
    woken: [] as Array<{owner: string; apps: string[]}>,
    async round() {
      return m.listFails ? undefined : [...m.members].sort()
    },
    takeWakes() {
      return m.wakes.splice(0)
    },
    async wake(owner: string, apps: readonly string[]) {
      m.woken.push({owner, apps: [...apps]})
    },
    stillMember() {
      return m.member
    },
    async release() {
      m.released++
    },
  }
  return m satisfies Membership
}

test('--shard: a webhook reaching a replica that does not own the app is passed on to its owner; a wake from another replica runs its app at once', async () => {
  const timers = fakeTimers()
  const names = Array.from({length: 12}, (_, i) => `app-${i}`)
  const {runs, reconcile} = recorder()
  const {lines, logger} = captureLogger()
  const membership = fakeMembership('me', ['me', 'other'])
  const starting = startWatch({apps: names.map(app), reconcile, logger, metrics: new MetricsRegistry(), timers, listen: {host: '127.0.0.1', port: 0}, webhookSecret: 's3cr3t', shard: {membership, retryPeriodMs: 2_000}})
  await timers.advance(2_000)
  const w = await starting
  try {
    const share = assignApps(names, ['me', 'other'])
    const foreign = share.get('other')![0]
    const own = share.get('me')![0]
    const {createHmac} = await import('node:crypto')
    const body = '{}'
    const sig = `sha256=${createHmac('sha256', 's3cr3t').update(body).digest('hex')}`
    await timers.flush()
    runs.length = 0
    const r = await call(w.address!.port, 'POST', `/webhook/${foreign}`, body, {'X-Hub-Signature-256': sig})
    assert.equal(r.status, 202)
    await timers.flush()
    assert.deepEqual(membership.woken, [{owner: 'other', apps: [foreign]}])
    assert.deepEqual(runs, [], 'not run here')
    assert.ok(lines.some((l) => l.msg === 'webhook-forwarded' && l.owner === 'other'))

    // Another replica passed a push for this replica's app on: run at the next round, as a webhook.
    membership.wakes.push(own, foreign)
    await timers.advance(2_000)
    assert.deepEqual(runs.map((x) => `${x.app}:${x.reason}`), [`${own}:webhook`], 'only its own app')
  } finally {
    await w.stop(1000)
  }
})

test('--shard: a replica reconciles only its rendezvous share; takes over a departed member\'s apps at once; a lapsed membership stops it; /metrics shows apps per member', async () => {
  const timers = fakeTimers()
  const names = Array.from({length: 30}, (_, i) => `app-${i}`)
  const {runs, reconcile} = recorder()
  const {lines, logger} = captureLogger()
  const metrics = new MetricsRegistry()
  const membership = fakeMembership('me', ['me', 'other', 'third'])
  const inventories: Array<[string, number]> = []
  const starting = startWatch({
    apps: names.map(app),
    reconcile: async (a, reason, signal) => ({...(await reconcile(a, reason, signal)), objects: [{apiVersion: 'v1', kind: 'ConfigMap', namespace: 'x', name: a.name}]}),
    logger,
    metrics,
    timers,
    shard: {membership, retryPeriodMs: 2_000},
    driftWatch: () => ({setInventory: (name, objs) => inventories.push([name, objs.length]), clear: () => undefined, stop: async () => undefined}),
  })
  await timers.advance(2_000)
  const w = await starting
  await timers.flush()
  const share = assignApps(names, ['me', 'other', 'third'])
  const mine = share.get('me')!
  assert.ok(mine.length > 0 && mine.length < names.length)
  assert.deepEqual(runs.map((r) => r.app).sort(), [...mine].sort(), 'startup reconciles exactly this replica\'s share')
  assert.ok(runs.every((r) => r.reason === 'startup'))
  assert.equal(w.readiness().ready, true, 'ready once its own apps were attempted')
  const text = metrics.render()
  for (const [m, apps] of share) assert.match(text, new RegExp(`strata_watch_shard_apps\\{member="${m}"\\} ${apps.length}\\n`))
  assert.match(text, /strata_watch_shard_members 3\n/)

  // A webhook for an app of another member is not this replica's to run.
  const foreign = share.get('other')![0]
  runs.length = 0
  w.scheduler.trigger(foreign)
  await timers.flush()
  assert.deepEqual(runs, [])

  // "third" leaves (its Lease lapsed): this replica takes the apps rendezvous now gives it, at once, and only those.
  membership.members = ['me', 'other']
  await timers.advance(2_000)
  const after = assignApps(names, ['me', 'other']).get('me')!
  const gained = after.filter((a) => !mine.includes(a))
  assert.ok(mine.every((a) => after.includes(a)), 'a member leaving never takes apps away from the others')
  assert.deepEqual(runs.map((r) => `${r.app}:${r.reason}`).sort(), gained.map((a) => `${a}:startup`).sort())
  assert.ok(gained.every((a) => share.get('third')!.includes(a)))
  assert.ok(lines.some((l) => l.msg === 'shard-members' && l.gained === gained.length && l.lost === 0))
  assert.doesNotMatch(metrics.render(), /member="third"/, 'a departed member\'s series go')

  // A failed list keeps the last view: nothing moves.
  membership.listFails = true
  runs.length = 0
  await timers.advance(2_000)
  assert.deepEqual(runs, [])

  // A new member joins: this replica hands over the apps it wins and closes their drift streams.
  membership.listFails = false
  membership.members = ['me', 'other', 'newcomer']
  inventories.length = 0
  await timers.advance(2_000)
  const kept = assignApps(names, ['me', 'other', 'newcomer']).get('me')!
  const handed = after.filter((a) => !kept.includes(a))
  assert.deepEqual(inventories.filter(([, n]) => n === 0).map(([a]) => a).sort(), [...handed].sort())
  assert.ok(kept.every((a) => after.includes(a)))

  // Its own renewals fail past the renew deadline: it reconciles nothing, not even a webhook.
  membership.member = false
  await timers.advance(2_000)
  assert.ok(lines.some((l) => l.msg === 'shard-membership-lost'))
  runs.length = 0
  w.scheduler.trigger(kept[0])
  await timers.advance(30_000)
  assert.deepEqual(runs, [])
  assert.match(metrics.render(), /strata_watch_shard_owned_apps 0\n/)

  await w.stop(1000)
  assert.equal(membership.released, 1)
  assert.ok(lines.some((l) => l.msg === 'shard-left'))
})
