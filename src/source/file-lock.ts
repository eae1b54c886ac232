import * as fs from 'node:fs'
import {UserError} from '../model/errors.js'

export interface FileLockOptions {
  /** How long to wait for another holder before giving up. */
  waitMs: number
  /** A lock older than this is taken over even when its process still seems alive (pid reuse). */
  staleMs?: number
}

/**
 * Runs `fn` while holding an exclusive lock file (created with O_EXCL, holding the owner's pid),
 * so several strata processes can share one cache. A lock whose process is gone, or that is older
 * than `staleMs`, was left by a killed process and is taken over.
 */
export async function withFileLock<T>(lockPath: string, options: FileLockOptions, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + options.waitMs
  const staleMs = options.staleMs ?? 10 * 60_000
  for (;;) {
    try {
      const fd = fs.openSync(lockPath, 'wx')
      fs.writeSync(fd, `${process.pid}\n`)
      fs.closeSync(fd)
      break
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
    }
    if (lockIsStale(lockPath, staleMs)) {
      fs.rmSync(lockPath, {force: true})
      continue
    }
    if (Date.now() > deadline) {
      throw new UserError(`the cache lock ${lockPath} is held by another strata process`, {}, 'Wait for the other render to finish, or delete the lock file if no strata process is running.')
    }
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  try {
    return await fn()
  } finally {
    fs.rmSync(lockPath, {force: true})
  }
}

function lockIsStale(lockPath: string, staleMs: number): boolean {
  let text: string
  let mtimeMs: number
  try {
    text = fs.readFileSync(lockPath, 'utf8')
    mtimeMs = fs.statSync(lockPath).mtimeMs
  } catch {
    return false // released meanwhile: the next attempt takes it
  }
  if (Date.now() - mtimeMs > staleMs) return true
  const pid = Number.parseInt(text, 10)
  // An empty file is a holder between create and write; give it time.
  if (!Number.isInteger(pid) || pid <= 0) return Date.now() - mtimeMs > 5_000
  try {
    process.kill(pid, 0)
    return false
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH'
  }
}
