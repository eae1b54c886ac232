// A render thread of the pool (render-pool.ts): renders the tasks it is sent, one at a time.
import {parentPort, workerData} from 'node:worker_threads'
import {makeRenderer, type PoolSetup, type PoolTask} from './render-pool.js'

const render = makeRenderer(workerData as PoolSetup)
parentPort!.on('message', (task: PoolTask) => {
  // A bug is reported with the task, so the pool never waits for an answer that will not come.
  render(task).then(
    (r) => parentPort!.postMessage(r),
    (e: unknown) => parentPort!.postMessage({bug: `internal error (please report it): ${e instanceof Error ? e.stack : e}`}),
  )
})
