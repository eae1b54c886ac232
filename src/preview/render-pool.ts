// Renders many roots on two sides at once: one worker thread per core, each with its own file
// system of the sides and its own remote resolver over the shared on-disk cache of remote bases
// (safe across threads and processes, see src/source/git-cache.ts). A handful of renders stays on
// the main thread, where starting workers would cost more than it saves.
import * as fs from 'node:fs'
import * as os from 'node:os'
import {fileURLToPath} from 'node:url'
import {Worker} from 'node:worker_threads'
import {renderRecorded, sideFileSystem, type RecordedRender, type SideSpec} from '../graph/render-recorded.js'
import type {RenderOptions} from '../render/index.js'
import type {FileSystem} from '../source/filesystem.js'
import {GitCache} from '../source/git-cache.js'
import {RemoteResolver} from '../source/remote-resolver.js'

export type SideName = 'base' | 'head'

export interface RenderTask {
  side: SideName
  root: string
}

export type TaskResult = RecordedRender & {side: SideName}

/** What every thread needs: plain data only (it is copied into each worker). */
export interface PoolSetup {
  sides: Partial<Record<SideName, SideSpec>>
  /** Render settings without functions (render flags). */
  render: Pick<RenderOptions, 'loadRestrictor' | 'maxInputBytes' | 'offline' | 'cacheDir' | 'helm'>
}

export interface PoolOptions {
  /** Threads to use (default: every core). */
  threads?: number
  /** Below this many renders, render on the main thread. */
  minTasksForWorkers?: number
}

/** One thread's renderer: the sides' file systems and a remote resolver, made once. */
export function makeRenderer(setup: PoolSetup): (task: RenderTask) => Promise<TaskResult> {
  const systems = new Map<SideName, FileSystem>()
  const remote = new RemoteResolver({cache: new GitCache({dir: setup.render.cacheDir, offline: setup.render.offline})})
  return async (task) => {
    const spec = setup.sides[task.side]
    if (!spec) throw new Error(`no ${task.side} side to render ${task.root} on`)
    let fsys = systems.get(task.side)
    if (!fsys) systems.set(task.side, (fsys = sideFileSystem(spec)))
    // Renders run one after another per thread: the remote resolver's passes are per render.
    return {...(await renderRecorded(spec, fsys, task.root, setup.render, remote)), side: task.side}
  }
}

function workerFile(): string | undefined {
  const own = import.meta.url
  const url = new URL(own.endsWith('.ts') ? './render-worker.ts' : './render-worker.js', own)
  const file = fileURLToPath(url)
  return fs.existsSync(file) ? file : undefined
}

/** Results in the order of `tasks`. */
export async function renderAll(tasks: readonly RenderTask[], setup: PoolSetup, options: PoolOptions = {}): Promise<TaskResult[]> {
  const threads = Math.max(1, Math.min(options.threads ?? os.availableParallelism(), tasks.length))
  const file = workerFile()
  if (threads < 2 || tasks.length < (options.minTasksForWorkers ?? 24) || !file) {
    const render = makeRenderer(setup)
    const out: TaskResult[] = []
    for (const t of tasks) out.push(await render(t))
    return out
  }
  const results: TaskResult[] = new Array(tasks.length)
  let next = 0
  const workers = Array.from({length: threads}, () => new Worker(file, {workerData: setup}))
  try {
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            let current = -1
            const feed = () => {
              if (next >= tasks.length) return resolve()
              current = next++
              w.postMessage(tasks[current])
            }
            w.on('message', (r: TaskResult) => {
              results[current] = r
              feed()
            })
            w.on('error', reject)
            w.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`render worker exited with ${code}`))))
            feed()
          }),
      ),
    )
  } finally {
    await Promise.all(workers.map((w) => w.terminate()))
  }
  return results
}
