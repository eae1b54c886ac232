// The health gate: poll the objects of a step until all of them are healthy, telling the caller
// each time one's health changes. Polling, not watching: a gate holds a handful of objects for
// seconds to minutes, and a poll round survives API server restarts without resync logic.
//
// Reads: objects of one kind in one namespace are read with a single LIST once there are
// LIST_THRESHOLD or more of them (one request instead of N); fewer are read with a GET each, so a
// namespace full of unrelated objects is not listed for one Deployment.
//
// A `failed` health is not final at once: kstatus failures recover (a pod in ImagePullBackOff
// pulls on the next try, a Deployment past its deadline progresses after a node joins). The gate
// fails only when an object stays failed for `failGraceMs` (default 20 s, capped by the
// timeout). Failures no controller will undo — a Job's Failed condition, a Lost claim, a CRD whose
// names were refused — stop the gate on first sight.
import type {ClusterPort} from '../cluster/port.js'
import type {JsonObject} from '../model/json.js'
import {assessHealth} from './health.js'
import {gateReport} from './gate-report.js'
import type {Health, PlanObjectId, RolloutEvent} from './types.js'

export interface WaitOptions {
  timeoutMs: number
  signal?: AbortSignal
  now?: () => number
  sleep?: (ms: number) => Promise<void>
  pollMs?: number
  /** How long an object may stay `failed` before the gate gives up on it (default 20 000, at most timeoutMs). */
  failGraceMs?: number
}

export type GateResult =
  | {ok: true}
  | {ok: false; id: PlanObjectId; health: Health; report: string; timedOut: boolean; interrupted: boolean}

export const DEFAULT_POLL_MS = 1000
export const DEFAULT_FAIL_GRACE_MS = 20_000
const LIST_THRESHOLD = 3

const notFound: Health = {status: 'progressing', message: 'object not found yet'}

export async function* waitForHealthy(
  cluster: ClusterPort,
  ids: readonly PlanObjectId[],
  options: WaitOptions,
): AsyncGenerator<RolloutEvent, GateResult> {
  const now = options.now ?? Date.now
  const sleep = options.sleep ?? ((ms: number) => defaultSleep(ms, options.signal))
  const pollMs = options.pollMs ?? DEFAULT_POLL_MS
  const failGraceMs = Math.min(options.failGraceMs ?? DEFAULT_FAIL_GRACE_MS, options.timeoutMs)
  const signal = options.signal
  const aborted = (): boolean => signal?.aborted === true
  const deadline = now() + options.timeoutMs
  const last = new Map<string, Health>()
  const failedSince = new Map<string, number>()
  const groups = groupForReads(ids)

  const interrupted = async (): Promise<GateResult> => {
    const [id, health] = leastHealthy(ids, last)
    return {ok: false, id, health, report: `interrupted while waiting for ${describeId(id)}: ${health.message}`, timedOut: false, interrupted: true}
  }

  if (ids.length === 0) return {ok: true}
  for (;;) {
    if (aborted()) return interrupted()
    const healths = await readHealths(cluster, groups)
    if (aborted()) return interrupted()
    const t = now()
    let allHealthy = true
    for (const id of ids) {
      const h = healths.get(id.key) ?? notFound
      const prev = last.get(id.key)
      if (prev === undefined || !sameHealth(prev, h)) {
        last.set(id.key, h)
        yield {type: 'health', id, health: h}
      }
      if (h.status !== 'healthy') allHealthy = false
      if (h.status === 'failed') {
        if (!failedSince.has(id.key)) failedSince.set(id.key, t)
        const since = failedSince.get(id.key) ?? t
        if (isFinalFailure(id) || t - since >= failGraceMs) {
          return {ok: false, id, health: h, report: await gateReport(cluster, id, h), timedOut: false, interrupted: false}
        }
      } else {
        failedSince.delete(id.key)
      }
    }
    if (allHealthy) return {ok: true}
    if (t >= deadline) {
      const [id, health] = leastHealthy(ids, last)
      return {ok: false, id, health, report: await gateReport(cluster, id, health), timedOut: true, interrupted: false}
    }
    await abortable(sleep(Math.min(pollMs, Math.max(deadline - t, 0))), signal)
  }
}

