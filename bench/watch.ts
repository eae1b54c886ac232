// Watch benchmark: one `strata watch --config strata.yaml` process following N apps (default 50),
// each its own local bare git repository holding a small kustomize tree (ConfigMap + Deployment),
// against the real control plane (scripts/cluster). Measures:
//   startup      time until every app's first commit is applied
//   single       commit-to-applied latency of one app at a time (--singles apps, one after another)
//   burst        commit-to-applied latency when every app gets a commit at the same instant
//   idle         CPU time and RSS of the watch process over --idle-seconds with no changes
// Latency = from the push (git push returned) to the ConfigMap holding the new value (read every
// 100 ms through the API). With polling, expect about half an interval plus the reconcile.
// Prints numbers, never asserts on them.
//
//   npm run build && node --import tsx bench/watch.ts [--apps 50] [--interval 10s] [--drift-interval 5m] [--singles 10] [--idle-seconds 60] [--keep]
import {spawn, execFileSync} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {performance} from 'node:perf_hooks'
import {parseArgs} from 'node:util'
import {CoreV1Api} from '@kubernetes/client-node'
import {parseDuration} from '../src/watch/duration.js'
import {cluster, REPO} from '../test/e2e/helpers/cluster.js'

const {values: args} = parseArgs({
  options: {
    apps: {type: 'string', default: '50'},
    interval: {type: 'string', default: '10s'},
    'drift-interval': {type: 'string', default: '5m'},
    singles: {type: 'string', default: '10'},
    'idle-seconds': {type: 'string', default: '60'},
    'max-concurrent': {type: 'string', default: '8'},
    keep: {type: 'boolean', default: false},
  },
})
const appCount = Math.max(1, Number(args.apps))
const idleSeconds = Math.max(1, Number(args['idle-seconds']))
const singles = Math.min(appCount, Math.max(0, Number(args.singles)))
const intervalMs = parseDuration(args.interval!) ?? 10_000

const gitEnv = {...process.env, GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'bench@example.com', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'bench@example.com', GIT_CONFIG_NOSYSTEM: '1'}
const git = (cwd: string, ...a: string[]) => execFileSync('git', a, {cwd, env: gitEnv, encoding: 'utf8'}).trim()

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-bench-watch-'))
const suffix = randomBytes(3).toString('hex')
const ns = `bench-watch-${suffix}`
const appName = (i: number) => `bw${suffix}-${String(i).padStart(3, '0')}`

function tree(i: number, value: string): Record<string, string> {
  const n = `app${String(i).padStart(3, '0')}`
  return {
    'kustomization.yaml': `namespace: ${ns}\nresources:\n  - app.yaml\n`,
    'app.yaml': [
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${n}\ndata:\n  value: "${value}"`,
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${n}\nspec:\n  replicas: 1\n  selector:\n    matchLabels: {app: ${n}}\n  template:\n    metadata:\n      labels: {app: ${n}}\n    spec:\n      containers:\n        - name: app\n          image: registry.invalid/app:1\n`,
    ].join('\n---\n'),
  }
}

function commit(i: number, value: string): void {
  const work = path.join(root, `work-${i}`)
  for (const [name, text] of Object.entries(tree(i, value))) fs.writeFileSync(path.join(work, 'deploy', name), text)
  git(work, 'commit', '--quiet', '-a', '-m', value)
  git(work, 'push', '--quiet', 'origin', 'main')
}

function setUpRepos(): string {
  const apps: string[] = []
  for (let i = 0; i < appCount; i++) {
    const bare = path.join(root, `repo-${i}.git`)
    const work = path.join(root, `work-${i}`)
    git(root, 'init', '--quiet', '--bare', '-b', 'main', bare)
    fs.mkdirSync(path.join(work, 'deploy'), {recursive: true})
    git(work, 'init', '--quiet', '-b', 'main')
    git(work, 'remote', 'add', 'origin', bare)
    for (const [name, text] of Object.entries(tree(i, 'v0'))) fs.writeFileSync(path.join(work, 'deploy', name), text)
    git(work, 'add', '-A')
    git(work, 'commit', '--quiet', '-m', 'v0')
    git(work, 'push', '--quiet', 'origin', 'main')
    apps.push(`  - name: ${appName(i)}\n    repo: file://${bare}\n    ref: main\n    path: deploy\n    namespace: ${ns}`)
  }
  const config = path.join(root, 'strata.yaml')
  fs.writeFileSync(config, `defaults:\n  interval: ${args.interval}\n  driftInterval: ${args['drift-interval']}\napps:\n${apps.join('\n')}\n`)
  return config
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]
}

function summary(ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b)
  return `n=${s.length}  p50 ${(percentile(s, 50) / 1000).toFixed(2)} s  p90 ${(percentile(s, 90) / 1000).toFixed(2)} s  max ${(s[s.length - 1] / 1000).toFixed(2)} s`
}

/** utime + stime of a process (and of its exited children: the git processes) in seconds, and its RSS in MiB (Linux /proc). */
function procSample(pid: number): {cpuS: number; childCpuS: number; rssMiB: number} {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const ticks = Number(execFileSync('getconf', ['CLK_TCK'], {encoding: 'utf8'}).trim()) || 100
  const cpuS = (Number(fields[11]) + Number(fields[12])) / ticks
  const childCpuS = (Number(fields[13]) + Number(fields[14])) / ticks
  const rss = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))
  return {cpuS, childCpuS, rssMiB: rss ? Number(rss[1]) / 1024 : NaN}
}

