// Remote-base benchmark: a root kustomization with N remote bases (local bare git repositories,
// file:// URLs) rendered by `kubectl kustomize` (clones every base on every build) and by strata
// with a cold cache, a warm cache (refs re-resolved with one ls-remote each), pinned commits
// (no git at all) and --offline, in the same run, outputs compared byte for byte. Prints
// numbers, never asserts on them.
//
//   node --import tsx bench/render-remote.ts [--bases 20] [--runs 3] [--keep]
import {execFileSync, spawnSync} from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {performance} from 'node:perf_hooks'
import {parseArgs} from 'node:util'
import {renderKustomization} from '../src/render/index.js'
import {GitCache} from '../src/source/git-cache.js'
import {RemoteResolver} from '../src/source/remote-resolver.js'

const {values} = parseArgs({options: {bases: {type: 'string', default: '20'}, runs: {type: 'string', default: '3'}, keep: {type: 'boolean', default: false}}})
const bases = Number(values.bases)
const runs = Number(values.runs)

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.email=bench@strata.dev', '-c', 'user.name=bench', ...args], {cwd, encoding: 'utf8'}).trim()
}

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), {recursive: true})
  fs.writeFileSync(file, text)
}

/** One repository: a base with a Deployment, a Service and a ConfigMap generator, tagged v1. */
function makeRepo(root: string, i: number): {url: string; commit: string} {
  const name = `svc-${String(i).padStart(2, '0')}`
  const work = path.join(root, 'work', name)
  const bare = path.join(root, 'repos', `${name}.git`)
  git(root, 'init', '--quiet', '--initial-branch=main', work)
  write(path.join(work, 'deploy/base/kustomization.yaml'), `namePrefix: ${name}-\nlabels:\n- pairs:\n    app: ${name}\n  includeSelectors: true\nresources:\n- deployment.yaml\n- service.yaml\nconfigMapGenerator:\n- name: config\n  literals:\n  - NAME=${name}\n`)
  write(
    path.join(work, 'deploy/base/deployment.yaml'),
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      component: web\n  template:\n    metadata:\n      labels:\n        component: web\n    spec:\n      containers:\n      - name: web\n        image: registry.example.com/${name}:1.0.${i}\n        envFrom:\n        - configMapRef:\n            name: config\n`,
  )
  write(path.join(work, 'deploy/base/service.yaml'), `apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    component: web\n  ports:\n  - port: 80\n`)
  // Some history, so a clone is not trivially small.
  for (let c = 0; c < 20; c++) {
    write(path.join(work, 'docs', `notes-${c}.md`), `# change ${c}\n${'lorem ipsum '.repeat(200)}\n`)
    git(work, 'add', '-A')
    git(work, 'commit', '--quiet', '-m', `change ${c}`)
  }
  git(work, 'tag', 'v1')
  git(root, 'clone', '--quiet', '--bare', work, bare)
  return {url: `file://${bare}`, commit: git(work, 'rev-parse', 'HEAD')}
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}

async function main(): Promise<void> {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'strata-bench-remote-')))
  const repos = Array.from({length: bases}, (_, i) => makeRepo(root, i))
  const byTag = path.join(root, 'by-tag')
  const byCommit = path.join(root, 'by-commit')
  write(path.join(byTag, 'kustomization.yaml'), `namespace: shop\nresources:\n${repos.map((r) => `- ${r.url}//deploy/base?ref=v1`).join('\n')}\n`)
  write(path.join(byCommit, 'kustomization.yaml'), `namespace: shop\nresources:\n${repos.map((r) => `- ${r.url}//deploy/base?ref=${r.commit}`).join('\n')}\n`)

  const kubectlTimes: number[] = []
  let expected = ''
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now()
    const k = spawnSync('kubectl', ['kustomize', byTag], {encoding: 'utf8', maxBuffer: 256 * 1024 * 1024})
    kubectlTimes.push(performance.now() - t0)
    if (k.status !== 0) throw new Error(`kubectl kustomize failed: ${k.stderr}`)
    expected = k.stdout
  }

  // Module loading and JIT warm-up are not billed: one throwaway render of a local tree first.
  const warmup = path.join(root, 'warmup')
  write(path.join(warmup, 'kustomization.yaml'), 'resources:\n- cm.yaml\n')
  write(path.join(warmup, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n')
  await renderKustomization(warmup, {remote: new RemoteResolver({cache: new GitCache({dir: path.join(root, 'unused')})})})

  const mismatches: string[] = []
  const time = async (label: string, dir: string, cacheDir: string, offline: boolean): Promise<number> => {
    const t0 = performance.now()
    const out = await renderKustomization(dir, {remote: new RemoteResolver({cache: new GitCache({dir: cacheDir, offline})})})
    const ms = performance.now() - t0
    if (out.yaml !== expected) mismatches.push(label)
    return ms
  }
  const cold: number[] = []
  const warm: number[] = []
  const pinned: number[] = []
  const offline: number[] = []
  for (let r = 0; r < runs; r++) {
    const cacheDir = path.join(root, `cache-${r}`)
    cold.push(await time('cold', byTag, cacheDir, false))
    warm.push(await time('warm', byTag, cacheDir, false))
    await time('pinned (first)', byCommit, cacheDir, false)
    pinned.push(await time('pinned', byCommit, cacheDir, false))
    offline.push(await time('offline', byTag, cacheDir, true))
  }

  const k = median(kubectlTimes)
  const rows: [string, number][] = [
    ['kubectl kustomize (clones every base)', k],
    ['strata, cold cache (fetch + checkout)', median(cold)],
    ['strata, warm cache (ls-remote per base)', median(warm)],
    ['strata, warm cache, pinned commits', median(pinned)],
    ['strata --offline', median(offline)],
  ]
  const resources = expected.split('\n---\n').length
  console.log(`${bases} remote bases (local bare repos, file://), ${resources} resources, median of ${runs} runs, ${os.cpus().length} CPUs`)
  console.log(`${'case'.padEnd(42)}${'ms'.padStart(9)}${'vs kubectl'.padStart(12)}`)
  for (const [label, ms] of rows) console.log(`${label.padEnd(42)}${ms.toFixed(0).padStart(9)}${(k / ms).toFixed(1).padStart(11)}x`)
  console.log(mismatches.length === 0 ? 'output: identical to kubectl kustomize in every run' : `!!! MISMATCH in ${[...new Set(mismatches)].join(', ')}`)
  if (values.keep) console.log(`kept ${root}`)
  else fs.rmSync(root, {recursive: true, force: true})
  if (mismatches.length > 0) process.exitCode = 1
}

await main()
