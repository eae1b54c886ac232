import {UserError} from '../model/errors.js'
import type {FileSystem} from './filesystem.js'

/**
 * Default cap on the bytes one render reads: far above real trees (the largest CRD bundles are
 * tens of MiB) and low enough that a hostile tree fails before it exhausts memory — parsing YAML
 * costs several times the file's size in heap.
 */
export const defaultMaxInputBytes = 256 * 1024 * 1024

export interface InputBudget {
  /** Most bytes the render may read, summed over distinct files. */
  maxBytes: number
  /** How a path is shown in the error (relative to the render root). */
  display?: (absPath: string) => string
}

/**
 * A FileSystem that fails with a UserError once the distinct files read add up to more than the
 * budget. A file read twice counts once: the cap bounds the input, not how often a shared base is
 * visited (memory and time for that are bounded by the tree's own structure).
 */
export function countingFileSystem(inner: FileSystem, budget: InputBudget): FileSystem {
  const seen = new Map<string, number>()
  let total = 0
  return {
    readFile: (p) => {
      const data = inner.readFile(p)
      if (!seen.has(p)) {
        seen.set(p, data.length)
        total += data.length
        if (total > budget.maxBytes) {
          throw new UserError(
            `the render read more than ${formatBytes(budget.maxBytes)} of input (${formatBytes(total)} with this file)`,
            {file: budget.display ? budget.display(p) : p},
            'Raise the limit with --max-input-bytes if the tree is meant to be this large; otherwise remove the oversized file.',
          )
        }
      }
      return data
    },
    exists: (p) => inner.exists(p),
    isDirectory: (p) => inner.isDirectory(p),
    readDir: (p) => inner.readDir(p),
    realPath: (p) => inner.realPath(p),
    ...(inner.entryKind ? {entryKind: inner.entryKind.bind(inner)} : {}),
  }
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MiB`
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MiB`
  return `${n} bytes`
}
