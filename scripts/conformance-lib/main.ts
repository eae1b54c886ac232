// scripts/conformance: renders kustomize trees with `kubectl kustomize` and with strata and reports
// where they differ. A development tool (CI has no kustomize checkout); see README, "Conformance".
//
//   scripts/conformance KUSTOMIZE_CHECKOUT [OUT]        kustomize's api/krusty test cases
//   scripts/conformance --trees DIR... [--out OUT]      every kustomization under each DIR
//
// A checkout may be a work tree or a bare git repository (its HEAD is read with git archive).
// OUT (a directory) gets report.txt and, for every case that is not identical, the case's input
// and both outputs under cases/.
import {execFileSync, spawn} from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {UserError} from '../../src/model/errors.js'
import {renderKustomization} from '../../src/render/index.js'
import {defaultFieldSpecs, extractGoCases, type GoCase, type GoSkip, type Testdata} from './go-cases.js'
import {extractMarkdownCases} from './md-cases.js'

type Outcome = 'identical' | 'differs' | 'strata refuses' | 'both refuse' | 'kubectl refuses, strata renders' | 'strata crashes' | 'skipped: not extractable' | 'skipped: plugins/functions'
const outcomes: Outcome[] = ['identical', 'differs', 'strata refuses', 'both refuse', 'kubectl refuses, strata renders', 'strata crashes', 'skipped: not extractable', 'skipped: plugins/functions']

interface Case {
  name: string
  /** Directory holding the tree (written for krusty cases). */
  root: string
  /** The kustomization rendered. */
  dir: string
  loadRestrictionsNone: boolean
  enableHelm: boolean
  /** Keep a copy of the tree with a non-identical result (krusty cases live in a temporary directory). */
  copyInput: boolean
  /** Measure again with LoadRestrictionsNone when kubectl refuses only for the load restrictor (repository trees). */
  retryUnrestricted?: boolean
}

interface Result {
  name: string
  outcome: Outcome
  detail: string
  /** Measured again with LoadRestrictionsNone (see compare). */
  relaxed?: boolean
}

const kubectlTimeoutMs = 120_000

function helmCommand(): string | undefined {
  const cache = process.env.STRATA_HELM_CACHE
  if (process.env.STRATA_HELM) return process.env.STRATA_HELM
  if (!cache || !fs.existsSync(cache)) return undefined
  for (const v of fs.readdirSync(cache).sort().reverse()) {
    const bin = path.join(cache, v, 'helm')
    if (fs.existsSync(bin)) return bin
  }
  return undefined
}

function runKubectl(c: Case, helm: string | undefined): Promise<{code: number; stdout: string; stderr: string}> {
  const args = ['kustomize', c.dir]
  if (c.loadRestrictionsNone) args.push('--load-restrictor=LoadRestrictionsNone')
  if (c.enableHelm) args.push('--enable-helm', ...(helm ? ['--helm-command', helm] : []))
  return new Promise((resolve) => {
    const child = spawn('kubectl', args, {stdio: ['ignore', 'pipe', 'pipe'], env: {...process.env, GIT_TERMINAL_PROMPT: '0'}})
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', (b: Buffer) => out.push(b))
    child.stderr.on('data', (b: Buffer) => err.push(b))
    const timer = setTimeout(() => child.kill('SIGKILL'), kubectlTimeoutMs)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({code: code ?? 1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8')})
    })
  })
}

async function runStrata(c: Case, helm: string | undefined, cacheDir: string): Promise<{ok: true; yaml: string; warnings: string[]} | {ok: false; crash: boolean; message: string}> {
  try {
    const r = await renderKustomization(c.dir, {
      displayBase: c.root,
      loadRestrictor: c.loadRestrictionsNone ? 'none' : 'rootOnly',
      helm: c.enableHelm ? {command: helm ?? 'helm'} : undefined,
      cacheDir,
      offline: true,
    })
    return {ok: true, yaml: r.yaml, warnings: r.warnings}
  } catch (e) {
    if (e instanceof UserError) return {ok: false, crash: false, message: e.describe()}
    return {ok: false, crash: true, message: e instanceof Error ? `${e.name}: ${e.message}\n${e.stack ?? ''}` : String(e)}
  }
}

function firstDifference(a: string, b: string): string {
  const x = a.split('\n')
  const y = b.split('\n')
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (x[i] !== y[i]) return `line ${i + 1}: kubectl ${JSON.stringify(x[i] ?? '<end>')} strata ${JSON.stringify(y[i] ?? '<end>')}`
  }
  return ''
}

const oneLine = (s: string, max = 160): string => s.replace(/\s+/g, ' ').trim().slice(0, max)

