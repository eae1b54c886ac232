// The disk, for a process that serves others (the render server): it never waits on a file that
// is not a regular one. A FIFO's open blocks until someone writes it, and a device may never end:
// in a user's own render that stops only that render, as with kubectl; in a server it would stop
// every render queued behind it, and its warm-up renders would meet the file with no user there.
import * as fs from 'node:fs'
import {diskFileSystem, type FileSystem} from './filesystem.js'

/**
 * diskFileSystem whose readFile throws what `special` makes of a path that is neither a regular
 * file nor a directory (a directory fails as readFileSync fails on it). Opened without blocking,
 * then checked, with the same system calls as readFileSync.
 */
export function regularFilesOnly(special: (absPath: string) => Error): FileSystem {
  return {
    ...diskFileSystem,
    readFile: (p) => {
      const fd = fs.openSync(p, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK)
      try {
        const st = fs.fstatSync(fd)
        if (st.isDirectory()) return fs.readFileSync(p)
        if (!st.isFile()) throw special(p)
        return readAll(fd, st.size)
      } finally {
        fs.closeSync(fd)
      }
    },
  }
}

/** The file's bytes, trusting fstat's size as readFileSync does; a size of 0 (procfs) reads to the end. */
function readAll(fd: number, size: number): Buffer {
  if (size === 0) {
    const chunks: Buffer[] = []
    for (;;) {
      const chunk = Buffer.allocUnsafe(64 * 1024)
      const n = fs.readSync(fd, chunk, 0, chunk.length, null)
      if (n === 0) return Buffer.concat(chunks)
      chunks.push(chunk.subarray(0, n))
    }
  }
  const buf = Buffer.allocUnsafe(size)
  let length = 0
  while (length < size) {
    const n = fs.readSync(fd, buf, length, size - length, null)
    if (n === 0) break
    length += n
  }
  return length < size ? buf.subarray(0, length) : buf
}
