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
}

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

/**
 * Remembers metadata lookups for the duration of one render: a tree's kustomizations ask about
 * the same directories and files many times (existence, directory or not, real path).
 */
export function memoizedFileSystem(inner: FileSystem): FileSystem {
  const exists = new Map<string, boolean>()
  const isDir = new Map<string, boolean>()
  const real = new Map<string, string>()
  return {
    readFile: (p) => inner.readFile(p),
    readDir: (p) => inner.readDir(p),
    exists: (p) => {
      let v = exists.get(p)
      if (v === undefined) exists.set(p, (v = inner.exists(p)))
      return v
    },
    isDirectory: (p) => {
      let v = isDir.get(p)
      if (v === undefined) isDir.set(p, (v = inner.isDirectory(p)))
      return v
    },
    realPath: (p) => {
      let v = real.get(p)
      if (v === undefined) real.set(p, (v = inner.realPath(p)))
      return v
    },
  }
}
