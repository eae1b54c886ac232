// Health of one live object, after kstatus (sigs.k8s.io/cli-utils/pkg/kstatus/status) and Argo
// CD's per-kind checks. Pure: the object in, a Health out. "progressing" covers everything that
// may still converge (including a status the controller has not caught up with yet); "failed" is
// what needs a person (a crash-looping pod, a deadline the Deployment controller gave up on).
import {isObject, type JsonObject, type JsonValue} from '../model/json.js'
import type {Health} from './types.js'

interface Condition {
  type: string
  status: string
  reason: string
  message: string
}

function field(obj: JsonValue | undefined, ...path: string[]): JsonValue | undefined {
  let cur: JsonValue | undefined = obj
  for (const p of path) {
    if (!isObject(cur)) return undefined
    cur = cur[p]
  }
  return cur
}

function num(v: JsonValue | undefined, fallback = 0): number {
  return typeof v === 'number' ? v : fallback
}

function str(v: JsonValue | undefined): string {
  return typeof v === 'string' ? v : ''
}

function conditionsOf(obj: JsonObject): Map<string, Condition> {
  const out = new Map<string, Condition>()
  const list = field(obj, 'status', 'conditions')
  if (!Array.isArray(list)) return out
  for (const c of list) {
    if (!isObject(c)) continue
    const type = str(c.type)
    if (type === '') continue
    out.set(type, {type, status: str(c.status), reason: str(c.reason), message: str(c.message)})
  }
  return out
}

function describeCondition(c: Condition): string {
  const why = [c.reason, c.message].filter((s) => s !== '').join(': ')
  return `condition ${c.type} is ${c.status}${why === '' ? '' : `: ${why}`}`
}

const healthy = (message: string, extra: Partial<Health> = {}): Health => ({status: 'healthy', message, ...extra})
const progressing = (message: string, extra: Partial<Health> = {}): Health => ({status: 'progressing', message, ...extra})
const failed = (message: string, extra: Partial<Health> = {}): Health => ({status: 'failed', message, ...extra})

/** Waiting reasons of a container that will not fix themselves without a change (Argo CD's pod check). */
const FAILING_WAIT_REASONS = new Set([
  'CrashLoopBackOff',
  'ImagePullBackOff',
  'ErrImagePull',
  'InvalidImageName',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
])

export function assessHealth(obj: JsonObject): Health {
  const kind = str(obj.kind)
  const group = str(obj.apiVersion).includes('/') ? str(obj.apiVersion).split('/')[0] : ''
  if (isObject(field(obj, 'metadata')) && typeof field(obj, 'metadata', 'deletionTimestamp') === 'string') {
    return progressing('being deleted')
  }
  // kstatus: a status older than the spec says nothing about the spec.
  const generation = field(obj, 'metadata', 'generation')
  const observed = field(obj, 'status', 'observedGeneration')
  if (typeof generation === 'number' && typeof observed === 'number' && observed < generation) {
    return progressing(`status not yet observed (generation ${generation}, observed ${observed})`)
  }
  const conditions = conditionsOf(obj)
  if (group === 'apps' || group === '' || group === 'extensions') {
    switch (kind) {
      case 'Deployment': return deploymentHealth(obj, conditions)
      case 'StatefulSet': return statefulSetHealth(obj)
      case 'DaemonSet': return daemonSetHealth(obj)
      case 'ReplicaSet': return replicaSetHealth(obj, conditions)
    }
  }
  if (group === '') {
    switch (kind) {
      case 'Pod': return podHealth(obj, conditions)
      case 'PersistentVolumeClaim': return pvcHealth(obj)
      case 'Namespace': return namespaceHealth(obj)
      case 'Service': return serviceHealth(obj)
      case 'ReplicationController': return replicaSetHealth(obj, conditions)
    }
  }
  if (group === 'batch' && kind === 'Job') return jobHealth(obj, conditions)
  if (group === 'batch' && kind === 'CronJob') return healthy('CronJob is scheduled')
  if (group === 'apiextensions.k8s.io' && kind === 'CustomResourceDefinition') return crdHealth(conditions)
  if (group === 'policy' && kind === 'PodDisruptionBudget') return pdbHealth(obj)
  return genericHealth(obj, conditions)
}

