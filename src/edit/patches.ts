// `edit add patch` and `edit remove patch`: a `patches` entry of a file (--path) or inline text
// (--patch) with an optional target selector. As kustomize edit: an identical entry is not added
// twice, a --path must exist, and removal drops every entry with that path or patch and target.
import * as path from 'node:path'
import type {Document} from 'yaml'
import {UserError} from '../model/errors.js'
import type {Selector} from '../render/select.js'
import type {FileSystem} from '../source/filesystem.js'
import {itemsOf, seqAt} from './document.js'

/** kustomize's patch target (types.Selector). */
export type PatchTarget = Selector

export interface PatchSpec {
  path?: string
  patch?: string
  target: PatchTarget
}

function validate(spec: PatchSpec): void {
  if ((spec.path === undefined) === (spec.patch === undefined)) {
    throw new UserError('give exactly one of --path and --patch', {field: spec.path === undefined ? '--path' : '--patch'}, 'Name a patch file with --path FILE or pass the patch text with --patch.')
  }
}

function entryOf(spec: PatchSpec): Record<string, unknown> {
  const entry: Record<string, unknown> = {}
  if (spec.path !== undefined) entry.path = spec.path
  if (spec.patch !== undefined) entry.patch = spec.patch
  const target = Object.fromEntries(Object.entries(spec.target).filter(([, v]) => v !== undefined && v !== ''))
  if (Object.keys(target).length > 0) entry.target = target
  return entry
}

function same(a: unknown, b: Record<string, unknown>): boolean {
  const x = a as Record<string, unknown>
  return x?.path === b.path && x?.patch === b.patch && JSON.stringify(sorted(x?.target)) === JSON.stringify(sorted(b.target))
}

function sorted(v: unknown): unknown {
  if (!v || typeof v !== 'object') return v ?? null
  return Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
}

export function addPatch(doc: Document, spec: PatchSpec, dir: string, fsys: FileSystem): string[] {
  validate(spec)
  if (spec.path !== undefined && !fsys.exists(path.resolve(dir, spec.path))) {
    throw new UserError(`patch file ${spec.path} does not exist in ${dir}`, {field: '--path'}, 'Create the patch file first (paths are relative to the kustomization).')
  }
  const entry = entryOf(spec)
  const seq = seqAt(doc, 'patches')
  if (itemsOf(seq).some((i) => same(i, entry))) return [`patch ${spec.path ?? 'given inline'} already in patches`]
  const node = doc.createNode(entry)
  seq.add(node)
  return [`patch ${spec.path ?? 'given inline'} added`]
}

export function removePatch(doc: Document, spec: PatchSpec): string[] {
  validate(spec)
  const entry = entryOf(spec)
  const node = doc.get('patches', true)
  let removed = 0
  if (node !== undefined) {
    const seq = seqAt(doc, 'patches')
    const items = itemsOf(seq)
    for (let i = items.length - 1; i >= 0; i--) {
      if (same(items[i], entry)) {
        seq.delete(i)
        removed++
      }
    }
    if (seq.items.length === 0) doc.delete('patches')
  }
  // kustomize edit says so and succeeds: the file already is as asked.
  if (removed === 0) return [`patch ${spec.path ?? 'given inline'} with that target is not in patches`]
  return [`patch ${spec.path ?? 'given inline'} removed`]
}
