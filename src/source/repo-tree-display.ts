// A render of a synced repository reads a checked-out tree in the git cache; its messages should
// name the file as the user knows it, `repo@shortsha:path/in/repo`, not the cache path (which
// means nothing to whoever reads a CI log, and differs per machine).
import * as fs from 'node:fs'
import * as path from 'node:path'
import {UserError} from '../model/errors.js'

/** git's usual abbreviation: long enough to be unique in any repository a person reads. */
const shortShaLength = 7

export interface RepoTreeDisplay {
  /** For the render's `display` option: a path in the tree as `repo@sha:rel`, others relative to cwd. */
  display: (absPath: string) => string
  /** The same error with every cache path of the tree in it rewritten; anything else unchanged. */
  relabel: (err: unknown) => unknown
}

/**
 * @param repo the repository as the user named it (already redacted of credentials)
 * @param treeDir the checked-out tree of `commit` in the git cache
 */
export function repoTreeDisplay(repo: string, commit: string, treeDir: string, cwd: string = process.cwd()): RepoTreeDisplay {
  const label = `${repo}@${commit.slice(0, shortShaLength)}`
  // The loader resolves symbolic links for the load restrictor: the tree may show under both names.
  const roots = [...new Set([path.resolve(treeDir), realpath(treeDir)])]
  const inTree = (abs: string): string | undefined => {
    for (const root of roots) {
      if (abs === root) return '.'
      if (abs.startsWith(root + path.sep)) return abs.slice(root.length + 1).split(path.sep).join('/')
    }
    return undefined
  }
  const display = (absPath: string): string => {
    const rel = inTree(path.resolve(absPath))
    return rel === undefined ? path.relative(cwd, absPath) || '.' : `${label}:${rel}`
  }
  // Longest first, so a root that is a prefix of another never cuts a path in two.
  const pattern = new RegExp(
    roots
      .sort((a, b) => b.length - a.length)
      .map((r) => `${escapeRegExp(r)}(?:${escapeRegExp(path.sep)}[^\\s'"\`,;)]*)?`)
      .join('|'),
    'g',
  )
  const rewrite = (text: string): string => text.replace(pattern, (m) => display(m))
  const relabel = (err: unknown): unknown => {
    if (!(err instanceof UserError)) return err
    const texts = [err.message, err.hint ?? '', err.origin.file ?? '']
    if (!texts.some((t) => t.replace(pattern, '') !== t)) return err
    const file = err.origin.file === undefined ? undefined : path.isAbsolute(err.origin.file) ? display(err.origin.file) : rewrite(err.origin.file)
    return new UserError(rewrite(err.message), {...err.origin, file}, err.hint === undefined ? undefined : rewrite(err.hint))
  }
  return {display, relabel}
}

function realpath(p: string): string {
  try {
    return fs.realpathSync(p)
  } catch {
    return path.resolve(p)
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
