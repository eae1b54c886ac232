// Apply benchmark: `strata apply` against `kubectl apply --server-side` of the same render, on the
// same cluster (scripts/cluster), in the same run, each into a fresh namespace. The tree has N
// resources (default 300: N/3 apps of Deployment + Service + ConfigMap, 1 replica each; kwok makes
// the pods Ready). Both tools run as CLI processes, as users run them.
//
// Three cases, each timed for both tools:
//   fresh      strata apply (ordered steps, health gates: every Deployment Available)
//              vs kubectl apply --server-side + kubectl wait --for=condition=Available deployment --all
//              (kubectl apply alone, which waits for nothing, is printed too)
//   unchanged  the same tree again: strata skips unchanged objects; kubectl re-sends every object
//   one image  one Deployment's image changed: strata apply (waits for it) vs kubectl apply + rollout status
// After each case both namespaces must hold the same objects (names and images); a mismatch exits 1.
// Prints numbers, never asserts on them.
//
//   npm run build && node --import tsx bench/apply.ts [--resources 300] [--runs 3] [--concurrency 16] [--keep]
import {spawnSync} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {performance} from 'node:perf_hooks'
import {fileURLToPath} from 'node:url'
import {parseArgs} from 'node:util'
import {median, writeTree} from './app-tree.js'

const REPO = path.join(path.dirname(fileURLToPath(import.meta.url)), '..')
const {values: args} = parseArgs({
  options: {
    resources: {type: 'string', default: '300'},
    runs: {type: 'string', default: '3'},
    concurrency: {type: 'string', default: '16'},
    keep: {type: 'boolean', default: false},
  },
})
const runs = Math.max(1, Number(args.runs))
const apps = Math.max(1, Math.round(Number(args.resources) / 3))

interface Run {
  code: number
  stdout: string
  stderr: string
  ms: number
}

function run(cmd: string, argv: string[], opts: {input?: string} = {}): Run {
  const t0 = performance.now()
  const r = spawnSync(cmd, argv, {encoding: 'utf8', input: opts.input, maxBuffer: 256 * 1024 * 1024})
  return {code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, ms: performance.now() - t0}
}

function must(r: Run, what: string): Run {
  if (r.code !== 0) throw new Error(`${what} failed (exit ${r.code}):\n${r.stderr}${r.stdout.slice(-2000)}`)
  return r
}



if (!fs.existsSync(path.join(REPO, 'dist', 'commands', 'apply.js'))) {
  process.stderr.write('dist/ has no apply command: run `npm run build` first\n')
  process.exit(2)
}
// A cluster this run starts stops when the run ends; one already up stays up.
const up = run(path.join(REPO, 'scripts', 'cluster'), ['up', '--auto-down-after', String(process.pid)])
if (up.code !== 0) {
  process.stderr.write(`scripts/cluster up failed:\n${up.stderr}\n`)
  process.exit(2)
}
const kubeconfig = up.stdout.trimEnd().split('\n').pop()!
const kubectl = (...a: string[]) => run('kubectl', ['--kubeconfig', kubeconfig, ...a])
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-bench-apply-'))
const namespaces: string[] = []

function strataApply(dir: string, ns: string): Run {
  return must(
    run(process.execPath, [path.join(REPO, 'bin', 'run.js'), 'apply', dir, '--kubeconfig', kubeconfig, '--name', 'bench', '--namespace', ns, '--concurrency', String(args.concurrency), '--timeout', '5m']),
    'strata apply',
  )
}

/** kubectl's way: server-side apply of the render, then wait as strata's health gate does. */
function kubectlApply(dir: string, ns: string, wait: 'all' | 'app000'): {apply: number; total: number} {
  const rendered = must(run('kubectl', ['kustomize', dir]), 'kubectl kustomize').stdout
  const applied = must(run('kubectl', ['--kubeconfig', kubeconfig, 'apply', '--server-side', '--field-manager=kubectl-bench', '-f', '-'], {input: rendered}), 'kubectl apply')
  const waited =
    wait === 'all'
      ? must(kubectl('wait', '-n', ns, '--for=condition=Available', 'deployment', '--all', '--timeout=5m'), 'kubectl wait')
      : must(kubectl('rollout', 'status', '-n', ns, 'deployment/app000', '--timeout=5m'), 'kubectl rollout status')
  return {apply: applied.ms, total: applied.ms + waited.ms}
}

