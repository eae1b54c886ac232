// CLI benchmark, as users run strata: every call a new process, start-up included. For each case
// the tools run in turn (alternating, the first tool rotating per round), and each cell is the
// median of the rounds. Prints wall times, ratios and peak RSS, and checks that strata's output
// is byte-identical to `kubectl kustomize`'s (and standalone kustomize's). Never asserts on
// time: it prints the goals of issue 15 beside the measured ratios.
//
//   npm run build && npm run bench:cli
//   node --import tsx bench/cli.ts [--sizes 1,10,100,1500,12000] [--runs 5] [--slow 20] [--timeout 300]
//                                  [--keep] [--strata BIN] [--compare OTHER/bin/run.js]
// --compare adds another build of strata (e.g. a checkout before a change) to the same alternation.
//
// Columns: node = `node -e 0` (the floor any Node CLI pays); kubectl = `kubectl kustomize`; the
// "cpu:" ratios compare user + system CPU time, which a loaded machine stretches far less than wall
// time (it stretches a Go tool's wall time most);
// kustomize = the standalone v5.7.1 binary that `scripts/kustomize build` makes (the column is
// skipped, with a note, when it has not been built). A tool whose first run of a case takes more
// than --slow seconds runs that case once (marked *); one still running after --timeout seconds
// is killed and its time is a lower bound (marked >; kubectl kustomize needs many minutes for
// 12 000 resources in one root).
import {spawnSync} from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {performance} from 'node:perf_hooks'
import {parseArgs} from 'node:util'
import {median} from './app-tree.js'
import {generateRoot} from './kustomize-tree.js'

const repo = path.resolve(import.meta.dirname, '..')
const gnuTime = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined

interface Sample {
  seconds: number
  /** User + system CPU time of the process (GNU time): steadier than wall time on a shared machine. */
  cpuSeconds: number
  rssMiB: number
  stdout: string
  status: number | null
  /** Killed after the time limit: `seconds` is then a lower bound. */
  timedOut: boolean
}

/** `0m0.052s` (bash's `times`) in seconds. */
function bashSeconds(text: string): number {
  const m = /^(\d+)m([\d.]+)s$/.exec(text)
  return m ? Number(m[1]) * 60 + Number(m[2]) : NaN
}

/**
 * One new process; wall time around it, peak RSS from GNU time, and CPU time from bash's `times`
 * (its children's user and system time to the millisecond: GNU time prints only hundredths, too
 * coarse for a 0.07 s start-up) — both when present.
 */
function runOnce(cmd: string, args: string[], timeoutSeconds: number, env?: NodeJS.ProcessEnv): Sample {
  const rssFile = path.join(os.tmpdir(), `strata-bench-cli-rss-${process.pid}`)
  // `times` prints the shell's own line, then its children's; the exit status is the tool's.
  const [file, argv] = gnuTime ? ['bash', ['-c', '"$@"; s=$?; times >&2; exit $s', 'bash', gnuTime, '-f', '%M', '-o', rssFile, cmd, ...args]] : [cmd, args]
  const start = performance.now()
  // A process group of its own (detached), so a run killed at the time limit takes the tool with
  // it: the tool runs under bash and GNU time, and killing those alone left it running on,
  // loading the machine for the cases after it.
  const r = spawnSync(file, argv, {encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutSeconds * 1000, killSignal: 'SIGKILL', env, detached: true})
  const seconds = (performance.now() - start) / 1000
  const timedOut = r.signal === 'SIGKILL'
  if (timedOut && r.pid) {
    try {
      process.kill(-r.pid, 'SIGKILL')
    } catch {
      // the group is gone already
    }
  }
  let rssMiB = NaN
  let cpuSeconds = NaN
  if (gnuTime && !timedOut) {
    const lines = fs.readFileSync(rssFile, 'utf8').trim().split('\n')
    rssMiB = Number(lines[lines.length - 1]) / 1024
    const [user, sys] = r.stderr.trimEnd().split('\n').at(-1)!.split(' ').map(bashSeconds)
    cpuSeconds = user + sys
  }
  fs.rmSync(rssFile, {force: true})
  return {seconds, cpuSeconds, rssMiB, stdout: r.stdout, status: r.status, timedOut}
}

interface Tool {
  name: string
  cmd: string
  args: (target: string) => string[]
  env?: NodeJS.ProcessEnv
  /** CPU seconds a helper process (the render server) has used so far: a sample adds what it used meanwhile. */
  helperCpuSeconds?: () => number
}

interface Measured {
  seconds: number
  cpuSeconds: number
  rssMiB: number
  stdout: string
  ok: boolean
  once: boolean
  timedOut: boolean
}

