// The render server: a long-lived process that runs `strata render` for clients of the same build,
// so a call pays Node's start-up and a socket round trip instead of compiling and warming up the
// render code each time (most of a large render's cost in a new process: README, speed). Every
// request is a whole new render — files are read again, nothing is cached between requests — one
// at a time, in the client's working directory. It exits after idling, or when another server has
// taken its socket.
import * as fs from 'node:fs'
import * as net from 'node:net'
import * as path from 'node:path'
import {ExitCode} from '../../model/exit-codes.js'
import {renderErrorText} from '../render-error.js'
import {runRender, type RenderCommandFlags} from '../run-render.js'
import {LocalOnlyResolver, NeedsCallersProcess} from './local-only.js'
import {defaultIdleSeconds, startMarker} from './client.js'
import {ensurePrivateDirectory} from './location.js'
import {decodeRequest, encodeReply, protocolVersion, type FallbackReply, type RenderReply, type RenderRequest} from './protocol.js'

/** A request line longer than this is no client of ours. */
const maxRequestBytes = 1 << 20

/** One request, rendered as the client would have rendered it itself. */
export async function renderForClient(request: RenderRequest): Promise<RenderReply | FallbackReply> {
  if (request.protocol !== protocolVersion) return {fallback: `protocol ${request.protocol}`}
  try {
    process.chdir(request.cwd)
  } catch {
    return {fallback: `no working directory ${request.cwd}`}
  }
  const stdout: string[] = []
  const stderr: string[] = []
  let exitCode: number = ExitCode.ok
  try {
    await runRender(request.dir, request.flags as unknown as RenderCommandFlags, {stdout: (t) => stdout.push(t), stderr: (t) => stderr.push(t)}, new LocalOnlyResolver())
  } catch (e) {
    if (e instanceof NeedsCallersProcess) return {fallback: e.message}
    stderr.push(renderErrorText(e))
    exitCode = ExitCode.error
  } finally {
    // Idle in the file system's root, holding no user's directory busy (an unmount, a removal).
    process.chdir(path.parse(request.cwd).root)
  }
  return {exitCode, stdout: Buffer.from(stdout.join('')), stderr: Buffer.from(stderr.join(''))}
}

/**
 * Listens on `socket` until idle for `idleSeconds`. The socket is bound under a private name and
 * renamed into place, so two servers started at once never share one path: the later rename
 * wins, and the other server sees the path is no longer its own and exits.
 */
export function serveRenders(socket: string, idleSeconds = defaultIdleSeconds): void {
  process.title = 'strata-render-server'
  if (!ensurePrivateDirectory(path.dirname(socket))) process.exit(ExitCode.error)
  let queue: Promise<unknown> = Promise.resolve()
  let idle: NodeJS.Timeout | undefined
  let ownInode: number | undefined
  const stillOurs = () => {
    try {
      return fs.statSync(socket).ino === ownInode
    } catch {
      return false
    }
  }
  const stop = () => {
    if (stillOurs()) fs.rmSync(socket, {force: true})
    process.exit(ExitCode.ok)
  }
  const rearm = () => {
    if (idle) clearTimeout(idle)
    idle = setTimeout(stop, idleSeconds * 1000)
  }
  const server = net.createServer((conn) => {
    rearm()
    let text = ''
    conn.setEncoding('utf8')
    conn.on('error', () => conn.destroy())
    conn.on('data', (chunk: string) => {
      text += chunk
      if (text.length > maxRequestBytes) {
        conn.destroy()
        return
      }
      let request: RenderRequest | undefined
      try {
        request = decodeRequest(text)
      } catch {
        conn.destroy()
        return
      }
      if (!request) return
      conn.removeAllListeners('data')
      const req = request
      queue = queue
        .then(async () => {
          if (conn.destroyed) return // the client went away while it waited (Ctrl-C)
          const reply = await renderForClient(req)
          for (const part of encodeReply(reply)) conn.write(part)
          conn.end()
        })
        // Whatever failed, this client renders by itself (a cut-short reply) and the next is served.
        .catch(() => conn.destroy())
        .finally(rearm)
    })
  })
  const bound = `${socket}.${process.pid}`
  fs.rmSync(bound, {force: true})
  server.on('error', () => process.exit(ExitCode.error))
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, stop)
  server.listen(bound, () => {
    fs.renameSync(bound, socket)
    ownInode = fs.statSync(socket).ino
    fs.rmSync(startMarker(socket), {force: true})
    rearm()
    // A newer server of the same build renamed its socket over ours: leave the clients to it.
    setInterval(() => {
      if (!stillOurs()) process.exit(ExitCode.ok)
    }, 5000).unref()
  })
}
