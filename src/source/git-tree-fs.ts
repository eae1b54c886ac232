// A read-only FileSystem over one revision of the repository, served from git's object store:
// render reads another commit without a checkout and without touching the work tree. Paths
// outside the repository (the remote-base cache) are read from disk as usual.
import {diskFileSystem, type FileSystem} from './filesystem.js'
import type {TreeView} from './tree-view.js'

/**
 * @param view the revision and where it is shown (the work tree's top, so paths read the same on both sides)
 * @param blob a blob's bytes: read ahead (cat-file --batch), else fetched on the spot
 */
export function gitTreeFileSystem(view: TreeView, blob: (oid: string) => Buffer, outside: FileSystem = diskFileSystem): FileSystem {
  const index = view.index
  const missing = (p: string) => Object.assign(new Error(`ENOENT: no such file or directory, open '${p}'`), {code: 'ENOENT'})
  return {
    readFile(p) {
      const r = view.at(p)
      if ('abs' in r) return outside.readFile(r.abs)
      const e = index.entry(r.rel)
      if (!e) throw missing(p)
      return blob(e.oid)
    },
    exists(p) {
      const r = view.at(p)
      return 'abs' in r ? outside.exists(r.abs) : index.kind(r.rel) !== 'missing'
    },
    isDirectory(p) {
      const r = view.at(p)
      return 'abs' in r ? outside.isDirectory(r.abs) : index.kind(r.rel) === 'dir'
    },
    readDir(p) {
      const r = view.at(p)
      if ('abs' in r) return outside.readDir(r.abs)
      const names = index.children(r.rel)
      if (!names) throw missing(p)
      return names
    },
    realPath(p) {
      const r = view.at(p)
      if ('abs' in r) return outside.realPath(r.abs)
      if (index.kind(r.rel) === 'missing') throw missing(p)
      return view.absolute(r.rel)
    },
  }
}
