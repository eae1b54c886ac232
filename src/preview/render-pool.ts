// Renders many roots on two sides at once: one worker thread per core, each with its own file
// system of the sides and its own remote resolver over the shared on-disk cache of remote bases
// (safe across threads and processes, see src/source/git-cache.ts). A handful of renders stays on
// the main thread, where starting workers would cost more than it saves.
import * as fs from 'node:fs'
import * as os from 'node:os'
import {fileURLToPath} from 'node:url'
import {Worker} from 'node:worker_threads'
import type {AffectedRoot} from '../graph/affected.js'
import type {RecordedKeys} from '../graph/inputs.js'
import {renderRecorded, sideFileSystem, type RecordedRender, type SideSpec} from '../graph/render-recorded.js'
import type {RenderOptions} from '../render/index.js'
import type {FileSystem} from '../source/filesystem.js'
import {GitCache} from '../source/git-cache.js'
import {RemoteResolver} from '../source/remote-resolver.js'
import {previewRoot, type RootPreview} from './compare.js'

export type SideName = 'base' | 'head'

/** Render one root on one side (to learn its inputs). */
export interface RenderTask {
  side: SideName
  root: string
}

export type TaskResult = RecordedRender & {side: SideName}

/**
 * Render an affected root on the sides it is on and compare them in the same thread: only the
 * changed objects travel back. `head` is a head render already made (to learn inputs).
 */
export interface PreviewTask {
  preview: AffectedRoot
  showSecrets: boolean
  head?: RecordedRender
}

export interface PreviewResult {
  preview: RootPreview
  /** Paths each side's render observed (absent for a side not rendered here). */
  keys: Partial<Record<SideName, RecordedKeys>>
}

export type PoolTask = RenderTask | PreviewTask
type PoolResult<T extends PoolTask> = T extends PreviewTask ? PreviewResult : TaskResult

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

/** One thread's worker: the sides' file systems and a remote resolver, made once. */
export function makeRenderer(setup: PoolSetup): (task: PoolTask) => Promise<TaskResult | PreviewResult> {
  const systems = new Map<SideName, FileSystem>()
  const remote = new RemoteResolver({cache: new GitCache({dir: setup.render.cacheDir, offline: setup.render.offline})})
  const render = async (side: SideName, root: string): Promise<TaskResult> => {
    const spec = setup.sides[side]
    if (!spec) throw new Error(`no ${side} side to render ${root} on`)
    let fsys = systems.get(side)
    if (!fsys) systems.set(side, (fsys = sideFileSystem(spec)))
    // Renders run one after another per thread: the remote resolver's passes are per render.
    return {...(await renderRecorded(spec, fsys, root, setup.render, remote)), side}
  }
  return async (task) => {
    if ('side' in task) return render(task.side, task.root)
    const a = task.preview
    const root = a.path === '.' ? '' : a.path
    const keys: PreviewResult['keys'] = {}
    const base = a.status === 'added' ? undefined : await render('base', root)
    if (base) keys.base = base.keys
    let head = task.head
    if (!head && a.status !== 'deleted') keys.head = (head = await render('head', root)).keys
    return {preview: previewRoot(a, base, head, task.showSecrets), keys}
  }
}

/** A started render thread: from the built file, or (running from sources under tsx) through tsx's loader. */
function workerStarter(): ((setup: PoolSetup) => Worker) | undefined {
  const own = import.meta.url
  if (own.endsWith('.ts')) {
    // Node 20 does not carry tsx's loader into worker threads: register it there first.
    const api = import.meta.resolve('tsx/esm/api')
    const url = new URL('./render-worker.ts', own).href
    const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(url)}) })`
    return (setup) => new Worker(code, {eval: true, workerData: setup})
  }
  const file = fileURLToPath(new URL('./render-worker.js', own))
  return fs.existsSync(file) ? (setup) => new Worker(file, {workerData: setup}) : undefined
}

/** Results in the order of `tasks`. */
export async function renderAll<T extends PoolTask>(tasks: readonly T[], setup: PoolSetup, options: PoolOptions = {}): Promise<PoolResult<T>[]> {
  const threads = Math.max(1, Math.min(options.threads ?? os.availableParallelism(), tasks.length))
  const start = workerStarter()
  if (threads < 2 || tasks.length < (options.minTasksForWorkers ?? 24) || !start) {
    const render = makeRenderer(setup)
    const out: PoolResult<T>[] = []
    for (const t of tasks) out.push((await render(t)) as PoolResult<T>)
    return out
  }
  const results: PoolResult<T>[] = new Array(tasks.length)
  let next = 0
  const workers = Array.from({length: threads}, () => start(setup))
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
            w.on('message', (r: PoolResult<T> | {bug: string}) => {
              if ('bug' in r) return reject(new Error(r.bug))
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
