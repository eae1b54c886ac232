// Promise 4 with the API server itself going away: kube-apiserver is stopped in the middle of an
// apply and started again (same binary, same flags, same etcd); `strata rollout status` explains
// where the apply stopped and `strata rollout resume` finishes it. This stops a control-plane
// component, so it runs on a cluster of its own (STRATA_CLUSTER_RUN_DIR), never the shared one.
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import {test} from 'node:test'

process.env.STRATA_CLUSTER_RUN_DIR ??= '/tmp/h8-cluster'
const runDir = process.env.STRATA_CLUSTER_RUN_DIR
fs.mkdirSync(runDir, {recursive: true})

const {cluster, waitFor, withNamespace} = await import('../e2e/helpers/cluster.js')
const {bin, writeTree} = await import('../e2e/helpers/cli.js')

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{code: number | null; stdout: string; stderr: string; all: string}> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {env})
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    child.on('close', (code) => resolve({code, stdout, stderr, all: `${stdout}\n${stderr}`}))
  })
}
const strata = (kc: string, ...args: string[]) => run(process.execPath, [bin, ...args, '--kubeconfig', kc], {...process.env, CI: '1'})
const kubectl = (kc: string, ...args: string[]) => run('kubectl', ['--kubeconfig', kc, ...args])

/** Running, not a zombie: components are reparented and may not be reaped at once. */
function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return false
  }
}

/**
 * Kills kube-apiserver (SIGKILL: a crash, and its graceful SIGTERM shutdown waits out in-flight
 * watches for tens of seconds) and returns how to start it again.
 */
async function stopApiServer(): Promise<() => Promise<void>> {
  const pidFile = path.join(fs.realpathSync(runDir), 'pids', 'kube-apiserver.pid')
  const pid = Number(fs.readFileSync(pidFile, 'utf8').trim())
  const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((a) => a !== '')
  const exe = fs.readlinkSync(`/proc/${pid}/exe`)
  process.kill(pid, 'SIGKILL')
  await waitFor('kube-apiserver to exit', async () => !alive(pid), {timeoutMs: 30_000, intervalMs: 100})
  return async () => {
    const log = fs.openSync(path.join(fs.realpathSync(runDir), 'logs', 'kube-apiserver.log'), 'a')
    // Same binary, same flags (port, certificates, etcd): the cluster as it was. Detached, and its
    // pid in the pid file, so that `scripts/cluster down` stops it as its own.
    const child = spawn(exe, argv.slice(1), {detached: true, stdio: ['ignore', log, log]})
    child.unref()
    fs.writeFileSync(pidFile, `${child.pid}\n`)
  }
}

test('(a) kube-apiserver stopped mid-apply and started again: status explains, resume finishes', {timeout: 300_000}, async (t) => {
  const {kubeconfig} = await cluster()
  const ns = await withNamespace(t, 'h8-apiserver')
  const app = 'h8-restart'
  const names = Array.from({length: 40}, (_, i) => `cm-${String(i).padStart(2, '0')}`)
  const dir = writeTree({'kustomization.yaml': `namespace: ${ns}\nresources:\n- cms.yaml\n`, 'cms.yaml': names.map((n) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${n}\ndata:\n  k: ${n}\n`).join('---\n')}, app)

  // --qps 4 --burst 1 --batch-size 5: eight steps at a few requests a second, a window of several
  // seconds in which the server goes away.
  const apply = strata(kubeconfig, 'apply', dir, '-n', ns, '--qps', '4', '--burst', '1', '--batch-size', '5', '--concurrency', '1')
  await waitFor('the apply to be under way', async () => {
    const r = await kubectl(kubeconfig, 'get', 'configmap', 'cm-02', '-n', ns)
    return r.code === 0
  }, {timeoutMs: 60_000, intervalMs: 100})
  const restart = await stopApiServer()
  const first = await apply
  assert.notEqual(first.code, 0, first.all)
  assert.match(first.all, /cannot reach the API server|ECONNREFUSED|ECONNRESET/, first.all)
  assert.doesNotMatch(first.all, /internal error/, first.all)

  await restart()
  await waitFor('kube-apiserver ready again', async () => (await kubectl(kubeconfig, 'get', '--raw', '/readyz')).code === 0, {timeoutMs: 120_000, intervalMs: 500})
  const present = (await kubectl(kubeconfig, 'get', 'configmaps', '-n', ns, '-o', 'name')).stdout.split('\n').filter((l) => l.includes('cm-')).length
  assert.ok(present > 0 && present < names.length, `stopped part way: ${present} of ${names.length}`)

  const status = await strata(kubeconfig, 'rollout', 'status', app, '-n', ns)
  // Exit 2 whichever phase it reads: failed or interrupted, or still running with its holder
  // process gone — a rollout nobody is moving needs someone to act.
  const phase = /\): (running|interrupted|failed)\n/.exec(status.stdout)?.[1]
  assert.ok(phase, status.all)
  assert.equal(status.code, 2, status.all)
  if (phase === 'running') assert.match(status.stdout, /process that ran it is gone/, status.all)
  assert.match(status.stdout, /resume/, `status says how to go on: ${status.all}`)

  const resumed = await strata(kubeconfig, 'rollout', 'resume', app, '-n', ns)
  assert.equal(resumed.code, 0, resumed.all)
  const done = await strata(kubeconfig, 'rollout', 'status', app, '-n', ns, '--json')
  assert.equal((JSON.parse(done.stdout) as {phase: string}).phase, 'done')
  const after = (await kubectl(kubeconfig, 'get', 'configmaps', '-n', ns, '-o', 'name')).stdout.split('\n').filter((l) => l.includes('cm-')).length
  assert.equal(after, names.length)
  t.diagnostic(`stopped after ${present} of ${names.length} ConfigMaps; status said:\n${status.stdout}`)
})
