// Where a local kustomize tree lives: its real absolute path and, when it sits in a git work tree,
// the repository's remote (origin, else the first remote) and the tree's path inside it — so an
// app applied from two clones of one repository (a laptop, a CI runner) is recognised as one
// source. Read from .git files directly, without starting git: it costs a few small reads.
import * as fs from 'node:fs'
import * as path from 'node:path'

export interface TreeOrigin {
  /** The directory's real absolute path. */
  root: string
  /** The remote's URL as configured (the caller redacts it before recording). */
  repo?: string
  /** The directory inside the work tree, POSIX separators, `.` for the top. */
  path?: string
}

export function treeOrigin(dir: string): TreeOrigin {
  const root = realpath(path.resolve(dir))
  for (let top = root; ; top = path.dirname(top)) {
    const dotGit = path.join(top, '.git')
    const gitDir = gitDirOf(dotGit)
    if (gitDir) {
      let repo = remoteUrl(gitDir)
      if (!repo) return {root}
      // A remote that is a relative path is relative to the work tree, as git reads it.
      if (repo.startsWith('./') || repo.startsWith('../')) repo = path.resolve(top, repo)
      const rel = path.relative(top, root).split(path.sep).join('/')
      return {root, repo, path: rel === '' ? '.' : rel}
    }
    if (path.dirname(top) === top) return {root}
  }
}

function realpath(p: string): string {
  try {
    return fs.realpathSync(p)
  } catch {
    return p
  }
}

/** The git directory `.git` names: itself, or where a `gitdir:` file (worktree, submodule) points. */
function gitDirOf(dotGit: string): string | undefined {
  let stat: fs.Stats
  try {
    stat = fs.statSync(dotGit)
  } catch {
    return undefined
  }
  if (stat.isDirectory()) return dotGit
  try {
    const m = /^gitdir:\s*(.+?)\s*$/m.exec(fs.readFileSync(dotGit, 'utf8'))
    return m ? path.resolve(path.dirname(dotGit), m[1]) : undefined
  } catch {
    return undefined
  }
}

/** `remote.origin.url` (else the first remote's) from the config shared by every worktree. */
function remoteUrl(gitDir: string): string | undefined {
  let common = gitDir
  try {
    common = path.resolve(gitDir, fs.readFileSync(path.join(gitDir, 'commondir'), 'utf8').trim())
  } catch {
    // not a linked worktree: the git dir holds the config
  }
  let text: string
  try {
    text = fs.readFileSync(path.join(common, 'config'), 'utf8')
  } catch {
    return undefined
  }
  const remotes = new Map<string, string>()
  let section: string | undefined
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    const head = /^\[\s*remote\s+"((?:[^"\\]|\\.)*)"\s*\]$/.exec(line)
    if (head) {
      section = head[1]
      continue
    }
    if (line.startsWith('[')) {
      section = undefined
      continue
    }
    const kv = /^url\s*=\s*(.*)$/i.exec(line)
    if (section !== undefined && kv && !remotes.has(section)) remotes.set(section, unquote(kv[1]))
  }
  return remotes.get('origin') ?? remotes.values().next().value
}

function unquote(v: string): string {
  const t = v.replace(/\s+[#;].*$/, '').trim()
  return t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1) : t
}
