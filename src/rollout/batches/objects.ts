// Small helpers over workload objects: replicas, selectors as query strings, server-owned fields.
import {UserError} from '../../model/errors.js'
import {cloneJson, isObject, type JsonObject} from '../../model/json.js'
import type {ObjectRef} from '../../cluster/port.js'
import type {PlanObjectId} from '../types.js'

export function refOf(id: PlanObjectId, name = id.name): ObjectRef {
  return {apiVersion: id.apiVersion, kind: id.kind, namespace: id.namespace, name}
}

export function specOf(obj: JsonObject): JsonObject {
  return isObject(obj.spec) ? obj.spec : {}
}

/** spec.replicas, defaulted to 1 as the API server does. */
export function replicasOf(obj: JsonObject): number {
  const r = specOf(obj).replicas
  return typeof r === 'number' ? r : 1
}

/**
 * The replicas a batched workload should end with: the rendered count, or, when the render leaves
 * replicas to someone else (an autoscaler), the count it had before the rollout.
 */
export function desiredReplicas(rendered: JsonObject, previous: JsonObject): number {
  return typeof specOf(rendered).replicas === 'number' ? replicasOf(rendered) : replicasOf(previous)
}

/** A LabelSelector as the `labelSelector` query string. */
export function selectorString(selector: JsonObject | undefined, where: string): string {
  if (!selector) throw new UserError(`${where} has no spec.selector`, {field: 'spec.selector'})
  const parts: string[] = []
  if (isObject(selector.matchLabels)) for (const [k, v] of Object.entries(selector.matchLabels)) parts.push(`${k}=${String(v)}`)
  for (const e of Array.isArray(selector.matchExpressions) ? selector.matchExpressions.filter(isObject) : []) {
    const values = Array.isArray(e.values) ? e.values.map(String).join(',') : ''
    if (e.operator === 'In') parts.push(`${String(e.key)} in (${values})`)
    else if (e.operator === 'NotIn') parts.push(`${String(e.key)} notin (${values})`)
    else if (e.operator === 'Exists') parts.push(String(e.key))
    else if (e.operator === 'DoesNotExist') parts.push(`!${String(e.key)}`)
  }
  return parts.join(',')
}

/**
 * Resolves an int-or-percent (maxUnavailable) against `total`; percentages round down as the
 * Deployment controller rounds maxUnavailable. Kubernetes' default is 25%.
 */
export function intOrPercent(value: unknown, total: number, fallback: string): number {
  const v = value ?? fallback
  if (typeof v === 'number') return Math.max(0, Math.floor(v))
  const m = /^(\d+)%$/.exec(String(v))
  if (!m) throw new UserError(`maxUnavailable "${String(v)}" is neither an integer nor a percentage`, {field: 'spec.strategy.rollingUpdate.maxUnavailable'})
  return Math.floor((total * Number(m[1])) / 100)
}

export function maxUnavailableOf(deployment: JsonObject, replicas: number): number {
  const strategy = isObject(specOf(deployment).strategy) ? (specOf(deployment).strategy as JsonObject) : {}
  if (strategy.type === 'Recreate') return replicas
  const rolling = isObject(strategy.rollingUpdate) ? strategy.rollingUpdate : {}
  return intOrPercent(rolling.maxUnavailable, replicas, '25%')
}

const serverMetadata = ['uid', 'resourceVersion', 'generation', 'creationTimestamp', 'managedFields', 'selfLink', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'ownerReferences']

/** The live object without status and the fields the server owns: what abort can apply back. */
export function withoutServerFields(live: JsonObject): JsonObject {
  const obj = cloneJson(live)
  delete obj.status
  if (isObject(obj.metadata)) for (const f of serverMetadata) delete obj.metadata[f]
  return obj
}

/** Whether the live controller has seen the latest spec. */
export function observed(live: JsonObject): boolean {
  const generation = isObject(live.metadata) ? live.metadata.generation : undefined
  const seen = isObject(live.status) ? live.status.observedGeneration : undefined
  return typeof generation !== 'number' || (typeof seen === 'number' && seen >= generation)
}

export function statusNumber(live: JsonObject, field: string): number {
  const v = isObject(live.status) ? live.status[field] : undefined
  return typeof v === 'number' ? v : 0
}
