// Reads of the user's own repository for `strata affected` and `strata preview`: revisions,
// merge bases, tree listings and blobs, all through git plumbing (rev-parse, merge-base, ls-tree,
// ls-files, cat-file --batch). Nothing here checks anything out, writes the index or touches the
// work tree: another revision is read from git's object store only.
import {execFileSync, spawn} from 'node:child_process'
import {createHash} from 'node:crypto'
import * as fs from 'node:fs'
import * as path from 'node:path'
import {UserError} from '../model/errors.js'

/** One file of a tree: git's mode (100644, 100755, 120000 for a symlink) and blob id. */
export interface TreeEntry {
  mode: string
  oid: string
}

/** Repository-relative POSIX path → entry, for every file (submodules left out). */
export type TreeListing = Map<string, TreeEntry>

// `status` and `ls-files` may refresh the index as a side effect; this keeps them read-only.
const readOnlyEnv = (): NodeJS.ProcessEnv => ({...process.env, GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0'})

/** git's stdout as bytes; a failure is a GitReadError with git's own words. */
export function gitOutput(repo: string, args: string[], input?: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['-C', repo, ...args], {env: readOnlyEnv(), stdio: ['pipe', 'pipe', 'pipe']})
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout.on('data', (c: Buffer) => out.push(c))
    child.stderr.on('data', (c: Buffer) => err.push(c))
    child.on('error', (e) => reject(new GitReadError(`git could not be started: ${e.message}`)))
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out))
      else reject(new GitReadError(Buffer.concat(err).toString('utf8').trim() || `git ${args[0]} exited with ${code}`))
    })
    child.stdin.on('error', () => undefined)
    child.stdin.end(input)
  })
}

export class GitReadError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'GitReadError'
  }
}

/** The top directory of the work tree holding `dir`; a UserError outside a git work tree. */
export async function workTreeRoot(dir: string): Promise<string> {
  try {
    const top = (await gitOutput(dir, ['rev-parse', '--show-toplevel'])).toString('utf8').trim()
    return fs.realpathSync(top)
  } catch (e) {
    throw new UserError(`'${dir}' is not inside a git work tree (${e instanceof Error ? e.message.split('\n')[0] : e})`, {file: dir}, 'Run the command inside a clone of the repository, or pass its directory with --repo.')
  }
}

