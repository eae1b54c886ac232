// A revision of the repository as an index of paths: which files and directories exist, each
// file's blob id, each directory's entries. Both sides of a comparison (a commit, or the work tree)
// are indexed the same way, so a render's recorded inputs can be checked against either without
// reading a file.
import {createHash} from 'node:crypto'
import {posix} from 'node:path'
import type {TreeEntry, TreeListing} from './git-tree.js'

export type PathKind = 'file' | 'dir' | 'link' | 'missing'

export const symlinkMode = '120000'

export class TreeIndex {
  /** Directory ('' for the top) → its entry names, sorted. */
  private readonly dirs = new Map<string, string[]>()
  /** Whether any file is a symlink: without one, every path resolves to itself. */
  readonly hasLinks: boolean

  constructor(readonly files: TreeListing) {
    let links = false
    for (const e of files.values()) if (e.mode === symlinkMode) links = true
    this.hasLinks = links
    const children = new Map<string, Set<string>>([['', new Set()]])
    for (const rel of files.keys()) {
      let child = rel
      for (let dir = parentOf(rel); ; dir = parentOf(dir)) {
        let set = children.get(dir)
        const known = set !== undefined
        if (!set) children.set(dir, (set = new Set()))
        set.add(posix.basename(child))
        if (known || dir === '') break
        child = dir
      }
    }
    for (const [d, names] of children) this.dirs.set(d, [...names].sort())
  }

  entry(rel: string): TreeEntry | undefined {
    return this.files.get(rel)
  }

  kind(rel: string): PathKind {
    const e = this.files.get(rel)
    if (e) return e.mode === symlinkMode ? 'link' : 'file'
    return this.dirs.has(rel) ? 'dir' : 'missing'
  }

  /** Entry names of a directory, sorted; undefined when it is not one. */
  children(rel: string): string[] | undefined {
    return this.dirs.get(rel)
  }

  /** One digest of every file under a directory (paths and blob ids): a chart helm reads whole. */
  subtreeDigest(rel: string): string {
    const prefix = rel === '' ? '' : `${rel}/`
    const h = createHash('sha256')
    for (const [p, e] of [...this.files].filter(([p]) => p.startsWith(prefix)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) h.update(`${p}\0${e.mode}\0${e.oid}\n`)
    return h.digest('hex')
  }

  /** Directories holding a kustomization file, sorted. */
  kustomizationDirs(): string[] {
    const out = new Set<string>()
    for (const rel of this.files.keys()) {
      const base = posix.basename(rel)
      if (base === 'kustomization.yaml' || base === 'kustomization.yml' || base === 'Kustomization') out.add(parentOf(rel))
    }
    return [...out].sort()
  }
}

/** '' for a top-level name. */
export function parentOf(rel: string): string {
  const i = rel.lastIndexOf('/')
  return i < 0 ? '' : rel.slice(0, i)
}
