// Watch benchmark: N apps (default 50), each its own local bare git repository holding a small
// kustomize tree (ConfigMap + Deployment), followed by `strata watch --config strata.yaml` against
// the real control plane (scripts/cluster) — first by one process, then by --replicas processes
// with --shard (each phase on its own app set and namespace), side by side in the same run:
//   startup      process start until every app's first commit is applied
//   poll         commit-to-applied latency of one app at a time, found by polling (--samples apps)
//   webhook      the same with a signed POST /webhook/APP right after the push: to one replica
//                chosen at random (what a Service does) and, sharded, to every replica
//   drift        a Deployment scaled through the API until watch has scaled it back
//   idle         CPU time and RSS per process, and API server requests per minute (its
//                apiserver_request_total, less the rate right after the watch processes stopped,
//                with the same objects in the cluster), by verb and resource
// Latency = from the push (git push returned) or the scale to the object holding the value again
// (read every 100 ms through the API). Prints numbers, never asserts on them.
//
//   npm run build && node --import tsx bench/watch.ts [--apps 50] [--replicas 3] [--interval 10s] [--drift-interval 1h] [--samples 20] [--idle-seconds 60] [--cli PATH/bin/run.js] [--keep]
import {spawn, execFileSync, type ChildProcess} from 'node:child_process'
import {createHmac, randomBytes} from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {performance} from 'node:perf_hooks'
import {parseArgs} from 'node:util'
import {AppsV1Api, CoreV1Api} from '@kubernetes/client-node'
import {parseDuration} from '../src/model/duration.js'
import {cluster, REPO} from '../test/e2e/helpers/cluster.js'

const {values: args} = parseArgs({
  options: {
    apps: {type: 'string', default: '50'},
    replicas: {type: 'string', default: '3'},
    interval: {type: 'string', default: '10s'},
    // The watch streams report drift within seconds; the interval check is the safety net. Shorter
    // than the run, its wave (every app checked once per interval, the first wave one interval
    // after the startup reconciles) would land in the idle window.
    'drift-interval': {type: 'string', default: '1h'},
    samples: {type: 'string', default: '20'},
    'idle-seconds': {type: 'string', default: '60'},
    'max-concurrent': {type: 'string', default: '8'},
    // A copy of bin/ + dist/ to run (so a rebuild of the checkout during a long run cannot pull the CLI away).
    cli: {type: 'string', default: path.join(REPO, 'bin', 'run.js')},
    keep: {type: 'boolean', default: false},
  },
})
const appCount = Math.max(1, Number(args.apps))
const replicaCount = Math.max(1, Number(args.replicas))
const idleSeconds = Math.max(5, Number(args['idle-seconds']))
const samples = Math.min(appCount, Math.max(1, Number(args.samples)))
const intervalMs = parseDuration(args.interval!) ?? 10_000
const secret = randomBytes(16).toString('hex')

const gitEnv = {...process.env, GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'bench@example.com', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'bench@example.com', GIT_CONFIG_NOSYSTEM: '1'}
const git = (cwd: string, ...a: string[]) => execFileSync('git', a, {cwd, env: gitEnv, encoding: 'utf8'}).trim()
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-bench-watch-'))
const suffix = randomBytes(3).toString('hex')
const objName = (i: number) => `app${String(i).padStart(4, '0')}`

