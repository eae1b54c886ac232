// A rollback that sticks, on the real control plane with a local bare repository: `strata rollback
// --to` the previous commit while `strata watch` follows the branch; a new commit is then only
// reported as pending; `rollout status` shows the pin; `--unpin` lets watch move to the head.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {bin} from './helpers/cli.js'
import {cluster, waitFor, withNamespace} from './helpers/cluster.js'
import {appName, appTree, configValue, gitRepo, watchProcess} from './helpers/watch.js'

test('rollback --to pins the previous commit: watch holds a new commit as pending; --unpin moves to the head', async (t) => {
  const {kubeconfig: kc} = await cluster()
  const ns = await withNamespace(t, 'rollback')
  const repo = gitRepo()
  const c1 = repo.commit(appTree(ns, 'one'), 'one')
  const name = appName('rb')
  const w = watchProcess(kc, ['--repo', repo.url, '--ref', 'main', '--path', 'app', '--name', name, '--namespace', ns, '--interval', '2s', '--cache-dir', repo.cache])
  t.after(() => w.kill('SIGKILL'))
  await waitFor('commit one applied', async () => configValue(kc, ns) === 'one', {timeoutMs: 60_000})
  const c2 = repo.commit(appTree(ns, 'two'), 'two')
  await w.waitLog('commit two applied', (l) => l.msg === 'reconcile-done' && l.commit === c2)

  const strata = (...args: string[]) => execFileSync(process.execPath, [bin, ...args, '--kubeconfig', kc], {encoding: 'utf8', env: {...process.env, CI: '1'}, stdio: ['ignore', 'pipe', 'pipe']})
  const out = strata('rollback', name, '-n', ns, '--to', c1.slice(0, 12), '--cache-dir', repo.cache)
  assert.match(out, new RegExp(`rolled back ${name} to ${c1}`))
  assert.equal(configValue(kc, ns), 'one')

  // A new commit: watch sees it, keeps the pinned one.
  const c3 = repo.commit(appTree(ns, 'three'), 'three')
  await w.waitLog('commit three held as pending', (l) => l.msg === 'reconcile-done' && l.pending === c3 && l.commit === c1, 30_000)
  await w.waitLog('held twice (still pinned after another poll)', (l) => l.msg === 'reconcile-done' && l.pending === c3 && w.lines.filter((x) => x.msg === 'reconcile-done' && x.pending === c3).length >= 2, 30_000)
  assert.equal(configValue(kc, ns), 'one')
  assert.match(strata('rollout', 'status', name, '-n', ns), new RegExp(`pinned at ${c1}`))
  assert.equal(JSON.parse(strata('rollout', 'status', name, '-n', ns, '--json')).pinned, c1)

  assert.match(strata('rollback', name, '-n', ns, '--unpin'), /unpinned/)
  await waitFor('commit three applied after unpin', async () => configValue(kc, ns) === 'three', {timeoutMs: 30_000, intervalMs: 100})
  assert.match(strata('rollback', name, '-n', ns, '--unpin'), /is not pinned/)
  w.kill('SIGTERM')
  assert.equal((await w.exited).code, 0)
})

test('rollback of an app without a recorded git source: exit 2 naming NAME', async (t) => {
  const {kubeconfig: kc} = await cluster()
  const ns = await withNamespace(t, 'rollbacknone')
  let failure: {status: number; stderr: string} | undefined
  try {
    execFileSync(process.execPath, [bin, 'rollback', 'nothing-here', '-n', ns, '--to', 'abc1234', '--kubeconfig', kc], {encoding: 'utf8', env: {...process.env, CI: '1'}, stdio: ['ignore', 'pipe', 'pipe']})
  } catch (e) {
    failure = e as {status: number; stderr: string}
  }
  assert.equal(failure?.status, 2)
  assert.match(failure!.stderr, /no recorded git source|NAME/)
})
