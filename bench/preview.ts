// Preview benchmark: a repository of N apps (default 500) × 3 environments, and two changes on
// branches of it: `shared` edits a base every prod overlay includes (N roots affected), `one-app`
// edits one app's prod overlay (1 root). For each, `strata preview` runs as users run it (a new
// process, start-up included), with the dependency graph cold (fresh cache directory) and warm
// (second run); then, in the same run, `kubectl kustomize` renders the same affected roots on
// both sides (one process per render, as many at once as there are cores, from checkouts made
// beforehand and not timed). Prints numbers and the ratio, never asserts on them.
//
//   npm run build && node --import tsx bench/preview.ts [--apps 500] [--kubectl-sample 0] [--keep]
//   --kubectl-sample K  time kubectl on K roots of each side and scale to all (0: every root)
import {execFileSync, spawn, spawnSync} from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {performance} from 'node:perf_hooks'
import {parseArgs} from 'node:util'

const {values: args} = parseArgs({options: {apps: {type: 'string', default: '500'}, 'kubectl-sample': {type: 'string', default: '0'}, keep: {type: 'boolean', default: false}}})
const APPS = Number(args.apps)
const SAMPLE = Number(args['kubectl-sample'])
const bin = path.resolve('bin/run.js')
const identity = ['-c', 'user.email=bench@strata.dev', '-c', 'user.name=bench', '-c', 'commit.gpgsign=false']
const git = (cwd: string, ...a: string[]) => execFileSync('git', [...identity, ...a], {cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']}).trim()

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), {recursive: true})
  fs.writeFileSync(file, text)
}

const appName = (i: number) => `app${String(i).padStart(3, '0')}`

