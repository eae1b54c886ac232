// The render server's warm-up (src/cli/render-server/warm-up.ts): when it renders a request again
// by itself, when it stops, and that it gives way to a waiting client at once. The loop runs on a
// fake port (scripted render times, a client arriving between renders); render-server.test.ts
// shows, end to end, a new server rendering the request that started it.
import assert from 'node:assert/strict'
import {test} from 'node:test'
import {maxWarmUpRenders, wantsAnotherWarmUp, warmUp, warmUpFromMs, type WarmUpPort} from '../../../src/cli/render-server/warm-up.js'

test('a request the server has not rendered yet is rendered once; a quick one is not warmed further', () => {
  assert.equal(wantsAnotherWarmUp([]), true)
  assert.equal(wantsAnotherWarmUp([warmUpFromMs - 1]), false)
  assert.equal(wantsAnotherWarmUp([warmUpFromMs - 1, 20, 15]), false)
  assert.equal(wantsAnotherWarmUp([warmUpFromMs]), true)
})

test('warm-up goes on while the time keeps falling and stops once four renders bring no gain', () => {
  const falling = [900, 500, 400, 330, 300, 260, 240]
  assert.equal(wantsAnotherWarmUp(falling), true)
  // The best of the last four (200) is not 3% under the best before them (205).
  assert.equal(wantsAnotherWarmUp([900, 500, 300, 205, 210, 200, 230, 220]), false)
  // A late gain starts it again (within the cap).
  assert.equal(wantsAnotherWarmUp([900, 500, 300, 205, 210, 200, 230, 220, 150]), true)
})

test('however slowly it settles, a request is rendered at most maxWarmUpRenders times', () => {
  const everFaster = Array.from({length: maxWarmUpRenders}, (_, i) => 1000 - i * 20)
  assert.equal(wantsAnotherWarmUp(everFaster.slice(0, -1)), true)
  assert.equal(wantsAnotherWarmUp(everFaster), false)
})

/** A port whose renders take the scripted times (ms), undefined for a failed one; `clientAfter`: a client waits from that render on. */
function fakePort(script: (number | undefined)[], clientAfter = Infinity) {
  let renders = 0
  let yields = 0
  const port: WarmUpPort = {
    renderOnce: async () => script[renders++],
    clientWaiting: () => renders >= clientAfter,
    yieldToClients: async () => {
      yields++
    },
  }
  return {port, renders: () => renders, yields: () => yields}
}

test('the loop renders until settled, appending each time to the request record', async () => {
  const times = [600]
  const fake = fakePort([400, 300, 250, 240, 245, 250, 239, 260, 270])
  assert.equal(await warmUp(times, fake.port), 'settled')
  assert.deepEqual(times, [600, 400, 300, 250, 240, 245, 250, 239, 260])
  assert.equal(fake.yields(), fake.renders(), 'it looks for clients before every render')
})

test('a waiting client stops the loop before the next render; the record keeps what was measured', async () => {
  const times = [600]
  const fake = fakePort([400, 300, 250, 240], 2)
  assert.equal(await warmUp(times, fake.port), 'client waiting')
  assert.deepEqual(times, [600, 400, 300])
  // The next call of the same request continues from the record.
  assert.equal(wantsAnotherWarmUp(times), true)
})

test('a render that fails (the tree changed under it, a remote base) ends warm-up', async () => {
  const times: number[] = []
  const fake = fakePort([500, undefined, 300])
  assert.equal(await warmUp(times, fake.port), 'render failed')
  assert.deepEqual(times, [500])
  assert.equal(fake.renders(), 2)
})
