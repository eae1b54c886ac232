import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {choosePrinterKind, jsonEventLine, makePrinter} from '../../../src/ui/printers/index.js'
import {makeTtyPrinter, redrawIntervalMs} from '../../../src/ui/printers/tty.js'
import {buildPlan} from '../../../src/rollout/plan.js'
import {makeTheme} from '../../../src/ui/theme.js'
import type {PlanObjectId, RolloutEvent} from '../../../src/rollout/types.js'

const plain = makeTheme(false)

function sink() {
  const chunks: string[] = []
  return {chunks, stream: {write: (s: string) => (chunks.push(s), true), columns: 60} as unknown as NodeJS.WritableStream, text: () => chunks.join('')}
}
function clock(start = 1000) {
  let t = start
  return {now: () => t, advance: (ms: number) => (t += ms)}
}

const plan = buildPlan({
  app: 'shop',
  namespace: 'shop',
  objects: [
    {object: {apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'shop'}}, action: 'create', changedPaths: []},
    {object: {apiVersion: 'v1', kind: 'Secret', metadata: {name: 'db', namespace: 'shop'}, data: {password: 'c2VjcmV0'}}, action: 'create', changedPaths: []},
    {object: {apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'web', namespace: 'shop', annotations: {'strata.dev/rollout': '25%,50%,100%'}}}, action: 'update', changedPaths: ['spec.template']},
  ],
  deletions: [],
})
const web: PlanObjectId = plan.steps[2].items[0].id
const ns: PlanObjectId = plan.steps[0].items[0].id

const events: RolloutEvent[] = [
  {type: 'init', plan, resumed: false, fromStep: 0},
  {type: 'step-start', step: 0, name: 'namespaces-crds', items: 1},
  {type: 'applied', step: 0, id: ns, result: 'created'},
  {type: 'health', id: ns, health: {status: 'healthy', message: 'Active'}},
  {type: 'step-done', step: 0, elapsedMs: 400},
  {type: 'step-start', step: 1, name: 'config-storage', items: 1},
  {type: 'step-done', step: 1, elapsedMs: 100},
  {type: 'step-start', step: 2, name: 'workloads', items: 1},
  {type: 'batch', id: web, batch: 1, of: 3, share: 0.25, updated: 1, ready: 2, desired: 4},
  {type: 'paused', step: 2, reason: 'batch 1/3 of Deployment shop/web is ready', workload: web, batch: 1, resumeCommand: 'strata rollout resume shop', abortCommand: 'strata rollout abort shop'},
]

describe('json printer', () => {
  test('one compact object per event per line; the plan without objects', () => {
    const out = sink()
    const p = makePrinter('json', out.stream, plain)
    for (const e of events) p.event(e)
    p.close()
    const lines = out.text().trimEnd().split('\n')
    assert.equal(lines.length, events.length)
    const parsed = lines.map((l) => JSON.parse(l))
    assert.deepEqual(parsed.map((e) => e.type), events.map((e) => e.type))
    assert.ok(!out.text().includes('c2VjcmV0'), 'no Secret data')
    assert.equal(parsed[0].plan.steps[1].items[0].object, undefined)
    assert.equal(parsed[0].plan.steps[1].items[0].id.name, 'db')
    assert.deepEqual(parsed[8], events[8])
    // Steps count from 1, as the text says them: the event of step index 2 of 3 says step 3.
    const stepped = parsed.filter((e) => 'step' in e)
    assert.deepEqual(stepped.map((e) => e.step), events.filter((e) => 'step' in e).map((e) => (e as {step: number}).step + 1))
    assert.equal(parsed[9].step, 3)
    assert.deepEqual(parsed[0].plan.steps.map((s: {step: number}) => s.step), [1, 2, 3])
    assert.equal(parsed[0].fromStep, 1)
    assert.ok(!lines[1].includes('\n') && !lines[1].includes('  '))
  })
  test('bigints are written as strings, not thrown on', () => {
    assert.match(jsonEventLine({type: 'warning', message: 'x', n: 1n} as unknown as RolloutEvent), /"n":"1"/)
  })
})

