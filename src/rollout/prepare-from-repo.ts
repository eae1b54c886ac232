// sync, watch and rollback all plan the render of a path in a checked-out commit of a repository:
// one place that points the render at the tree, records the repository as the app's source and
// names files in messages as `repo@shortsha:path/in/repo` instead of the git cache's path.
import * as path from 'node:path'
import type {ClusterPort} from '../cluster/port.js'
import type {CheckedOutTree} from '../source/git-cache.js'
import {redactUrls} from '../source/git-safety.js'
import {repoTreeDisplay} from '../source/repo-tree-display.js'
import {repoSource} from './app-source.js'
import {prepareApply, type ApplyRequest, type PreparedApply} from './run-apply.js'

export interface RepoPath {
  /** The repository as the git cache fetches it (URL, or a local path made a file:// URL). */
  repo: string
  /** The kustomization's directory inside the repository. */
  path: string
  /** How messages name the repository (default: `repo`); credentials are redacted either way. */
  label?: string
}

export async function prepareFromRepo(cluster: ClusterPort, tree: CheckedOutTree, at: RepoPath, request: Omit<ApplyRequest, 'dir' | 'source'>): Promise<PreparedApply> {
  const names = repoTreeDisplay(redactUrls(at.label ?? at.repo), tree.commit, tree.dir)
  try {
    return await prepareApply(cluster, {
      ...request,
      dir: path.join(tree.dir, at.path),
      render: {...request.render, display: names.display},
      source: repoSource(at.repo, at.path),
    })
  } catch (e) {
    throw names.relabel(e)
  }
}
