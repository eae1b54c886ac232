// The core of `strata affected` and `strata preview`: open the two revisions, decide which roots
// a change touches (from the remembered dependency graph, rendering only what it cannot answer),
// and for preview render those roots on both sides and compare them object by object.
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {ExitCode} from '../model/exit-codes.js'
import {findAffected, type AffectedRoot, type SideName} from '../graph/affected.js'
import {Observer} from '../graph/inputs.js'
import type {RecordedRender, SideSpec} from '../graph/render-recorded.js'
import {candidateRoots, loadGraphCache, openRevisions, sideSpec, staticFilter, type RevisionPair} from '../graph/revisions.js'
import {materializeTree} from '../source/git-tree.js'
import {renderAll, type PoolSetup, type PreviewResult, type PreviewTask, type TaskResult} from './render-pool.js'
import type {ObjectCounts, RootPreview} from './compare.js'

export type {RootPreview} from './compare.js'

export interface CompareRequest {
  cwd: string
  base: string
  head?: string
  /** Roots as the user typed them (relative to cwd); empty: strata.yaml's apps, else every top-level kustomization. */
  roots: string[]
  render: PoolSetup['render']
  /** The cache directory (remote bases under it; the dependency graph in graph/). */
  cacheDir: string
  threads?: number
}

export interface RevisionLabel {
  ref: string
  /** Absent for the work tree. */
  commit?: string
}

export interface AffectedReport {
  base: RevisionLabel
  head: RevisionLabel
  /** Where the candidate roots came from. */
  from: 'arguments' | 'strata.yaml' | 'repository'
  roots: AffectedRoot[]
  stats: {candidates: number; fromCache: number; fromIncludes: number; rendered: number}
}

interface AffectedRun {
  report: AffectedReport
  pair: RevisionPair
  rendered: Map<string, TaskResult>
  graph: ReturnType<typeof loadGraphCache>
}

function graphSettings(render: PoolSetup['render']): string {
  return JSON.stringify({restrictor: render.loadRestrictor ?? 'rootOnly', helm: render.helm ? 1 : 0})
}

async function affectedRun(req: CompareRequest): Promise<AffectedRun> {
  const pair = await openRevisions({cwd: req.cwd, base: req.base, head: req.head})
  const graph = loadGraphCache(req.cacheDir, pair.top, graphSettings(req.render))
  const candidates = await candidateRoots(pair, graph.cache, req.roots, req.cwd)
  const record = async (side: SideName, roots: string[]): Promise<RecordedRender[]> => {
    const setup = await poolSetup(pair, {[side]: roots}, graph.cache, req.render)
    try {
      return await renderAll(roots.map((root) => ({side, root})), setup.pool, {threads: req.threads})
    } finally {
      setup.dispose()
    }
  }
  const filter = await staticFilter(pair, graph.cache, req.render)
  const result = await findAffected(pair.base, pair.head, candidates.roots, graph.cache, record, candidates.explicit, filter)
  const report: AffectedReport = {
    base: {ref: req.base, commit: pair.base.commit},
    head: {ref: req.head ?? 'work tree', commit: pair.head.commit},
    from: candidates.from,
    roots: result.roots,
    stats: {candidates: candidates.roots.length, fromCache: result.fromCache, fromIncludes: result.fromIncludes, rendered: result.rendered.size},
  }
  return {report, pair, rendered: result.rendered, graph}
}

export async function runAffected(req: CompareRequest): Promise<AffectedReport> {
  const run = await affectedRun(req)
  run.graph.save()
  return run.report
}

/** How the render threads read each side; helm reads charts itself, so a commit is then written out. */
async function poolSetup(pair: RevisionPair, rootsBySide: Partial<Record<SideName, string[]>>, cache: Parameters<typeof sideSpec>[3], render: PoolSetup['render']): Promise<{pool: PoolSetup; dispose(): void}> {
  const sides: Partial<Record<SideName, SideSpec>> = {}
  const temps: string[] = []
  for (const side of ['base', 'head'] as const) {
    const roots = rootsBySide[side]
    if (!roots?.length) continue
    const rev = pair[side]
    if (render.helm && rev.commit !== undefined) {
      const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'strata-preview-')))
      temps.push(dir)
      await materializeTree(pair.top, rev.index.files, dir)
      sides[side] = {kind: 'dir', mount: dir}
    } else {
      sides[side] = await sideSpec(pair, side, roots, cache)
    }
  }
  return {pool: {sides, render}, dispose: () => temps.forEach((d) => fs.rmSync(d, {recursive: true, force: true}))}
}

export interface PreviewReport {
  base: RevisionLabel
  head: RevisionLabel
  roots: RootPreview[]
  summary: ObjectCounts & {roots: number; changedRoots: number; errors: number}
}

export async function runPreview(req: CompareRequest & {showSecrets: boolean}): Promise<PreviewReport> {
  const run = await affectedRun(req)
  const {pair, report, graph} = run
  const bySide: Record<SideName, string[]> = {base: [], head: []}
  const tasks: PreviewTask[] = report.roots.map((a) => {
    const root = a.path === '.' ? '' : a.path
    const head = run.rendered.get(`head\0${root}`)
    if (a.status !== 'added') bySide.base.push(root)
    if (a.status !== 'deleted' && !head) bySide.head.push(root)
    return {preview: a, showSecrets: req.showSecrets, head}
  })
  const setup = await poolSetup(pair, bySide, graph.cache, req.render)
  let results: PreviewResult[]
  try {
    results = await renderAll(tasks, setup.pool, {threads: req.threads, minTasksForWorkers: 12})
  } finally {
    setup.dispose()
  }
  const observers = {base: new Observer(pair.base.view), head: new Observer(pair.head.view)}
  for (const r of results) {
    const root = r.preview.root === '.' ? '' : r.preview.root
    for (const side of ['base', 'head'] as const) {
      const keys = r.keys[side]
      if (keys) graph.cache.remember(root, observers[side].inputsOf(keys))
    }
  }
  graph.save()
  const roots = results.map((r) => r.preview)
  const summary = {roots: roots.length, changedRoots: 0, errors: 0, add: 0, change: 0, delete: 0}
  for (const r of roots) {
    if (r.status === 'error') summary.errors++
    else if (r.status !== 'unchanged') summary.changedRoots++
    summary.add += r.counts.add
    summary.change += r.counts.change
    summary.delete += r.counts.delete
  }
  return {base: report.base, head: report.head, roots, summary}
}

/** As `strata diff`: 0 no change, 1 changes, 2 a root failed to render on the head side. */
export function previewExitCode(report: PreviewReport): ExitCode {
  const s = report.summary
  return s.errors > 0 ? ExitCode.error : s.changedRoots > 0 ? ExitCode.diff : ExitCode.ok
}
