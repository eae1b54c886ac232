// Diff benchmark: `strata diff` against `kubectl diff --server-side` of the same render, on the
// same cluster (scripts/cluster), in the same run. The tree has N resources (default 300: N/3
// apps of Deployment + Service + ConfigMap), applied with kubectl, then one image changed.
// Both tools run as CLI processes, as users run them (render included: `kubectl diff -k`).
// Prints numbers, never asserts on them.
//
//   npm run build && node --import tsx bench/diff.ts [--resources 300] [--runs 3] [--concurrency 16] [--keep]
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
const total = Number(args.resources)
const runs = Math.max(1, Number(args.runs))
const apps = Math.max(1, Math.round(total / 3))

function run(cmd: string, argv: string[], opts: {input?: string; env?: NodeJS.ProcessEnv} = {}) {
  const t0 = performance.now()
  const r = spawnSync(cmd, argv, {encoding: 'utf8', input: opts.input, env: opts.env ?? process.env, maxBuffer: 256 * 1024 * 1024})
  return {code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, ms: performance.now() - t0}
}

function must(r: ReturnType<typeof run>, what: string): ReturnType<typeof run> {
  if (r.code !== 0) {
    process.stderr.write(`${what} failed (exit ${r.code}):\n${r.stderr}\n`)
    process.exit(2)
  }
  return r
}



if (!fs.existsSync(path.join(REPO, 'dist', 'commands', 'diff.js'))) {
  process.stderr.write('dist/ has no diff command: run `npm run build` first\n')
  process.exit(2)
}
// A cluster this run starts stops when the run ends; one already up stays up.
const up = must(run(path.join(REPO, 'scripts', 'cluster'), ['up', '--auto-down-after', String(process.pid)]), 'scripts/cluster up')
const kubeconfig = up.stdout.trimEnd().split('\n').pop()!
const ns = `bench-diff-${randomBytes(3).toString('hex')}`
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-bench-diff-'))
const app = path.join(root, 'bench')
const kubectl = (...a: string[]) => ['--kubeconfig', kubeconfig, ...a]

try {
  must(run('kubectl', kubectl('create', 'namespace', ns)), 'create namespace')
  writeTree(app, ns, apps, false)
  const rendered = must(run('kubectl', ['kustomize', app]), 'kubectl kustomize').stdout
  // Applied as strata will (field manager strata, kubectl's ApplySet labels), so that each tool
  // diffs as a different manager from its own view: kubectl diff (manager kubectl) would
  // otherwise propose dropping the ApplySet label it does not render.
  must(
    run('kubectl', kubectl('apply', '--server-side', '--field-manager=strata', '-n', ns, '--prune', '--applyset=applyset-bench', '-f', '-'), {input: rendered, env: {...process.env, KUBECTL_APPLYSET: 'true'}}),
    'kubectl apply',
  )
  writeTree(app, ns, apps, true)

  const strataTimes: number[] = []
  const strictTimes: number[] = []
  const kubectlTimes: number[] = []
  let strataOut = ''
  let kubectlOut = ''
  for (let i = 0; i < runs; i++) {
    const s = run(process.execPath, [path.join(REPO, 'bin', 'run.js'), 'diff', app, '--kubeconfig', kubeconfig, '--concurrency', String(args.concurrency)])
    if (s.code !== 1) throw new Error(`strata diff exited ${s.code}: ${s.stderr}`)
    strataTimes.push(s.ms)
    strataOut = s.stdout
    // --mode server: a dry-run for every object, no settling of unchanged ones from the live state.
    const strict = run(process.execPath, [path.join(REPO, 'bin', 'run.js'), 'diff', app, '--kubeconfig', kubeconfig, '--concurrency', String(args.concurrency), '--mode', 'server'])
    if (strict.code !== 1) throw new Error(`strata diff --mode server exited ${strict.code}: ${strict.stderr}`)
    strictTimes.push(strict.ms)
    const k = run('kubectl', kubectl('diff', '--server-side', '--force-conflicts', '-k', app))
    if (k.code !== 1) throw new Error(`kubectl diff exited ${k.code}: ${k.stderr}`)
    kubectlTimes.push(k.ms)
    kubectlOut = k.stdout
  }
  // Both must have found the one change and nothing else.
  const strataSummary = strataOut.trimEnd().split('\n').pop()
  const kubectlFiles = [...kubectlOut.matchAll(/^diff -u -N \S+\/(\S+) /gm)].map((m) => m[1])
  const sameFinding = strataSummary?.startsWith('Summary: 0 to add, 1 to change, 0 to delete') && kubectlFiles.length === 1 && kubectlFiles[0].endsWith('.app000')
  const ks = median(kubectlTimes) / 1000
  const ss = median(strataTimes) / 1000
  const st = median(strictTimes) / 1000
  console.log(`resources  runs  kubectl diff s  strata diff s  ratio  strata --mode server s  ratio  same finding`)
  console.log(
    `${String(apps * 3).padStart(9)}  ${String(runs).padStart(4)}  ${ks.toFixed(2).padStart(14)}  ${ss.toFixed(2).padStart(13)}  ${(ks / ss).toFixed(1).padStart(4)}x  ${st.toFixed(2).padStart(22)}  ${(ks / st).toFixed(1).padStart(4)}x  ${sameFinding ? 'yes' : 'NO'}`,
  )
  console.log(`(median of ${runs}; each run is a new process including the render; strata --concurrency ${args.concurrency})`)
  console.log(`strata:  ${strataSummary}`)
  console.log(`kubectl: changed ${kubectlFiles.slice(0, 5).join(', ') || '(none)'}${kubectlFiles.length > 5 ? ` and ${kubectlFiles.length - 5} more` : ''}`)
  if (!sameFinding) process.exitCode = 1
} finally {
  run('kubectl', kubectl('delete', 'namespace', ns, '--wait=false'))
  if (!args.keep) fs.rmSync(root, {recursive: true, force: true})
}