describe('plain printer', () => {
  test('one line per event, relative timestamps', () => {
    const out = sink()
    const c = clock()
    const p = makePrinter('plain', out.stream, plain, c.now)
    p.event(events[0])
    c.advance(12300)
    p.event(events[5])
    p.event(events[8])
    p.event(events[9])
    c.advance(700)
    p.event({type: 'done', applied: 3, unchanged: 0, deleted: 0, elapsedMs: 13000})
    p.close()
    assert.equal(
      out.text(),
      `[0.0s] rollout of shop (namespace shop): 3 steps
[12.3s] step 2/3 config-storage: 1 object
[12.3s]   Deployment shop/web batch 1/3 (25%): 2/4 ready, 1 updated
[12.3s] paused in step 3/3: batch 1/3 of Deployment shop/web is ready
[12.3s]   continue: strata rollout resume shop
[12.3s]   roll back: strata rollout abort shop
[13.0s] done in 13.0s: 3 applied, 0 unchanged, 0 deleted
`,
    )
  })
  test('every event type prints without throwing', () => {
    const out = sink()
    const p = makePrinter('plain', out.stream, plain, clock().now)
    const more: RolloutEvent[] = [
      {type: 'apply-failed', step: 0, id: ns, message: 'conflict with "kubectl" on .spec.replicas'},
      {type: 'deleted', id: ns, result: 'kept', reason: 'strata.dev/prune: disabled'},
      {type: 'breaker', id: web, reason: '2 pods crashed', aborted: true},
      {type: 'gate-failed', id: web, health: {status: 'failed', message: 'condition Available is False'}, report: 'pod web-1: ImagePullBackOff\npod web-2: ImagePullBackOff'},
      {type: 'aborted', restored: [web]},
      {type: 'interrupted', step: 1, resumeCommand: 'strata rollout resume shop'},
      {type: 'warning', message: 'careful'},
    ]
    for (const e of [...events, ...more]) p.event(e)
    const text = out.text()
    assert.match(text, /circuit breaker: Deployment shop\/web: 2 pods crashed \(workload rolled back\)/)
    assert.match(text, /health gate failed[^\n]*\n\[0\.0s\]   pod web-1: ImagePullBackOff\n/)
    assert.match(text, /Namespace\/shop kept: strata\.dev\/prune: disabled/)
  })
})

