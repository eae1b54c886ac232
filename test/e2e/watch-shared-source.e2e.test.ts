// Apps on one repository share its source look-ups: three apps on one local bare repository make
// one `git ls-remote` per interval between them (counted by a git wrapper on PATH), a commit
// found by one look-up is applied to all three, and one push webhook wakes all three at once.
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {execFileSync} from 'node:child_process'
import {createHmac, randomBytes} from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {cluster, waitFor, withNamespace} from './helpers/cluster.js'
import {appName, appTree, gitRepo, watchProcess, type LogLine} from './helpers/watch.js'

/** A `git` first on PATH that logs each invocation's arguments, then runs the real one. */
function countingGit(): {dir: string; lsRemotes: () => number} {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-git-shim-'))
  const real = execFileSync('sh', ['-c', 'command -v git'], {encoding: 'utf8'}).trim()
  const log = path.join(dir, 'calls.log')
  fs.writeFileSync(path.join(dir, 'git'), `#!/bin/sh\necho "$*" >> '${log}'\nexec '${real}' "$@"\n`, {mode: 0o755})
  return {dir, lsRemotes: () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').filter((l) => / ls-remote /.test(` ${l} `)).length : 0)}
}

test('three apps on one repository: one ls-remote per interval between them, a found commit applied to all, one webhook wakes all', async (t) => {
  const {kubeconfig: kc} = await cluster()
  const namespaces = [await withNamespace(t, 'shared'), await withNamespace(t, 'shared'), await withNamespace(t, 'shared')]
  const repo = gitRepo()
  const trees = (value: string) => Object.fromEntries(namespaces.flatMap((ns, i) => Object.entries(appTree(ns, value)).map(([f, text]) => [`a${i}/${f}`, text])))
  repo.commit(trees('one'), 'one')
  const names = namespaces.map(() => appName('sh'))
  const config = path.join(path.dirname(repo.cache), 'strata.yaml')
  fs.writeFileSync(config, `apps:\n${names.map((n, i) => `  - {name: ${n}, repo: "${repo.url}", ref: main, path: app/a${i}, namespace: ${namespaces[i]}, interval: 2s}`).join('\n')}\n`)
  const git = countingGit()
  const secret = randomBytes(16).toString('hex')
  const w = watchProcess(kc, ['--config', config, '--cache-dir', repo.cache, '--listen', '127.0.0.1:0', '--log-level', 'debug'], {STRATA_WEBHOOK_SECRET: secret, PATH: `${git.dir}:${process.env.PATH}`})
  t.after(() => w.kill('SIGKILL'))
  const doneWith = (commit: string, reason?: string) => (l: LogLine) => l.msg === 'reconcile-done' && l.commit === commit && (reason === undefined || l.reason === reason)
  const allDone = async (what: string, commit: string, reason?: string) => {
    for (const n of names) await w.waitLog(`${n}: ${what}`, (l) => doneWith(commit, reason)(l) && l.app === n, 30_000)
  }
  const listening = await w.waitLog('listening', (l) => l.msg === 'listening')
  for (const n of names) await w.waitLog(`${n} applied`, (l) => l.msg === 'reconcile-done' && l.app === n && l.status === 'applied', 60_000)

  // Idle polling: every app polls every 2 s; the look-ups are shared between the three.
  const polls = () => w.lines.filter((l) => l.msg === 'skipped' && l.reason === 'poll').length
  const [polls0, ls0] = [polls(), git.lsRemotes()]
  await waitFor('30 idle polls', async () => polls() - polls0 >= 30, {timeoutMs: 60_000, intervalMs: 200})
  const [pollsN, lsN] = [polls() - polls0, git.lsRemotes() - ls0]
  t.diagnostic(`${pollsN} polls by 3 apps made ${lsN} ls-remote calls`)
  assert.ok(lsN <= Math.ceil(pollsN / 3) + 2, `${lsN} ls-remote calls for ${pollsN} polls: not shared`)

  // A commit: whichever app's look-up finds it, all three apply it.
  const c2 = repo.commit(trees('two'), 'two')
  await allDone('commit two', c2)

  // A push webhook (the poll interval is short, but the webhook wakes all three at once).
  const c3 = repo.commit(trees('three'), 'three')
  const body = JSON.stringify({ref: 'refs/heads/main', repository: {clone_url: repo.url}})
  const res = await fetch(`http://${String(listening.address)}/webhook`, {
    method: 'POST',
    body,
    headers: {'Content-Type': 'application/json', 'X-GitHub-Event': 'push', 'X-Hub-Signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`},
  })
  assert.equal(res.status, 202)
  assert.deepEqual(((await res.json()) as {triggered: string[]}).triggered.sort(), [...names].sort())
  await allDone('commit three', c3)
  w.kill('SIGTERM')
  assert.equal((await w.exited).code, 0)
})
