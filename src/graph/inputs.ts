// What a render read, recorded as observations of paths of the repository, and checked against
// any revision without rendering. A render is a function of what it observed: when every
// observation (a file's blob, a path's kind, a directory's entries, a chart's files) comes out the
// same on another revision, that revision renders the same; when one differs, the root's inputs
// changed. Probes of paths that do not exist are observations too, so adding a file a render
// would have picked up (kustomization.yml next to a missing kustomization.yaml) counts.
import {createHash} from 'node:crypto'
import type {FileSystem} from '../source/filesystem.js'
import type {TreeView} from '../source/tree-view.js'

/**
 * Recorded inputs of one root: key → value. A key is a repository path (its kind was asked —
 * exists, is-a-directory, real path — or its content read) or, for a directory read whole, `//l:`
 * (its entries) or `//t:` (every file under it, read by a program outside the render: a helm
 * chart) and the path. A path's value is its blob id (16 hex digits: 64 bits tell revisions
 * apart as surely as the whole id) when its content was read, else its kind: `f` file, `d`
 * directory, `-` missing; after a symlink, `>` and where it leads.
 */
export type Inputs = Record<string, string>

const listPrefix = '//l:'
const treePrefix = '//t:'

/** The repository path an input key is about. */
export function pathOfKey(key: string): string {
  return key.startsWith('//') ? key.slice(4) : key
}

const digest16 = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 16)
/** Whether a recorded value is a blob id (the file's content was read), not a kind. */
export const isBlobValue = (v: string): boolean => v.length === 16 && /^[0-9a-f]{16}$/.test(v)

/** The value an input has in a revision; `content` says whether a read of the file was recorded. */
function observe(view: TreeView, key: string, content: boolean): string {
  const rel = pathOfKey(key)
  let r
  try {
    r = view.resolve(rel)
  } catch {
    return 'loop'
  }
  // A link out of the repository: what lies there is not part of either revision.
  if ('abs' in r) return `>${r.abs}`
  const index = view.index
  if (key.startsWith(listPrefix)) return digest16(index.children(r.rel)?.join('/') ?? '-')
  if (key.startsWith(treePrefix)) return index.subtreeDigest(r.rel).slice(0, 16)
  const kind = index.kind(r.rel)
  const moved = r.rel === rel ? '' : `>${r.rel}`
  if (content && kind === 'file') return index.entry(r.rel)!.oid.slice(0, 16)
  return (kind === 'file' ? 'f' : kind === 'dir' ? 'd' : '-') + moved
}

/** Values of inputs in one revision, each computed once however many roots share it. */
export class Observer {
  private readonly memo = new Map<string, string>()
  constructor(readonly view: TreeView) {}

  private value(key: string, content: boolean): string {
    const memoKey = content ? `c${key}` : key
    let v = this.memo.get(memoKey)
    if (v === undefined) this.memo.set(memoKey, (v = observe(this.view, key, content)))
    return v
  }

  /**
   * Keys whose value here differs from the recorded one; empty when the inputs are the same.
   * `only`: the paths that can differ (the others are known to hold), to skip the rest.
   */
  differences(inputs: Inputs, stopAtFirst = false, only?: ReadonlySet<string>): string[] {
    const out: string[] = []
    for (const key in inputs) {
      if (only && !only.has(pathOfKey(key))) continue
      const recorded = inputs[key]
      if (this.value(key, isBlobValue(recorded)) === recorded) continue
      out.push(key)
      if (stopAtFirst) break
    }
    return out
  }

  /** The recorded keys (see recordingFileSystem) with their values in this revision. */
  inputsOf(recorded: RecordedKeys): Inputs {
    const out: Inputs = {}
    for (const k of Object.keys(recorded).sort()) out[k] = this.value(k, recorded[k] === 'c')
    return out
  }
}

/** Key → 'c' when the content was read, 'k' when only the kind was asked. */
export type RecordedKeys = Record<string, 'c' | 'k'>

/**
 * Wraps the FileSystem a render reads through and notes each path it asks about (inside the
 * repository; the remote-base cache and temporary files are not part of a revision).
 */
export function recordingFileSystem(inner: FileSystem, relative: (abs: string) => string | undefined, keys: RecordedKeys): FileSystem & {readTree(absDir: string): void} {
  const kind = (abs: string) => {
    const rel = relative(abs)
    if (rel !== undefined && keys[rel] === undefined) keys[rel] = 'k'
  }
  const whole = (prefix: string, abs: string) => {
    const rel = relative(abs)
    if (rel !== undefined) keys[prefix + rel] = 'k'
  }
  return {
    readFile: (p) => {
      const rel = relative(p)
      if (rel !== undefined) keys[rel] = 'c'
      return inner.readFile(p)
    },
    exists: (p) => (kind(p), inner.exists(p)),
    isDirectory: (p) => (kind(p), inner.isDirectory(p)),
    readDir: (p) => (whole(listPrefix, p), inner.readDir(p)),
    realPath: (p) => (kind(p), inner.realPath(p)),
    readTree: (p) => whole(treePrefix, p),
  }
}

/** The repository paths behind a set of differing keys, for messages ("apps/base/deployment.yaml"). */
export function pathsOf(keys: readonly string[]): string[] {
  return [...new Set(keys.map((k) => pathOfKey(k) || '.'))].sort()
}
