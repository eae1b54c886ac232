// The core of `strata lint`: the static checks of the kustomization files, then one observed
// render whose steps are judged (see step-checks.ts). With a base revision, only findings the
// change introduced are kept: a root whose inputs did not change (by the dependency graph of
// `strata affected`) has none, else the base side is linted too and its findings taken away.
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {UserError} from '../model/errors.js'
import {renderKustomization, type RenderOptions} from '../render/index.js'
import {ProvenanceRecorder} from '../render/provenance/recorder.js'
import {diskFileSystem, type FileSystem} from '../source/filesystem.js'
import {materializeTree} from '../source/git-tree.js'
import {loadGraphCache, openRevisions, repoPathOf, sideSpec} from '../graph/revisions.js'
import {sideFileSystem} from '../graph/render-recorded.js'
import {runAffected} from '../preview/run.js'
import {duplicateIncludes} from './includes.js'
import {checkPatchSteps, inspectStep} from './step-checks.js'
import type {LintFinding, LintReport} from './finding.js'

export interface LintRequest {
  dir: string
  /** Where paths are shown from (the working directory). */
  cwd: string
  render: RenderOptions
  /** Report only findings that are not already there at the merge base of this ref and HEAD. */
  base?: string
  /** The cache directory (remote bases, and the dependency graph for --base). */
  cacheDir: string
}

interface SideLint {
  findings: LintFinding[]
  renderError?: UserError
}

async function lintTree(dir: string, displayBase: string, fsys: FileSystem, render: RenderOptions): Promise<SideLint> {
  const display = (p: string) => path.relative(displayBase, p) || '.'
  const duplicates = duplicateIncludes(fsys, path.resolve(dir), display)
  const findings = duplicates.local
  const inspected: LintFinding[] = []
  const recorder = new ProvenanceRecorder((info, set) => inspectStep(info, set, inspected))
  try {
    await renderKustomization(dir, {...render, fs: fsys, displayBase, observer: recorder})
  } catch (e) {
    if (!(e instanceof UserError)) throw e
    return {findings: [...findings, ...duplicates.across], renderError: e}
  }
  checkPatchSteps(recorder.steps, findings)
  findings.push(...inspected)
  return {findings}
}

function byPlace(a: LintFinding, b: LintFinding): number {
  return a.file.localeCompare(b.file) || a.field.localeCompare(b.field, undefined, {numeric: true}) || a.rule.localeCompare(b.rule)
}

export async function runLint(req: LintRequest): Promise<LintReport> {
  const dir = path.resolve(req.cwd, req.dir)
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new UserError(`'${req.dir}' is not a directory`, {file: req.dir}, 'Pass the directory that holds kustomization.yaml.')
  }
  // Real paths on both sides, so the base side (read under the repository's real top) shows the same names.
  const head = await lintTree(fs.realpathSync(dir), fs.realpathSync(req.cwd), req.render.fs ?? diskFileSystem, req.render)
  // A render error that a finding explains (an object listed twice) is reported with it; any other stops lint.
  if (head.renderError && head.findings.length === 0) throw head.renderError
  const report: LintReport = {dir: req.dir, findings: head.findings.sort(byPlace), renderError: head.renderError?.describe()}
  if (req.base === undefined) return report
  const affected = await runAffected({cwd: req.cwd, base: req.base, roots: [req.dir], render: req.render, cacheDir: req.cacheDir})
  const status = affected.roots[0]?.status
  report.base = {ref: req.base, commit: affected.base.commit ?? '', changed: status !== undefined}
  if (status === undefined) {
    report.findings = []
    return report
  }
  if (status === 'added') return report
  const before = await lintBase(req)
  if (before.renderError) return report
  const known = new Set(before.findings.map((f) => f.key))
  report.findings = report.findings.filter((f) => !known.has(f.key))
  return report
}

/** The same lint at the merge base, read from git objects (or a written-out copy for helm), shown with the same paths. */
async function lintBase(req: LintRequest): Promise<SideLint> {
  const pair = await openRevisions({cwd: req.cwd, base: req.base!})
  const root = repoPathOf(pair.top, req.cwd, req.dir)
  const cwdInRepo = path.relative(pair.top, fs.realpathSync(req.cwd))
  if (req.render.helm) {
    const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'strata-lint-')))
    try {
      await materializeTree(pair.top, pair.base.index.files, tmp)
      return await lintTree(path.join(tmp, root), path.join(tmp, cwdInRepo), diskFileSystem, req.render)
    } finally {
      fs.rmSync(tmp, {recursive: true, force: true})
    }
  }
  const graph = loadGraphCache(req.cacheDir, pair.top, JSON.stringify({restrictor: req.render.loadRestrictor ?? 'rootOnly', helm: 0}))
  const spec = await sideSpec(pair, 'base', [root], graph.cache)
  return lintTree(path.join(pair.top, root), path.join(pair.top, cwdInRepo), sideFileSystem(spec), req.render)
}
