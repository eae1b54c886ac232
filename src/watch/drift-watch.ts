// Event-driven drift for `strata watch`: Kubernetes watch streams over the objects the apps own, so
// a `kubectl scale` or `kubectl edit` of a synced object is noticed within a second or two instead of
// at the next --drift-interval (which stays as the safety net).
//
// One stream per apiVersion+kind+namespace of the apps' inventories (shared by every app with
// objects there), filtered to ApplySet members by the part-of label. Each stream resumes from the
// last resourceVersion it saw (events and bookmarks); when the server ends it, it reconnects at
// once; after an error it backs off (capped, jittered); on 410 Gone it starts over without a
// version, and the server's fresh ADDED events are compared with what was seen before.
//
// What counts as drift: a field that strata's server-side apply owned is no longer strata's. An
// Update by anyone else (kubectl scale, kubectl edit, a script) that changes such a field takes it
// from strata's managedFields entry; deleting the object counts too. Everything else is not drift:
// a controller writing status or its own annotations (fields strata never owned), and strata's own
// applies (its entry changes time and keeps or grows its fields). Drift per app is debounced, so a
// burst of edits is one reconcile.
import type {JsonObject} from '../model/json.js'
import {isObject} from '../model/json.js'
import {applySetLabels} from '../cluster/applyset.js'
import {ClusterError} from '../cluster/errors.js'
import {defaultFieldManager, type ClusterPort, type WatchEvent} from '../cluster/port.js'
import {backoffDelay, type BackoffPolicy} from './backoff.js'
import {realTimers, type Timers} from './timers.js'

/** An object an app applied, as its last reconcile planned it (namespace '' for cluster-scoped kinds). */
export interface OwnedObject {
  apiVersion: string
  kind: string
  namespace: string
  name: string
}

export type DriftWatchEvent =
  | {kind: 'stream-open'; stream: string; resumed: boolean}
  | {kind: 'stream-error'; stream: string; error: string; retryInMs: number}
  | {kind: 'stream-gone'; stream: string}
  | {kind: 'drift-seen'; app: string; object: string; why: string}

export interface DriftWatchOptions {
  cluster: Required<Pick<ClusterPort, 'watch'>>
  /** Called once per debounce window per app, with what changed. */
  onDrift: (app: string, changes: string[]) => void
  debounceMs?: number
  fieldManager?: string
  /** The server ends each stream after this long (a reconnect resumes it). */
  timeoutSeconds?: number
  backoff?: BackoffPolicy
  timers?: Timers
  random?: () => number
  onEvent?: (e: DriftWatchEvent) => void
}

export const defaultDriftDebounceMs = 1_000
const defaultStreamBackoff: BackoffPolicy = {initialMs: 1_000, maxMs: 30_000}
/** A stream the server ends sooner than this without an event counts as a failure (no hot reconnect loop). */
const minHealthyStreamMs = 1_000

interface Seen {
  /** Leaf paths of strata's Apply entry in managedFields. */
  fields: Set<string>
  /** That entry's time: it moves when strata applied. */
  time: string | undefined
}

interface Stream {
  key: string
  apiVersion: string
  kind: string
  namespace: string
  /** Object name → the app that owns it. */
  owners: Map<string, string>
  /** Every object of the stream by name (not only owned ones; see handle). */
  seen: Map<string, Seen>
  resourceVersion?: string
  failures: number
  abort: AbortController
  done: Promise<void>
}

export class DriftWatcher {
  private readonly streams = new Map<string, Stream>()
  private readonly inventories = new Map<string, OwnedObject[]>()
  private readonly pending = new Map<string, {timer: unknown; changes: string[]}>()
  private readonly timers: Timers
  private readonly fieldManager: string
  private stopped = false

  constructor(private readonly options: DriftWatchOptions) {
    this.timers = options.timers ?? realTimers
    this.fieldManager = options.fieldManager ?? defaultFieldManager
  }

  /** The objects `app` owns now (after a reconcile): opens the streams they need, closes unused ones. */
  setInventory(app: string, objects: readonly OwnedObject[]): void {
    if (this.stopped) return
    this.inventories.set(app, [...objects])
    this.resync()
  }

  /** Forgets every app (this replica stopped leading): all streams close. */
  clear(): void {
    this.inventories.clear()
    for (const p of this.pending.values()) this.timers.clearTimeout(p.timer)
    this.pending.clear()
    this.resync()
  }

