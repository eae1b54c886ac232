// The client's side of the render server (server.ts): when to ask it, asking it, and starting it.
// Loaded by the CLI's entry before anything else of the render, so it stays small: node:net and
// node:child_process are loaded only when a server is asked or started.
import * as fs from 'node:fs'
import * as path from 'node:path'
import {requireBuiltin} from '../builtin.js'
import {ensurePrivateDirectory, isPrivateDirectory, renderBuildId, renderServerSocket} from './location.js'
import {decodeReply, encodeRequest, type FallbackReply, type RenderReply, type RenderRequest} from './protocol.js'

/**
 * STRATA_RENDER_SERVER: `off` never uses one; `on` uses one and starts it after any render that
 * had none; unset (auto) uses one when running and starts one after a render that took at least
 * autoStartMs — except in CI (CI set, as every CI service sets it), where each job is a new
 * machine and a process left behind would outlive the job.
 */
export type RenderServerMode = 'off' | 'on' | 'auto'

/** How long a server waits for its next request before it exits. */
export const defaultIdleSeconds = 600

/** A render this long (from the process's start) starts a server in auto mode: the next ones take the warm path. */
export const autoStartMs = 200

export function renderServerMode(env: NodeJS.ProcessEnv): RenderServerMode {
  const setting = env.STRATA_RENDER_SERVER
  if (setting === 'off' || setting === '0' || setting === 'false') return 'off'
  if (setting === 'on' || setting === '1' || setting === 'true') return 'on'
  return env.CI && env.CI !== 'false' && env.CI !== '0' ? 'off' : 'auto'
}

/**
 * The server's socket for a render with these flags, or undefined when this render is its own: the
 * server off, no built bundle, output to files (written in the caller's process, with its umask
 * and ownership), or helm (run with the caller's environment).
 */
export function renderServerSocketFor(bundle: string, flags: Record<string, unknown>, env: NodeJS.ProcessEnv): string | undefined {
  if (renderServerMode(env) === 'off') return undefined
  const output = flags.output
  if (!(output === undefined || output === 'yaml' || output === 'json') || flags['enable-helm']) return undefined
  const id = renderBuildId(bundle)
  return id ? renderServerSocket(id, env) : undefined
}

/** The server's reply, or undefined when there is no server to ask (or its reply was cut short). */
export async function askRenderServer(socket: string, request: RenderRequest): Promise<RenderReply | FallbackReply | undefined> {
  if (!isPrivateDirectory(path.dirname(socket))) return undefined
  const net = requireBuiltin<typeof import('node:net')>('node:net')
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    const conn = net.connect(socket)
    conn.on('connect', () => conn.write(encodeRequest(request)))
    conn.on('data', (chunk: Buffer) => chunks.push(chunk))
    // No server (ENOENT), a dead one's socket (ECONNREFUSED), or one killed mid-reply: 'close' follows.
    conn.on('error', () => undefined)
    conn.on('close', () => resolve(decodeReply(Buffer.concat(chunks))))
  })
}

/** Whether a server accepts connections on `socket` (it is asked nothing). */
function isListening(socket: string): Promise<boolean> {
  const net = requireBuiltin<typeof import('node:net')>('node:net')
  return new Promise((resolve) => {
    const conn = net.connect(socket)
    conn.on('connect', () => {
      conn.destroy()
      resolve(true)
    })
    conn.on('error', () => resolve(false))
  })
}

/** Whether this call, which rendered by itself, starts a server for the calls after it. */
export function shouldStartServer(env: NodeJS.ProcessEnv, elapsedMs: number): boolean {
  const mode = renderServerMode(env)
  return mode === 'on' || (mode === 'auto' && elapsedMs >= autoStartMs)
}

/** A server that has not removed its start marker by then failed to start: the next call may try again. */
const startingStaleMs = 10_000

/** The file a client creates before starting a server and the server removes once it listens. */
export function startMarker(socket: string): string {
  return `${socket}.starting`
}

/**
 * Starts a server for `socket`, detached: it outlives this call, holds no terminal and no working
 * directory, and idles out by itself (server.ts). Calls that all render by themselves at once
 * (`make -j`, a CI matrix on one machine) start one server between them, not one each: the first
 * to create the start marker starts it.
 */
export async function startRenderServer(root: string, socket: string, request?: RenderRequest): Promise<void> {
  // The directory first (made private when missing); one others can reach holds no server.
  if (!ensurePrivateDirectory(path.dirname(socket))) return
  const marker = startMarker(socket)
  const claim = () => fs.writeFileSync(marker, `${process.pid}\n`, {flag: 'wx', mode: 0o600})
  try {
    claim()
  } catch {
    try {
      if (Date.now() - fs.statSync(marker).mtimeMs < startingStaleMs) return
      fs.rmSync(marker, {force: true})
      claim()
    } catch {
      return // another call claimed it meanwhile, or the directory is not writable
    }
  }
  // A call that found no server when it began may end after another call's server came up.
  if (await isListening(socket)) {
    fs.rmSync(marker, {force: true})
    return
  }
  const {spawn} = requireBuiltin<typeof import('node:child_process')>('node:child_process')
  try {
    // The request that started it, so the server warms up on it before the next call (warm-up.ts);
    // in its environment, which only this user can read, not on its command line, which all can.
    const env = request ? {...process.env, [startedByVariable]: encodeRequest(request).trimEnd()} : process.env
    spawn(process.execPath, [path.join(root, 'bin', 'run.js'), renderServerArgument, socket], {detached: true, stdio: 'ignore', cwd: path.parse(socket).root, env}).unref()
  } catch {
    // Nothing to start it with (no process slots…): the next call renders by itself again.
  }
}

/** Where a server finds the request of the call that started it. */
export const startedByVariable = 'STRATA_RENDER_SERVER_STARTED_BY'

/** bin/run.js's first argument for a server process (an internal entry, not a command). */
export const renderServerArgument = '--strata-render-server'
