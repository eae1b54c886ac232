// What a render read, recorded as observations of paths of the repository, and checked against
// any revision without rendering. A render is a function of what it observed: when every
// observation (a file's blob, a path's existence or kind, a directory's entries, a chart's files)
// comes out the same on another revision, that revision renders the same; when one differs, the
// root's inputs changed. Probes of paths that do not exist are observations too, so adding a file
// a render would have picked up (kustomization.yml next to a missing kustomization.yaml) counts.
import type {FileSystem} from '../source/filesystem.js'
import type {TreeView} from '../source/tree-view.js'

/**
 * Observation kinds: `c` a file's content (its blob id), `e` existence, `d` is-a-directory,
 * `l` a directory's entries, `r` the path symlinks lead to, `t` every file under a directory
 * (read by a program outside the render: a helm chart).
 */
export type ObservationKind = 'c' | 'e' | 'd' | 'l' | 'r' | 't'

/** `kind:path` → value, for one root; paths relative to the repository's top. */
export type Inputs = Record<string, string>

const missing = '-'

/** The value an observation has in a revision. */
export function observe(view: TreeView, key: string): string {
  const kind = key[0] as ObservationKind
  const rel = key.slice(2)
  let r
  try {
    r = view.resolve(rel)
  } catch {
    return 'loop'
  }
  // A link out of the repository: what lies there is not part of either revision.
  if ('abs' in r) return `out:${r.abs}`
  const index = view.index
  switch (kind) {
    case 'c':
      return index.entry(r.rel)?.oid ?? missing
    case 'e':
      return index.kind(r.rel) === 'missing' ? '0' : '1'
    case 'd':
      return index.kind(r.rel) === 'dir' ? '1' : '0'
    case 'l':
      return index.children(r.rel)?.join('/') ?? missing
    case 'r':
      return index.kind(r.rel) === 'missing' ? missing : r.rel
    case 't':
      return index.subtreeDigest(r.rel)
  }
}

/** Values of observations in one revision, each computed once however many roots share it. */
export class Observer {
  private readonly memo = new Map<string, string>()
  constructor(readonly view: TreeView) {}

  value(key: string): string {
    let v = this.memo.get(key)
    if (v === undefined) this.memo.set(key, (v = observe(this.view, key)))
    return v
  }

  /** Keys whose value here differs from the recorded one; empty when the inputs are the same. */
  differences(inputs: Inputs, stopAtFirst = false): string[] {
    const out: string[] = []
    for (const key in inputs) {
      if (this.value(key) === inputs[key]) continue
      out.push(key)
      if (stopAtFirst) break
    }
    return out
  }

  /** The recorded keys with their values in this revision. */
  inputsOf(keys: Iterable<string>): Inputs {
    const out: Inputs = {}
    for (const k of [...keys].sort()) out[k] = this.value(k)
    return out
  }
}

/**
 * Wraps the FileSystem a render reads through and notes each path it asks about (inside the
 * repository; the remote-base cache and temporary files are not part of a revision).
 */
export function recordingFileSystem(inner: FileSystem, relative: (abs: string) => string | undefined, keys: Set<string>): FileSystem & {readTree(absDir: string): void} {
  const note = (kind: ObservationKind, abs: string) => {
    const rel = relative(abs)
    if (rel !== undefined) keys.add(`${kind}:${rel}`)
  }
  return {
    readFile: (p) => (note('c', p), inner.readFile(p)),
    exists: (p) => (note('e', p), inner.exists(p)),
    isDirectory: (p) => (note('d', p), inner.isDirectory(p)),
    readDir: (p) => (note('l', p), inner.readDir(p)),
    realPath: (p) => (note('r', p), inner.realPath(p)),
    readTree: (p) => note('t', p),
  }
}

/** The repository paths behind a set of differing keys, for messages ("apps/base/deployment.yaml"). */
export function pathsOf(keys: readonly string[]): string[] {
  return [...new Set(keys.map((k) => k.slice(2) || '.'))].sort()
}