  /** Stream keys (apiVersion|kind|namespace) open now. */
  streamKeys(): string[] {
    return [...this.streams.keys()].sort()
  }

  async stop(): Promise<void> {
    this.stopped = true
    this.clear()
    await Promise.all([...this.streams.values()].map((s) => s.done))
  }

  private resync(): void {
    const wanted = new Map<string, Map<string, string>>()
    for (const [app, objects] of this.inventories) {
      for (const o of objects) {
        const key = streamKey(o)
        let owners = wanted.get(key)
        if (!owners) wanted.set(key, (owners = new Map()))
        owners.set(o.name, app)
      }
    }
    for (const [key, stream] of this.streams) {
      if (wanted.has(key)) continue
      stream.abort.abort()
      this.streams.delete(key)
    }
    for (const [key, owners] of wanted) {
      const existing = this.streams.get(key)
      if (existing) {
        existing.owners = owners
        continue
      }
      const [apiVersion, kind, namespace] = key.split('|') as [string, string, string]
      const stream: Stream = {key, apiVersion, kind, namespace, owners, seen: new Map(), failures: 0, abort: new AbortController(), done: Promise.resolve()}
      this.streams.set(key, stream)
      stream.done = this.run(stream)
    }
  }

  private async run(stream: Stream): Promise<void> {
    const signal = stream.abort.signal
    while (!signal.aborted) {
      const started = this.timers.now()
      let events = 0
      this.options.onEvent?.({kind: 'stream-open', stream: stream.key, resumed: stream.resourceVersion !== undefined})
      let retryInMs = 0
      // An ERROR event ends this attempt (the callback must not throw into the connection's handler).
      const attempt = new AbortController()
      const endAttempt = (): void => attempt.abort()
      signal.addEventListener('abort', endAttempt, {once: true})
      let errorEvent: ClusterError | undefined
      try {
        await this.options.cluster.watch(
          stream.apiVersion,
          stream.kind,
          {
            ...(stream.namespace && {namespace: stream.namespace}),
            labelSelector: applySetLabels.partOf,
            ...(stream.resourceVersion !== undefined && {resourceVersion: stream.resourceVersion}),
            timeoutSeconds: this.options.timeoutSeconds ?? 300,
            signal: attempt.signal,
          },
          (e) => {
            if (errorEvent) return
            events++
            errorEvent = this.handle(stream, e)
            if (errorEvent) attempt.abort()
          },
        )
        if (signal.aborted) break
        if (errorEvent) throw errorEvent
        if (events === 0 && this.timers.now() - started < minHealthyStreamMs) throw new Error('the server ended the watch at once')
        stream.failures = 0
      } catch (err) {
        if (signal.aborted) break
        if (isGone(err)) {
          // Too old to resume: start over; the server lists every object again as ADDED.
          stream.resourceVersion = undefined
          this.options.onEvent?.({kind: 'stream-gone', stream: stream.key})
          continue
        }
        stream.failures++
        retryInMs = backoffDelay(stream.failures, this.options.backoff ?? defaultStreamBackoff, this.options.random)
        this.options.onEvent?.({kind: 'stream-error', stream: stream.key, error: err instanceof Error ? err.message : String(err), retryInMs})
      } finally {
        signal.removeEventListener('abort', endAttempt)
      }
      if (retryInMs > 0) await this.sleep(retryInMs, signal)
    }
  }

  /** Applies one event; an ERROR event is returned (the stream then starts again). */
  private handle(stream: Stream, e: WatchEvent): ClusterError | undefined {
    const md = isObject(e.object.metadata) ? e.object.metadata : {}
    if (e.type === 'ERROR') {
      const code = typeof e.object.code === 'number' ? e.object.code : 0
      return new ClusterError(code, typeof e.object.reason === 'string' ? e.object.reason : 'Error', `watch ${stream.kind}: ${typeof e.object.message === 'string' ? e.object.message : 'error event'}`)
    }
    if (typeof md.resourceVersion === 'string' && md.resourceVersion) stream.resourceVersion = md.resourceVersion
    if (e.type === 'BOOKMARK') return undefined
    const name = typeof md.name === 'string' ? md.name : ''
    const app = stream.owners.get(name)
    const what = `${stream.kind} ${stream.namespace ? `${stream.namespace}/` : ''}${name}`
    if (e.type === 'DELETED') {
      stream.seen.delete(name)
      if (app !== undefined) this.drift(app, what, 'deleted')
      return undefined
    }
    // Every object of the stream is remembered, owned yet or not: a stream shared by several apps
    // opens with the first app's inventory, and another app's object seen only then (at the stream
    // start, or at that app's own apply) must be known when its first change after its reconcile is
    // a kubectl scale — otherwise that change would be a first sight, and no drift.
    const now = appliedFieldsOf(e.object, this.fieldManager)
    const before = stream.seen.get(name)
    stream.seen.set(name, now)
    if (app === undefined) return undefined
    // First sight (stream start) only records; strata's own apply moves its entry's time.
    if (!before || now.time !== before.time) return undefined
    const lost = [...before.fields].filter((f) => !now.fields.has(f))
    if (lost.length === 0) return undefined
    const shown = lost.slice(0, 3).map(readablePath).join(', ')
    this.drift(app, what, `${shown}${lost.length > 3 ? ` and ${lost.length - 3} more` : ''} changed by ${changedManagers(e.object, lost, this.fieldManager).join(', ') || 'another manager'}`)
    return undefined
  }

