// The two sides of a comparison, read from the user's repository: the merge base of --base and
// the head (a commit with --head, else the work tree with its uncommitted changes), each indexed,
// plus the roots to consider and the graph remembered for this repository.
import * as fs from 'node:fs'
import * as path from 'node:path'
import {UserError} from '../model/errors.js'
import {parseWatchConfig} from '../watch/config.js'
import {graphCacheFile, readGraphCacheFile, writeGraphCacheFile} from '../source/graph-cache-file.js'
import {listCommitTree, listWorkTree, mergeBase, readBlobSync, readBlobs, resolveCommit, workTreeRoot, type TreeEntry} from '../source/git-tree.js'
import {TreeIndex} from '../source/tree-index.js'
import {TreeView} from '../source/tree-view.js'
import {GraphCache} from './cache.js'
import type {Revision, SideName} from './affected.js'
import {Observer, type Inputs} from './inputs.js'
import type {SideSpec} from './render-recorded.js'
import {topLevelKustomizations, unparsedKustomizations} from './roots.js'

export interface RevisionPair {
  /** The work tree's top directory (real path). */
  top: string
  base: Revision & {commit: string; ref: string}
  head: Revision
}

export interface RevisionRequest {
  /** Where the command runs (inside the work tree). */
  cwd: string
  base: string
  head?: string
}

export async function openRevisions(req: RevisionRequest): Promise<RevisionPair> {
  const top = await workTreeRoot(req.cwd)
  const baseCommit = await resolveCommit(top, req.base, '--base')
  const headCommit = req.head === undefined ? await resolveCommit(top, 'HEAD', '--head') : await resolveCommit(top, req.head, '--head')
  const mb = await mergeBase(top, baseCommit, headCommit)
  const [baseListing, headListing] = await Promise.all([listCommitTree(top, mb), req.head === undefined ? listWorkTree(top) : listCommitTree(top, headCommit)])
  const base = commitRevision(top, req.base, mb, baseListing)
  const head =
    req.head === undefined
      ? workTreeRevision(top, headListing)
      : commitRevision(top, req.head, headCommit, headListing)
  return {top, base: {...base, ref: req.base}, head}
}

function workTreeRevision(top: string, listing: Map<string, TreeEntry>): Revision {
  const index = new TreeIndex(listing)
  return {label: 'work tree', index, view: new TreeView(index, top, (rel) => fs.readlinkSync(path.join(top, rel)))}
}

function commitRevision(top: string, label: string, commit: string, listing: Map<string, TreeEntry>): Revision & {commit: string} {
  const index = new TreeIndex(listing)
  const links = new Map<string, string>()
  const view = new TreeView(index, top, (_rel, oid) => {
    let t = links.get(oid)
    // Symlinks are rare in kustomize trees; their targets are read when met.
    if (t === undefined) links.set(oid, (t = readBlobSync(top, oid).toString('utf8')))
    return t
  })
  return {label, commit, index, view}
}


/** A repository path from a path the user typed (relative to `cwd`); refuses one outside the repository. */
export function repoPathOf(top: string, cwd: string, given: string): string {
  const abs = path.resolve(cwd, given)
  const real = fs.existsSync(abs) ? fs.realpathSync(abs) : abs
  const rel = path.relative(top, real)
  if (rel.startsWith('..') || path.isAbsolute(rel)) throw new UserError(`'${given}' is outside the repository ${top}`, {file: given}, 'Name kustomization directories inside the work tree.')
  return rel.split(path.sep).join('/')
}

/** The roots to consider: those named, else strata.yaml's apps, else the top-level kustomizations of either side. */
export async function candidateRoots(pair: RevisionPair, cache: GraphCache, named: string[], cwd: string): Promise<{roots: string[]; explicit: boolean; from: 'arguments' | 'strata.yaml' | 'repository'}> {
  if (named.length) return {roots: [...new Set(named.map((n) => repoPathOf(pair.top, cwd, n)))], explicit: true, from: 'arguments'}
  const config = await readHeadFile(pair, 'strata.yaml')
  if (config !== undefined) {
    const apps = parseWatchConfig(config.toString('utf8'), 'strata.yaml').apps
    return {roots: [...new Set(apps.map((a) => (a.path === '.' ? '' : a.path)))].sort(), explicit: false, from: 'strata.yaml'}
  }
  const roots = new Set<string>()
  for (const side of [pair.base, pair.head]) {
    const needed = unparsedKustomizations(side.index, cache)
    const texts = await readSideBlobs(pair, side, needed)
    for (const r of topLevelKustomizations(side.index, cache, texts)) roots.add(r)
  }
  return {roots: [...roots].sort(), explicit: false, from: 'repository'}
}

async function readHeadFile(pair: RevisionPair, rel: string): Promise<Buffer | undefined> {
  const e = pair.head.index.entry(rel)
  if (!e) return undefined
  return (await readSideBlobs(pair, pair.head, [e.oid])).get(e.oid)
}

/** Blobs of a side by id: from git for a commit; from the files for the work tree. */
async function readSideBlobs(pair: RevisionPair, side: Revision, oids: string[]): Promise<Map<string, Buffer>> {
  if (side.commit !== undefined || oids.length === 0) return readBlobs(pair.top, oids)
  const wanted = new Set(oids)
  const out = new Map<string, Buffer>()
  for (const [rel, e] of side.index.files) {
    if (!wanted.has(e.oid) || out.has(e.oid)) continue
    try {
      out.set(e.oid, fs.readFileSync(path.join(pair.top, rel)))
    } catch {
      // Gone since it was listed: treated as unparsed.
    }
  }
  return out
}

// Read ahead for a commit side: below this size each, up to this total, when the inputs are unknown.
const readAheadFileBytes = 1024 * 1024
const readAheadTotalBytes = 256 * 1024 * 1024

/**
 * How a side is read by render threads. A commit's blobs are read ahead in one git process: the
 * recorded inputs of the roots when every root has a record holding on that side, else every
 * small file (a later miss costs one git process per file).
 */
export async function sideSpec(pair: RevisionPair, side: SideName, roots: readonly string[], cache: GraphCache): Promise<SideSpec> {
  const rev = pair[side]
  if (rev.commit === undefined) return {kind: 'worktree', mount: pair.top}
  const index = rev.index
  const oids = new Set<string>()
  let known = true
  for (const root of roots) {
    const inputs = holdingRecord(cache.records(root), rev)
    if (!inputs) {
      known = false
      break
    }
    for (const [k, v] of Object.entries(inputs)) if (k[0] === 'c' && v !== '-') oids.add(v)
  }
  if (!known) {
    oids.clear()
    let total = 0
    for (const e of index.files.values()) {
      if ((e.size ?? 0) > readAheadFileBytes || total + (e.size ?? 0) > readAheadTotalBytes) continue
      total += e.size ?? 0
      oids.add(e.oid)
    }
  }
  const blobs = await readBlobs(pair.top, oids)
  return {kind: 'commit', mount: pair.top, repo: pair.top, listing: [...index.files], blobs: [...blobs]}
}

function holdingRecord(records: readonly Inputs[], rev: Revision): Inputs | undefined {
  const observer = new Observer(rev.view)
  return records.find((r) => observer.differences(r, true).length === 0)
}

/** The graph remembered for this work tree and render settings. */
export function loadGraphCache(cacheDir: string, top: string, settings: string): {cache: GraphCache; save(): void} {
  const file = graphCacheFile(cacheDir, top, settings)
  const cache = new GraphCache(readGraphCacheFile(file))
  return {cache, save: () => cache.dirty && writeGraphCacheFile(file, cache.toJSON())}
}
