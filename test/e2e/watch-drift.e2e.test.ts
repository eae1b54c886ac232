// Event-driven drift on the real control plane: with default flags (drift interval 5 min, poll
// 30 s), `kubectl scale` and `kubectl edit` of a synced Deployment are healed within 10 s through
// the watch streams; with --no-self-heal they are reported within 10 s; the controller's status
// updates and another manager's annotation cause no reconcile.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {cluster, waitFor, withNamespace} from './helpers/cluster.js'
import {appName, appTree, gitRepo, kubectl, replicas, watchProcess, type LogLine} from './helpers/watch.js'

const image = (kc: string, ns: string) => kubectl(kc, '-n', ns, 'get', 'deployment', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].image}')
const driftRuns = (lines: LogLine[]) => lines.filter((l) => l.msg === 'reconcile-start' && l.reason === 'drift').length

test('default flags: kubectl scale and kubectl edit healed within 10 s by the watch streams; status updates and foreign annotations cause no reconcile', async (t) => {
  const {kubeconfig: kc} = await cluster()
  const ns = await withNamespace(t, 'driftw')
  const repo = gitRepo()
  repo.commit(appTree(ns, 'one'), 'one')
  const name = appName('dw')
  // Debug lines only to see the streams open; every behaviour flag is at its default.
  const w = watchProcess(kc, ['--repo', repo.url, '--ref', 'main', '--path', 'app', '--name', name, '--namespace', ns, '--cache-dir', repo.cache, '--log-level', 'debug'])
  t.after(() => w.kill('SIGKILL'))
  await w.waitLog('the startup apply', (l) => l.msg === 'reconcile-done' && l.status === 'applied', 60_000)
  await w.waitLog('the Deployment stream open', (l) => l.msg === 'drift-watch-stream-open' && String(l.stream).startsWith('apps/v1|Deployment|'))

  kubectl(kc, '-n', ns, 'scale', 'deployment', 'web', '--replicas=3')
  const scaled = Date.now()
  await waitFor('scale healed', async () => replicas(kc, ns) === 1, {timeoutMs: 10_000, intervalMs: 100}).catch((err: Error) => {
    throw new Error(`${err.message}; last log lines: ${JSON.stringify(w.lines.slice(-8))}`)
  })
  t.diagnostic(`kubectl scale healed after ${Date.now() - scaled} ms (drift interval 5 m)`)
  const seen = await w.waitLog('drift-seen naming the field', (l) => l.msg === 'drift-seen')
  assert.match(String(seen.changes), /spec\.replicas changed by kubectl/)
  const healed = await w.waitLog('a drift-healed reconcile', (l) => l.msg === 'reconcile-done' && l.status === 'drift-healed')
  assert.deepEqual(healed.drifted, [`Deployment ${ns}/web (changed)`], 'the log names the object that drifted')

  // kubectl edit, with an editor that changes the image.
  execFileSync('kubectl', ['--kubeconfig', kc, '-n', ns, 'edit', 'deployment', 'web'], {env: {...process.env, KUBE_EDITOR: `sed -i -e s#registry.example.com/web:1#registry.example.com/web:edited#`}, stdio: 'ignore'})
  assert.equal(image(kc, ns), 'registry.example.com/web:edited')
  const edited = Date.now()
  await waitFor('edit healed', async () => image(kc, ns) === 'registry.example.com/web:1', {timeoutMs: 10_000, intervalMs: 100})
  t.diagnostic(`kubectl edit healed after ${Date.now() - edited} ms`)

  // Quiet: the controller keeps writing status after the heals (pods come and go); another manager
  // annotates. Neither is a field strata applied: no drift reconcile follows.
  await new Promise((r) => setTimeout(r, 2_000))
  const before = driftRuns(w.lines)
  kubectl(kc, '-n', ns, 'annotate', 'deployment', 'web', 'example.com/owner=team-a')
  kubectl(kc, '-n', ns, 'patch', 'deployment', 'web', '--subresource=status', '--type=merge', '-p', '{"status":{"observedGeneration":1}}')
  await new Promise((r) => setTimeout(r, 4_000))
  assert.equal(driftRuns(w.lines), before, `no drift reconcile from status or annotations: ${JSON.stringify(w.lines.filter((l) => l.msg === 'drift-seen'))}`)

  w.kill('SIGTERM')
  assert.equal((await w.exited).code, 0)
})

test('--no-self-heal: kubectl scale reported within 10 s and left alone; --drift-watch=false leaves it to the drift interval', async (t) => {
  const {kubeconfig: kc} = await cluster()
  const ns = await withNamespace(t, 'driftr')
  const repo = gitRepo()
  repo.commit(appTree(ns, 'one'), 'one')
  const name = appName('dr')
  const w = watchProcess(kc, ['--repo', repo.url, '--ref', 'main', '--path', 'app', '--name', name, '--namespace', ns, '--cache-dir', repo.cache, '--no-self-heal', '--log-level', 'debug'])
  t.after(() => w.kill('SIGKILL'))
  await w.waitLog('the startup apply', (l) => l.msg === 'reconcile-done' && l.status === 'applied', 60_000)
  await w.waitLog('the Deployment stream open', (l) => l.msg === 'drift-watch-stream-open' && String(l.stream).startsWith('apps/v1|Deployment|'))
  kubectl(kc, '-n', ns, 'scale', 'deployment', 'web', '--replicas=3')
  await w.waitLog('drift reported', (l) => l.msg === 'reconcile-done' && l.status === 'drift-reported', 10_000)
  assert.equal(replicas(kc, ns), 3)
  w.kill('SIGTERM')
  assert.equal((await w.exited).code, 0)

  // Streams off: the same drift waits for the (5 min) drift check.
  const off = watchProcess(kc, ['--repo', repo.url, '--ref', 'main', '--path', 'app', '--name', name, '--namespace', ns, '--cache-dir', repo.cache, '--drift-watch=false', '--log-level', 'debug'])
  t.after(() => off.kill('SIGKILL'))
  await off.waitLog('the startup apply', (l) => l.msg === 'reconcile-done', 60_000)
  await new Promise((r) => setTimeout(r, 3_000))
  assert.ok(!off.find((l) => l.msg.startsWith('drift-watch-')), 'no stream opened')
  off.kill('SIGTERM')
  assert.equal((await off.exited).code, 0)
})
