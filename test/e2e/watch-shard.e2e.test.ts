// strata watch --shard on the real control plane: three replicas share twelve apps (each its own
// local bare repository) by rendezvous hashing over their membership Leases. Every app is
// reconciled by exactly one replica; SIGKILL one and the other two take its apps over once its
// Lease lapses (and keep their own); a new commit to every app then lands once each; a webhook
// that reaches a replica not owning the app is passed on to its owner.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {createHmac, randomBytes} from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {cluster, waitFor, withNamespace} from './helpers/cluster.js'
import {appName, gitRepo, kubectl, watchProcess, type LogLine} from './helpers/watch.js'

const appCount = 12
const leaseSeconds = 6
const secret = randomBytes(16).toString('hex')

function tree(ns: string, i: number, value: string): Record<string, string> {
  return {
    'kustomization.yaml': `namespace: ${ns}\nresources:\n  - config.yaml\n`,
    'config.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg-${i}\ndata:\n  value: "${value}"\n`,
  }
}

function values(kc: string, ns: string): Map<string, string> {
  const out = new Map<string, string>()
  const text = kubectl(kc, '-n', ns, 'get', 'configmaps', '-o', 'jsonpath={range .items[*]}{.metadata.name}={.data.value}{"\\n"}{end}')
  for (const line of text.split('\n').filter(Boolean)) {
    const [name, value] = line.split('=')
    out.set(name, value)
  }
  return out
}

