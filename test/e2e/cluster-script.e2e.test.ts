// scripts/cluster itself: idempotent up, status, down that leaves no process behind, loud
// failures that leave nothing running, and the auto-down that test runs rely on. Each test runs a
// second, private cluster in a run folder of its own (same cached binaries), so the cluster the
// other e2e tests share is never touched.
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs'
import {createServer, type Server} from 'node:net'
import {tmpdir} from 'node:os'
import {basename, join} from 'node:path'
import {after, describe, test} from 'node:test'
import {CoreV1Api, KubeConfig} from '@kubernetes/client-node'
import {lastLine, runClusterScript, waitFor} from './helpers/cluster.js'

const COMPONENTS = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok']

function privateRun() {
  const dir = mkdtempSync(join(tmpdir(), 'strata-cluster-'))
  const env = {...process.env, STRATA_CLUSTER_RUN_DIR: dir}
  const script = (...args: string[]) => runClusterScript(args, {env})
  return {dir, env, script}
}

/** Control-plane processes whose command line names the run folder `dir` (pid -> component). */
function processesOf(dir: string): Map<number, string> {
  const found = new Map<number, string>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    let argv: string[]
    try {
      argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0')
    } catch {
      continue // exited meanwhile
    }
    const name = basename(argv[0] ?? '')
    if (COMPONENTS.includes(name) && argv.some((a) => a.includes(dir))) found.set(Number(entry), name)
  }
  return found
}

function pidsFromStatus(text: string): number[] {
  return [...text.matchAll(/running\s+pid (\d+)/g)].map((m) => Number(m[1]))
}

// A zombie (exited, not yet reaped by init) counts as gone.
const alive = (pid: number) => {
  try {
    return !/\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))
  } catch {
    return false
  }
}

function holdPort(): Promise<{server: Server; port: number}> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve({server, port: (server.address() as {port: number}).port}))
  })
}

describe('scripts/cluster', () => {
  const dirs: string[] = []
  after(async () => {
    // Whatever a failed assertion left behind is stopped through the script, by its pid files.
    for (const dir of dirs) {
      await runClusterScript(['down'], {env: {...process.env, STRATA_CLUSTER_RUN_DIR: dir}})
      rmSync(dir, {recursive: true, force: true})
    }
  })

  test('up on a taken port fails, names the port, and starts nothing', async () => {
    const run = privateRun()
    dirs.push(run.dir)
    const {server, port} = await holdPort()
    try {
      const r = await runClusterScript(['up'], {env: {...run.env, STRATA_CLUSTER_API_PORT: String(port)}})
      assert.notEqual(r.code, 0)
      assert.match(r.stderr, new RegExp(`port ${port} on 127\\.0\\.0\\.1 \\(for kube-apiserver.*\\) is taken`))
      assert.equal(r.stdout, '')
    } finally {
      server.close()
    }
    assert.equal((await run.script('status')).code, 3)
    assert.deepEqual([...processesOf(run.dir)], [])
  })

  test('a component that exits fails up with the tail of its log, and up stops what it started', async () => {
    const run = privateRun()
    dirs.push(run.dir)
    const r = await runClusterScript(['up'], {env: {...run.env, STRATA_CLUSTER_APISERVER_ARGS: '--no-such-flag=1'}})
    assert.notEqual(r.code, 0)
    assert.match(r.stderr, /kube-apiserver exited with code \d+ before it was ready/)
    assert.match(r.stderr, /unknown flag: --no-such-flag/, 'the log tail is shown')
    assert.match(r.stderr, /stopped etcd/, 'etcd, already started, was stopped')
    assert.deepEqual([...processesOf(run.dir)], [])
    assert.equal((await run.script('status')).code, 3)
  })

  test('up is idempotent, status lists what runs, down leaves no process behind', async () => {
    const run = privateRun()
    dirs.push(run.dir)
    const first = await run.script('up')
    assert.equal(first.code, 0, first.stderr)
    const kubeconfig = lastLine(first.stdout)
    assert.equal(kubeconfig, join(run.dir, 'admin.kubeconfig'))
    assert.ok(existsSync(kubeconfig))

    const started = Date.now()
    const again = await run.script('up')
    assert.equal(again.code, 0)
    assert.equal(lastLine(again.stdout), kubeconfig)
    assert.ok(Date.now() - started < 10_000, 'a second up only reports the running cluster')

    const status = await run.script('status')
    assert.equal(status.code, 0)
    const pids = pidsFromStatus(status.stdout)
    assert.equal(pids.length, COMPONENTS.length, status.stdout)
    assert.deepEqual([...processesOf(run.dir).keys()].sort(), [...pids].sort())

    // The kubeconfig works for a client, through RBAC as a system:masters user.
    const kc = new KubeConfig()
    kc.loadFromFile(kubeconfig)
    const nodes = await kc.makeApiClient(CoreV1Api).listNode()
    assert.ok(nodes.items.some((n) => n.metadata?.name === 'kwok-node-0'))

    const down = await run.script('down')
    assert.equal(down.code, 0, down.stderr)
    assert.deepEqual(pids.filter(alive), [], 'every component exited')
    assert.deepEqual([...processesOf(run.dir)], [])
    const stopped = await run.script('status')
    assert.equal(stopped.code, 3)
    assert.equal(pidsFromStatus(stopped.stdout).length, 0)
    assert.equal((await run.script('down')).code, 0, 'down when down is fine')
  })

  test('a cluster started with --auto-down-after stops once that process has exited', async () => {
    const run = privateRun()
    dirs.push(run.dir)
    const holder = spawn('sleep', ['600'], {stdio: 'ignore'})
    try {
      const up = await run.script('up', '--auto-down-after', String(holder.pid))
      assert.equal(up.code, 0, up.stderr)
      const status = await run.script('status')
      assert.equal(status.code, 0)
      assert.match(status.stdout, /temporary/)
      assert.equal(pidsFromStatus(status.stdout).length, COMPONENTS.length)
    } finally {
      holder.kill()
    }
    await waitFor('the private cluster to stop', async () => processesOf(run.dir).size === 0, {timeoutMs: 60_000})
    assert.equal((await run.script('status')).code, 3)
  })
})