function writeRepo(dir: string): void {
  write(path.join(dir, 'README.md'), '# fleet\n')
  write(path.join(dir, 'shared/prod/kustomization.yaml'), 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nlabels:\n- pairs:\n    env: prod\ncommonAnnotations:\n  owner: platform\npatches:\n- path: hardening.yaml\n  target:\n    kind: Deployment\n')
  write(path.join(dir, 'shared/prod/hardening.yaml'), 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: any\nspec:\n  template:\n    spec:\n      securityContext:\n        runAsNonRoot: true\n')
  for (let i = 0; i < APPS; i++) {
    const app = appName(i)
    const base = path.join(dir, 'apps', app, 'base')
    write(path.join(base, 'kustomization.yaml'), `resources:\n- deployment.yaml\n- service.yaml\nconfigMapGenerator:\n- name: ${app}-config\n  literals:\n  - APP=${app}\n  - LOG_LEVEL=info\n`)
    write(
      path.join(base, 'deployment.yaml'),
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${app}\nspec:\n  selector:\n    matchLabels:\n      app: ${app}\n  template:\n    metadata:\n      labels:\n        app: ${app}\n    spec:\n      containers:\n      - name: main\n        image: registry.example/${app}:1.0.0\n        envFrom:\n        - configMapRef:\n            name: ${app}-config\n`,
    )
    write(path.join(base, 'service.yaml'), `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${app}\nspec:\n  selector:\n    app: ${app}\n  ports:\n  - port: 80\n    targetPort: 8080\n`)
    for (const env of ['dev', 'staging', 'prod']) {
      const overlay = path.join(dir, 'apps', app, 'overlays', env)
      const prod = env === 'prod'
      write(path.join(overlay, 'kustomization.yaml'), `namespace: ${app}-${env}\nresources:\n- ../../base\n${prod ? 'components:\n- ../../../../shared/prod\n' : ''}patches:\n- path: replicas.yaml\nimages:\n- name: registry.example/${app}\n  newTag: ${prod ? '1.0.0' : '1.1.0-rc'}\n`)
      write(path.join(overlay, 'replicas.yaml'), `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${app}\nspec:\n  replicas: ${prod ? 3 : 1}\n`)
    }
  }
}

// CPU seconds (user + system) of a command, from GNU time: on a machine shared with other work the
// wall clock says more about the neighbours than about the tool.
const timeFormat = '\n@cpu %U %S'
function cpuOf(stderr: string): {cpu: number; rest: string} {
  const m = /\n@cpu ([\d.]+) ([\d.]+)\s*$/.exec(stderr)
  return {cpu: m ? Number(m[1]) + Number(m[2]) : NaN, rest: m ? stderr.slice(0, m.index) : stderr}
}

function timeStrata(repo: string, head: string, cacheDir: string): {seconds: number; cpu: number; code: number | null; roots: number} {
  const t = performance.now()
  const r = spawnSync('/usr/bin/time', ['-f', timeFormat, process.execPath, bin, 'preview', '--base', 'main', '--head', head, '--format', 'json', '--cache-dir', cacheDir], {cwd: repo, encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024})
  const seconds = (performance.now() - t) / 1000
  const {cpu, rest} = cpuOf(r.stderr)
  if (r.status !== 1) process.stderr.write(`!!! strata preview exited ${r.status}: ${rest.slice(0, 2000)}\n`)
  const roots = r.status === 1 ? (JSON.parse(r.stdout) as {roots: unknown[]}).roots.length : 0
  return {seconds, cpu, code: r.status, roots}
}

/** kubectl kustomize over every (checkout, root), as many processes at once as cores. */
async function timeKubectl(jobs: {checkout: string; root: string}[]): Promise<{seconds: number; cpu: number}> {
  const t = performance.now()
  let next = 0
  let failed = 0
  let cpu = 0
  const worker = async () => {
    while (next < jobs.length) {
      const j = jobs[next++]
      await new Promise<void>((resolve) => {
        const child = spawn('/usr/bin/time', ['-f', timeFormat, 'kubectl', 'kustomize', path.join(j.checkout, j.root)], {stdio: ['ignore', 'ignore', 'pipe']})
        let err = ''
        child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')))
        child.on('close', (code) => {
          if (code !== 0) failed++
          cpu += cpuOf(err).cpu
          resolve()
        })
      })
    }
  }
  await Promise.all(Array.from({length: os.availableParallelism()}, worker))
  if (failed) process.stderr.write(`!!! kubectl failed on ${failed} roots\n`)
  return {seconds: (performance.now() - t) / 1000, cpu}
}

const work = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'strata-bench-preview-')))
const repo = path.join(work, 'repo')
fs.mkdirSync(repo)
git(repo, 'init', '--quiet', '--initial-branch=main')
writeRepo(repo)
git(repo, 'add', '-A')
git(repo, 'commit', '--quiet', '-m', 'fleet')
git(repo, 'checkout', '--quiet', '-b', 'shared')
write(path.join(repo, 'shared/prod/hardening.yaml'), 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: any\nspec:\n  template:\n    spec:\n      securityContext:\n        runAsNonRoot: true\n        seccompProfile:\n          type: RuntimeDefault\n')
git(repo, 'commit', '--quiet', '-am', 'shared prod hardening')
git(repo, 'checkout', '--quiet', '-b', 'one-app', 'main')
write(path.join(repo, 'apps/app007/overlays/prod/replicas.yaml'), 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app007\nspec:\n  replicas: 5\n')
git(repo, 'commit', '--quiet', '-am', 'app007: 5 replicas')
git(repo, 'checkout', '--quiet', 'main')
// Packed, as a clone in CI is (loose objects cost a file open each).
git(repo, 'repack', '-adq')
// kubectl needs each side on disk; made once, outside the timings.
const checkouts: Record<string, string> = {}
for (const ref of ['main', 'shared', 'one-app']) {
  checkouts[ref] = path.join(work, `checkout-${ref}`)
  git(repo, 'worktree', 'add', '--quiet', '--detach', checkouts[ref], ref)
}

console.log(`repository: ${APPS} apps × 3 environments = ${APPS * 3} roots, ${git(repo, 'ls-files').split('\n').length} files; ${os.availableParallelism()} cores; load average ${os.loadavg()[0].toFixed(1)}`)
console.log('wall = elapsed seconds; cpu = user+system seconds of the processes (kubectl: summed over its processes)')
console.log('')
console.log('change    roots  strata cold wall/cpu  strata warm wall/cpu  kubectl wall/cpu  ratio cold wall/cpu  ratio warm wall/cpu')
const scenarios = [
  {name: 'one-app', roots: ['apps/app007/overlays/prod']},
  {name: 'shared', roots: Array.from({length: APPS}, (_, i) => `apps/${appName(i)}/overlays/prod`)},
]
for (const s of scenarios) {
  const cacheDir = path.join(work, `cache-${s.name}`)
  const cold = timeStrata(repo, s.name, cacheDir)
  const warm = timeStrata(repo, s.name, cacheDir)
  if (cold.roots !== s.roots.length || warm.roots !== s.roots.length) process.stderr.write(`!!! ${s.name}: strata listed ${cold.roots}/${warm.roots} roots, expected ${s.roots.length}\n`)
  const sample = SAMPLE > 0 ? s.roots.slice(0, SAMPLE) : s.roots
  const jobs = sample.flatMap((root) => [{checkout: checkouts.main, root}, {checkout: checkouts[s.name], root}])
  const k = await timeKubectl(jobs)
  const scale = s.roots.length / sample.length
  const kubectl = {seconds: k.seconds * scale, cpu: k.cpu * scale}
  const pair = (a: number, b: number) => `${a.toFixed(2)} / ${b.toFixed(2)}`
  const ratio = (a: {seconds: number; cpu: number}) => `${(kubectl.seconds / a.seconds).toFixed(1)}x / ${(kubectl.cpu / a.cpu).toFixed(1)}x`
  console.log(`${s.name.padEnd(8)} ${String(s.roots.length).padStart(6)} ${pair(cold.seconds, cold.cpu).padStart(21)} ${pair(warm.seconds, warm.cpu).padStart(21)} ${pair(kubectl.seconds, kubectl.cpu).padStart(17)} ${ratio(cold).padStart(20)} ${ratio(warm).padStart(20)}`)
}
console.log(`load average at the end: ${os.loadavg()[0].toFixed(1)}`)
if (args.keep) console.log(`\nkept: ${work}`)
else fs.rmSync(work, {recursive: true, force: true})