function deploymentHealth(obj: JsonObject, conditions: Map<string, Condition>): Health {
  const desired = num(field(obj, 'spec', 'replicas'), 1)
  const updated = num(field(obj, 'status', 'updatedReplicas'))
  const ready = num(field(obj, 'status', 'readyReplicas'))
  const available = num(field(obj, 'status', 'availableReplicas'))
  const total = num(field(obj, 'status', 'replicas'))
  const counts = {ready, desired}
  if (field(obj, 'spec', 'paused') === true) return progressing('Deployment is paused', counts)
  const prog = conditions.get('Progressing')
  if (prog !== undefined && prog.reason === 'ProgressDeadlineExceeded') {
    return failed(describeCondition(prog), {...counts, condition: 'Progressing'})
  }
  if (updated < desired) return progressing(`${updated}/${desired} replicas updated`, counts)
  if (total > updated) return progressing(`${total - updated} old replicas pending termination`, counts)
  if (available < updated) return progressing(`${available}/${desired} replicas available`, counts)
  if (ready < desired) return progressing(`${ready}/${desired} replicas ready`, counts)
  const avail = conditions.get('Available')
  if (avail !== undefined && avail.status === 'False') {
    return progressing(describeCondition(avail), {...counts, condition: 'Available'})
  }
  return healthy(`${ready}/${desired} replicas ready`, counts)
}

function statefulSetHealth(obj: JsonObject): Health {
  const desired = num(field(obj, 'spec', 'replicas'), 1)
  const ready = num(field(obj, 'status', 'readyReplicas'))
  const current = num(field(obj, 'status', 'currentReplicas'))
  const updatedCount = num(field(obj, 'status', 'updatedReplicas'))
  const counts = {ready, desired}
  if (ready < desired) return progressing(`${ready}/${desired} replicas ready`, counts)
  const strategy = str(field(obj, 'spec', 'updateStrategy', 'type'))
  // OnDelete: the controller never replaces pods by itself, so waiting on the revision would hang.
  if (strategy === 'OnDelete') return healthy(`${ready}/${desired} replicas ready (OnDelete)`, counts)
  const partition = num(field(obj, 'spec', 'updateStrategy', 'rollingUpdate', 'partition'))
  if (partition > 0) {
    const wanted = Math.max(desired - partition, 0)
    if (updatedCount < wanted) return progressing(`${updatedCount}/${wanted} replicas updated (partition ${partition})`, counts)
    return healthy(`partitioned roll-out: ${updatedCount}/${wanted} updated, ${ready}/${desired} ready`, counts)
  }
  const currentRev = str(field(obj, 'status', 'currentRevision'))
  const updateRev = str(field(obj, 'status', 'updateRevision'))
  if (updateRev !== '' && currentRev !== updateRev) {
    return progressing(`${updatedCount}/${desired} replicas updated to ${updateRev}`, counts)
  }
  if (current > 0 && current < desired) return progressing(`${current}/${desired} replicas current`, counts)
  return healthy(`${ready}/${desired} replicas ready`, counts)
}

function daemonSetHealth(obj: JsonObject): Health {
  const desired = num(field(obj, 'status', 'desiredNumberScheduled'))
  const updated = num(field(obj, 'status', 'updatedNumberScheduled'))
  const available = num(field(obj, 'status', 'numberAvailable'))
  const ready = num(field(obj, 'status', 'numberReady'))
  const counts = {ready, desired}
  if (str(field(obj, 'spec', 'updateStrategy', 'type')) !== 'OnDelete' && updated < desired) {
    return progressing(`${updated}/${desired} pods updated`, counts)
  }
  if (available < desired) return progressing(`${available}/${desired} pods available`, counts)
  if (ready < desired) return progressing(`${ready}/${desired} pods ready`, counts)
  return healthy(`${ready}/${desired} pods ready`, counts)
}

function replicaSetHealth(obj: JsonObject, conditions: Map<string, Condition>): Health {
  const desired = num(field(obj, 'spec', 'replicas'), 1)
  const ready = num(field(obj, 'status', 'readyReplicas'))
  const available = num(field(obj, 'status', 'availableReplicas'))
  const counts = {ready, desired}
  const rf = conditions.get('ReplicaFailure')
  if (rf !== undefined && rf.status === 'True') return failed(describeCondition(rf), {...counts, condition: 'ReplicaFailure'})
  if (available < desired) return progressing(`${available}/${desired} replicas available`, counts)
  if (ready < desired) return progressing(`${ready}/${desired} replicas ready`, counts)
  return healthy(`${ready}/${desired} replicas ready`, counts)
}

function jobHealth(obj: JsonObject, conditions: Map<string, Condition>): Health {
  const failedCond = conditions.get('Failed')
  if (failedCond !== undefined && failedCond.status === 'True') return failed(describeCondition(failedCond), {condition: 'Failed'})
  const complete = conditions.get('Complete')
  if (complete !== undefined && complete.status === 'True') {
    return healthy(`Job completed (${num(field(obj, 'status', 'succeeded'))} succeeded)`, {condition: 'Complete'})
  }
  if (field(obj, 'spec', 'suspend') === true) return progressing('Job is suspended')
  const active = num(field(obj, 'status', 'active'))
  const succeeded = num(field(obj, 'status', 'succeeded'))
  const completions = num(field(obj, 'spec', 'completions'), 1)
  return progressing(`Job running: ${active} active, ${succeeded}/${completions} succeeded`)
}