function measure(tools: Tool[], target: string, runs: number, slowSeconds: number, timeoutSeconds: number): Map<string, Measured> {
  const samples = new Map<string, Sample[]>(tools.map((t) => [t.name, []]))
  for (let round = 0; round < runs; round++) {
    for (let i = 0; i < tools.length; i++) {
      const tool = tools[(i + round) % tools.length]
      const done = samples.get(tool.name)!
      if (done.length > 0 && (done[0].seconds > slowSeconds || done[0].status !== 0)) continue
      const helperBefore = tool.helperCpuSeconds?.() ?? 0
      const sample = runOnce(tool.cmd, tool.args(target), timeoutSeconds, tool.env)
      if (tool.helperCpuSeconds) sample.cpuSeconds += tool.helperCpuSeconds() - helperBefore
      done.push(sample)
    }
  }
  const out = new Map<string, Measured>()
  for (const [name, s] of samples) {
    out.set(name, {
      seconds: median(s.map((x) => x.seconds)),
      cpuSeconds: median(s.map((x) => x.cpuSeconds)),
      rssMiB: median(s.map((x) => x.rssMiB)),
      stdout: s[0].stdout,
      ok: s.every((x) => x.status === 0 || x.timedOut),
      once: s.length === 1 && runs > 1,
      timedOut: s.some((x) => x.timedOut),
    })
  }
  return out
}

/**
 * A render server of the benchmarked build, private to this run (its own temporary directory, so
 * its own socket): its environment for the calls, its CPU time so far, its peak RSS, a warm-up of
 * each case before the timed rounds (two calls and the server's own warm-up after them), and a
 * stop at the end.
 */
function renderServerForBench() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-bench-server-'))
  const {XDG_RUNTIME_DIR: _runtime, CI: _ci, ...inherited} = process.env
  const env: NodeJS.ProcessEnv = {...inherited, TMPDIR: tmp, STRATA_RENDER_SERVER: 'on'}
  const ticks = Number(spawnSync('getconf', ['CLK_TCK'], {encoding: 'utf8'}).stdout.trim()) || 100
  const pid = (): number | undefined => {
    for (const p of spawnSync('pgrep', ['-f', 'strata-render-server'], {encoding: 'utf8'}).stdout.split('\n').filter(Boolean).map(Number)) {
      try {
        if (fs.readFileSync(`/proc/${p}/environ`, 'utf8').split('\0').includes(`TMPDIR=${tmp}`)) return p
      } catch {
        // gone
      }
    }
    return undefined
  }
  let serverPid: number | undefined
  const cpuSeconds = (): number => {
    try {
      // utime and stime, fields 14 and 15, after the command name in parentheses.
      const fields = fs.readFileSync(`/proc/${serverPid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ')
      return (Number(fields[11]) + Number(fields[12])) / ticks
    } catch {
      return 0
    }
  }
  return {
    env,
    cpuSeconds,
    peakMiB: (): number => {
      serverPid = pid() ?? serverPid
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${serverPid}/status`, 'utf8'))
        return m ? Number(m[1]) / 1024 : NaN
      } catch {
        return NaN
      }
    },
    warm(bin: string, dir: string): void {
      // As a user meets it: a first call (which starts the server, or is its first of this tree)
      // and a second one; then the pause a user takes between renders, which the server spends
      // warming up on the tree (src/cli/render-server/warm-up.ts) — over once its CPU time stops growing.
      for (let i = 0; i < 2; i++) {
        spawnSync(process.execPath, [bin, 'render', dir], {env, stdio: 'ignore'})
        for (let wait = 0; wait < 100 && (serverPid = pid()) === undefined; wait++) spawnSync('sleep', ['0.05'])
        if (serverPid === undefined) throw new Error('bench: the render server did not start')
      }
      for (let before = -1, wait = 0; wait < 120 && cpuSeconds() !== before; wait++) {
        before = cpuSeconds()
        spawnSync('sleep', ['0.5'])
      }
    },
    stop(): void {
      if (serverPid !== undefined) process.kill(serverPid, 'SIGTERM')
      fs.rmSync(tmp, {recursive: true, force: true})
    },
  }
}

function kustomizeBinary(): string | undefined {
  const r = spawnSync(path.join(repo, 'scripts', 'kustomize'), ['path'], {encoding: 'utf8'})
  return r.status === 0 ? r.stdout.trim() : undefined
}