test(`three replicas with --shard share ${appCount} apps: one replica per app; SIGKILL one and its apps are taken over; a new commit to every app lands once each`, async (t) => {
  const {kubeconfig: kc} = await cluster()
  const ns = await withNamespace(t, 'shard')
  const tag = appName('sh')
  const repos = Array.from({length: appCount}, (_, i) => {
    const repo = gitRepo()
    repo.commit(tree(ns, i, 'one'), 'one')
    return repo
  })
  const apps = repos.map((_, i) => `${tag}-${i}`)
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-shard-e2e-'))
  const config = path.join(dir, 'strata.yaml')
  fs.writeFileSync(config, `apps:\n${repos.map((r, i) => `  - name: ${apps[i]}\n    repo: ${r.url}\n    ref: main\n    path: app\n    namespace: ${ns}\n    interval: 2s\n    driftInterval: "0"\n`).join('')}`)

  const group = `${tag}-lease`
  const replica = (id: string) =>
    watchProcess(kc, [
      '--config', config, '--shard', '--identity', id, '--leader-namespace', ns, '--leader-name', group,
      '--leader-lease-duration', `${leaseSeconds}s`, '--leader-renew-deadline', '4s', '--leader-retry-period', '1s',
      '--listen', '127.0.0.1:0', '--cache-dir', path.join(dir, `cache-${id}`), '--max-concurrent', '4',
    ], {STRATA_WEBHOOK_SECRET: secret})
  const ids = ['r0', 'r1', 'r2']
  const replicas = new Map(ids.map((id) => [id, replica(id)]))
  t.after(() => {
    for (const w of replicas.values()) w.kill('SIGKILL')
  })

  const all = (): Map<string, string> => values(kc, ns)
  await waitFor('every app applied at startup', async () => {
    const v = all()
    return repos.every((_, i) => v.get(`cfg-${i}`) === 'one')
  }, {timeoutMs: 120_000, intervalMs: 250})

  // Once the three have seen each other (replicas started further apart than a retry period may
  // both reconcile an app while the later one joins; the rollout lock keeps them from doing it at
  // once), a commit to every app: each reconciled by exactly one replica.
  const reconciledBy = (lines: LogLine[], from = 0) => new Set(lines.slice(from).filter((l) => l.msg === 'reconcile-start').map((l) => String(l.app)))
  for (const w of replicas.values()) await w.waitLog('all three members seen', (l) => l.msg === 'shard-members' && Array.isArray(l.members) && l.members.length === 3)
  await new Promise((r) => setTimeout(r, 3_000))
  const marks0 = new Map(ids.map((id) => [id, replicas.get(id)!.lines.length]))
  repos.forEach((r, i) => r.commit(tree(ns, i, 'two'), 'two'))
  await waitFor('every app at commit two', async () => {
    const v = all()
    return repos.every((_, i) => v.get(`cfg-${i}`) === 'two')
  }, {timeoutMs: 90_000, intervalMs: 250})
  await new Promise((r) => setTimeout(r, 3_000))
  const owners = new Map<string, string[]>()
  for (const [id, w] of replicas) for (const a of reconciledBy(w.lines, marks0.get(id))) owners.set(a, [...(owners.get(a) ?? []), id])
  assert.deepEqual([...owners.keys()].sort(), [...apps].sort(), 'every app reconciled')
  for (const [a, by] of owners) assert.equal(by.length, 1, `${a} reconciled by ${by.join(' and ')}`)
  const shareOf = (id: string) => apps.filter((a) => owners.get(a)![0] === id)
  t.diagnostic(`shares: ${ids.map((id) => `${id}=${shareOf(id).length}`).join(' ')}`)

  // /metrics: the apps per member, adding up to every app.
  const listening = await replicas.get('r0')!.waitLog('listening', (l) => l.msg === 'listening')
  const metrics = await (await fetch(`http://${String(listening.address)}/metrics`)).text()
  let total = 0
  for (const id of ids) {
    const m = new RegExp(`strata_watch_shard_apps\\{member="${id}"\\} (\\d+)`).exec(metrics)
    assert.ok(m, `apps of ${id} in /metrics`)
    assert.equal(Number(m[1]), shareOf(id).length)
    total += Number(m[1])
  }
  assert.equal(total, appCount)
  assert.match(metrics, /strata_watch_shard_members 3\n/)

  // SIGKILL the replica with the most apps: no release, its Lease lapses.
  const victim = [...ids].sort((a, b) => shareOf(b).length - shareOf(a).length)[0]
  const orphans = shareOf(victim)
  assert.ok(orphans.length > 0)
  const survivors = ids.filter((id) => id !== victim)
  const marks = new Map(survivors.map((id) => [id, replicas.get(id)!.lines.length]))
  replicas.get(victim)!.kill('SIGKILL')
  await replicas.get(victim)!.exited
  const killed = Date.now()
  await waitFor('the orphaned apps reconciled by the survivors', async () => {
    const taken = new Set(survivors.flatMap((id) => replicas.get(id)!.lines.slice(marks.get(id)).filter((l) => l.msg === 'reconcile-done' && l.reason === 'startup').map((l) => String(l.app))))
    return orphans.every((a) => taken.has(a))
  }, {timeoutMs: 60_000, intervalMs: 100})
  t.diagnostic(`takeover of ${orphans.length} apps: ${Date.now() - killed} ms after SIGKILL (lease ${leaseSeconds} s, retry 1 s)`)
  for (const id of survivors) {
    const w = replicas.get(id)!
    const taken = reconciledBy(w.lines, marks.get(id))
    for (const a of taken) assert.ok(orphans.includes(a) || shareOf(id).includes(a), `${id} took ${a}, which was neither its own nor the dead replica's`)
    assert.ok(w.lines.slice(marks.get(id)).some((l) => l.msg === 'shard-members' && Array.isArray(l.members) && l.members.length === 2))
  }

  // A new commit to every app: applied once each, by the one survivor that owns it.
  const marks2 = new Map(survivors.map((id) => [id, replicas.get(id)!.lines.length]))
  const shas = repos.map((r, i) => r.commit(tree(ns, i, 'three'), 'three'))
  await waitFor('every app at commit three', async () => {
    const v = all()
    return repos.every((_, i) => v.get(`cfg-${i}`) === 'three')
  }, {timeoutMs: 90_000, intervalMs: 250})
  for (const [i, a] of apps.entries()) {
    const by = survivors.filter((id) => replicas.get(id)!.lines.slice(marks2.get(id)).some((l) => l.msg === 'reconcile-start' && l.app === a))
    assert.equal(by.length, 1, `${a} reconciled after the commit by ${by.join(' and ') || 'nobody'}`)
    await replicas.get(by[0])!.waitLog(`${a} applied at commit three`, (l) => l.msg === 'reconcile-done' && l.app === a && l.commit === shas[i] && l.status === 'applied')
  }

  // A webhook that reaches the survivor not owning the app is passed on to the one that does.
  const [owner, other] = survivors
  const target = apps.findIndex((a) => reconciledBy(replicas.get(owner)!.lines, marks2.get(owner)).has(a))
  const sha = repos[target].commit(tree(ns, target, 'four'), 'four')
  const via = await replicas.get(other)!.waitLog('listening', (l) => l.msg === 'listening')
  const body = '{}'
  const res = await fetch(`http://${String(via.address)}/webhook/${apps[target]}`, {method: 'POST', body, headers: {'Content-Type': 'application/json', 'X-Hub-Signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`}})
  assert.equal(res.status, 202)
  await replicas.get(other)!.waitLog('the push passed on', (l) => l.msg === 'webhook-forwarded' && l.app === apps[target] && l.owner === owner)
  await replicas.get(owner)!.waitLog('the owner woken', (l) => l.msg === 'webhook-woken' && l.app === apps[target])
  await waitFor('commit four applied', async () => all().get(`cfg-${target}`) === 'four', {timeoutMs: 30_000, intervalMs: 100})
  await replicas.get(owner)!.waitLog('applied by the owner', (l) => l.msg === 'reconcile-done' && l.app === apps[target] && l.commit === sha)
  assert.ok(!replicas.get(other)!.lines.some((l) => l.msg === 'reconcile-start' && l.app === apps[target]), 'never by the replica the push reached')

  for (const id of survivors) replicas.get(id)!.kill('SIGTERM')
  for (const id of survivors) {
    const w = replicas.get(id)!
    assert.equal((await w.exited).code, 0, w.stderr())
    assert.ok(w.find((l) => l.msg === 'shard-left'))
  }
  // A clean stop deletes the membership Leases; only the killed replica's is left (collected later by a live member).
  const leases = kubectl(kc, '-n', ns, 'get', 'leases', '-l', `strata.dev/watch-shard-group=${group}`, '-o', 'name').split('\n').filter(Boolean)
  assert.equal(leases.length, 1)
})