/** kubectl's error without its warnings and klog header: `err="..."`, or the `err=<` block. */
function kubectlMessage(stderr: string): string {
  const text = stderr
    .split('\n')
    .filter((l) => !l.startsWith('# Warning:'))
    .join('\n')
  const quoted = /err="(.*)"/.exec(text)
  if (quoted) return oneLine(quoted[1])
  const block = /err=<\n([\s\S]*?)\n\s*>/.exec(text)
  if (block) return oneLine(block[1])
  const panic = /^panic: .*/m.exec(text)
  return oneLine(panic ? `kubectl crashed: ${panic[0]}` : text)
}

async function compare(c: Case, helm: string | undefined, cacheDir: string, keep: string | undefined): Promise<Result> {
  let [k, s] = await Promise.all([runKubectl(c, helm), runStrata(c, helm, cacheDir)])
  // A repository tree that reads files outside its directory is built by its project with
  // --load-restrictor=LoadRestrictionsNone (cluster-api's templates, argo-rollouts' examples):
  // when kubectl refuses it only for that, both are measured again that way.
  let relaxed = false
  if (c.retryUnrestricted && !c.loadRestrictionsNone && k.code !== 0 && !s.ok && /security; file '[^']*' is not in or below/.test(k.stderr)) {
    relaxed = true
    c = {...c, loadRestrictionsNone: true}
    ;[k, s] = await Promise.all([runKubectl(c, helm), runStrata(c, helm, cacheDir)])
  }
  let outcome: Outcome
  let detail = ''
  if (k.code === 0 && s.ok) {
    outcome = s.yaml === k.stdout ? 'identical' : 'differs'
    if (outcome === 'differs') detail = firstDifference(k.stdout, s.yaml)
  } else if (!s.ok && s.crash) {
    outcome = 'strata crashes'
    detail = oneLine(s.message)
  } else if (k.code === 0 && !s.ok) {
    outcome = 'strata refuses'
    detail = oneLine(s.message)
  } else if (k.code !== 0 && !s.ok) {
    outcome = 'both refuse'
    detail = `kubectl: ${kubectlMessage(k.stderr)} | strata: ${oneLine(s.message, 120)}`
  } else {
    outcome = 'kubectl refuses, strata renders'
    detail = `kubectl: ${kubectlMessage(k.stderr)}`
  }
  if (keep && outcome !== 'identical' && outcome !== 'both refuse') {
    const dir = path.join(keep, 'cases', c.name.replace(/[^A-Za-z0-9._-]+/g, '_'))
    fs.mkdirSync(dir, {recursive: true})
    fs.writeFileSync(path.join(dir, 'kubectl.yaml'), k.stdout)
    fs.writeFileSync(path.join(dir, 'kubectl.stderr'), k.stderr)
    fs.writeFileSync(path.join(dir, 'strata.yaml'), s.ok ? s.yaml : '')
    fs.writeFileSync(path.join(dir, 'strata.stderr'), s.ok ? s.warnings.map((w) => `# Warning: ${w}\n`).join('') : s.message)
    fs.writeFileSync(path.join(dir, 'where.txt'), `${path.relative(c.root, c.dir) || '.'}\n`)
    if (c.copyInput) fs.cpSync(c.root, path.join(dir, 'input'), {recursive: true})
  }
  return {name: c.name, outcome, detail: relaxed ? `(with --load-restrictor=LoadRestrictionsNone) ${detail}`.trim() : detail, relaxed}
}