async function main(): Promise<void> {
  const {kubeconfig, kc} = await cluster()
  const core = kc.makeApiClient(CoreV1Api)
  await core.createNamespace({body: {metadata: {name: ns}}})
  const t0 = performance.now()
  const config = setUpRepos()
  process.stdout.write(`${appCount} apps, ${appCount} bare repos set up in ${((performance.now() - t0) / 1000).toFixed(1)} s; interval ${args.interval}, drift interval ${args['drift-interval']}\n`)

  const values = async (): Promise<Map<string, string>> => {
    const list = await core.listNamespacedConfigMap({namespace: ns})
    return new Map(list.items.map((cm) => [cm.metadata?.name ?? '', cm.data?.value ?? '']))
  }
  const waitValues = async (want: Map<number, string>, since: Map<number, number>, timeoutMs: number): Promise<number[]> => {
    const latencies: number[] = []
    const left = new Map(want)
    const deadline = performance.now() + timeoutMs
    while (left.size > 0 && performance.now() < deadline) {
      const live = await values()
      const now = performance.now()
      for (const [i, v] of left) {
        if (live.get(`app${String(i).padStart(3, '0')}`) === v) {
          latencies.push(now - since.get(i)!)
          left.delete(i)
        }
      }
      if (left.size > 0) await new Promise((r) => setTimeout(r, 100))
    }
    if (left.size > 0) throw new Error(`${left.size} apps never applied their commit (e.g. ${appName([...left.keys()][0])}); watch log: ${logFile}`)
    return latencies
  }

  const logFile = path.join(root, 'watch.log')
  const log = fs.openSync(logFile, 'w')
  const started = performance.now()
  const watch = spawn(process.execPath, [path.join(REPO, 'bin', 'run.js'), 'watch', '--config', config, '--kubeconfig', kubeconfig, '--log-format', 'json', '--cache-dir', path.join(root, 'cache'), '--max-concurrent', args['max-concurrent']!], {
    stdio: ['ignore', log, log],
    env: {...process.env, CI: '1'},
  })
  const stopWatch = async (): Promise<number | null> => {
    if (watch.exitCode !== null) return watch.exitCode
    const exited = new Promise<number | null>((r) => watch.once('exit', (code) => r(code)))
    watch.kill('SIGTERM')
    return exited
  }
  try {
    const all = new Map<number, string>()
    const since = new Map<number, number>()
    for (let i = 0; i < appCount; i++) {
      all.set(i, 'v0')
      since.set(i, started)
    }
    const startup = await waitValues(all, since, 600_000)
    process.stdout.write(`startup     every app applied after ${(Math.max(...startup) / 1000).toFixed(1)} s (process start to last ConfigMap)\n`)

    const single: number[] = []
    for (let i = 0; i < singles; i++) {
      // A random pause up to one interval: the polls of all apps run in phase (they started
      // together), so a commit right after the previous one's apply would always land at the same
      // point of the cycle.
      await new Promise((r) => setTimeout(r, Math.random() * intervalMs))
      commit(i, 'v1')
      const [ms] = await waitValues(new Map([[i, 'v1']]), new Map([[i, performance.now()]]), 120_000)
      single.push(ms)
    }
    if (singles > 0) process.stdout.write(`single      commit-to-applied  ${summary(single)}\n`)

    const burstSince = new Map<number, number>()
    const burstWant = new Map<number, string>()
    for (let i = 0; i < appCount; i++) {
      commit(i, 'v2')
      burstSince.set(i, performance.now())
      burstWant.set(i, 'v2')
    }
    const burst = await waitValues(burstWant, burstSince, 600_000)
    process.stdout.write(`burst       commit-to-applied  ${summary(burst)}  (${appCount} commits pushed back to back)\n`)

    // Idle: let the last reconciles and their follow-up polls settle, then measure.
    await new Promise((r) => setTimeout(r, 5_000))
    const first = procSample(watch.pid!)
    const rss: number[] = [first.rssMiB]
    const idleStart = performance.now()
    while (performance.now() - idleStart < idleSeconds * 1000) {
      await new Promise((r) => setTimeout(r, 5_000))
      rss.push(procSample(watch.pid!).rssMiB)
    }
    const last = procSample(watch.pid!)
    const wall = (performance.now() - idleStart) / 1000
    const cpu = last.cpuS - first.cpuS
    const git = last.childCpuS - first.childCpuS
    process.stdout.write(
      `idle        ${wall.toFixed(0)} s without changes: CPU ${cpu.toFixed(2)} s (${((cpu / wall) * 100).toFixed(1)}% of one core) + git children ${git.toFixed(2)} s (${((git / wall) * 100).toFixed(1)}%), RSS avg ${(rss.reduce((a, b) => a + b, 0) / rss.length).toFixed(0)} MiB max ${Math.max(...rss).toFixed(0)} MiB\n`,
    )
    const lines = fs.readFileSync(logFile, 'utf8').split('\n').filter(Boolean)
    const count = (msg: string) => lines.filter((l) => l.includes(`"msg":"${msg}"`)).length
    process.stdout.write(`log         ${lines.length} lines: ${count('reconcile-done')} reconciles, ${count('head-error')} ref lookup errors, ${lines.filter((l) => l.includes('"status":"failed"')).length} failed\n`)
    const term = performance.now()
    const code = await stopWatch()
    process.stdout.write(`stop        SIGTERM to exit ${((performance.now() - term) / 1000).toFixed(2)} s, exit code ${code}\n`)
  } finally {
    await stopWatch()
    fs.closeSync(log)
    if (!args.keep) {
      await core.deleteNamespace({name: ns}).catch(() => undefined)
      fs.rmSync(root, {recursive: true, force: true})
    } else process.stdout.write(`kept ${root} and namespace ${ns}\n`)
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`)
  process.exit(1)
})
