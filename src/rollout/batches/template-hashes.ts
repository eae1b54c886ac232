// The {{canaryHash}} and {{stableHash}} an Analysis may put in its queries: the label values that
// tell the new pods from the old ones in metrics (Prometheus' Kubernetes discovery and
// kube-state-metrics carry pod labels). For a Deployment that is the `pod-template-hash` label
// the ReplicaSet controller gives each ReplicaSet's pods; for a StatefulSet the
// `controller-revision-hash` label, whose values are status.updateRevision and currentRevision.
// The API server computes these hashes (a Go deep-hash of the defaulted template), so they are
// read from the cluster once the batch's change is applied, never recomputed here.
import {isObject, type JsonObject} from '../../model/json.js'
import type {PlanItem, WorkloadRecord} from '../types.js'
import {canaryNameOf, clockOf, type BatchContext} from './context.js'
import {observed, refOf} from './objects.js'

export interface TemplateHashes {
  canary?: string
  stable?: string
}

const revisionAnnotation = 'deployment.kubernetes.io/revision'
const hashLabel = 'pod-template-hash'

/** Whether any of these texts uses a hash placeholder (only then are the hashes looked up). */
export function usesTemplateHashes(texts: Iterable<string>): boolean {
  for (const t of texts) if (/\{\{\s*(canaryHash|stableHash)\s*\}\}/.test(t)) return true
  return false
}

/**
 * The hashes for batch record.batchesDone+1, called after the batch applied its change. Polls until
 * the controllers have caught up (ReplicaSet created, revision recorded), for at most the batch
 * timeout; a hash still unknown then stays undefined (the placeholder becomes "").
 */
export async function templateHashes(ctx: BatchContext, item: PlanItem, record: WorkloadRecord): Promise<TemplateHashes> {
  const {now, sleep, pollMs} = clockOf(ctx)
  const deadline = now() + ctx.batchTimeoutMs
  for (;;) {
    const got = record.strategy === 'canary' ? await deploymentHashes(ctx, item, record) : await statefulSetHashes(ctx, item)
    if ((got.canary && got.stable) || ctx.signal?.aborted || now() >= deadline) return got
    await sleep(pollMs)
  }
}

async function statefulSetHashes(ctx: BatchContext, item: PlanItem): Promise<TemplateHashes> {
  const live = await ctx.cluster.get(refOf(item.id))
  if (!live || !observed(live) || !isObject(live.status)) return {}
  const {updateRevision, currentRevision} = live.status
  return {canary: typeof updateRevision === 'string' ? updateRevision : undefined, stable: typeof currentRevision === 'string' ? currentRevision : undefined}
}

async function deploymentHashes(ctx: BatchContext, item: PlanItem, record: WorkloadRecord): Promise<TemplateHashes> {
  const promoting = record.batchesDone === record.shares.length - 1
  const main = await replicaSetsOf(ctx, item, item.id.name)
  if (!main) return {}
  if (promoting) {
    // The stable Deployment now runs the new template: its newest revision is the canary, the one before it the stable.
    return {canary: main.current, stable: main.previous}
  }
  const canary = await replicaSetsOf(ctx, item, canaryNameOf(item.id.name))
  return {canary: canary?.current, stable: main.current}
}

/** The pod-template-hash of a Deployment's current ReplicaSet and of the one of the revision before. */
async function replicaSetsOf(ctx: BatchContext, item: PlanItem, name: string): Promise<{current?: string; previous?: string} | undefined> {
  const live = await ctx.cluster.get(refOf(item.id, name))
  const uid = isObject(live?.metadata) ? live.metadata.uid : undefined
  if (!live || !observed(live) || typeof uid !== 'string') return undefined
  const revision = Number(annotation(live, revisionAnnotation))
  if (!Number.isInteger(revision) || revision < 1) return undefined
  const owned = (await ctx.cluster.list('apps/v1', 'ReplicaSet', {namespace: item.id.namespace})).filter((rs) => ownedBy(rs, uid))
  const byRevision = new Map<number, string>()
  for (const rs of owned) {
    const hash = isObject(rs.metadata) && isObject(rs.metadata.labels) ? rs.metadata.labels[hashLabel] : undefined
    const rev = Number(annotation(rs, revisionAnnotation))
    if (typeof hash === 'string' && Number.isInteger(rev)) byRevision.set(rev, hash)
  }
  const older = [...byRevision.keys()].filter((r) => r < revision).sort((a, b) => b - a)
  return {current: byRevision.get(revision), previous: older.length ? byRevision.get(older[0]) : undefined}
}

function annotation(obj: JsonObject, key: string): string | undefined {
  const a = isObject(obj.metadata) && isObject(obj.metadata.annotations) ? obj.metadata.annotations[key] : undefined
  return typeof a === 'string' ? a : undefined
}

function ownedBy(obj: JsonObject, uid: string): boolean {
  const refs = isObject(obj.metadata) && Array.isArray(obj.metadata.ownerReferences) ? obj.metadata.ownerReferences : []
  return refs.some((r) => isObject(r) && r.uid === uid)
}
