// The CLI's entry (bin/run.js requires the CommonJS bundle `npm run build` makes of it): the
// start-up fast path where it is certain to behave as oclif does (fast-path.ts), else oclif itself.
// Everything heavy is loaded lazily, so each call loads only what it uses. The entry and this
// bundle are CommonJS because Node's ES module loader alone costs a --help or --version call about
// a sixth of `node -e 0` (its start-up, before any of our code runs).
import * as fs from 'node:fs'
import * as path from 'node:path'
import {loadWithCodeCache} from './code-cache.js'
import {fastPlan, type HelpTexts, type Manifest, type PackageJson} from './fast-path.js'
import {holdYoungGeneration} from './render-heap.js'
import {askRenderServer, defaultIdleSeconds, renderServerArgument, renderServerSocketFor, shouldStartServer, startedByVariable, startRenderServer} from './render-server/client.js'
import {decodeRequest, protocolVersion, type RenderRequest} from './render-server/protocol.js'

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T
  } catch {
    return undefined
  }
}

/** `root`: the package's directory (bin/run.js knows it: its parent). */
export async function main(root: string, argv: string[]): Promise<void> {
  if (argv[0] === renderServerArgument && argv.length === 2) {
    const started = startedBy(process.env[startedByVariable])
    delete process.env[startedByVariable]
    // V8's own young generation: a server renders many trees, and its memory is held between them anyway.
    const bundle = await loadRenderBundle(root)
    bundle.serveRenders(argv[1], idleSeconds(process.env), started)
    return
  }
  const pjson = process.env.STRATA_FAST_PATH === 'off' ? undefined : readJson<PackageJson>(path.join(root, 'package.json'))
  const plan = pjson?.oclif ? fastPlan(argv, pjson, readJson<Manifest>(path.join(root, 'dist', 'fast-path.json')), {stdoutIsTTY: Boolean(process.stdout.isTTY), env: process.env}) : undefined
  if (plan?.kind === 'version') {
    process.stdout.write(`${plan.text}\n`)
    return
  }
  if (plan?.kind === 'help') {
    const help = readJson<HelpTexts>(path.join(root, 'dist', 'help.json'))
    const text = help && help.version === pjson?.version && Object.hasOwn(help.texts, plan.id) ? help.texts[plan.id] : undefined
    if (text !== undefined) {
      process.stdout.write(text)
      return
    }
  }
  if (plan?.kind === 'render') {
    await render(root, plan.dir, plan.flags)
    return
  }
  const {execute} = await import('@oclif/core')
  // The root itself, not the entry: oclif would take bin/package.json (which only makes bin/ CommonJS) for the package's.
  await execute({dir: root})
}

// The render code as one script compiled from V8's code cache (code-cache.ts); the module itself
// where no such bundle was built.
function renderBundlePath(root: string): string {
  return path.join(root, 'dist', 'bundle', 'fast-render.cjs')
}

async function loadRenderBundle(root: string): Promise<typeof import('./fast-render.js')> {
  const bundle = renderBundlePath(root)
  return fs.existsSync(bundle) ? (loadWithCodeCache(bundle) as typeof import('./fast-render.js')) : await import('./fast-render.js')
}

/**
 * `strata render DIR` on the fast path: by the render server when one runs for this build (its
 * reply written as if rendered here), else here — and then, when this render was slow enough to
 * be worth it, a server is started for the next calls (render-server/client.ts).
 */
async function render(root: string, dir: string, flags: Record<string, unknown>): Promise<void> {
  const trace = process.env.STRATA_RENDER_SERVER_TRACE ? (m: string) => process.stderr.write(`strata: render server: ${m}\n`) : () => undefined
  const socket = renderServerSocketFor(renderBundlePath(root), flags, process.env)
  if (socket) {
    const reply = await askRenderServer(socket, {protocol: protocolVersion, dir, cwd: process.cwd(), flags})
    if (reply && !('fallback' in reply)) {
      trace('rendered by the server')
      process.stderr.write(reply.stderr)
      process.stdout.write(reply.stdout)
      process.exitCode = reply.exitCode
      return
    }
    trace(reply ? `rendered here: ${reply.fallback}` : 'rendered here: no server')
  }
  // Before the compile: V8 keys its code cache to the flags.
  holdYoungGeneration()
  const {runFast} = await loadRenderBundle(root)
  await runFast(dir, flags)
  // process.uptime, not performance.now(): the global `performance` loads node:perf_hooks (~4 ms).
  if (socket && shouldStartServer(process.env, process.uptime() * 1000)) {
    trace('starting one')
    await startRenderServer(root, socket, {protocol: protocolVersion, dir, cwd: process.cwd(), flags})
    // Said where a person reads it, never into a pipe or a CI log: a process now runs beside them.
    if (process.stderr.isTTY && !process.env.STRATA_RENDER_SERVER) {
      process.stderr.write(`strata: started a render server, so the next renders skip Node's warm-up; it exits after ${(idleSeconds(process.env) ?? defaultIdleSeconds) / 60} idle minutes (STRATA_RENDER_SERVER=off: never)\n`)
    }
  }
}

/** The request of the call that started a server (client.ts), which it warms up; none when absent or unreadable. */
function startedBy(arg: string | undefined): RenderRequest | undefined {
  if (arg === undefined) return undefined
  try {
    return decodeRequest(`${arg}\n`)
  } catch {
    return undefined
  }
}

/** STRATA_RENDER_SERVER_IDLE: the server's idle time in seconds (tests shorten it). */
function idleSeconds(env: NodeJS.ProcessEnv): number | undefined {
  const n = Number(env.STRATA_RENDER_SERVER_IDLE)
  return Number.isFinite(n) && n > 0 ? n : undefined
}
