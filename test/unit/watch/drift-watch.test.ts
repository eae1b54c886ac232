import assert from 'node:assert/strict'
import {test} from 'node:test'
import {ClusterError} from '../../../src/cluster/errors.js'
import type {WatchEvent, WatchRequest} from '../../../src/cluster/port.js'
import type {JsonObject} from '../../../src/model/json.js'
import {appliedFieldsOf, DriftWatcher, type DriftWatchEvent, type OwnedObject} from '../../../src/watch/drift-watch.js'
import {fakeTimers} from './fake-timers.js'

/** A watch endpoint the test drives: every call is one open stream the test feeds and ends. */
function fakeWatchServer() {
  type Call = {apiVersion: string; kind: string; request: WatchRequest; closed: boolean; emit: (e: WatchEvent) => void; end: () => void; fail: (e: Error) => void}
  const calls: Call[] = []
  const watch = (apiVersion: string, kind: string, request: WatchRequest, onEvent: (e: WatchEvent) => void): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const call: Call = {
        apiVersion,
        kind,
        request,
        closed: false,
        emit: onEvent,
        end: () => ((call.closed = true), resolve()),
        fail: (e) => ((call.closed = true), reject(e)),
      }
      request.signal?.addEventListener('abort', () => call.end(), {once: true})
      calls.push(call)
    })
  const open = () => calls.filter((c) => !c.closed)
  return {watch, calls, open}
}

const web: OwnedObject = {apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web'}
const cfg: OwnedObject = {apiVersion: 'v1', kind: 'ConfigMap', namespace: 'shop', name: 'web-config'}

function deployment(opts: {rv: string; strataTime?: string; strataFields?: JsonObject; others?: JsonObject[]}): JsonObject {
  const strata: JsonObject = {manager: 'strata', operation: 'Apply', apiVersion: 'apps/v1', time: opts.strataTime ?? '2026-12-05T03:00:00Z', fieldsV1: opts.strataFields ?? {'f:spec': {'f:replicas': {}, 'f:template': {'f:spec': {'f:containers': {'k:{"name":"web"}': {'.': {}, 'f:image': {}}}}}}}}
  return {apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'web', namespace: 'shop', resourceVersion: opts.rv, managedFields: [strata, ...(opts.others ?? [])]}}
}

const scaled = (rv: string) =>
  deployment({
    rv,
    strataFields: {'f:spec': {'f:template': {'f:spec': {'f:containers': {'k:{"name":"web"}': {'.': {}, 'f:image': {}}}}}}},
    others: [{manager: 'kubectl', operation: 'Update', subresource: 'scale', time: '2026-12-05T03:01:00Z', fieldsV1: {'f:spec': {'f:replicas': {}}}}],
  })

function setup(debounceMs = 1_000) {
  const server = fakeWatchServer()
  const timers = fakeTimers()
  const drifts: {app: string; changes: string[]}[] = []
  const events: DriftWatchEvent[] = []
  const watcher = new DriftWatcher({cluster: {watch: server.watch}, onDrift: (app, changes) => drifts.push({app, changes}), onEvent: (e) => events.push(e), timers, debounceMs, random: () => 0})
  return {server, timers, drifts, events, watcher}
}

/** setup() with app "shop" owning `web`, its stream open (returned as `s`). */
async function watching(debounceMs = 1_000) {
  const ctx = setup(debounceMs)
  ctx.watcher.setInventory('shop', [web])
  await ctx.timers.flush()
  return {...ctx, s: ctx.server.open()[0]!}
}

test('appliedFieldsOf: the leaf paths of strata Apply entry and its time; other managers and subresources ignored', () => {
  const seen = appliedFieldsOf(scaled('1'))
  assert.deepEqual([...seen.fields], ['f:spec/f:template/f:spec/f:containers/k:{"name":"web"}/f:image'])
  assert.deepEqual([...appliedFieldsOf(deployment({rv: '1'})).fields], ['f:spec/f:replicas', 'f:spec/f:template/f:spec/f:containers/k:{"name":"web"}/f:image'])
  assert.equal(seen.time, '2026-12-05T03:00:00Z')
  assert.deepEqual([...appliedFieldsOf({metadata: {}}).fields], [])
})

test('one stream per apiVersion+kind+namespace, filtered to ApplySet members, shared by apps; unused streams close', async () => {
  const {server, watcher, timers} = setup()
  watcher.setInventory('a', [web, cfg])
  watcher.setInventory('b', [{...cfg, name: 'b-config'}])
  await timers.flush()
  assert.deepEqual(watcher.streamKeys(), ['apps/v1|Deployment|shop', 'v1|ConfigMap|shop'])
  assert.equal(server.open().length, 2)
  assert.equal(server.calls[0]!.request.labelSelector, 'applyset.kubernetes.io/part-of')
  assert.equal(server.calls[0]!.request.namespace, 'shop')
  assert.equal(server.calls[0]!.request.resourceVersion, undefined)
  watcher.setInventory('a', [cfg])
  await timers.flush()
  assert.deepEqual(watcher.streamKeys(), ['v1|ConfigMap|shop'])
  assert.equal(server.open().length, 1)
  await watcher.stop()
  assert.equal(server.open().length, 0)
})

test('kubectl scale (a field taken from strata) is drift, reported once per debounce window with the field and the manager', async () => {
  const {s, watcher, timers, drifts} = await watching()
  s.emit({type: 'ADDED', object: deployment({rv: '10'})})
  s.emit({type: 'MODIFIED', object: scaled('11')})
  s.emit({type: 'MODIFIED', object: scaled('12')})
  assert.equal(drifts.length, 0, 'debounced')
  await timers.advance(1_000)
  assert.equal(drifts.length, 1)
  assert.equal(drifts[0]!.app, 'shop')
  assert.match(drifts[0]!.changes[0]!, /Deployment shop\/web: spec\.replicas changed by kubectl \(scale\)/)
  await watcher.stop()
})

