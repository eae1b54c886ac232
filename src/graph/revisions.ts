// The two sides of a comparison, read from the user's repository: the merge base of --base and
// the head (a commit with --head, else the work tree with its uncommitted changes), each indexed,
// plus the roots to consider and the graph remembered for this repository.
import * as fs from 'node:fs'
import * as path from 'node:path'
import {UserError} from '../model/errors.js'
import {parseWatchConfig} from '../reconcile/app-config.js'
import {graphCacheFile, readGraphCacheFile, writeGraphCacheFile} from '../source/graph-cache-file.js'
import {listCommitTree, listWorkTree, mergeBase, readBlobSync, readBlobs, resolveCommit, workTreeRoot, type TreeEntry} from '../source/git-tree.js'
import {TreeIndex} from '../source/tree-index.js'
import {TreeView} from '../source/tree-view.js'
import {GraphCache} from './cache.js'
import type {Revision, SideName} from './affected.js'
import type {SideSpec} from './render-recorded.js'
import {isBlobValue} from './inputs.js'
import {closureDirs, includedEntries, kustomizationsDigest, topLevelKustomizations, underAny, unparsedKustomizations} from './roots.js'

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
  const [baseCommit, headCommit] = await Promise.all([resolveCommit(top, req.base, '--base'), resolveCommit(top, req.head ?? 'HEAD', '--head')])
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


/**
 * A cheap answer for roots nobody remembers: under the rootOnly load restrictor each kustomization
 * reads only inside its own directory, so a root can be affected only when a changed file lies in
 * a directory its kustomizations include (on either side). Undefined when that does not hold:
 * `--load-restrictor none`, helm (a chart home may lie anywhere), or symlinks in the tree.
 */
export async function staticFilter(pair: RevisionPair, cache: GraphCache, render: {loadRestrictor?: string; helm?: unknown}): Promise<((root: string) => boolean) | undefined> {
  if ((render.loadRestrictor ?? 'rootOnly') !== 'rootOnly' || render.helm) return undefined
  if (pair.base.index.hasLinks || pair.head.index.hasLinks) return undefined
  const changed: string[] = []
  for (const [p, e] of pair.base.index.files) {
    const o = pair.head.index.files.get(p)
    if (!o || o.oid !== e.oid || o.mode !== e.mode) changed.push(p)
  }
  for (const p of pair.head.index.files.keys()) if (!pair.base.index.files.has(p)) changed.push(p)
  for (const side of [pair.base, pair.head]) {
    const texts = await readSideBlobs(pair, side, unparsedKustomizations(side.index, cache))
    for (const [oid, text] of texts) if (cache.includes(oid) === undefined) cache.rememberIncludes(oid, includedEntries(text.toString('utf8'), oid))
  }
  return (root) => {
    const dirs = new Set([...closureDirs(pair.base.index, cache, root), ...closureDirs(pair.head.index, cache, root)])
    return changed.some((f) => underAny(f, dirs))
  }
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
    const digest = kustomizationsDigest(side.index)
    let top = cache.topLevel(digest)
    if (!top) {
      const texts = await readSideBlobs(pair, side, unparsedKustomizations(side.index, cache))
      cache.rememberTopLevel(digest, (top = topLevelKustomizations(side.index, cache, texts)))
    }
    for (const r of top) roots.add(r)
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

const notManifest = /\.(png|jpe?g|gif|svg|ico|webp|pdf|zip|tgz|gz|tar|jar|war|bin|exe|so|dylib|woff2?|ttf|mp4|mov)$/i

/**
 * How a side is read by render threads. A commit's blobs are read ahead in one git process: the
 * files every remembered render of the roots read (a render of the other side predicts this one
 * well), or every file when nothing is remembered for a root; a file that was not read ahead
 * costs one git process when the render asks for it.
 */
export async function sideSpec(pair: RevisionPair, side: SideName, roots: readonly string[], cache: GraphCache): Promise<SideSpec> {
  const rev = pair[side]
  if (rev.commit === undefined) return {kind: 'worktree', mount: pair.top}
  const index = rev.index
  const oids = new Set<string>()
  const paths = new Set<string>()
  let unknown = false
  for (const root of roots) {
    const records = cache.records(root)
    if (records.length === 0) unknown = true
    for (const inputs of records) for (const [k, v] of Object.entries(inputs)) if (isBlobValue(v) && !k.startsWith('//')) paths.add(k)
  }
  // Nothing remembered for some root: read every file a render could want (not pictures and archives).
  if (unknown) for (const p of index.files.keys()) if (!notManifest.test(p)) paths.add(p)
  for (const p of paths) {
    const r = rev.view.resolve(p)
    const e = 'rel' in r ? index.entry(r.rel) : undefined
    if (e) oids.add(e.oid)
  }
  const blobs = await readBlobs(pair.top, oids)
  return {kind: 'commit', mount: pair.top, repo: pair.top, listing: [...index.files], blobs: [...blobs]}
}

/** The graph remembered for this work tree and render settings. */
export function loadGraphCache(cacheDir: string, top: string, settings: string): {cache: GraphCache; save(): void} {
  const file = graphCacheFile(cacheDir, top, settings)
  const cache = new GraphCache(readGraphCacheFile(file))
  return {cache, save: () => cache.dirty && writeGraphCacheFile(file, cache.toJSON())}
}
