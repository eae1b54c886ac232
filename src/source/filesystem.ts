import * as fs from 'node:fs'
import * as path from 'node:path'

/**
 * The only way render reads files. Paths are absolute (POSIX). `disk` reads the real file
 * system; `memory` serves tests and generated trees without touching disk.
 */
export interface FileSystem {
  readFile(absPath: string): Buffer
  exists(absPath: string): boolean
  isDirectory(absPath: string): boolean
  /** Entry names of a directory, sorted. */
  readDir(absPath: string): string[]
  /** Resolves symlinks; the restrictor checks the result against the root. */
  realPath(absPath: string): string
  /**
   * What the path itself is, without following a final symlink (lstat), when the file system can
   * say so in one call: memoizedFileSystem then answers exists, isDirectory and realPath of a
   * tree's many paths from one lstat each instead of an access, a stat and a realpath (which
   * reads every component's link again).
   */
  entryKind?(absPath: string): EntryKind
}

export type EntryKind = 'file' | 'directory' | 'symlink' | 'missing'

export const diskFileSystem: FileSystem = {
  readFile: (p) => fs.readFileSync(p),
  exists: (p) => fs.existsSync(p),
  isDirectory: (p) => {
    try {
      return fs.statSync(p).isDirectory()
    } catch {
      return false
    }
  },
  readDir: (p) => fs.readdirSync(p).sort(),
  // The native realpath resolves a path in one call instead of an lstat per component.
  realPath: (p) => fs.realpathSync.native(p),
  entryKind: (p) => {
    let st: fs.Stats | undefined
    try {
      st = fs.lstatSync(p, {throwIfNoEntry: false})
    } catch {
      // ENOTDIR, EACCES, ELOOP…: existsSync says false to these too.
      return 'missing'
    }
    return st === undefined ? 'missing' : st.isSymbolicLink() ? 'symlink' : st.isDirectory() ? 'directory' : 'file'
  },
}

/** An in-memory tree: keys are absolute paths of files; directories are implied by the keys. */
export function memoryFileSystem(files: Record<string, string | Buffer>): FileSystem {
  const contents = new Map<string, Buffer>()
  const dirs = new Set<string>(['/'])
  for (const [p, c] of Object.entries(files)) {
    const abs = path.posix.resolve('/', p)
    contents.set(abs, Buffer.isBuffer(c) ? c : Buffer.from(c))
    for (let d = path.posix.dirname(abs); ; d = path.posix.dirname(d)) {
      dirs.add(d)
      if (d === '/') break
    }
  }
  const missing = (p: string) => Object.assign(new Error(`ENOENT: no such file or directory, open '${p}'`), {code: 'ENOENT'})
  return {
    readFile: (p) => {
      const c = contents.get(p)
      if (!c) throw missing(p)
      return c
    },
    exists: (p) => contents.has(p) || dirs.has(p),
    isDirectory: (p) => dirs.has(p),
    readDir: (p) => {
      const prefix = p.endsWith('/') ? p : `${p}/`
      const names = new Set<string>()
      for (const k of [...contents.keys(), ...dirs]) {
        if (k.startsWith(prefix) && k.length > prefix.length) names.add(k.slice(prefix.length).split('/')[0])
      }
      return [...names].sort()
    },
    realPath: (p) => {
      if (!contents.has(p) && !dirs.has(p)) throw missing(p)
      return p
    },
  }
}

/** An absolute POSIX path without `.`/`..` components, repeated or trailing slashes (what path.resolve returns). */
function isPlainAbsolute(p: string): boolean {
  if (p.charCodeAt(0) !== 0x2f || p.includes('//')) return false
  if (p.length > 1 && p.endsWith('/')) return false
  // Only a `/.` can start a `.` or `..` component; most paths have none.
  return !p.includes('/.') || path.posix.normalize(p) === p
}

/**
 * Remembers metadata lookups for the duration of one render: a tree's kustomizations ask about
 * the same directories and files many times (existence, directory or not, real path). Where the
 * inner file system has entryKind, a path that is no symlink is answered from one lstat: it
 * exists, is a directory or not, and its real path is its parent's real path joined with its name
 * (the parent's is remembered too, so a tree's files cost one lstat each, not a realpath that
 * reads each component again).
 */
export function memoizedFileSystem(inner: FileSystem): FileSystem {
  const exists = new Map<string, boolean>()
  const isDir = new Map<string, boolean>()
  const real = new Map<string, string>()
  const kinds = new Map<string, EntryKind>()
  const entryKind = inner.entryKind?.bind(inner)
  // A path lstat can speak for: absolute and normalized, so its parent is what the kernel would walk.
  const kindOf = (p: string): EntryKind | undefined => {
    if (!entryKind) return undefined
    let k = kinds.get(p)
    if (k === undefined) {
      if (!isPlainAbsolute(p)) return undefined
      kinds.set(p, (k = entryKind(p)))
    }
    return k
  }
  const realPath = (p: string): string => {
    let v = real.get(p)
    if (v !== undefined) return v
    const k = kindOf(p)
    const parent = path.dirname(p)
    if ((k === 'file' || k === 'directory') && parent !== p) v = path.join(realPath(parent), path.basename(p))
    else v = inner.realPath(p) // a symlink, the root, a missing path (which throws as before), or no lstat
    real.set(p, v)
    return v
  }
  return {
    readFile: (p) => inner.readFile(p),
    readDir: (p) => inner.readDir(p),
    exists: (p) => {
      let v = exists.get(p)
      if (v === undefined) {
        const k = kindOf(p)
        exists.set(p, (v = k === 'file' || k === 'directory' ? true : k === 'missing' ? false : inner.exists(p)))
      }
      return v
    },
    isDirectory: (p) => {
      let v = isDir.get(p)
      if (v === undefined) {
        const k = kindOf(p)
        isDir.set(p, (v = k === 'file' || k === 'missing' ? false : k === 'directory' ? true : inner.isDirectory(p)))
      }
      return v
    },
    realPath,
  }
}
