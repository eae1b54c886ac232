// Where the render server listens: a Unix socket in a directory only this user can enter, named
// for the exact build and Node version, so a client only ever talks to a server running the very
// code it would run itself (a rebuild or a Node upgrade starts a new server; the old one idles out).
import * as fs from 'node:fs'
import * as path from 'node:path'
import {buildIdIn} from '../code-cache.js'
import {protocolVersion} from './protocol.js'

/** The build id `npm run build` writes in the render bundle's first line (scripts/build.js). */
export function renderBuildId(bundle: string): string | undefined {
  let fd: number | undefined
  try {
    fd = fs.openSync(bundle, 'r')
    const head = Buffer.alloc(64)
    const n = fs.readSync(fd, head, 0, head.length, 0)
    return buildIdIn(head.subarray(0, n).toString('latin1'))
  } catch {
    return undefined
  } finally {
    if (fd !== undefined) fs.closeSync(fd)
  }
}

/**
 * The server's socket for this build, in $XDG_RUNTIME_DIR (a per-user directory, as systemd makes
 * it) or else the temporary directory; undefined where there is no such socket: Windows, or a path
 * longer than a Unix socket's name can be.
 */
export function renderServerSocket(buildId: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (process.platform === 'win32' || typeof process.getuid !== 'function') return undefined
  const base = env.XDG_RUNTIME_DIR && path.isAbsolute(env.XDG_RUNTIME_DIR) ? env.XDG_RUNTIME_DIR : temporaryDirectory(env)
  const socket = path.join(base, `strata-${process.getuid()}`, `render-${buildId}-${process.version}-${process.arch}-p${protocolVersion}.sock`)
  // sun_path holds 108 bytes on Linux, 104 on macOS, with its terminating zero.
  return Buffer.byteLength(socket) < 104 ? socket : undefined
}

/** os.tmpdir() as it reads `env` on POSIX systems (os.tmpdir() reads this process's own). */
function temporaryDirectory(env: NodeJS.ProcessEnv): string {
  const dir = env.TMPDIR || env.TMP || env.TEMP || '/tmp'
  return dir.length > 1 && dir.endsWith('/') ? dir.slice(0, -1) : dir
}

/**
 * Whether the socket's directory is this user's alone: a directory (not a symlink to one), owned
 * by this user, that nobody else can read, enter or write. Anyone who could put a socket there
 * could answer renders — and so decide what `strata render | kubectl apply -f -` applies — so a
 * client never connects, and a server never listens, anywhere else.
 */
export function isPrivateDirectory(dir: string): boolean {
  try {
    const st = fs.lstatSync(dir)
    return st.isDirectory() && st.uid === process.getuid!() && (st.mode & 0o077) === 0
  } catch {
    return false
  }
}

/** Makes the socket's directory (mode 0700) when missing; true when it is private afterwards. */
export function ensurePrivateDirectory(dir: string): boolean {
  try {
    fs.mkdirSync(dir, {recursive: true, mode: 0o700})
  } catch {
    return false
  }
  return isPrivateDirectory(dir)
}