/** A work tree as it is, or a bare repository's HEAD unpacked into a temporary directory; with its commit when known. */
function checkout(dir: string, paths: string[], tmp: string): {dir: string; commit: string} {
  const isBare = fs.existsSync(path.join(dir, 'HEAD')) && fs.existsSync(path.join(dir, 'objects')) && !fs.existsSync(path.join(dir, '.git'))
  let commit = 'unknown'
  try {
    commit = execFileSync('git', ['-C', dir, 'rev-parse', 'HEAD'], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore']}).trim()
  } catch {
    // not a git checkout
  }
  if (!isBare) return {dir, commit}
  const out = fs.mkdtempSync(path.join(tmp, 'tree-'))
  unpackHead(dir, paths, out)
  return {dir: out, commit}
}

/**
 * Writes a bare repository's HEAD tree (or the given paths of it) into `out`. Blobs missing from the
 * repository (a partial mirror leaves out its largest files) are skipped rather than failing the run.
 */
function unpackHead(repo: string, paths: string[], out: string): void {
  const listing = execFileSync('git', ['-C', repo, 'ls-tree', '-r', '-z', 'HEAD', '--', ...paths], {maxBuffer: 2 ** 30}).toString('utf8')
  const entries = listing
    .split('\0')
    .filter(Boolean)
    .map((line) => {
      const [meta, file] = [line.slice(0, line.indexOf('\t')), line.slice(line.indexOf('\t') + 1)]
      const [mode, type, sha] = meta.split(' ')
      return {mode, type, sha, file}
    })
    .filter((e) => e.type === 'blob')
  const batch = execFileSync('git', ['-C', repo, 'cat-file', '--batch'], {input: entries.map((e) => e.sha).join('\n') + '\n', maxBuffer: 2 ** 32})
  let at = 0
  for (const e of entries) {
    const nl = batch.indexOf(10, at)
    const header = batch.subarray(at, nl).toString('utf8')
    at = nl + 1
    if (header.endsWith(' missing')) continue
    const size = Number(header.split(' ')[2])
    const content = batch.subarray(at, at + size)
    at += size + 1
    const full = path.join(out, e.file)
    fs.mkdirSync(path.dirname(full), {recursive: true})
    if (e.mode === '120000') fs.symlinkSync(content.toString('utf8'), full)
    else fs.writeFileSync(full, content)
  }
}

function writeTree(root: string, files: Map<string, string>): void {
  for (const [p, content] of files) {
    const full = path.join(root, p)
    if (p.endsWith('/')) {
      fs.mkdirSync(full, {recursive: true})
      continue
    }
    fs.mkdirSync(path.dirname(full), {recursive: true})
    fs.writeFileSync(full, content)
  }
}

function kustomizationDirs(root: string): string[] {
  const out: string[] = []
  const walk = (dir: string) => {
    let entries: fs.Dirent[]
    try {
      entries = fs.readdirSync(dir, {withFileTypes: true})
    } catch {
      return
    }
    if (entries.some((e) => e.isFile() && ['kustomization.yaml', 'kustomization.yml', 'Kustomization'].includes(e.name))) out.push(dir)
    for (const e of entries) if (e.isDirectory() && e.name !== '.git' && e.name !== 'node_modules') walk(path.join(dir, e.name))
  }
  walk(root)
  return out.sort()
}

function wantsHelm(dir: string): boolean {
  for (const f of ['kustomization.yaml', 'kustomization.yml', 'Kustomization']) {
    const p = path.join(dir, f)
    if (fs.existsSync(p) && /^helmCharts:|^helmChartInflationGenerator:/m.test(fs.readFileSync(p, 'utf8'))) return true
  }
  return false
}

function usage(): never {
  process.stderr.write('usage: scripts/conformance KUSTOMIZE_CHECKOUT [OUT]\n       scripts/conformance --trees DIR... [--out OUT]\n')
  process.exit(2)
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2)
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) usage()
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-conformance-'))
  const cacheDir = path.join(tmp, 'cache')
  const helm = helmCommand()
  const sources: string[] = []
  const cases: Case[] = []
  const skipped: GoSkip[] = []
  let out: string | undefined
  if (argv[0] === '--trees') {
    const dirs: string[] = []
    for (let i = 1; i < argv.length; i++) {
      if (argv[i] === '--out') out = argv[++i]
      else dirs.push(argv[i])
    }
    if (dirs.length === 0) usage()
    for (const d of dirs) {
      const {dir, commit} = checkout(path.resolve(d), [], tmp)
      const label = path.basename(path.resolve(d)) === 'repo' ? path.basename(path.dirname(path.resolve(d))) : path.basename(path.resolve(d))
      const found = kustomizationDirs(dir)
      sources.push(`${label} @ ${commit}: ${found.length} kustomizations`)
      for (const k of found) cases.push({name: `${label}/${path.relative(dir, k) || '.'}`, root: dir, dir: k, loadRestrictionsNone: false, enableHelm: wantsHelm(k), copyInput: false, retryUnrestricted: true})
    }
  } else {
    out = argv[1]
    const konfigDir = 'api/internal/konfig/builtinpluginconsts'
    const {dir, commit} = checkout(path.resolve(argv[0]), ['api/krusty', 'examples', konfigDir], tmp)
    const krusty = path.join(dir, 'api', 'krusty')
    if (!fs.existsSync(krusty)) {
      process.stderr.write(`${argv[0]}: no api/krusty directory (is it a kustomize checkout?)\n`)
      process.exit(2)
    }
    const files = fs.readdirSync(krusty).filter((f) => f.endsWith('_test.go')).sort()
    // Tests read fixtures of their own directory (./testdata/...); nothing outside it.
    const inKrusty = (p: string): string | undefined => {
      const full = path.resolve(krusty, p)
      return full.startsWith(krusty + path.sep) && fs.existsSync(full) ? full : undefined
    }
    const testdata: Testdata = {
      readFile: (p) => {
        const full = inKrusty(p)
        return full && fs.statSync(full).isFile() ? fs.readFileSync(full, 'utf8') : undefined
      },
      listFiles: (p) => {
        const full = inKrusty(p)
        if (!full || !fs.statSync(full).isDirectory()) return undefined
        return (fs.readdirSync(full, {recursive: true, withFileTypes: true}) as fs.Dirent[])
          .filter((e) => e.isFile())
          .map((e) => path.relative(full, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
          .sort()
      },
    }
    // The default field specs, for tests that write them out (th.WriteLegacyConfigs).
    const konfig = path.join(dir, konfigDir)
    const fieldSpecs = fs.existsSync(konfig) ? defaultFieldSpecs(fs.readdirSync(konfig).filter((f) => f.endsWith('.go')).sort().map((f) => fs.readFileSync(path.join(konfig, f), 'utf8'))) : undefined
    const extracted = extractGoCases(files.map((f) => ({file: f, source: fs.readFileSync(path.join(krusty, f), 'utf8')})), testdata, fieldSpecs)
    skipped.push(...extracted.skipped)
    sources.push(`kubernetes-sigs/kustomize @ ${commit}: api/krusty, ${files.length} test files, ${extracted.cases.length + extracted.skipped.length} tests`)
    // The examples' walkthroughs (examples/*.md), each `kustomize build` one case.
    const examples = path.join(dir, 'examples')
    const mdFiles = fs.existsSync(examples) ? fs.readdirSync(examples).filter((f) => f.endsWith('.md') && f !== 'README.md').sort() : []
    const fromMarkdown: GoCase[] = []
    for (const f of mdFiles) {
      const m = extractMarkdownCases(fs.readFileSync(path.join(examples, f), 'utf8'), `examples/${f}`)
      fromMarkdown.push(...m.cases)
      skipped.push(...m.skipped)
    }
    sources.push(`kubernetes-sigs/kustomize @ ${commit}: examples/*.md, ${mdFiles.length} walkthroughs, ${fromMarkdown.length + skipped.filter((x) => x.name.startsWith('examples/')).length} builds`)
    for (const g of [...extracted.cases, ...fromMarkdown]) {
      const root = path.join(tmp, 'cases', g.name.replace(/[^A-Za-z0-9._-]+/g, '_'))
      writeTree(root, g.files)
      cases.push({name: g.name, root, dir: path.join(root, g.buildDir), loadRestrictionsNone: g.loadRestrictionsNone, enableHelm: g.enableHelm, copyInput: true})
    }
  }
  if (out) fs.mkdirSync(out, {recursive: true})
  const results: Result[] = skipped.map((s) => ({name: s.name, outcome: s.category === 'plugins' ? 'skipped: plugins/functions' : 'skipped: not extractable', detail: s.reason}))
  let done = 0
  for (const c of cases) {
    results.push(await compare(c, helm, cacheDir, out))
    if (++done % 25 === 0) process.stderr.write(`${done}/${cases.length}\n`)
  }
  const kubectlVersion = (() => {
    try {
      return /Kustomize Version: (\S+)/.exec(execFileSync('kubectl', ['version', '--client'], {encoding: 'utf8'}))?.[1] ?? 'unknown'
    } catch {
      return 'unknown'
    }
  })()
  const lines: string[] = []
  lines.push(`strata conformance report: kubectl kustomize (kustomize ${kubectlVersion}) vs strata render`)
  for (const s of sources) lines.push(`  ${s}`)
  lines.push('')
  for (const o of outcomes) {
    const n = results.filter((r) => r.outcome === o).length
    if (n || !o.startsWith('skipped')) lines.push(`  ${o.padEnd(34)} ${String(n).padStart(5)}`)
  }
  lines.push(`  ${'total'.padEnd(34)} ${String(results.length).padStart(5)}`)
  const relaxed = results.filter((r) => r.relaxed).length
  if (relaxed) lines.push(`  (${relaxed} of them measured with --load-restrictor=LoadRestrictionsNone: they read files outside their directory)`)
  const summary = lines.join('\n') + '\n'
  const perCase = results
    .slice()
    .sort((a, b) => outcomes.indexOf(a.outcome) - outcomes.indexOf(b.outcome) || a.name.localeCompare(b.name))
    .map((r) => `${r.outcome.padEnd(34)} ${r.name}${r.detail ? `\n    ${r.detail}` : ''}`)
    .join('\n')
  process.stdout.write(summary)
  if (out) {
    fs.writeFileSync(path.join(out, 'report.txt'), `${summary}\n${perCase}\n`)
    process.stdout.write(`\nper-case report: ${path.join(out, 'report.txt')}\n`)
  } else process.stdout.write(`\n${perCase}\n`)
  fs.rmSync(tmp, {recursive: true, force: true})
}

await main()