describe('tty printer', () => {
  const strip = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '')
  function timers() {
    const pending: {fn: () => void; ms: number}[] = []
    return {pending, setTimer: (fn: () => void, ms: number) => (pending.push({fn, ms}), {}), clearTimer: () => void pending.splice(0)}
  }
  test('redraws in place, throttled, and ends with a static summary', () => {
    const out = sink()
    const c = clock()
    const t = timers()
    const p = makeTtyPrinter(out.stream, plain, c.now, {setTimer: t.setTimer, clearTimer: t.clearTimer})
    p.event(events[0])
    assert.equal(out.text(), 'strata rollout shop  0.0s\n  · 1/3 namespaces-crds\n  · 2/3 config-storage\n  · 3/3 workloads\n')
    const before = out.chunks.length
    p.event(events[1])
    p.event(events[2])
    assert.equal(out.chunks.length, before, 'a burst within the interval is not drawn at once')
    assert.equal(t.pending.length, 1)
    assert.equal(t.pending[0].ms, redrawIntervalMs)
    c.advance(redrawIntervalMs)
    t.pending.shift()!.fn()
    const frame = out.chunks[out.chunks.length - 1]
    assert.ok(frame.startsWith('\x1b[4A\r\x1b[J'), 'moves up over the previous frame and clears it')
    assert.match(frame, /▶ 1\/3 namespaces-crds {2}1\/1 applied/)
    c.advance(1000)
    for (const e of events.slice(3, 9)) p.event(e)
    assert.equal(t.pending.length, 1, 'one pending redraw for the burst')
    c.advance(redrawIntervalMs)
    t.pending.shift()!.fn()
    const live = strip(out.chunks[out.chunks.length - 1])
    assert.match(live, /✓ 1\/3 namespaces-crds {2}0\.4s/)
    assert.match(live, /▶ 3\/3 workloads {2}0\/1 applied\n {6}web 2\/4 ready \(batch 1\/3\)\n/)
    p.event(events[9])
    const text = strip(out.text())
    assert.match(text, /paused in step 3\/3[^\n]*\n {2}continue: strata rollout resume shop\n {2}roll back: strata rollout abort shop\n/)
    const n = out.chunks.length
    p.close()
    assert.equal(out.chunks.length, n + 1, 'one final frame')
    assert.match(strip(out.chunks[n]), /⏸ 3\/3 workloads/)
    p.event(events[1])
    assert.equal(out.chunks.length, n + 1, 'nothing after close')
  })
  test('a failure ends with the retry and roll-back commands, whole in a narrow terminal (they wrap, the live block is cut)', () => {
    const out = sink()
    const p = makeTtyPrinter(out.stream, plain, clock().now, {columns: 30})
    p.event(events[0])
    const resume = 'strata rollout resume shop -n shop --kubeconfig /home/ci/.kube/clusters/prod-eu-west.yaml --context prod'
    p.event({type: 'failed', step: 2, reason: 'Deployment shop/web: condition Available is False', resumeCommand: resume, abortCommand: resume.replace('resume', 'abort')})
    p.close()
    const text = strip(out.text())
    assert.ok(text.includes(`  retry: ${resume}\n`), text)
    assert.ok(text.includes(`  roll back: ${resume.replace('resume', 'abort')}\n`))
    assert.ok(text.includes('failed in step 3/3: Deployment shop/web: condition Available is False\n'))
    assert.match(text, /✗ 3\/3 workloads/)
  })
  test('lines are cut to the terminal width', () => {
    const out = sink()
    const p = makeTtyPrinter(out.stream, plain, clock().now, {columns: 30})
    p.event({type: 'init', plan: {...plan, app: 'a-very-long-application-name-indeed'}, resumed: false, fromStep: 0})
    p.close()
    for (const line of strip(out.text()).replace(/\x1b\[\d+A\r\x1b\[J/g, '').split('\n')) assert.ok([...line].length <= 29, line)
  })
  test('a resumed rollout shows earlier steps done', () => {
    const out = sink()
    const p = makeTtyPrinter(out.stream, plain, clock().now)
    p.event({type: 'init', plan, resumed: true, fromStep: 2})
    p.close()
    assert.match(out.text(), /✓ 1\/3 namespaces-crds\n {2}✓ 2\/3 config-storage\n {2}· 3\/3 workloads/)
  })
})

describe('choosePrinterKind', () => {
  const tty = {isTTY: true} as NodeJS.WriteStream
  const pipe = {isTTY: false} as NodeJS.WriteStream
  test('json wins; a terminal gets the live view; CI, dumb terminals and pipes get plain lines', () => {
    assert.equal(choosePrinterKind(true, tty, {}), 'json')
    assert.equal(choosePrinterKind(false, tty, {}), 'tty')
    assert.equal(choosePrinterKind(false, pipe, {}), 'plain')
    assert.equal(choosePrinterKind(false, tty, {CI: 'true'}), 'plain')
    assert.equal(choosePrinterKind(false, tty, {CI: 'false'}), 'tty')
    assert.equal(choosePrinterKind(false, tty, {TERM: 'dumb'}), 'plain')
  })
})

test('an analysis line names the batch it judges, or the blue/green version', async () => {
  const {describeEvent} = await import('../../../src/ui/printers/describe-event.js')
  const id: PlanObjectId = {key: 'apps/Deployment/shop/web', apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web'}
  const event = {type: 'measurement' as const, analysis: 'errors', measurement: {metric: 'rate', at: '2026-01-01T00:00:00.000Z', phase: 'Successful' as const, value: [0.01]}}
  assert.deepEqual(describeEvent({type: 'analysis', id, batch: 1, event}, 1, plain), ['  Deployment shop/web batch 1: analysis errors rate Successful: [0.01]'])
  assert.deepEqual(describeEvent({type: 'analysis', id, batch: 1, version: 'web-bbbbbbbbbb', event}, 1, plain), ['  Deployment shop/web new version web-bbbbbbbbbb: analysis errors rate Successful: [0.01]'])
})

test('a step line without a known step count says "step 3", never "step 3/0"', async () => {
  const {describeEvent} = await import('../../../src/ui/printers/describe-event.js')
  assert.deepEqual(describeEvent({type: 'step-done', step: 2, elapsedMs: 1500} as never, 8, plain), ['step 3/8 done in 1.5s'])
  assert.deepEqual(describeEvent({type: 'step-done', step: 2, elapsedMs: 1500} as never, 0, plain), ['step 3 done in 1.5s'])
})