/** One phase's app set: N bare repositories whose trees apply into one namespace. */
class AppSet {
  readonly ns: string
  readonly config: string
  readonly dir: string
  constructor(readonly tag: string) {
    this.ns = `bench-watch-${suffix}-${tag}`
    this.dir = path.join(root, tag)
    this.config = path.join(this.dir, 'strata.yaml')
  }
  name(i: number): string {
    return `bw${suffix}${this.tag}-${String(i).padStart(4, '0')}`
  }
  tree(i: number, value: string): Record<string, string> {
    const n = objName(i)
    return {
      'kustomization.yaml': `namespace: ${this.ns}\nresources:\n  - app.yaml\n`,
      'app.yaml': [
        `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${n}\ndata:\n  value: "${value}"`,
        `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${n}\nspec:\n  replicas: 1\n  selector:\n    matchLabels: {app: ${n}}\n  template:\n    metadata:\n      labels: {app: ${n}}\n    spec:\n      containers:\n        - name: app\n          image: registry.invalid/app:1\n`,
      ].join('\n---\n'),
    }
  }
  setUp(): void {
    const apps: string[] = []
    for (let i = 0; i < appCount; i++) {
      const bare = path.join(this.dir, `repo-${i}.git`)
      const work = path.join(this.dir, `work-${i}`)
      fs.mkdirSync(path.join(work, 'deploy'), {recursive: true})
      git(this.dir, 'init', '--quiet', '--bare', '-b', 'main', bare)
      git(work, 'init', '--quiet', '-b', 'main')
      git(work, 'remote', 'add', 'origin', bare)
      for (const [name, text] of Object.entries(this.tree(i, 'v0'))) fs.writeFileSync(path.join(work, 'deploy', name), text)
      git(work, 'add', '-A')
      git(work, 'commit', '--quiet', '-m', 'v0')
      git(work, 'push', '--quiet', 'origin', 'main')
      apps.push(`  - name: ${this.name(i)}\n    repo: file://${bare}\n    ref: main\n    path: deploy\n    namespace: ${this.ns}`)
    }
    fs.writeFileSync(this.config, `defaults:\n  interval: ${args.interval}\n  driftInterval: ${args['drift-interval']}\napps:\n${apps.join('\n')}\n`)
  }
  commit(i: number, value: string): void {
    const work = path.join(this.dir, `work-${i}`)
    for (const [name, text] of Object.entries(this.tree(i, value))) fs.writeFileSync(path.join(work, 'deploy', name), text)
    git(work, 'commit', '--quiet', '-a', '-m', value)
    git(work, 'push', '--quiet', 'origin', 'main')
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]
}
interface Dist {
  n: number
  p50: number
  p95: number
}
function dist(ms: number[]): Dist {
  const s = [...ms].sort((a, b) => a - b)
  return {n: s.length, p50: percentile(s, 50) / 1000, p95: percentile(s, 95) / 1000}
}
const showDist = (d: Dist | undefined) => (d ? `${d.p50.toFixed(2)} / ${d.p95.toFixed(2)} s` : '–')

const clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], {encoding: 'utf8'}).trim()) || 100
/** utime + stime of a process and of its exited children (the git processes), in seconds, and its RSS in MiB (Linux /proc). */
function procSample(pid: number): {cpuS: number; rssMiB: number} {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const cpuS = (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / clockTicks
  const rss = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))
  return {cpuS, rssMiB: rss ? Number(rss[1]) / 1024 : NaN}
}

/** The API server's request counts so far, by verb and resource (every client). */
function apiRequests(kubeconfig: string): Map<string, number> {
  const text = execFileSync('kubectl', ['--kubeconfig', kubeconfig, 'get', '--raw', '/metrics'], {encoding: 'utf8', maxBuffer: 256 * 1024 * 1024})
  const counts = new Map<string, number>()
  for (const line of text.split('\n')) {
    if (!line.startsWith('apiserver_request_total{')) continue
    const label = (name: string) => new RegExp(`[{,]${name}="([^"]*)"`).exec(line)?.[1] ?? ''
    const key = `${label('verb')} ${label('resource')}${label('subresource') ? `/${label('subresource')}` : ''}`
    counts.set(key, (counts.get(key) ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1)))
  }
  return counts
}

/** Requests per minute by verb and resource between two apiRequests() readings `seconds` apart. */
function requestRates(before: Map<string, number>, after: Map<string, number>, seconds: number): Map<string, number> {
  return new Map([...after].map(([k, n]) => [k, ((n - (before.get(k) ?? 0)) / seconds) * 60]))
}

interface Replica {
  child: ChildProcess
  log: string
  address?: string
}

