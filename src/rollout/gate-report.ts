// What a person needs when a health gate fails: the object and the condition that decided, and,
// for workloads, its pods (readiness, waiting reasons, restarts) and the latest Events of the
// object and of its unready pods — the `kubectl describe` answer without the round trips. Only
// status, conditions and Event messages are read: Secret data never reaches the text.
import type {ClusterPort} from '../cluster/port.js'
import {isObject, type JsonObject, type JsonValue} from '../model/json.js'
import type {Health, PlanObjectId} from './types.js'

const MAX_EVENTS = 5
const MAX_PODS = 10
const MAX_POD_EVENT_READS = 3
const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'ReplicationController'])

export async function gateReport(cluster: ClusterPort, id: PlanObjectId, health: Health): Promise<string> {
  const lines: string[] = []
  const where = id.namespace === '' ? `${id.kind}/${id.name}` : `${id.kind}/${id.name} in namespace ${id.namespace}`
  lines.push(`${where}: ${health.status} — ${health.message}`)
  if (health.ready !== undefined && health.desired !== undefined) lines.push(`  ready: ${health.ready}/${health.desired}`)
  const obj = await safe(() => cluster.get({apiVersion: id.apiVersion, kind: id.kind, name: id.name, namespace: id.namespace === '' ? undefined : id.namespace}))
  if (obj === undefined) {
    lines.push('  the object does not exist (or could not be read)')
    return lines.join('\n')
  }
  for (const c of conditionLines(obj)) lines.push(`  ${c}`)
  const eventOwners: string[] = [id.name]
  if (WORKLOAD_KINDS.has(id.kind) && id.namespace !== '') {
    const selector = labelSelectorOf(obj)
    if (selector !== undefined) {
      const pods = (await safe(() => cluster.list('v1', 'Pod', {namespace: id.namespace, labelSelector: selector}))) ?? []
      const described = pods.map(describePod).sort((a, b) => Number(a.ready) - Number(b.ready) || a.name.localeCompare(b.name))
      lines.push(`  pods (${described.filter((p) => p.ready).length}/${described.length} ready, selector ${selector}):`)
      for (const p of described.slice(0, MAX_PODS)) lines.push(`    ${p.line}`)
      if (described.length > MAX_PODS) lines.push(`    … ${described.length - MAX_PODS} more`)
      for (const p of described.filter((d) => !d.ready).slice(0, MAX_POD_EVENT_READS)) eventOwners.push(p.name)
    }
  }
  if (id.namespace !== '') {
    const events: JsonObject[] = []
    await Promise.all(eventOwners.map(async (name) => {
      const got = await safe(() => cluster.list('v1', 'Event', {namespace: id.namespace, fieldSelector: `involvedObject.name=${name}`}))
      if (got !== undefined) events.push(...got)
    }))
    // By instant, not by string: lastTimestamp has whole seconds, eventTime microseconds.
    const latest = events.map((e) => ({e, t: eventTime(e)}))
      .map((x) => ({...x, ms: Date.parse(x.t) || 0}))
      .sort((a, b) => a.ms - b.ms || a.t.localeCompare(b.t))
      .slice(-MAX_EVENTS)
    if (latest.length > 0) {
      lines.push('  recent events:')
      for (const {e, t} of latest) lines.push(`    ${eventLine(e, t)}`)
    }
  }
  return lines.join('\n')
}

async function safe<T>(f: () => Promise<T>): Promise<T | undefined> {
  try {
    return await f()
  } catch {
    // The report explains a failure that already happened; a read error must not replace it.
    return undefined
  }
}

function s(v: JsonValue | undefined): string {
  return typeof v === 'string' ? v : ''
}

function conditionLines(obj: JsonObject): string[] {
  const status = obj.status
  if (!isObject(status) || !Array.isArray(status.conditions)) return []
  const out: string[] = []
  for (const c of status.conditions) {
    if (!isObject(c)) continue
    const why = [s(c.reason), s(c.message)].filter((x) => x !== '').join(': ')
    out.push(`condition ${s(c.type)}=${s(c.status)}${why === '' ? '' : ` (${why})`}`)
  }
  return out
}

/** spec.selector as a label selector string (matchLabels and matchExpressions). */
export function labelSelectorOf(obj: JsonObject): string | undefined {
  const spec = obj.spec
  if (!isObject(spec) || !isObject(spec.selector)) return undefined
  const sel = spec.selector
  const parts: string[] = []
  // ReplicationController: spec.selector is a plain map.
  const matchLabels = isObject(sel.matchLabels) ? sel.matchLabels : (sel.matchExpressions === undefined ? sel : {})
  for (const [k, v] of Object.entries(matchLabels)) if (typeof v === 'string') parts.push(`${k}=${v}`)
  if (Array.isArray(sel.matchExpressions)) {
    for (const e of sel.matchExpressions) {
      if (!isObject(e)) continue
      const values = Array.isArray(e.values) ? e.values.filter((v): v is string => typeof v === 'string') : []
      switch (s(e.operator)) {
        case 'In': parts.push(`${s(e.key)} in (${values.join(',')})`); break
        case 'NotIn': parts.push(`${s(e.key)} notin (${values.join(',')})`); break
        case 'Exists': parts.push(s(e.key)); break
        case 'DoesNotExist': parts.push(`!${s(e.key)}`); break
      }
    }
  }
  return parts.length === 0 ? undefined : parts.join(',')
}

function describePod(pod: JsonObject): {name: string; ready: boolean; line: string} {
  const md = isObject(pod.metadata) ? pod.metadata : {}
  const status = isObject(pod.status) ? pod.status : {}
  const name = s(md.name)
  const conds = Array.isArray(status.conditions) ? status.conditions.filter(isObject) : []
  const ready = conds.some((c) => c.type === 'Ready' && c.status === 'True')
  const details: string[] = [s(status.phase) || 'Pending']
  let restarts = 0
  const statuses = [
    ...(Array.isArray(status.initContainerStatuses) ? status.initContainerStatuses : []),
    ...(Array.isArray(status.containerStatuses) ? status.containerStatuses : []),
  ]
  for (const cs of statuses) {
    if (!isObject(cs)) continue
    if (typeof cs.restartCount === 'number') restarts += cs.restartCount
    const waiting = isObject(cs.state) && isObject(cs.state.waiting) ? cs.state.waiting : undefined
    if (waiting !== undefined && s(waiting.reason) !== '') details.push(`${s(cs.name)} waiting: ${s(waiting.reason)}${s(waiting.message) === '' ? '' : ` (${s(waiting.message)})`}`)
  }
  if (!ready) {
    for (const c of conds) {
      if (c.status === 'True') continue
      const why = [s(c.reason), s(c.message)].filter((x) => x !== '').join(': ')
      if (why !== '') details.push(`${s(c.type)}=${s(c.status)}: ${why}`)
    }
  }
  details.push(`restarts ${restarts}`)
  return {name, ready, line: `${name}: ${ready ? 'ready' : 'not ready'}, ${details.join(', ')}`}
}

function eventTime(e: JsonObject): string {
  const md = isObject(e.metadata) ? e.metadata : {}
  return s(e.lastTimestamp) || s(e.eventTime) || s(e.firstTimestamp) || s(md.creationTimestamp)
}

function eventLine(e: JsonObject, t: string): string {
  const obj = isObject(e.involvedObject) ? e.involvedObject : {}
  const count = typeof e.count === 'number' && e.count > 1 ? ` (x${e.count})` : ''
  return `${t} ${s(e.type)} ${s(e.reason)} ${s(obj.kind)}/${s(obj.name)}: ${s(e.message)}${count}`
}
