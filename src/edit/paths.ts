// `edit add resource|component PATH...` and `edit remove resource PATH...`. As kustomize edit: an
// added argument is a glob over the kustomization directory (each match added, an existing entry
// skipped with a note); one that matches nothing is refused unless it is a remote target (URL or
// git address), which is added as written. Removal matches each argument as a glob against the
// entries themselves.
import * as path from 'node:path'
import type {Document} from 'yaml'
import {UserError} from '../model/errors.js'
import type {FileSystem} from '../source/filesystem.js'
import {isRemoteFileUrl, tryParseGitUrl} from '../source/remote-url.js'
import {itemsOf, seqAt} from './document.js'
import {globToRegExp} from './glob.js'

export function addPaths(doc: Document, field: 'resources' | 'components', args: string[], dir: string, fsys: FileSystem): string[] {
  if (args.length === 0) throw new UserError(`no ${field === 'resources' ? 'resource' : 'component'} given`, {field: 'PATH'}, `Name one or more files or directories, e.g. strata edit add ${field === 'resources' ? 'resource' : 'component'} deployment.yaml.`)
  const seq = seqAt(doc, field)
  const present = new Set(itemsOf(seq).map(String))
  const out: string[] = []
  for (const arg of args) {
    const matches = isRemoteFileUrl(arg) || tryParseGitUrl(arg) !== undefined ? [arg] : expand(arg, dir, fsys)
    if (matches.length === 0) {
      throw new UserError(`${arg} has no match in ${dir}`, {field: 'PATH'}, 'Name a file or directory that exists (relative to the kustomization), or a remote URL.')
    }
    for (const m of matches) {
      if (present.has(m)) {
        out.push(`${m} already in ${field}`)
        continue
      }
      present.add(m)
      seq.add(doc.createNode(m))
      out.push(`${m} added to ${field}`)
    }
  }
  return out
}

/** A glob's matches relative to `dir`, like Go's filepath.Glob: `*`, `?`, `[…]` within one path segment. */
function expand(pattern: string, dir: string, fsys: FileSystem): string[] {
  if (!/[*?[]/.test(pattern)) return fsys.exists(path.resolve(dir, pattern)) ? [pattern] : []
  let found = ['']
  for (const segment of pattern.split('/')) {
    const next: string[] = []
    for (const base of found) {
      if (!/[*?[]/.test(segment)) {
        const p = base ? `${base}/${segment}` : segment
        if (fsys.exists(path.resolve(dir, p))) next.push(p)
        continue
      }
      const at = path.resolve(dir, base || '.')
      if (!fsys.exists(at) || !fsys.isDirectory(at)) continue
      const re = globToRegExp(segment)
      for (const name of fsys.readDir(at).sort()) if (re.test(name)) next.push(base ? `${base}/${name}` : name)
    }
    found = next
  }
  return found
}

export function removePaths(doc: Document, field: 'resources', args: string[]): string[] {
  if (args.length === 0) throw new UserError('no resource given', {field: 'PATH'}, 'Name the entries to remove, e.g. strata edit remove resource old.yaml.')
  const node = doc.get(field, true)
  if (node === undefined) return args.map((a) => `${a} not in ${field}`)
  const seq = seqAt(doc, field)
  const patterns = args.map((a) => ({arg: a, re: globToRegExp(a), hit: false}))
  for (let i = seq.items.length - 1; i >= 0; i--) {
    const entry = String(itemsOf(seq)[i])
    const hit = patterns.filter((p) => p.arg === entry || p.re.test(entry))
    if (hit.length === 0) continue
    for (const p of hit) p.hit = true
    seq.delete(i)
  }
  return patterns.map((p) => (p.hit ? `${p.arg} removed from ${field}` : `${p.arg} not in ${field}`))
}