const sec = (m: Measured | undefined) => (m ? `${m.timedOut ? '>' : ''}${m.seconds.toFixed(m.timedOut ? 0 : 3)}${m.once && !m.timedOut ? '*' : ''}${m.ok ? '' : '!'}` : '-')
const mib = (m: Measured | undefined) => (m && Number.isFinite(m.rssMiB) ? m.rssMiB.toFixed(0) : '-')
// CPU-time ratios: on a machine others load, wall times stretch with the queue (a Go tool's many
// threads the most); CPU time (user + system, all threads) does much less. A killed run has none.
const cpuRatio = (a: Measured | undefined, b: Measured | undefined) => (a && b && Number.isFinite(a.cpuSeconds) && Number.isFinite(b.cpuSeconds) && b.cpuSeconds > 0 ? `${(a.cpuSeconds / b.cpuSeconds).toFixed(a.cpuSeconds / b.cpuSeconds >= 10 ? 0 : 2)}x` : '-')
const ratio = (a: number | undefined, b: number | undefined, atLeast = false) => (a !== undefined && b !== undefined ? `${atLeast ? '>' : ''}${(a / b).toFixed(a / b >= 10 ? 0 : 2)}x` : '-')

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)))
  const line = (cells: string[]) => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')
  return [line(header), ...rows.map(line)].join('\n')
}

