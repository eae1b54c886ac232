// The render server: a long-lived process that runs `strata render` for clients of the same build,
// so a call pays Node's start-up and a socket round trip instead of compiling and warming up the
// render code each time (most of a large render's cost in a new process: README, speed). Every
// request is a whole new render — files are read again, nothing is cached between requests — one
// at a time, in the client's working directory. It exits after idling, or when another server has
// taken its socket.
import * as fs from 'node:fs'
import * as net from 'node:net'
import * as path from 'node:path'
import {BoundedCache} from '../../model/bounded-cache.js'
import {ExitCode} from '../../model/exit-codes.js'
import {renderErrorText} from '../render-error.js'
import {runRender, type RenderCommandFlags} from '../run-render.js'
import {regularFilesOnly} from '../../source/regular-files-only.js'
import {LocalOnlyResolver, NeedsCallersProcess} from './local-only.js'
import {defaultIdleSeconds, startMarker} from './client.js'
import {ensurePrivateDirectory} from './location.js'
import {decodeRequest, encodeReply, protocolVersion, type FallbackReply, type RenderReply, type RenderRequest} from './protocol.js'
import {warmUp, wantsAnotherWarmUp} from './warm-up.js'

/** A request line longer than this is no client of ours. */
const maxRequestBytes = 1 << 20

// A FIFO or a device would hold the server, and every client queued behind it, until written.
const serverDisk = regularFilesOnly((p) => new NeedsCallersProcess(`'${p}' is not a regular file`))

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
    await runRender(request.dir, request.flags as unknown as RenderCommandFlags, {stdout: (t) => stdout.push(t), stderr: (t) => stderr.push(t)}, {remote: new LocalOnlyResolver(), fs: serverDisk})
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

/** Requests that render alike: the same directory, from the same working directory, with the same flags. */
function requestKey(request: RenderRequest): string {
  return JSON.stringify([request.cwd, request.dir, request.flags])
}

/**
 * Listens on `socket` until idle for `idleSeconds`. The socket is bound under a private name and
 * renamed into place, so two servers started at once never share one path: the later rename
 * wins, and the other server sees the path is no longer its own and exits. `started`: the request
 * of the call that started this server, warmed up at once (warm-up.ts).
 */
export function serveRenders(socket: string, idleSeconds = defaultIdleSeconds, started?: RenderRequest): void {
  process.title = 'strata-render-server'
  if (!ensurePrivateDirectory(path.dirname(socket))) process.exit(ExitCode.error)
  // STRATA_RENDER_SERVER_LOG: a file the server tells of each render (whose, how long, how it ended).
  const log = process.env.STRATA_RENDER_SERVER_LOG
  const logRender = (line: string) => {
    if (!log) return
    try {
      fs.appendFileSync(log, line)
    } catch {
      // a log that cannot be written is no reason to stop serving
    }
  }
  // One render at a time, clients' and warm-up's alike: a render changes the working directory.
  let queue: Promise<unknown> = Promise.resolve()
  const enqueue = <T>(job: () => Promise<T>): Promise<T> => {
    const run = queue.then(job)
    queue = run.catch(() => undefined)
    return run
  }
  // process.hrtime, not performance: node:perf_hooks would load with every render's bundle.
  const nowMs = () => Number(process.hrtime.bigint()) / 1e6
  const timedRender = async (request: RenderRequest, by: 'client' | 'warm-up') => {
    const start = nowMs()
    const reply = await renderForClient(request)
    const ms = nowMs() - start
    const outcome = 'fallback' in reply ? `rendered by the client: ${reply.fallback}` : `exit ${reply.exitCode}`
    logRender(`${new Date().toISOString()} ${by} ${JSON.stringify(request.dir)} in ${request.cwd}: ${ms.toFixed(0)} ms, ${outcome}\n`)
    return {reply, ms, ok: 'exitCode' in reply && reply.exitCode === ExitCode.ok}
  }
  // Clients whose request is queued or rendering; warm-up renders only when there are none.
  let clients = 0
  let warming = false
  // Each request's render times so far, the clients' and warm-up's, which say when it has settled.
  const renderTimes = new BoundedCache<string, number[]>(64)
  const timesOf = (request: RenderRequest) => {
    const key = requestKey(request)
    let times = renderTimes.get(key)
    if (!times) renderTimes.set(key, (times = []))
    return times
  }
  const warm = (request: RenderRequest) => {
    const times = timesOf(request)
    if (warming || !wantsAnotherWarmUp(times)) return
    warming = true
    void warmUp(times, {
      renderOnce: () => enqueue(async () => timedRender(request, 'warm-up')).then((r) => (r.ok ? r.ms : undefined), () => undefined),
      clientWaiting: () => clients > 0,
      yieldToClients: () => new Promise((resolve) => setImmediate(resolve)),
    }).finally(() => {
      warming = false
    })
  }
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
      clients++
      enqueue(async () => {
        if (conn.destroyed) return false // the client went away while it waited (Ctrl-C)
        const {reply, ms, ok} = await timedRender(req, 'client')
        for (const part of encodeReply(reply)) conn.write(part)
        conn.end()
        if (ok) timesOf(req).push(ms)
        return ok
      })
        // Whatever failed, this client renders by itself (a cut-short reply) and the next is served.
        .catch(() => {
          conn.destroy()
          return false
        })
        .then((ok) => {
          clients--
          rearm()
          if (ok && clients === 0) warm(req)
        })
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
    if (started) warm(started)
    // A newer server of the same build renamed its socket over ours: leave the clients to it.
    setInterval(() => {
      if (!stillOurs()) process.exit(ExitCode.ok)
    }, 5000).unref()
  })
}
