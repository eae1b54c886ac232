// strata watch through the CLI (bin/run.js as a long-running child) against the real control plane,
// following local bare git repositories: commits applied within an interval, a signed webhook at
// once, drift healed or only reported, a broken commit keeping the last good state, two replicas
// with leader election (one applies; SIGKILL it and the other takes over), SIGTERM exits 0 fast.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {createHmac, randomBytes} from 'node:crypto'
import {cluster, waitFor, withNamespace} from './helpers/cluster.js'
import {appName, appTree, configValue, gitRepo, kubectl, replicas, watchProcess} from './helpers/watch.js'

test('commits applied within one interval, drift healed, a broken commit keeps the last good state, SIGTERM exits 0 within 10 s', async (t) => {
  const {kubeconfig: kc} = await cluster()
  const ns = await withNamespace(t, 'watch')
  const repo = gitRepo()
  repo.commit(appTree(ns, 'one'), 'one')
  const name = appName('loop')
  const w = watchProcess(kc, ['--repo', repo.url, '--ref', 'main', '--path', 'app', '--name', name, '--namespace', ns, '--interval', '2s', '--drift-interval', '3s', '--cache-dir', repo.cache])
  t.after(() => w.kill('SIGKILL'))

  await waitFor('startup apply', async () => configValue(kc, ns) === 'one', {timeoutMs: 60_000})

  // A new commit: applied within one poll interval (plus the reconcile itself).
  const c2 = repo.commit(appTree(ns, 'two'), 'two')
  const pushed = Date.now()
  await waitFor('commit two applied', async () => configValue(kc, ns) === 'two', {timeoutMs: 30_000, intervalMs: 100})
  const latency = Date.now() - pushed
  t.diagnostic(`commit-to-applied: ${latency} ms (interval 2 s)`)
  assert.ok(latency < 2_000 + 6_000, `applied ${latency} ms after the push`)
  await w.waitLog('a reconcile-done naming commit two', (l) => l.msg === 'reconcile-done' && l.commit === c2)

  // Drift: kubectl scale is undone within the drift interval.
  kubectl(kc, '-n', ns, 'scale', 'deployment', 'web', '--replicas=3')
  const scaled = Date.now()
  await waitFor('drift healed', async () => replicas(kc, ns) === 1, {timeoutMs: 30_000, intervalMs: 100}).catch((err: Error) => {
    throw new Error(`${err.message}; last log lines: ${JSON.stringify(w.lines.slice(-6))}`)
  })
  const healed = Date.now() - scaled
  t.diagnostic(`drift healed after ${healed} ms (drift interval 3 s)`)
  assert.ok(healed < 3_000 + 8_000, `healed ${healed} ms after the scale`)
  await w.waitLog('a drift-healed reconcile', (l) => l.msg === 'reconcile-done' && l.status === 'drift-healed')

  // A broken commit (invalid YAML): reported, the cluster keeps commit two.
  const bad = repo.commit({...appTree(ns, 'three'), 'config.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: [unclosed\n'}, 'broken')
  await w.waitLog('the broken commit failed', (l) => l.msg === 'reconcile-done' && l.status === 'failed' && l.commit === bad)
  assert.equal(configValue(kc, ns), 'two')
  assert.equal(replicas(kc, ns), 1)
  await w.waitLog('a retry scheduled with backoff', (l) => l.msg === 'retry-scheduled')

  // The next good commit applies.
  const c4 = repo.commit(appTree(ns, 'four'), 'four')
  await waitFor('commit four applied', async () => configValue(kc, ns) === 'four', {timeoutMs: 30_000, intervalMs: 100})
  await w.waitLog('reconcile-done naming commit four', (l) => l.msg === 'reconcile-done' && l.commit === c4)

  const term = Date.now()
  w.kill('SIGTERM')
  const exit = await w.exited
  const took = Date.now() - term
  t.diagnostic(`SIGTERM to exit: ${took} ms`)
  assert.equal(exit.code, 0, w.stderr())
  assert.ok(took < 10_000)
  assert.ok(w.find((l) => l.msg === 'shutdown-complete'))
})

