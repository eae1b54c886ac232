import assert from 'node:assert/strict'
import {PassThrough} from 'node:stream'
import {describe, test} from 'node:test'
import type {FleetEvent} from '../../../src/fleet/types.js'
import {fleetJsonLine, makeFleetPrinter} from '../../../src/ui/fleet/printers.js'
import {makeTheme} from '../../../src/ui/theme.js'

const id = {key: 'apps/Deployment/shop/web', apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web'}
const events: FleetEvent[] = [
  {type: 'fleet-start', fleet: 'shop', app: 'shop', digest: 'd', run: '2026-01-01T00:00:00.000Z', resumed: false, fromWave: 0, waves: [{name: 'canary', clusters: ['canary'], pause: true, maxParallel: 1, maxFailures: 0}, {name: 'main', clusters: ['eu-1', 'eu-2'], pause: false, maxParallel: 2, maxFailures: 0}]},
  {type: 'wave-start', wave: 'canary', index: 0, clusters: ['canary']},
  {type: 'cluster-start', cluster: 'canary', wave: 'canary', action: 'apply'},
  {type: 'cluster-event', cluster: 'canary', wave: 'canary', event: {type: 'step-start', step: 0, name: 'workloads', items: 1}},
  {type: 'cluster-event', cluster: 'canary', wave: 'canary', event: {type: 'applied', step: 0, id, result: 'configured'}},
  {type: 'cluster-event', cluster: 'canary', wave: 'canary', event: {type: 'paused', step: 0, reason: 'Deployment shop/web: batch 1 of 2 done', workload: id, batch: 1, resumeCommand: 'strata rollout resume shop -n shop', abortCommand: 'strata rollout abort shop -n shop'}},
  {type: 'cluster-done', cluster: 'canary', wave: 'canary', phase: 'paused', reason: 'batch 1 of 2 done'},
  {type: 'wave-done', wave: 'canary', index: 0, done: [], failed: [], paused: ['canary']},
  {type: 'fleet-paused', wave: 'canary', reason: 'the rollout paused in canary', resumeCommand: 'strata fleet resume fleet.yaml', abortCommand: 'strata fleet abort fleet.yaml'},
  {type: 'fleet-summary', fleet: 'shop', phase: 'paused', elapsedMs: 1500, clusters: [{cluster: 'canary', wave: 'canary', phase: 'paused'}, {cluster: 'eu-1', wave: 'main', phase: 'pending'}, {cluster: 'eu-2', wave: 'main', phase: 'pending'}]},
]

function print(kind: 'plain' | 'json' | 'tty'): string {
  const out = new PassThrough()
  let text = ''
  out.on('data', (d: Buffer) => (text += d.toString()))
  let t = 0
  const printer = makeFleetPrinter(kind, out, makeTheme(false), () => (t += 100))
  for (const e of events) printer.event(e)
  printer.close()
  return text
}

describe('fleet printers', () => {
  test("--json: a cluster's rollout events carry cluster and wave next to their own fields", () => {
    const line = JSON.parse(fleetJsonLine(events[4])) as Record<string, unknown>
    assert.deepEqual(Object.keys(line).slice(0, 3), ['type', 'cluster', 'wave'])
    assert.equal(line.type, 'applied')
    assert.equal(line.cluster, 'canary')
    assert.equal(line.result, 'configured')
    const lines = print('json').trim().split('\n')
    assert.equal(lines.length, events.length)
    assert.equal((JSON.parse(lines.at(-1)!) as {type: string}).type, 'fleet-summary')
  })

  test("plain: [cluster] prefixes, the fleet's own resume command instead of the cluster's, one summary", () => {
    const text = print('plain')
    assert.match(text, /\] \[canary\]   Deployment shop\/web configured\n/)
    // These events carry no `init` (the step count): the line says "step 1", never "step 1/0".
    assert.match(text, /\[canary\] paused in step 1: Deployment shop\/web: batch 1 of 2 done\n/)
    assert.doesNotMatch(text, /step \d+\/0/)
    assert.doesNotMatch(text, /strata rollout resume/)
    assert.match(text, /continue: strata fleet resume fleet.yaml/)
    assert.match(text, /fleet shop paused in 1\.\ds\n.*canary {2}canary: paused\n.*eu-1 {4}main: pending/)
  })

  test('tty: a block per wave with a line per cluster, redrawn in place; the summary stays above it', () => {
    const text = print('tty')
    assert.match(text, /\x1b\[\d+A/, 'redraws in place')
    const last = text.split('\x1b[J').at(-1)!
    assert.match(last, /strata fleet shop/)
    assert.match(last, /⏸ wave canary\n {6}⏸ canary {2}paused: batch 1 of 2 done\n {2}· wave main\n {6}· eu-1 {2}pending\n {6}· eu-2 {2}pending\n$/)
    assert.match(text, /fleet paused in wave canary/)
  })
})
