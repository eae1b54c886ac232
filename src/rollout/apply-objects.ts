// One step's objects to the cluster by server-side apply: `concurrency` requests in flight, each
// object labelled as a member of the app's ApplySet, unchanged objects skipped without a request.
// A cancelled signal stops new requests while those in flight finish, so the saved state never
// lies about what reached the server. Results are events; nothing here prints.
import {withPartOfLabel} from '../cluster/applyset.js'
import {ClusterError} from '../cluster/errors.js'
import type {ClusterPort} from '../cluster/port.js'
import {describeId} from './plan.js'
import type {PlanItem, RolloutEvent} from './types.js'

export interface ApplyObjectsOptions {
  fieldManager: string
  forceConflicts: boolean
  applySetId: string
  concurrency: number
  signal?: AbortSignal
}

export interface ApplyObjectsResult {
  events: RolloutEvent[]
  applied: number
  unchanged: number
  failed: number
  /** Items never sent because the signal fired first. */
  skipped: number
}

/** A field another manager owns, from the API server's 409 message. */
export interface FieldConflict {
  manager: string
  apiVersion: string
  field: string
}

export async function applyObjects(cluster: ClusterPort, step: number, items: readonly PlanItem[], options: ApplyObjectsOptions): Promise<ApplyObjectsResult> {
  const events = new Array<RolloutEvent | undefined>(items.length)
  const result: ApplyObjectsResult = {events: [], applied: 0, unchanged: 0, failed: 0, skipped: 0}
  let next = 0
  const worker = async () => {
    while (next < items.length && !options.signal?.aborted) {
      const i = next++
      events[i] = await applyOne(cluster, step, items[i], options, result)
    }
  }
  await Promise.all(Array.from({length: Math.max(1, Math.min(options.concurrency, items.length))}, worker))
  result.skipped = items.length - next
  result.events = events.filter((e): e is RolloutEvent => e !== undefined)
  return result
}

async function applyOne(cluster: ClusterPort, step: number, item: PlanItem, options: ApplyObjectsOptions, result: ApplyObjectsResult): Promise<RolloutEvent | undefined> {
  if (item.action === 'delete') return undefined
  if (item.action === 'unchanged' || !item.object) {
    result.unchanged++
    return {type: 'applied', step, id: item.id, result: 'unchanged'}
  }
  try {
    await cluster.apply(withPartOfLabel(item.object, options.applySetId), {dryRun: false, force: options.forceConflicts, fieldManager: options.fieldManager})
    result.applied++
    return {type: 'applied', step, id: item.id, result: item.action === 'create' ? 'created' : 'configured'}
  } catch (err) {
    result.failed++
    return {type: 'apply-failed', step, id: item.id, message: applyFailureMessage(item, err)}
  }
}

export function applyFailureMessage(item: PlanItem, err: unknown): string {
  const what = describeId(item.id)
  if (err instanceof ClusterError && err.status === 409) {
    const conflicts = parseConflicts(err.message)
    if (conflicts.length > 0) {
      const owned = conflicts.map((c) => `${c.field} is owned by "${c.manager}"${c.apiVersion ? ` (${c.apiVersion})` : ''}`).join('; ')
      return `${what}: field conflict: ${owned}. Remove the field from the render, let that manager give it up, or apply with --force-conflicts to take it over.`
    }
    if (err.reason === 'Conflict') return `${err.message}. Apply with --force-conflicts to take over fields another manager owns.`
  }
  return err instanceof Error ? err.message : String(err)
}

const managerLine = /conflicts? with "([^"]+)"(?: using ([^\s:"]+))?(?: with subresource "[^"]*")?:\s*(.*)$/
const httpSuffix = /\s*\(HTTP \d+\)\s*$/

/**
 * The API server's apply conflict message, one line per manager:
 * `Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas`,
 * or a manager line ending in `:` followed by `- .field` lines when there are several.
 */
export function parseConflicts(message: string): FieldConflict[] {
  const out: FieldConflict[] = []
  let current: {manager: string; apiVersion: string} | undefined
  for (const raw of message.split('\n')) {
    const line = raw.replace(httpSuffix, '')
    const m = managerLine.exec(line)
    if (m) {
      current = {manager: m[1], apiVersion: m[2] ?? ''}
      const rest = m[3].trim()
      if (rest !== '') out.push({...current, field: rest})
      continue
    }
    const item = /^\s*-\s+(.+?)\s*$/.exec(line)
    if (item && current) out.push({...current, field: item[1]})
  }
  return out
}
