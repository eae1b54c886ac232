// Path resolution inside an indexed revision, symlinks followed as the operating system would:
// shared by the git-tree FileSystem (which reads blobs) and the dependency graph (which compares
// paths and blob ids between revisions without reading files).
import * as path from 'node:path'
import {symlinkMode, type TreeIndex} from './tree-index.js'

const maxLinkHops = 40

/** Where a path leads: a repository path, or an absolute path once a link leaves the repository. */
export type Resolved = {rel: string} | {abs: string}

export class TreeView {
  /**
   * @param mount absolute directory the revision is shown at
   * @param linkTarget the text of a symlink (its blob, or readlink in the work tree)
   */
  constructor(
    readonly index: TreeIndex,
    readonly mount: string,
    private readonly linkTarget: (rel: string, oid: string) => string,
  ) {}

  /** The repository path of an absolute path, or undefined when it lies outside. */
  relative(abs: string): string | undefined {
    if (abs === this.mount) return ''
    return abs.startsWith(this.mount + path.sep) ? abs.slice(this.mount.length + 1).split(path.sep).join('/') : undefined
  }

  absolute(rel: string): string {
    return rel === '' ? this.mount : path.join(this.mount, ...rel.split('/'))
  }

  resolve(rel: string, hops = 0): Resolved {
    if (!this.index.hasLinks) return {rel}
    if (hops > maxLinkHops) throw Object.assign(new Error(`ELOOP: too many symbolic links, '${rel}'`), {code: 'ELOOP'})
    const parts = rel === '' ? [] : rel.split('/')
    let cur = ''
    for (let i = 0; i < parts.length; i++) {
      const next = cur === '' ? parts[i] : `${cur}/${parts[i]}`
      const e = this.index.entry(next)
      if (!e || e.mode !== symlinkMode) {
        cur = next
        continue
      }
      const target = this.linkTarget(next, e.oid)
      const rest = parts.slice(i + 1).join('/')
      if (path.posix.isAbsolute(target)) {
        const abs = path.join(target, rest)
        const back = this.relative(abs)
        return back === undefined ? {abs} : this.resolve(back, hops + 1)
      }
      const joined = path.posix.normalize(path.posix.join(path.posix.dirname(next), target, rest))
      if (joined === '..' || joined.startsWith('../')) return {abs: path.join(this.mount, joined)}
      return this.resolve(joined === '.' ? '' : joined, hops + 1)
    }
    return {rel: cur}
  }

  /** An absolute path resolved: inside the revision, or outside it (left to the disk). */
  at(abs: string): Resolved {
    const rel = this.relative(abs)
    return rel === undefined ? {abs} : this.resolve(rel)
  }
}