/** Names and images of what a namespace holds: both tools must leave the same thing behind. */
function contentsOf(ns: string): string {
  const out = must(kubectl('get', '-n', ns, 'deployments,services,configmaps', '-o', 'jsonpath={range .items[*]}{.kind}/{.metadata.name} {.spec.template.spec.containers[0].image}{"\\n"}{end}'), 'kubectl get').stdout
  return out
    .split('\n')
    .filter((l) => l && !l.startsWith('ConfigMap/kube-root-ca.crt') && !l.startsWith('ConfigMap/applyset-') && !l.startsWith('Service/kubernetes'))
    .sort()
    .join('\n')
}

function newNamespace(label: string): string {
  const ns = `bench-apply-${label}-${randomBytes(3).toString('hex')}`
  must(kubectl('create', 'namespace', ns), 'create namespace')
  namespaces.push(ns)
  return ns
}

const times = {strataFresh: [] as number[], kubectlFresh: [] as number[], kubectlApplyOnly: [] as number[], strataSame: [] as number[], kubectlSame: [] as number[], strataImage: [] as number[], kubectlImage: [] as number[]}
let mismatch = ''
try {
  for (let i = 0; i < runs; i++) {
    const sNs = newNamespace('s')
    const kNs = newNamespace('k')
    const sDir = path.join(root, `s${i}`, 'bench')
    const kDir = path.join(root, `k${i}`, 'bench')
    writeTree(sDir, sNs, apps, false)
    writeTree(kDir, kNs, apps, false)

    times.strataFresh.push(strataApply(sDir, sNs).ms)
    const kFresh = kubectlApply(kDir, kNs, 'all')
    times.kubectlFresh.push(kFresh.total)
    times.kubectlApplyOnly.push(kFresh.apply)

    times.strataSame.push(strataApply(sDir, sNs).ms)
    times.kubectlSame.push(kubectlApply(kDir, kNs, 'app000').apply)

    writeTree(sDir, sNs, apps, true)
    writeTree(kDir, kNs, apps, true)
    times.strataImage.push(strataApply(sDir, sNs).ms)
    times.kubectlImage.push(kubectlApply(kDir, kNs, 'app000').total)

    const s = contentsOf(sNs).replaceAll(sNs, 'NS')
    const k = contentsOf(kNs).replaceAll(kNs, 'NS')
    if (s !== k) mismatch = `run ${i + 1}: namespaces differ\nstrata:\n${s.slice(0, 600)}\nkubectl:\n${k.slice(0, 600)}`
    else if (s.split('\n').length !== apps * 3) mismatch = `run ${i + 1}: expected ${apps * 3} objects, found ${s.split('\n').length}`
    if (!args.keep) {
      kubectl('delete', 'namespace', sNs, kNs, '--wait=false')
    }
  }
  const row = (name: string, k: number[], s: number[], note: string) => {
    const km = median(k) / 1000
    const sm = median(s) / 1000
    console.log(`${name.padEnd(10)}  ${km.toFixed(2).padStart(9)}  ${sm.toFixed(2).padStart(8)}  ${(km / sm).toFixed(1).padStart(5)}x  ${note}`)
  }
  console.log(`${apps * 3} resources (${apps} Deployments + Services + ConfigMaps), fresh namespaces, median of ${runs} run(s), strata --concurrency ${args.concurrency}`)
  console.log(`case        kubectl s  strata s  ratio  kubectl side`)
  row('fresh', times.kubectlFresh, times.strataFresh, 'apply --server-side + wait --for=condition=Available deployment --all')
  row('fresh*', times.kubectlApplyOnly, times.strataFresh, 'apply --server-side alone (waits for nothing; strata still gates on health)')
  row('unchanged', times.kubectlSame, times.strataSame, 'apply --server-side of the same render')
  row('one image', times.kubectlImage, times.strataImage, 'apply --server-side + rollout status deployment/app000')
  console.log(mismatch ? `SAME RESULT: NO — ${mismatch}` : 'same result: yes (every object present in both namespaces with the same image)')
  if (mismatch) process.exitCode = 1
} finally {
  if (args.keep) console.log(`kept: namespaces ${namespaces.join(' ')}; trees under ${root}`)
  else fs.rmSync(root, {recursive: true, force: true})
}