interface PhaseResult {
  label: string
  processes: number
  startupS: number
  poll: Dist
  webhookOne: Dist
  webhookAll?: Dist
  drift: Dist
  idleCpuPct: number[]
  rssMiB: number[]
  apiPerMin: number
  idleReconciles: number
  reconciles: number
  failed: number
}

async function phase(label: string, set: AppSet, processes: number, kubeconfig: string): Promise<PhaseResult> {
  const {kc} = await cluster()
  const core = kc.makeApiClient(CoreV1Api)
  const appsApi = kc.makeApiClient(AppsV1Api)
  await core.createNamespace({body: {metadata: {name: set.ns}}})
  const t0 = performance.now()
  set.setUp()
  process.stdout.write(`${label}: ${appCount} bare repos set up in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`)

  const values = async (): Promise<Map<string, string>> => {
    const list = await core.listNamespacedConfigMap({namespace: set.ns})
    return new Map(list.items.map((cm) => [cm.metadata?.name ?? '', cm.data?.value ?? '']))
  }
  const waitValues = async (want: Map<number, string>, since: number, timeoutMs: number): Promise<number[]> => {
    const latencies: number[] = []
    const left = new Map(want)
    const deadline = performance.now() + timeoutMs
    while (left.size > 0 && performance.now() < deadline) {
      const gone = replicas.find((r) => r.child.exitCode !== null || r.child.signalCode !== null)
      if (gone) throw new Error(`a watch process exited (${gone.child.exitCode ?? gone.child.signalCode}): ${gone.log}\n${fs.readFileSync(gone.log, 'utf8').slice(-2000)}`)
      const live = await values()
      const now = performance.now()
      for (const [i, v] of left) {
        if (live.get(objName(i)) === v) {
          latencies.push(now - since)
          left.delete(i)
        }
      }
      if (left.size > 0) await sleep(100)
    }
    if (left.size > 0) throw new Error(`${left.size} apps never applied their commit (e.g. ${set.name([...left.keys()][0])}); logs in ${set.dir}`)
    return latencies
  }

  const replicas: Replica[] = []
  const started = performance.now()
  for (let r = 0; r < processes; r++) {
    const logPath = path.join(set.dir, `watch-${r}.log`)
    const fd = fs.openSync(logPath, 'w')
    const shard = processes > 1 ? ['--shard', '--leader-namespace', set.ns, '--leader-name', `bench-${set.tag}`, '--identity', `r${r}`] : []
    const child = spawn(
      process.execPath,
      [args.cli!, 'watch', '--config', set.config, '--kubeconfig', kubeconfig, '--log-format', 'json', '--listen', '127.0.0.1:0', '--cache-dir', path.join(set.dir, `cache-${r}`), '--max-concurrent', args['max-concurrent']!, ...shard],
      {stdio: ['ignore', fd, fd], env: {...process.env, CI: '1', STRATA_WEBHOOK_SECRET: secret}},
    )
    fs.closeSync(fd)
    replicas.push({child, log: logPath})
  }
  const logLines = (r: Replica) => fs.readFileSync(r.log, 'utf8').split('\n').filter(Boolean)
  const stopAll = async (): Promise<void> => {
    await Promise.all(
      replicas.map((r) => {
        if (r.child.exitCode !== null || r.child.signalCode !== null) return undefined
        const exited = new Promise((res) => r.child.once('exit', res))
        r.child.kill('SIGTERM')
        return exited
      }),
    )
  }
  try {
    const all = new Map(Array.from({length: appCount}, (_, i) => [i, 'v0'] as [number, string]))
    const startup = await waitValues(all, started, 1_800_000)
    const startupS = Math.max(...startup) / 1000
    process.stdout.write(`${label}: startup, every app applied ${startupS.toFixed(1)} s after the process start\n`)
    for (const r of replicas) {
      const line = logLines(r).find((l) => l.includes('"msg":"listening"'))
      r.address = line ? (JSON.parse(line) as {address: string}).address : undefined
    }
    // Let the startup reconciles' follow-up (health gates, source records) finish.
    await sleep(3_000)

    // Apps for the samples: spread over the set, a different app for each measure.
    const pick = (k: number, offset: number) => Array.from({length: samples}, (_, s) => (Math.floor((s * appCount) / samples) + offset + k) % appCount)
    let version = 1

    const poll: number[] = []
    for (const i of pick(0, 0)) {
      // A random pause up to one interval: the polls of all apps run in phase (they started together).
      await sleep(Math.random() * intervalMs)
      const v = `v${version++}`
      set.commit(i, v)
      const at = performance.now()
      poll.push(...(await waitValues(new Map([[i, v]]), at, 120_000)))
    }
    process.stdout.write(`${label}: poll commit-to-applied p50/p95 ${showDist(dist(poll))}\n`)

    const hook = async (i: number, to: Replica[]): Promise<number> => {
      const v = `v${version++}`
      set.commit(i, v)
      const at = performance.now()
      const body = '{}'
      const sig = `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`
      await Promise.all(to.map((r) => fetch(`http://${r.address}/webhook/${set.name(i)}`, {method: 'POST', body, headers: {'Content-Type': 'application/json', 'X-Hub-Signature-256': sig}})))
      const [ms] = await waitValues(new Map([[i, v]]), at, 120_000)
      return ms
    }
    const webhookOne: number[] = []
    for (const i of pick(1, 0)) {
      await sleep(Math.random() * 1_000)
      webhookOne.push(await hook(i, [replicas[Math.floor(Math.random() * replicas.length)]]))
    }
    process.stdout.write(`${label}: webhook (one replica) commit-to-applied p50/p95 ${showDist(dist(webhookOne))}\n`)
    let webhookAll: number[] | undefined
    if (processes > 1) {
      webhookAll = []
      for (const i of pick(2, 0)) {
        await sleep(Math.random() * 1_000)
        webhookAll.push(await hook(i, replicas))
      }
      process.stdout.write(`${label}: webhook (every replica) commit-to-applied p50/p95 ${showDist(dist(webhookAll))}\n`)
    }

    const drift: number[] = []
    for (const i of pick(3, 0)) {
      await sleep(500 + Math.random() * 1_000)
      execFileSync('kubectl', ['--kubeconfig', kubeconfig, '-n', set.ns, 'scale', 'deployment', objName(i), '--replicas=3'], {stdio: 'ignore'})
      const at = performance.now()
      for (;;) {
        const d = await appsApi.readNamespacedDeployment({name: objName(i), namespace: set.ns})
        if (d.spec?.replicas === 1) break
        if (performance.now() - at > 120_000) throw new Error(`drift on ${set.name(i)} never healed`)
        await sleep(100)
      }
      drift.push(performance.now() - at)
    }
    process.stdout.write(`${label}: drift-to-healed p50/p95 ${showDist(dist(drift))}\n`)

    // Idle: let the last reconciles settle, then measure CPU, RSS and API requests.
    await sleep(5_000)
    const first = replicas.map((r) => procSample(r.child.pid!))
    const rss: number[][] = replicas.map((_, k) => [first[k].rssMiB])
    const req0 = apiRequests(kubeconfig)
    const linesBefore = replicas.map((r) => logLines(r).length)
    const idleStart = performance.now()
    while (performance.now() - idleStart < idleSeconds * 1000) {
      await sleep(5_000)
      replicas.forEach((r, k) => rss[k].push(procSample(r.child.pid!).rssMiB))
    }
    const wall = (performance.now() - idleStart) / 1000
    const req1 = apiRequests(kubeconfig)
    const last = replicas.map((r) => procSample(r.child.pid!))
    const idleCpuPct = replicas.map((_, k) => ((last[k].cpuS - first[k].cpuS) / wall) * 100)
    const rssMiB = rss.map((xs) => xs.reduce((a, b) => a + b, 0) / xs.length)
    const lines = replicas.flatMap(logLines)
    const idleReconciles = replicas.reduce((n, r, k) => n + logLines(r).slice(linesBefore[k]).filter((l) => l.includes('"msg":"reconcile-start"')).length, 0)
    // The same window with every watch process stopped (the same objects in the cluster: kwok and
    // the controllers keep their traffic): the difference is strata's.
    await stopAll()
    await sleep(5_000)
    const after0 = apiRequests(kubeconfig)
    const afterStart = performance.now()
    await sleep(Math.min(30, idleSeconds) * 1000)
    const without = requestRates(after0, apiRequests(kubeconfig), (performance.now() - afterStart) / 1000)
    const byKind = [...requestRates(req0, req1, wall)].map(([k, perMin]) => [k, perMin - (without.get(k) ?? 0)] as [string, number])
    const apiPerMin = byKind.reduce((n, [, r]) => n + r, 0)
    const top = byKind.filter(([, r]) => r >= 5).sort((a, b) => b[1] - a[1])
    process.stdout.write(`${label}: idle API requests/min by verb and resource: ${top.map(([k, r]) => `${k} ${r.toFixed(0)}`).join(', ')}; ${[...without.values()].reduce((a, b) => a + b, 0).toFixed(0)}/min without strata\n`)
    const result: PhaseResult = {
      label,
      processes,
      startupS,
      poll: dist(poll),
      webhookOne: dist(webhookOne),
      webhookAll: webhookAll && dist(webhookAll),
      drift: dist(drift),
      idleCpuPct,
      rssMiB,
      apiPerMin,
      idleReconciles,
      reconciles: lines.filter((l) => l.includes('"msg":"reconcile-done"')).length,
      failed: lines.filter((l) => l.includes('"msg":"reconcile-done"') && l.includes('"status":"failed"')).length,
    }
    process.stdout.write(`${label}: idle CPU ${idleCpuPct.map((c) => `${c.toFixed(1)}%`).join(' ')}, RSS ${rssMiB.map((m) => `${m.toFixed(0)} MiB`).join(' ')}, ${apiPerMin.toFixed(0)} API requests/min\n`)
    return result
  } finally {
    await stopAll()
    if (!args.keep) await core.deleteNamespace({name: set.ns}).catch(() => undefined)
  }
}