  private drift(app: string, object: string, why: string): void {
    this.options.onEvent?.({kind: 'drift-seen', app, object, why})
    const change = `${object}: ${why}`
    const pending = this.pending.get(app)
    if (pending) {
      pending.changes.push(change)
      return
    }
    const entry = {
      changes: [change],
      timer: this.timers.setTimeout(() => {
        this.pending.delete(app)
        if (!this.stopped && this.inventories.has(app)) this.options.onDrift(app, entry.changes)
      }, this.options.debounceMs ?? defaultDriftDebounceMs),
    }
    this.pending.set(app, entry)
  }

  private sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const onAbort = (): void => {
        this.timers.clearTimeout(timer)
        resolve()
      }
      const timer = this.timers.setTimeout(() => {
        signal.removeEventListener('abort', onAbort)
        resolve()
      }, ms)
      signal.addEventListener('abort', onAbort, {once: true})
    })
  }
}

function streamKey(o: OwnedObject): string {
  return `${o.apiVersion}|${o.kind}|${o.namespace}`
}

function isGone(err: unknown): boolean {
  return err instanceof ClusterError && (err.status === 410 || err.reason === 'Expired' || err.reason === 'Gone')
}

interface ManagedFieldsEntry {
  manager?: string
  operation?: string
  time?: string
  subresource?: string
  fieldsV1?: unknown
}

function entriesOf(obj: JsonObject): ManagedFieldsEntry[] {
  const md = isObject(obj.metadata) ? obj.metadata : {}
  return Array.isArray(md.managedFields) ? (md.managedFields.filter(isObject) as ManagedFieldsEntry[]) : []
}

/** The leaf paths strata's server-side apply owns ("f:spec/f:replicas", …) and when it last applied. */
export function appliedFieldsOf(obj: JsonObject, fieldManager: string = defaultFieldManager): Seen {
  const entry = entriesOf(obj).find((m) => m.manager === fieldManager && m.operation === 'Apply' && !m.subresource)
  const fields = new Set<string>()
  if (entry && isObject(entry.fieldsV1)) collectLeaves(entry.fieldsV1, '', fields)
  return {fields, time: entry?.time}
}

function collectLeaves(node: JsonObject, prefix: string, out: Set<string>): void {
  for (const [k, v] of Object.entries(node)) {
    if (k === '.') continue
    const p = prefix ? `${prefix}/${k}` : k
    if (isObject(v) && Object.keys(v).some((c) => c !== '.')) collectLeaves(v, p, out)
    else out.add(p)
  }
}

/** `f:spec/f:replicas` → `spec.replicas` (list keys `k:{…}` stay as they are). */
function readablePath(p: string): string {
  return p
    .split('/')
    .map((s) => (s.startsWith('f:') ? s.slice(2) : s))
    .join('.')
}

/** The managers (other than strata) that own one of the lost fields now. */
function changedManagers(obj: JsonObject, lost: string[], fieldManager: string): string[] {
  const out = new Set<string>()
  for (const m of entriesOf(obj)) {
    if (m.manager === fieldManager || !isObject(m.fieldsV1)) continue
    const fields = new Set<string>()
    collectLeaves(m.fieldsV1, '', fields)
    if (lost.some((f) => fields.has(f))) out.add(`${m.manager ?? '?'}${m.subresource ? ` (${m.subresource})` : ''}`)
  }
  return [...out]
}