function isFinalFailure(id: PlanObjectId): boolean {
  return id.kind === 'Job' || id.kind === 'PersistentVolumeClaim' || id.kind === 'CustomResourceDefinition'
}

function sameHealth(a: Health, b: Health): boolean {
  return a.status === b.status && a.message === b.message && a.ready === b.ready && a.desired === b.desired && a.condition === b.condition
}

const RANK = {failed: 0, progressing: 1, healthy: 2} as const

/** The first failed object, else the first progressing one (in the caller's order). */
function leastHealthy(ids: readonly PlanObjectId[], last: ReadonlyMap<string, Health>): [PlanObjectId, Health] {
  let best: [PlanObjectId, Health] = [ids[0], last.get(ids[0].key) ?? notFound]
  for (const id of ids) {
    const h = last.get(id.key) ?? notFound
    if (RANK[h.status] < RANK[best[1].status]) best = [id, h]
  }
  return best
}

interface ReadGroup {
  apiVersion: string
  kind: string
  namespace: string
  ids: PlanObjectId[]
}

function groupForReads(ids: readonly PlanObjectId[]): ReadGroup[] {
  const groups = new Map<string, ReadGroup>()
  for (const id of ids) {
    const k = `${id.apiVersion}\0${id.kind}\0${id.namespace}`
    let g = groups.get(k)
    if (g === undefined) {
      g = {apiVersion: id.apiVersion, kind: id.kind, namespace: id.namespace, ids: []}
      groups.set(k, g)
    }
    g.ids.push(id)
  }
  return [...groups.values()]
}

async function readHealths(cluster: ClusterPort, groups: readonly ReadGroup[]): Promise<Map<string, Health>> {
  const out = new Map<string, Health>()
  await Promise.all(groups.map(async (g) => {
    if (g.ids.length >= LIST_THRESHOLD) {
      const items = await cluster.list(g.apiVersion, g.kind, g.namespace === '' ? {} : {namespace: g.namespace})
      const byName = new Map<string, JsonObject>()
      for (const item of items) {
        const md = item.metadata
        if (md !== null && typeof md === 'object' && !Array.isArray(md) && typeof md.name === 'string') byName.set(md.name, item)
      }
      for (const id of g.ids) {
        const obj = byName.get(id.name)
        if (obj !== undefined) out.set(id.key, assessHealth(withKind(obj, g)))
      }
      return
    }
    await Promise.all(g.ids.map(async (id) => {
      const obj = await cluster.get({apiVersion: id.apiVersion, kind: id.kind, name: id.name, namespace: id.namespace === '' ? undefined : id.namespace})
      if (obj !== undefined) out.set(id.key, assessHealth(withKind(obj, g)))
    }))
  }))
  return out
}

// Items of a LIST carry no apiVersion/kind; assessHealth dispatches on them.
function withKind(obj: JsonObject, g: ReadGroup): JsonObject {
  if (typeof obj.kind === 'string' && typeof obj.apiVersion === 'string') return obj
  return {...obj, apiVersion: g.apiVersion, kind: g.kind}
}

export function describeId(id: PlanObjectId): string {
  return id.namespace === '' ? `${id.kind}/${id.name}` : `${id.kind}/${id.namespace}/${id.name}`
}

// Clears its timer on abort so an interrupted gate does not hold the process open for a poll.
function defaultSleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms)
    function done(): void {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    signal?.addEventListener('abort', done, {once: true})
  })
}

/** Resolves when `p` does or as soon as `signal` aborts (the poll loop then sees the abort). */
function abortable(p: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) return p
  if (signal.aborted) return Promise.resolve()
  return new Promise((resolve, reject) => {
    const onAbort = (): void => resolve()
    signal.addEventListener('abort', onAbort, {once: true})
    p.then(
      () => { signal.removeEventListener('abort', onAbort); resolve() },
      (e: unknown) => { signal.removeEventListener('abort', onAbort); reject(e instanceof Error ? e : new Error(String(e))) },
    )
  })
}
