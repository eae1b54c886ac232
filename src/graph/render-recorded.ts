// One render of one root on one side of a comparison, with the paths it observed. Runs on the
// main thread or in a render worker (src/preview/render-pool.ts): everything it takes and returns
// is plain data that crosses a thread boundary.
import * as path from 'node:path'
import type {JsonObject} from '../model/json.js'
import {UserError} from '../model/errors.js'
import {renderKustomization, type RenderOptions} from '../render/index.js'
import {diskFileSystem, type FileSystem} from '../source/filesystem.js'
import {gitTreeFileSystem} from '../source/git-tree-fs.js'
import {readBlobSync, type TreeEntry} from '../source/git-tree.js'
import type {RemoteResolver} from '../source/remote-resolver.js'
import {TreeIndex} from '../source/tree-index.js'
import {TreeView} from '../source/tree-view.js'
import {recordingFileSystem, type RecordedKeys} from './inputs.js'

/** Where a side's files are read from. */
export type SideSpec =
  /** The work tree on disk, uncommitted changes included. */
  | {kind: 'worktree'; mount: string}
  /** A commit, read from git objects (blobs read ahead where known) and shown at `mount`. */
  | {kind: 'commit'; mount: string; repo: string; listing: [string, TreeEntry][]; blobs: [string, Uint8Array][]}
  /** A commit written out to a temporary directory (for helm, which reads charts itself). */
  | {kind: 'dir'; mount: string}

export interface RenderFailure {
  message: string
  file?: string
  field?: string
  hint?: string
  /** One paragraph as strata prints errors. */
  text: string
}

export interface RecordedRender {
  root: string
  objects?: JsonObject[]
  error?: RenderFailure
  warnings: string[]
  /** Paths observed (see inputs.ts); their values are taken by the caller from its index of the side. */
  keys: RecordedKeys
}

/** The FileSystem a side is read through (built once per side and thread). */
export function sideFileSystem(spec: SideSpec): FileSystem {
  if (spec.kind !== 'commit') return diskFileSystem
  const index = new TreeIndex(new Map(spec.listing))
  const blobs = new Map<string, Buffer>(spec.blobs.map(([oid, b]) => [oid, Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength)]))
  const blob = (oid: string): Buffer => {
    let b = blobs.get(oid)
    if (!b) blobs.set(oid, (b = readBlobSync(spec.repo, oid)))
    return b
  }
  const view = new TreeView(index, spec.mount, (_rel, oid) => blob(oid).toString('utf8'))
  return gitTreeFileSystem(view, blob)
}

export async function renderRecorded(spec: SideSpec, fsys: FileSystem, root: string, options: RenderOptions, remote?: RemoteResolver): Promise<RecordedRender> {
  const keys: RecordedKeys = {}
  const mount = spec.mount
  const relative = (abs: string): string | undefined => (abs === mount ? '' : abs.startsWith(mount + path.sep) ? abs.slice(mount.length + 1).split(path.sep).join('/') : undefined)
  const recording = recordingFileSystem(fsys, relative, keys)
  const dir = root === '' ? mount : path.join(mount, ...root.split('/'))
  const warnings: string[] = []
  try {
    const result = await renderKustomization(dir, {
      ...options,
      fs: recording,
      remote,
      displayBase: mount,
      onWarning: (m) => warnings.push(m),
      onReadTree: (d) => recording.readTree(d),
    })
    return {root, objects: result.resources.toArray().map((r) => r.obj), warnings, keys}
  } catch (e) {
    return {root, error: failureOf(e), warnings, keys}
  }
}

function failureOf(e: unknown): RenderFailure {
  if (e instanceof UserError) return {message: e.message, file: e.origin.file, field: e.origin.field, hint: e.hint, text: e.describe()}
  const message = e instanceof Error ? e.message : String(e)
  return {message, text: `internal error (please report it): ${e instanceof Error ? (e.stack ?? message) : message}`}
}