function main(): void {
  const {values} = parseArgs({
    options: {
      sizes: {type: 'string', default: '1,10,100,1500,12000'},
      runs: {type: 'string', default: '5'},
      slow: {type: 'string', default: '20'},
      timeout: {type: 'string', default: '300'},
      compare: {type: 'string'},
      keep: {type: 'boolean', default: false},
      strata: {type: 'string', default: path.join(repo, 'bin', 'run.js')},
    },
  })
  const strataBin = path.resolve(values.strata)
  const sizes = values.sizes.split(',').map((s) => Number.parseInt(s.trim(), 10))
  if (sizes.some((n) => !Number.isInteger(n) || n <= 0)) throw new Error(`--sizes wants positive integers, got "${values.sizes}"`)
  const runs = Number.parseInt(values.runs, 10)
  const slow = Number(values.slow)
  const timeout = Number(values.timeout)
  if (!fs.existsSync(path.join(repo, 'dist'))) throw new Error('dist/ is missing: run `npm run build` first')

  const node: Tool = {name: 'node', cmd: process.execPath, args: () => ['-e', '0']}
  // strata = every call renders in its own process (no render server), as in CI; served = each call
  // answered by a warm render server (README, render server), its CPU time counted in the call's.
  const strata: Tool = {name: 'strata', cmd: process.execPath, args: (dir) => [strataBin, 'render', dir], env: {...process.env, STRATA_RENDER_SERVER: 'off'}}
  const server = renderServerForBench()
  const served: Tool = {name: 'served', cmd: process.execPath, args: (dir) => [strataBin, 'render', dir], env: server.env, helperCpuSeconds: server.cpuSeconds}
  // --compare: another build of strata (e.g. a checkout before a change) in the same alternation.
  const otherBin = values.compare ? path.resolve(values.compare) : undefined
  const other: Tool | undefined = otherBin ? {name: 'other', cmd: process.execPath, args: (dir) => [otherBin, 'render', dir], env: strata.env} : undefined
  const kubectl: Tool = {name: 'kubectl', cmd: 'kubectl', args: (dir) => ['kustomize', dir]}
  const kustomizeBin = kustomizeBinary()
  const kustomize: Tool | undefined = kustomizeBin ? {name: 'kustomize', cmd: kustomizeBin, args: (dir) => ['build', dir]} : undefined
  if (!kustomize) process.stderr.write('note: standalone kustomize not built (scripts/kustomize build): its column is skipped\n')

  // Start-up alone: --version and --help against `node -e 0`.
  const startRows: string[][] = []
  const startRatios = new Map<string, {wall: number; cpu: string}>()
  for (const flag of ['--version', '--help']) {
    const tool: Tool = {name: 'strata', cmd: process.execPath, args: () => [strataBin, flag]}
    const otherTool: Tool | undefined = otherBin ? {name: 'other', cmd: process.execPath, args: () => [otherBin, flag]} : undefined
    const m = measure([node, tool, ...(otherTool ? [otherTool] : [])], '', runs, slow, timeout)
    startRatios.set(flag, {wall: m.get('strata')!.seconds / m.get('node')!.seconds, cpu: cpuRatio(m.get('strata'), m.get('node'))})
    const o = m.get('other')
    startRows.push([`strata ${flag}`, sec(m.get('node')), sec(m.get('strata')), ratio(m.get('strata')!.seconds, m.get('node')!.seconds), cpuRatio(m.get('strata'), m.get('node')), mib(m.get('node')), mib(m.get('strata')), ...(o ? [sec(o), ratio(o.seconds, m.get('node')!.seconds), cpuRatio(o, m.get('node')), mib(o)] : [])])
  }

  const cases: {label: string; resources: number; dir: string; cleanup?: string}[] = []
  cases.push({label: 'examples/shop/overlays/prod', resources: 0, dir: path.join(repo, 'examples', 'shop', 'overlays', 'prod')})
  for (const n of sizes) {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `strata-bench-cli-${n}-`))
    cases.push({label: `generated, ${n} resources`, resources: n, dir: generateRoot(tmp, n), cleanup: tmp})
  }

  const header = ['case', 'res', 'node s', 'strata s', 'served s', 'kubectl/served', 'served/node', 'cpu: kubectl/served', 'served MiB', 'server peak MiB', 'served output', 'kubectl s', 'kustomize s', 'strata/node', 'kubectl/strata', 'kustomize/strata', 'cpu: strata/node', 'kubectl/strata', 'kustomize/strata', 'µs/res', 'RSS MiB node', 'strata', 'kubectl', 'kustomize', 'output', ...(other ? ['other s', 'other/node', 'kubectl/other', 'cpu: other/node', 'other/strata', 'other MiB', 'other output'] : [])]
  const rows: string[][] = []
  const results: {resources: number; label: string; m: Map<string, Measured>}[] = []
  let mismatches = 0
  for (const c of cases) {
    const tools = [node, strata, served, kubectl, ...(kustomize ? [kustomize] : []), ...(other ? [other] : [])]
    process.stderr.write(`${c.label}: ${runs} rounds of ${tools.map((t) => t.name).join(', ')}…\n`)
    server.warm(strataBin, c.dir)
    const m = measure(tools, c.dir, runs, slow, timeout)
    const v = m.get('served')!
    const s = m.get('strata')!
    const k = m.get('kubectl')!
    const z = m.get('kustomize')
    const resources = c.resources || s.stdout.split('\n---\n').length
    // The reference output: kubectl's, else (kubectl killed at the time limit) standalone kustomize's.
    const ref = !k.timedOut ? k : z && !z.timedOut ? z : undefined
    const refName = ref === k ? 'kubectl' : 'kustomize'
    // With both references killed at the time limit there is nothing to compare with: said so, not counted as a failure.
    const verdictOf = (x: Measured) => (!x.ok ? 'FAILED' : !ref ? 'not compared (kubectl and kustomize timed out)' : x.stdout !== ref.stdout ? `MISMATCH (${refName})` : ref === k ? 'identical' : 'identical to kustomize (kubectl timed out)')
    let verdict = verdictOf(s)
    if (verdict === 'identical' && z && !z.timedOut && z.stdout !== k.stdout) verdict = 'identical to kubectl; kustomize v5.7.1 differs'
    if (verdict.startsWith('MISMATCH') || verdict === 'FAILED') mismatches++
    if (verdictOf(v).startsWith('MISMATCH') || verdictOf(v) === 'FAILED') mismatches++
    results.push({resources, label: c.label, m})
    rows.push([
      c.label,
      String(resources),
      sec(m.get('node')),
      sec(s),
      sec(v),
      ratio(k.seconds, v.seconds, k.timedOut),
      ratio(v.seconds, m.get('node')!.seconds),
      cpuRatio(k, v),
      mib(v),
      server.peakMiB().toFixed(0),
      verdictOf(v),
      sec(k),
      sec(z),
      ratio(s.seconds, m.get('node')!.seconds),
      ratio(k.seconds, s.seconds, k.timedOut),
      z ? ratio(z.seconds, s.seconds, z.timedOut) : '-',
      cpuRatio(s, m.get('node')),
      cpuRatio(k, s),
      cpuRatio(z, s),
      ((s.seconds * 1e6) / resources).toFixed(0),
      mib(m.get('node')),
      mib(s),
      mib(k),
      mib(z),
      verdict,
      ...(other ? [sec(m.get('other')), ratio(m.get('other')!.seconds, m.get('node')!.seconds), ratio(k.seconds, m.get('other')!.seconds, k.timedOut), cpuRatio(m.get('other'), m.get('node')), cpuRatio(m.get('other'), s), mib(m.get('other')), verdictOf(m.get('other')!)] : []),
    ])
    if (c.cleanup) {
      if (values.keep) process.stderr.write(`  kept ${c.cleanup}\n`)
      else fs.rmSync(c.cleanup, {recursive: true, force: true})
    }
  }

  console.log(`strata bench/cli — ${new Date().toISOString().slice(0, 10)}, node ${process.version}, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}, median of ${runs} alternating runs (* = ran once: slower than ${slow} s; > = killed at ${timeout} s, a lower bound)${otherBin ? `\nother = ${otherBin}` : ''}\n`)
  console.log(table(['start-up', 'node s', 'strata s', 'strata/node', 'cpu: strata/node', 'RSS MiB node', 'strata', ...(other ? ['other s', 'other/node', 'cpu: other/node', 'other MiB'] : [])], startRows))
  console.log()
  console.log(table(header, rows))

  // The goals of issue 15, beside what this run measured.
  const goals: [string, boolean | undefined, string][] = []
  const at = (n: number) => results.find((r) => r.resources === n && r.label.startsWith('generated'))
  for (const [flag, r] of startRatios) goals.push([`${flag}: at most 1.3x node -e 0`, r.wall <= 1.3, `${r.wall.toFixed(2)}x (cpu ${r.cpu})`])
  const small = at(10)
  if (small) {
    const r = small.m.get('strata')!.seconds / small.m.get('node')!.seconds
    goals.push(['small overlay (10 resources): at most 1.5x node -e 0', r <= 1.5, `${r.toFixed(2)}x (cpu ${cpuRatio(small.m.get('strata'), small.m.get('node'))})`])
    const mem = small.m.get('strata')!.rssMiB / small.m.get('node')!.rssMiB
    goals.push(['small overlay peak RSS: at most 1.5x node -e 0', Number.isFinite(mem) ? mem <= 1.5 : undefined, `${mem.toFixed(2)}x`])
    const rv = small.m.get('served')!.seconds / small.m.get('node')!.seconds
    goals.push(['served: small overlay at most 1.5x node -e 0', rv <= 1.5, `${rv.toFixed(2)}x`])
  }
  for (const r of results.filter((x) => x.resources >= 50 && x.label.startsWith('generated'))) {
    const k = r.m.get('kubectl')!
    const x = k.seconds / r.m.get('strata')!.seconds
    const need = r.resources >= 12000 ? 100 : r.resources >= 1500 ? 30 : 1
    goals.push([`${r.resources} resources: at least ${need}x kubectl kustomize`, x >= need, `${k.timedOut ? '>' : ''}${x.toFixed(1)}x (cpu ${cpuRatio(k, r.m.get('strata'))})`])
    const xv = k.seconds / r.m.get('served')!.seconds
    goals.push([`served: ${r.resources} resources at least ${need}x kubectl kustomize`, xv >= need, `${k.timedOut ? '>' : ''}${xv.toFixed(1)}x (cpu, server's included: ${cpuRatio(k, r.m.get('served'))})`])
    const z = r.m.get('kustomize')
    if (r.resources >= 1500) {
      const sm = r.m.get('strata')!.rssMiB
      const zOk = z && !z.timedOut
      goals.push([`${r.resources} resources: peak RSS at most kustomize's`, zOk ? sm <= z.rssMiB : undefined, zOk ? `${sm.toFixed(0)} vs ${z.rssMiB.toFixed(0)} MiB` : 'kustomize not built or timed out'])
    }
  }
  const big = results.filter((x) => x.resources >= 1500 && x.label.startsWith('generated'))
  if (big.length >= 2) {
    // Linear in resources: the cost per resource once the process is up (Node's own start-up, node -e 0
    // in the same round, is a constant) must not grow with the tree. It may fall: at 1 500 resources
    // much of the render still runs before V8 has optimized it, which a larger tree amortizes.
    const per = big.map((r) => (Math.max(0, r.m.get('strata')!.seconds - r.m.get('node')!.seconds) * 1e6) / r.resources)
    const growth = per.at(-1)! / per[0]
    goals.push([`time per resource beyond node -e 0 not growing from 1500 up (largest/smallest tree at most 1.25)`, growth <= 1.25, per.map((p) => `${p.toFixed(0)} µs`).join(' / ')])
  }
  console.log(`\n${table(['goal', 'measured', 'met'], goals.map(([g, ok, v]) => [g, v, ok === undefined ? 'n/a' : ok ? 'yes' : 'NO']))}`)
  console.log(`\nserver peak MiB: the render server's peak RSS so far in the run (it grows with the largest tree it rendered); served MiB: the calling process's.`)
  server.stop()
  if (mismatches > 0) {
    console.log(`\n${mismatches} case(s) FAILED or rendered differently from kubectl kustomize — see the output column.`)
    process.exitCode = 1
  }
}

main()