/** The commit a ref names (branch, tag, SHA, HEAD~2, origin/main); a UserError naming the flag otherwise. */
export async function resolveCommit(repo: string, ref: string, flag: string): Promise<string> {
  if (ref.startsWith('-')) throw new UserError(`${flag} '${ref}' is not a git revision`, {field: flag}, 'Name a branch, a tag or a commit.')
  try {
    return (await gitOutput(repo, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`])).toString('utf8').trim()
  } catch {
    throw new UserError(`${flag} '${ref}' does not name a commit in ${repo}`, {field: flag}, `Fetch it first (git fetch origin ${ref.replace(/^origin\//, '')}), or name a branch, tag or commit that exists here; in CI, check out with enough history (fetch-depth: 0).`)
  }
}

/** The best common ancestor of two commits (what a pull request is compared against). */
export async function mergeBase(repo: string, a: string, b: string): Promise<string> {
  try {
    return (await gitOutput(repo, ['merge-base', a, b])).toString('utf8').trim().split('\n')[0]
  } catch {
    throw new UserError(`${a.slice(0, 12)} and ${b.slice(0, 12)} have no common ancestor`, {field: '--base'}, 'Fetch more history (in CI: fetch-depth: 0), or pass a --base that shares history with the head.')
  }
}

/** Every file of a commit's tree (without sizes: those cost a read of every object). */
export async function listCommitTree(repo: string, commit: string): Promise<TreeListing> {
  const out = await gitOutput(repo, ['ls-tree', '-r', '-z', '--full-tree', commit])
  const listing: TreeListing = new Map()
  for (const record of splitNul(out)) {
    // <mode> SP <type> SP <oid> TAB <path>
    const tab = record.indexOf('\t')
    const [mode, type, oid] = record.slice(0, tab).split(' ')
    if (type !== 'blob') continue
    listing.set(record.slice(tab + 1), {mode, oid})
  }
  return listing
}

/**
 * The work tree as git would see it if everything were committed now: the index, with files
 * changed or removed since and untracked (not ignored) files, hashed as git hashes blobs.
 */
export async function listWorkTree(repo: string): Promise<TreeListing> {
  const listing: TreeListing = new Map()
  for (const record of splitNul(await gitOutput(repo, ['ls-files', '-s', '-z']))) {
    // <mode> SP <oid> SP <stage> TAB <path>; a conflicted path appears once per stage.
    const tab = record.indexOf('\t')
    const [mode, oid] = record.slice(0, tab).split(' ')
    if (mode === '160000') continue
    listing.set(record.slice(tab + 1), {mode, oid})
  }
  const sha256 = [...listing.values()].some((e) => e.oid.length === 64)
  for (const record of splitNul(await gitOutput(repo, ['ls-files', '-z', '-t', '-m', '-d', '-o', '--exclude-standard']))) {
    const tag = record[0]
    const rel = record.slice(2)
    if (tag === 'R') {
      listing.delete(rel)
      continue
    }
    const entry = hashWorkTreeFile(path.join(repo, rel), sha256)
    if (entry) listing.set(rel, entry)
    else listing.delete(rel)
  }
  return listing
}

function hashWorkTreeFile(abs: string, sha256: boolean): TreeEntry | undefined {
  let st: fs.Stats
  try {
    st = fs.lstatSync(abs)
  } catch {
    return undefined
  }
  let data: Buffer
  let mode: string
  if (st.isSymbolicLink()) {
    data = Buffer.from(fs.readlinkSync(abs))
    mode = '120000'
  } else if (st.isFile()) {
    data = fs.readFileSync(abs)
    mode = st.mode & 0o111 ? '100755' : '100644'
  } else {
    return undefined
  }
  return {mode, oid: blobId(data, sha256)}
}

/** git's object id of a blob with these bytes. */
export function blobId(data: Buffer, sha256 = false): string {
  return createHash(sha256 ? 'sha256' : 'sha1').update(`blob ${data.length}\0`).update(data).digest('hex')
}

/** Blob contents by id, in one `git cat-file --batch`; ids git does not have are left out. */
export async function readBlobs(repo: string, oids: Iterable<string>): Promise<Map<string, Buffer>> {
  const wanted = [...new Set(oids)]
  const blobs = new Map<string, Buffer>()
  if (wanted.length === 0) return blobs
  const out = await gitOutput(repo, ['cat-file', '--batch'], Buffer.from(wanted.join('\n') + '\n'))
  let at = 0
  while (at < out.length) {
    const nl = out.indexOf(10, at)
    if (nl < 0) break
    const header = out.subarray(at, nl).toString('utf8').split(' ')
    at = nl + 1
    if (header[1] === 'missing' || header.length < 3) continue
    const size = Number(header[2])
    blobs.set(header[0], out.subarray(at, at + size))
    at += size + 1
  }
  return blobs
}

/** One blob read on the spot: the rare file a render wants that was not read ahead. */
export function readBlobSync(repo: string, oid: string): Buffer {
  return execFileSync('git', ['-C', repo, 'cat-file', 'blob', oid], {env: readOnlyEnv(), maxBuffer: 1024 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe']})
}

/** Writes the files of a listing under `dir` (for programs that read a tree themselves: helm). */
export async function materializeTree(repo: string, listing: TreeListing, dir: string): Promise<void> {
  const blobs = await readBlobs(repo, [...listing.values()].map((e) => e.oid))
  for (const [rel, e] of listing) {
    const abs = path.join(dir, rel)
    fs.mkdirSync(path.dirname(abs), {recursive: true})
    const data = blobs.get(e.oid) ?? readBlobSync(repo, e.oid)
    if (e.mode === '120000') fs.symlinkSync(data.toString('utf8'), abs)
    else fs.writeFileSync(abs, data, {mode: e.mode === '100755' ? 0o755 : 0o644})
  }
}

function splitNul(buf: Buffer): string[] {
  const text = buf.toString('utf8')
  const parts = text.split('\0')
  if (parts[parts.length - 1] === '') parts.pop()
  return parts
}
