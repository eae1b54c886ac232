// A render thread of the pool (render-pool.ts): renders the tasks it is sent, one at a time.
import {parentPort, workerData} from 'node:worker_threads'
import {makeRenderer, type PoolSetup, type RenderTask} from './render-pool.js'

const render = makeRenderer(workerData as PoolSetup)
parentPort!.on('message', (task: RenderTask) => {
  render(task).then(
    (r) => parentPort!.postMessage(r),
    (e: unknown) => parentPort!.postMessage({root: task.root, side: task.side, warnings: [], keys: {}, error: {message: String(e), text: `internal error (please report it): ${e instanceof Error ? e.stack : e}`}}),
  )
})