test('a signed webhook applies at once; --no-self-heal reports drift without healing it; /metrics and /readyz', async (t) => {
  const {kubeconfig: kc} = await cluster()
  const ns = await withNamespace(t, 'watchhook')
  const repo = gitRepo()
  repo.commit(appTree(ns, 'one'), 'one')
  const name = appName('hook')
  const secret = randomBytes(16).toString('hex')
  const w = watchProcess(
    kc,
    ['--repo', repo.url, '--ref', 'main', '--path', 'app', '--name', name, '--namespace', ns, '--interval', '1h', '--drift-interval', '3s', '--self-heal=false', '--listen', '127.0.0.1:0', '--cache-dir', repo.cache],
    {STRATA_WEBHOOK_SECRET: secret},
  )
  t.after(() => w.kill('SIGKILL'))
  const listening = await w.waitLog('listening', (l) => l.msg === 'listening')
  const base = `http://${String(listening.address)}`
  await waitFor('startup apply', async () => configValue(kc, ns) === 'one', {timeoutMs: 60_000})
  await waitFor('ready', async () => (await fetch(`${base}/readyz`)).status === 200)

  const c2 = repo.commit(appTree(ns, 'two'), 'two')
  const body = JSON.stringify({ref: 'refs/heads/main', repository: {clone_url: repo.url}})
  const bad = await fetch(`${base}/webhook`, {method: 'POST', body, headers: {'Content-Type': 'application/json', 'X-Hub-Signature-256': 'sha256=00'}})
  assert.equal(bad.status, 401)
  const posted = Date.now()
  const res = await fetch(`${base}/webhook`, {
    method: 'POST',
    body,
    headers: {'Content-Type': 'application/json', 'X-GitHub-Event': 'push', 'X-Hub-Signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`},
  })
  assert.equal(res.status, 202)
  assert.deepEqual(((await res.json()) as {triggered: string[]}).triggered, [name])
  await waitFor('commit two applied by the webhook', async () => configValue(kc, ns) === 'two', {timeoutMs: 20_000, intervalMs: 100})
  t.diagnostic(`webhook-to-applied: ${Date.now() - posted} ms (poll interval 1 h)`)

  // The ConfigMap shows before the reconcile ends (health gates, the source record): the metric
  // follows at its end, a moment later.
  const applied = new RegExp(`strata_watch_last_applied_commit_info\\{app="${name}",commit="${c2}"\\} 1`)
  await waitFor('commit two in /metrics', async () => applied.test(await (await fetch(`${base}/metrics`)).text()), {timeoutMs: 20_000, intervalMs: 100})

  // Self-heal off: drift is reported (log line and metric), the scale stays.
  kubectl(kc, '-n', ns, 'scale', 'deployment', 'web', '--replicas=3')
  await w.waitLog('drift reported', (l) => l.msg === 'reconcile-done' && l.status === 'drift-reported', 20_000)
  assert.equal(replicas(kc, ns), 3)
  assert.match(await (await fetch(`${base}/metrics`)).text(), new RegExp(`strata_watch_drift_total\\{app="${name}"\\} [1-9]`))

  assert.ok(!JSON.stringify(w.lines).includes(secret), 'the webhook secret never appears in the log')
  w.kill('SIGTERM')
  assert.equal((await w.exited).code, 0)
})

test('two replicas with --leader-elect: exactly one applies; SIGKILL it and the other takes over within the lease time', async (t) => {
  const {kubeconfig: kc} = await cluster()
  const ns = await withNamespace(t, 'watchlead')
  const repo = gitRepo()
  repo.commit(appTree(ns, 'one'), 'one')
  const name = appName('lead')
  const lease = `lease-${name}`
  const common = ['--repo', repo.url, '--ref', 'main', '--path', 'app', '--name', name, '--namespace', ns, '--interval', '2s', '--drift-interval', '0', '--leader-elect', '--leader-namespace', ns, '--leader-name', lease, '--leader-lease-duration', '4s', '--leader-renew-deadline', '3s', '--leader-retry-period', '1s']
  const a = watchProcess(kc, [...common, '--identity', 'replica-a', '--cache-dir', `${repo.cache}-a`])
  t.after(() => a.kill('SIGKILL'))
  await a.waitLog('replica a leads', (l) => l.msg === 'leader-acquired')
  const b = watchProcess(kc, [...common, '--identity', 'replica-b', '--cache-dir', `${repo.cache}-b`])
  t.after(() => b.kill('SIGKILL'))
  await b.waitLog('replica b stands by', (l) => l.msg === 'standby')
  assert.equal(kubectl(kc, '-n', ns, 'get', 'lease', lease, '-o', 'jsonpath={.spec.holderIdentity}'), 'replica-a')

  await waitFor('startup apply', async () => configValue(kc, ns) === 'one', {timeoutMs: 60_000})
  repo.commit(appTree(ns, 'two'), 'two')
  await waitFor('commit two applied', async () => configValue(kc, ns) === 'two', {timeoutMs: 30_000, intervalMs: 100})
  // Let a few polls pass: the standby reconciles nothing.
  await new Promise((r) => setTimeout(r, 3_000))
  assert.ok(a.find((l) => l.msg === 'reconcile-done'), 'the leader reconciles')
  assert.equal(b.find((l) => l.msg === 'reconcile-start'), undefined, 'the standby never reconciles')

  const killed = Date.now()
  a.kill('SIGKILL')
  await b.waitLog('replica b takes over', (l) => l.msg === 'leader-acquired', 20_000)
  const takeover = Date.now() - killed
  t.diagnostic(`takeover after SIGKILL: ${takeover} ms (lease 4 s, retry 1 s)`)
  assert.ok(takeover < 4_000 + 1_000 + 3_000, `took over after ${takeover} ms`)
  assert.equal(kubectl(kc, '-n', ns, 'get', 'lease', lease, '-o', 'jsonpath={.spec.holderIdentity}'), 'replica-b')
  await b.waitLog('the new leader reconciles every app', (l) => l.msg === 'reconcile-start' && l.reason === 'startup')

  repo.commit(appTree(ns, 'three'), 'three')
  await waitFor('commit three applied by the new leader', async () => configValue(kc, ns) === 'three', {timeoutMs: 30_000, intervalMs: 100})

  // SIGTERM: the Lease is handed back (empty holder) and the process exits 0 within 10 s.
  const term = Date.now()
  b.kill('SIGTERM')
  assert.equal((await b.exited).code, 0, b.stderr())
  assert.ok(Date.now() - term < 10_000)
  assert.ok(b.find((l) => l.msg === 'leader-released'))
  assert.equal(kubectl(kc, '-n', ns, 'get', 'lease', lease, '-o', 'jsonpath={.spec.holderIdentity}'), '')
})

test('SIGKILL in the middle of a reconcile, then a restart: the next reconcile converges', async (t) => {
  const {kubeconfig: kc} = await cluster()
  const ns = await withNamespace(t, 'watchkill')
  const repo = gitRepo()
  const withImage = (value: string, image: string): Record<string, string> => {
    const files = appTree(ns, value)
    files['deploy.yaml'] = files['deploy.yaml'].replace('registry.example.com/web:1', image)
    return files
  }
  repo.commit(withImage('one', 'registry.example.com/web:1'), 'one')
  const name = appName('kill')
  const args = ['--repo', repo.url, '--ref', 'main', '--path', 'app', '--name', name, '--namespace', ns, '--interval', '1s', '--drift-interval', '0', '--cache-dir', repo.cache]
  const first = watchProcess(kc, args)
  t.after(() => first.kill('SIGKILL'))
  await waitFor('startup apply', async () => configValue(kc, ns) === 'one', {timeoutMs: 60_000})
  await first.waitLog('startup done', (l) => l.msg === 'reconcile-done')

  // A new image: the apply waits for the Deployment's new pods, which leaves time to kill it mid-way.
  const c2 = repo.commit(withImage('two', 'registry.example.com/web:2'), 'two')
  await first.waitLog('the reconcile of commit two started', (l) => l.msg === 'reconcile-start' && l.reason === 'poll')
  first.kill('SIGKILL')
  await first.exited

  const second = watchProcess(kc, args)
  t.after(() => second.kill('SIGKILL'))
  await second.waitLog('the restarted watch reconciles commit two', (l) => l.msg === 'reconcile-done' && l.commit === c2 && l.status !== 'failed', 60_000).catch((err: Error) => {
    throw new Error(`${err.message}; all lines: ${JSON.stringify(second.lines.filter((l) => l.msg.startsWith('reconcile')))}`)
  })
  assert.equal(configValue(kc, ns), 'two')
  assert.equal(kubectl(kc, '-n', ns, 'get', 'deployment', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].image}'), 'registry.example.com/web:2')
  second.kill('SIGTERM')
  assert.equal((await second.exited).code, 0)
})