test('status updates, other managers adding fields strata never owned, and strata own applies are not drift', async () => {
  const {s, watcher, timers, drifts} = await watching()
  s.emit({type: 'ADDED', object: deployment({rv: '10'})})
  s.emit({type: 'MODIFIED', object: deployment({rv: '11', others: [{manager: 'kube-controller-manager', operation: 'Update', subresource: 'status', time: '2026-12-05T03:00:01Z', fieldsV1: {'f:status': {'f:replicas': {}}}}]})})
  s.emit({type: 'MODIFIED', object: deployment({rv: '12', others: [{manager: 'kube-controller-manager', operation: 'Update', time: '2026-12-05T03:00:01Z', fieldsV1: {'f:metadata': {'f:annotations': {'f:deployment.kubernetes.io/revision': {}}}}}]})})
  // strata applied a new commit that no longer sets replicas: its entry moves in time.
  s.emit({type: 'MODIFIED', object: deployment({rv: '13', strataTime: '2026-12-05T03:05:00Z', strataFields: {'f:spec': {}}})})
  s.emit({type: 'BOOKMARK', object: {metadata: {resourceVersion: '20'}}})
  await timers.advance(5_000)
  assert.deepEqual(drifts, [])
  await watcher.stop()
})

test('objects of no app in the stream are ignored; a deletion of an owned object is drift', async () => {
  const {s, watcher, timers, drifts} = await watching()
  s.emit({type: 'ADDED', object: {...scaled('5'), metadata: {...(scaled('5').metadata as JsonObject), name: 'other'}}})
  s.emit({type: 'MODIFIED', object: {...scaled('6'), metadata: {...(scaled('6').metadata as JsonObject), name: 'other'}}})
  s.emit({type: 'DELETED', object: deployment({rv: '7'})})
  await timers.advance(1_000)
  assert.deepEqual(drifts.map((d) => d.changes), [['Deployment shop/web: deleted']])
  await watcher.stop()
})

test('a stream the server ends resumes from the last resourceVersion (events and bookmarks); 410 Gone starts over and compares with what was seen', async () => {
  const {server, watcher, timers, drifts, events} = setup()
  watcher.setInventory('shop', [web])
  await timers.flush()
  let s = server.open()[0]!
  s.emit({type: 'ADDED', object: deployment({rv: '10'})})
  s.emit({type: 'BOOKMARK', object: {metadata: {resourceVersion: '15'}}})
  s.end()
  await timers.flush()
  s = server.open()[0]!
  assert.equal(s.request.resourceVersion, '15')
  // The version expired: an ERROR event with 410.
  s.emit({type: 'ERROR', object: {kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version'}})
  await timers.flush()
  assert.ok(events.some((e) => e.kind === 'stream-gone'))
  s = server.open()[0]!
  assert.equal(s.request.resourceVersion, undefined)
  // Listed again: the scale that happened while the stream was down is found by comparison.
  s.emit({type: 'ADDED', object: scaled('30')})
  await timers.advance(1_000)
  assert.equal(drifts.length, 1)
  await watcher.stop()
})

test('a broken stream reconnects with capped backoff, keeping its resourceVersion; an instant empty end counts as a failure', async () => {
  const {server, watcher, timers, events} = setup()
  watcher.setInventory('shop', [web])
  await timers.flush()
  server.open()[0]!.emit({type: 'BOOKMARK', object: {metadata: {resourceVersion: '7'}}})
  server.open()[0]!.fail(new ClusterError(0, 'ECONNRESET', 'watch Deployment: cannot reach the API server'))
  await timers.flush()
  const errors = events.filter((e) => e.kind === 'stream-error')
  assert.equal(errors.length, 1)
  assert.equal(server.open().length, 0, 'waits before reconnecting')
  await timers.advance((errors[0] as {retryInMs: number}).retryInMs)
  assert.equal(server.open().length, 1)
  assert.equal(server.open()[0]!.request.resourceVersion, '7')
  server.open()[0]!.end()
  await timers.flush()
  assert.equal(events.filter((e) => e.kind === 'stream-error').length, 2)
  await watcher.stop()
})

test('clear() (leadership lost) closes every stream and drops pending drift', async () => {
  const {s, server, watcher, timers, drifts} = await watching()
  s.emit({type: 'ADDED', object: deployment({rv: '10'})})
  s.emit({type: 'MODIFIED', object: scaled('11')})
  watcher.clear()
  await timers.advance(2_000)
  assert.deepEqual(drifts, [])
  assert.equal(server.open().length, 0)
  await watcher.stop()
})

test('a stream shared by apps: an app whose objects the stream saw before its inventory arrived gets its first kubectl scale reported', async () => {
  const {s, watcher, timers, drifts} = await watching()
  const other = (o: JsonObject): JsonObject => ({...o, metadata: {...(o.metadata as JsonObject), name: 'api'}})
  // The stream opened for "shop"; app "api"'s Deployment is listed (ADDED) before api's reconcile hands its inventory over.
  s.emit({type: 'ADDED', object: other(deployment({rv: '10'}))})
  watcher.setInventory('api', [{...web, name: 'api'}])
  await timers.flush()
  assert.equal(watcher.streamKeys().length, 1, 'the same stream, no new one')
  // The first change of api's Deployment since then is a kubectl scale: drift, not a first sight.
  s.emit({type: 'MODIFIED', object: other(scaled('11'))})
  await timers.advance(1_000)
  assert.deepEqual(drifts.map((d) => d.app), ['api'])
  await watcher.stop()
})