async function main(): Promise<void> {
  const {kubeconfig} = await cluster()
  process.stdout.write(`${appCount} apps, interval ${args.interval}, drift interval ${args['drift-interval']}, ${samples} samples per latency, ${os.cpus().length} CPUs\n`)

  const results: PhaseResult[] = []
  results.push(await phase('single', new AppSet('s'), 1, kubeconfig))
  if (replicaCount > 1) results.push(await phase(`${replicaCount} shards`, new AppSet('r'), replicaCount, kubeconfig))

  const rows: Array<[string, (r: PhaseResult) => string]> = [
    ['startup: every app applied', (r) => `${r.startupS.toFixed(1)} s`],
    ['commit-to-applied, polling (p50 / p95)', (r) => showDist(r.poll)],
    ['commit-to-applied, webhook to one replica (p50 / p95)', (r) => showDist(r.webhookOne)],
    ['commit-to-applied, webhook to every replica (p50 / p95)', (r) => showDist(r.webhookAll)],
    ['drift-to-healed, kubectl scale (p50 / p95)', (r) => showDist(r.drift)],
    ['idle CPU per process (% of one core)', (r) => r.idleCpuPct.map((c) => c.toFixed(1)).join(' / ')],
    ['idle RSS per process (MiB)', (r) => r.rssMiB.map((m) => m.toFixed(0)).join(' / ')],
    ['idle API requests per minute (all processes)', (r) => r.apiPerMin.toFixed(0)],
    ['reconciles during the idle window', (r) => String(r.idleReconciles)],
    ['reconciles (failed)', (r) => `${r.reconciles} (${r.failed})`],
  ]
  process.stdout.write(`\n| measure | ${results.map((r) => r.label).join(' | ')} |\n| --- |${results.map(() => ' --- |').join('')}\n`)
  for (const [name, f] of rows) process.stdout.write(`| ${name} | ${results.map(f).join(' | ')} |\n`)
  if (!args.keep) fs.rmSync(root, {recursive: true, force: true})
  else process.stdout.write(`kept ${root}\n`)
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`)
  process.exit(1)
})
