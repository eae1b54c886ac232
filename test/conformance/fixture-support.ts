// Shared by the conformance tests: where the fixtures are, what each one expects, and a
// short diff for mismatches (a whole rendered stream in an assertion message is unreadable).
import {execFileSync} from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import {fileURLToPath} from 'node:url'

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
export const FIXTURES_DIR = path.join(REPO_ROOT, 'fixtures')

export interface Fixture {
  name: string
  /** The kustomization to render: always `fixtures/<name>/input` (see fixtures/README.md). */
  inputDir: string
  /** What `kubectl kustomize` printed on stdout; absent for error fixtures. */
  expectedYaml?: string
  /** What `kubectl kustomize` printed on stderr ('' when nothing), warnings as `# Warning: …` lines. */
  expectedStderr: string
  /** Error fixtures: substrings strata's UserError.describe() must all contain (one per line). */
  expectedError?: string[]
  /** `kubectl kustomize` flags the fixture needs (kustomize-flags.txt, one per line), e.g. --enable-helm. */
  flags: string[]
}

/**
 * The helm binary for --enable-helm fixtures: $STRATA_HELM, else the one scripts/helm builds
 * (built on first use — a few minutes once; .ci/run builds it up front).
 */
let helmPath: string | undefined
export function helmBinary(): string {
  if (helmPath) return helmPath
  if (process.env.STRATA_HELM) return (helmPath = process.env.STRATA_HELM)
  const out = execFileSync(path.join(REPO_ROOT, 'scripts', 'helm'), ['build'], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit']})
  return (helmPath = out.trimEnd().split('\n').pop()!)
}

/** kubectl kustomize's arguments for a fixture's flags: --enable-helm brings --helm-command. */
export function kubectlFlags(f: Fixture): string[] {
  return f.flags.includes('--enable-helm') ? [...f.flags, '--helm-command', helmBinary()] : f.flags
}

/** strata's render options for a fixture's flags (only the flags fixtures use are known). */
export function renderOptionsFor(f: Fixture): {helm?: {command: string}; loadRestrictor?: 'rootOnly' | 'none'} {
  const known = new Set(['--enable-helm', '--load-restrictor=LoadRestrictionsNone'])
  const unknown = f.flags.filter((x) => !known.has(x))
  if (unknown.length) throw new Error(`fixtures/${f.name}/kustomize-flags.txt: flags the harness does not know: ${unknown.join(' ')}`)
  return {
    ...(f.flags.includes('--enable-helm') ? {helm: {command: helmBinary()}} : {}),
    ...(f.flags.includes('--load-restrictor=LoadRestrictionsNone') ? {loadRestrictor: 'none' as const} : {}),
  }
}

const readIfPresent = (file: string): string | undefined => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined)

export function listFixtures(): Fixture[] {
  return fs
    .readdirSync(FIXTURES_DIR, {withFileTypes: true})
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort()
    .map((name) => {
      const dir = path.join(FIXTURES_DIR, name)
      const errorText = readIfPresent(path.join(dir, 'expected-error.txt'))
      return {
        name,
        inputDir: path.join(dir, 'input'),
        expectedYaml: readIfPresent(path.join(dir, 'expected.yaml')),
        expectedStderr: readIfPresent(path.join(dir, 'expected-stderr.txt')) ?? '',
        expectedError: errorText === undefined ? undefined : errorText.split('\n').map((l) => l.trim()).filter(Boolean),
        flags: (readIfPresent(path.join(dir, 'kustomize-flags.txt')) ?? '').split('\n').map((l) => l.trim()).filter(Boolean),
      }
    })
}

/** How kubectl prints a kustomize warning on stderr; strata reports them without the prefix. */
export const formatWarnings = (warnings: readonly string[]): string => warnings.map((w) => `# Warning: ${w}\n`).join('')

const CONTEXT = 3
const MAX_SHOWN = 8
const RESYNC_WINDOW = 40
const RESYNC_RUN = 2

/**
 * A unified-style hunk around the first difference only: enough to see what went wrong
 * without pasting hundreds of lines. Lines are JSON-quoted when whitespace is the difference.
 */
export function shortDiff(expected: string, actual: string, labels = {expected: 'expected.yaml (kubectl)', actual: 'strata'}): string {
  const exp = expected.split('\n')
  const act = actual.split('\n')
  let i = 0
  while (i < exp.length && i < act.length && exp[i] === act[i]) i++
  if (i === exp.length && i === act.length) return '(no difference)'

  // Find the nearest point where both sides agree again for a couple of lines.
  let removed = exp.length - i
  let added = act.length - i
  let best = Infinity
  for (let a = 0; a <= RESYNC_WINDOW && i + a <= exp.length; a++) {
    for (let b = 0; b <= RESYNC_WINDOW && i + b <= act.length; b++) {
      if (a + b >= best) break
      let k = 0
      while (k < RESYNC_RUN && i + a + k < exp.length && exp[i + a + k] === act[i + b + k]) k++
      if (k === RESYNC_RUN || (i + a + k === exp.length && i + b + k === act.length)) {
        best = a + b
        removed = a
        added = b
      }
    }
  }

  const whitespaceOnly = exp.slice(i, i + removed).join('\n').replace(/\s+/g, '') === act.slice(i, i + added).join('\n').replace(/\s+/g, '')
  const show = (l: string) => (whitespaceOnly ? JSON.stringify(l) : l)
  const out = [`--- ${labels.expected}, ${exp.length} lines`, `+++ ${labels.actual}, ${act.length} lines`, `@@ first difference at line ${i + 1} @@`]
  for (let c = Math.max(0, i - CONTEXT); c < i; c++) out.push(` ${exp[c]}`)
  const shownRemoved = Math.min(removed, MAX_SHOWN)
  const shownAdded = Math.min(added, MAX_SHOWN)
  for (let c = 0; c < shownRemoved; c++) out.push(`-${show(exp[i + c])}`)
  if (removed > shownRemoved) out.push(`-… ${removed - shownRemoved} more`)
  for (let c = 0; c < shownAdded; c++) out.push(`+${show(act[i + c])}`)
  if (added > shownAdded) out.push(`+… ${added - shownAdded} more`)
  return out.join('\n')
}
