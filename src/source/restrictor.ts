import * as path from 'node:path'
import {UserError} from '../model/errors.js'
import type {FileSystem} from './filesystem.js'

export type LoadRestrictor = 'rootOnly' | 'none'

/**
 * kustomize's LoadRestrictionsRootOnly: a kustomization may read files only inside its own
 * directory tree (after resolving symlinks). Returns the real path to read.
 */
export function restrictPath(fsys: FileSystem, restrictor: LoadRestrictor, root: string, target: string, referencedFrom: string): string {
  let real: string
  try {
    real = fsys.realPath(target)
  } catch {
    return target // existence is reported by the caller with its own context
  }
  if (restrictor === 'none') return real
  const realRoot = safeRealPath(fsys, root)
  if (real !== realRoot && !real.startsWith(realRoot.endsWith(path.sep) ? realRoot : realRoot + path.sep)) {
    throw new UserError(
      `security; file '${path.relative(root, target)}' is not in or below the kustomization directory (resolved to ${real})`,
      {file: referencedFrom},
      'Move the file inside the kustomization directory, or render with --load-restrictor none if you trust the tree.',
    )
  }
  return real
}

/** The real path, or the path itself when it cannot be resolved (callers report missing paths). */
export function safeRealPath(fsys: FileSystem, p: string): string {
  try {
    return fsys.realPath(p)
  } catch {
    return p
  }
}