function crdHealth(conditions: Map<string, Condition>): Health {
  const names = conditions.get('NamesAccepted')
  if (names !== undefined && names.status === 'False') return failed(describeCondition(names), {condition: 'NamesAccepted'})
  const est = conditions.get('Established')
  if (est !== undefined && est.status === 'True') return healthy('CRD is established', {condition: 'Established'})
  return progressing(est === undefined ? 'CRD is not established yet' : describeCondition(est), {condition: 'Established'})
}

function namespaceHealth(obj: JsonObject): Health {
  const phase = str(field(obj, 'status', 'phase'))
  if (phase === 'Terminating') return progressing('Namespace is terminating')
  return healthy(phase === '' ? 'Namespace exists' : `Namespace is ${phase}`)
}

function pvcHealth(obj: JsonObject): Health {
  const phase = str(field(obj, 'status', 'phase'))
  if (phase === 'Bound') return healthy('claim is Bound')
  if (phase === 'Lost') return failed('claim is Lost: its volume is gone')
  return progressing(`claim is ${phase === '' ? 'not bound yet' : phase}`)
}

function serviceHealth(obj: JsonObject): Health {
  if (str(field(obj, 'spec', 'type')) !== 'LoadBalancer') return healthy('Service exists')
  const ingress = field(obj, 'status', 'loadBalancer', 'ingress')
  if (Array.isArray(ingress) && ingress.length > 0) return healthy('load balancer has an address')
  return progressing('waiting for a load balancer address')
}

function pdbHealth(obj: JsonObject): Health {
  const current = num(field(obj, 'status', 'currentHealthy'))
  const desired = num(field(obj, 'status', 'desiredHealthy'))
  if (current < desired) return progressing(`${current}/${desired} pods healthy`, {ready: current, desired})
  return healthy(`${current}/${desired} pods healthy`, {ready: current, desired})
}

function podHealth(obj: JsonObject, conditions: Map<string, Condition>): Health {
  const phase = str(field(obj, 'status', 'phase'))
  if (phase === 'Succeeded') return healthy('Pod succeeded')
  const statuses = [
    ...arrayOf(field(obj, 'status', 'initContainerStatuses')),
    ...arrayOf(field(obj, 'status', 'containerStatuses')),
  ]
  for (const cs of statuses) {
    const reason = str(field(cs, 'state', 'waiting', 'reason'))
    if (FAILING_WAIT_REASONS.has(reason)) {
      const msg = str(field(cs, 'state', 'waiting', 'message'))
      return failed(`container ${str(field(cs, 'name'))} is waiting: ${reason}${msg === '' ? '' : `: ${msg}`}`)
    }
  }
  if (phase === 'Failed') return failed(`Pod failed${str(field(obj, 'status', 'reason')) === '' ? '' : `: ${str(field(obj, 'status', 'reason'))}`}`)
  const ready = conditions.get('Ready')
  if (ready !== undefined && ready.status === 'True') return healthy('Pod is Ready', {condition: 'Ready'})
  const scheduled = conditions.get('PodScheduled')
  if (scheduled !== undefined && scheduled.status === 'False') return progressing(describeCondition(scheduled), {condition: 'PodScheduled'})
  return progressing(ready === undefined ? `Pod is ${phase === '' ? 'pending' : phase}` : describeCondition(ready), {condition: 'Ready'})
}

function arrayOf(v: JsonValue | undefined): JsonValue[] {
  return Array.isArray(v) ? v : []
}

function genericHealth(obj: JsonObject, conditions: Map<string, Condition>): Health {
  // kstatus' standard conditions first: Stalled = failed, Reconciling = progressing.
  const stalled = conditions.get('Stalled')
  if (stalled !== undefined && stalled.status === 'True') return failed(describeCondition(stalled), {condition: 'Stalled'})
  const reconciling = conditions.get('Reconciling')
  if (reconciling !== undefined && reconciling.status === 'True') return progressing(describeCondition(reconciling), {condition: 'Reconciling'})
  const ready = conditions.get('Ready')
  if (ready !== undefined) {
    if (ready.status === 'True') return healthy('condition Ready is True', {condition: 'Ready'})
    if (ready.status === 'False') return failed(describeCondition(ready), {condition: 'Ready'})
    return progressing(describeCondition(ready), {condition: 'Ready'})
  }
  return healthy(field(obj, 'status') === undefined ? 'exists (no status)' : 'exists')
}
