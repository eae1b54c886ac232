// Which roots a change touches. A root is affected when an input of its render differs between
// the two revisions; the inputs come from a remembered render whose observations still hold on
// one side (no render at all), else from a new recording render. A root present on one side only
// is new or deleted.
import {UserError} from '../model/errors.js'
import type {TreeIndex} from '../source/tree-index.js'
import type {TreeView} from '../source/tree-view.js'
import type {GraphCache} from './cache.js'
import {Observer, pathsOf, type Inputs} from './inputs.js'
import type {RecordedRender} from './render-recorded.js'
import {kustomizationFileOf} from './roots.js'
import {parentOf} from '../source/tree-index.js'

export type SideName = 'base' | 'head'

export interface Revision {
  /** As the user named it (`origin/main`), or `work tree`. */
  label: string
  /** Absent for the work tree. */
  commit?: string
  index: TreeIndex
  view: TreeView
}

export const AffectedStatus = {changed: 'changed', added: 'added', deleted: 'deleted'} as const
export type AffectedStatus = (typeof AffectedStatus)[keyof typeof AffectedStatus]

export interface AffectedRoot {
  /** Relative to the repository's top ('.' for the top itself). */
  path: string
  status: AffectedStatus
  /** Repository paths among its inputs that differ (empty for new and deleted roots). */
  changedInputs: string[]
}

export interface AffectedResult {
  roots: AffectedRoot[]
  /** Renders done to learn inputs no remembered render covered (reusable by preview). */
  rendered: Map<string, RecordedRender & {side: SideName}>
  /** Roots answered from the remembered graph without a render. */
  fromCache: number
  /** Roots nobody remembers that no changed file can reach (by their kustomizations' includes). */
  fromIncludes: number
}

export type RecordRenders = (side: SideName, roots: string[]) => Promise<RecordedRender[]>

export function sameTree(a: TreeIndex, b: TreeIndex): boolean {
  if (a.files.size !== b.files.size) return false
  for (const [p, e] of a.files) {
    const o = b.files.get(p)
    if (!o || o.oid !== e.oid || o.mode !== e.mode) return false
  }
  return true
}

/**
 * Paths that differ between two revisions without symlinks (files changed, added or removed, and
 * every directory above them): an observation of any other path has the same value on both
 * sides. Undefined when either side has symlinks (a path's value may then depend on another).
 */
export function changedPathSet(a: TreeIndex, b: TreeIndex): Set<string> | undefined {
  if (a.hasLinks || b.hasLinks) return undefined
  const out = new Set<string>()
  const add = (p: string) => {
    out.add(p)
    for (let d = parentOf(p); !out.has(d); d = parentOf(d)) {
      out.add(d)
      if (d === '') break
    }
  }
  for (const [p, e] of a.files) {
    const o = b.files.get(p)
    if (!o || o.oid !== e.oid || o.mode !== e.mode) add(p)
  }
  for (const p of b.files.keys()) if (!a.files.has(p)) add(p)
  return out
}

export function displayRoot(root: string): string {
  return root === '' ? '.' : root
}

/**
 * @param roots candidate roots, repository-relative ('' for the top)
 * @param explicit the user named the roots: one that is on neither side is an error
 */
export async function findAffected(
  base: Revision,
  head: Revision,
  roots: readonly string[],
  cache: GraphCache,
  render: RecordRenders,
  explicit: boolean,
  /** When given, a root it rules out is unaffected without a render (see staticFilter in revisions.ts). */
  mayBeAffected?: (root: string) => boolean,
): Promise<AffectedResult> {
  const observers: Record<SideName, Observer> = {base: new Observer(base.view), head: new Observer(head.view)}
  const result: AffectedResult = {roots: [], rendered: new Map(), fromCache: 0, fromIncludes: 0}
  const identical = sameTree(base.index, head.index)
  const changed = changedPathSet(base.index, head.index)
  const unknown: string[] = []
  for (const root of roots) {
    const onBase = kustomizationFileOf(base.index, root) !== undefined
    const onHead = kustomizationFileOf(head.index, root) !== undefined
    if (!onBase && !onHead) {
      if (explicit) throw new UserError(`'${displayRoot(root)}' holds no kustomization on ${base.label} nor on ${head.label}`, {file: displayRoot(root)}, 'Name a directory with a kustomization.yaml, relative to the current directory.')
      continue
    }
    if (!onBase || !onHead) {
      result.roots.push({path: displayRoot(root), status: onHead ? 'added' : 'deleted', changedInputs: []})
      continue
    }
    if (identical) continue
    const verdict = fromRecords(cache.records(root), observers, changed)
    if (verdict === undefined) {
      if (mayBeAffected && !mayBeAffected(root)) result.fromIncludes++
      else unknown.push(root)
      continue
    }
    result.fromCache++
    if (verdict.length) result.roots.push({path: displayRoot(root), status: 'changed', changedInputs: verdict})
  }
  // Inputs nobody remembers: learn them from a render of the head (the work tree needs no git reads).
  if (unknown.length) {
    for (const r of await render('head', unknown)) {
      const inputs = observers.head.inputsOf(r.keys)
      cache.remember(r.root, inputs)
      result.rendered.set(`head\0${r.root}`, {...r, side: 'head'})
      const differ = observers.base.differences(inputs, false, changed)
      if (differ.length) result.roots.push({path: displayRoot(r.root), status: 'changed', changedInputs: pathsOf(differ)})
    }
  }
  result.roots.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
  return result
}

/**
 * From the first remembered record that holds on either side: [] when it holds on both (not
 * affected), the differing paths when it holds on one only; undefined when none holds.
 */
function fromRecords(records: readonly Inputs[], observers: Record<SideName, Observer>, changed: ReadonlySet<string> | undefined): string[] | undefined {
  for (const inputs of records) {
    // Holding on one side, the record can differ on the other only where the revisions differ.
    if (observers.base.differences(inputs, true).length === 0) return pathsOf(observers.head.differences(inputs, false, changed))
    if (observers.head.differences(inputs, true).length === 0) return pathsOf(observers.base.differences(inputs, false, changed))
  }
  return undefined
}
