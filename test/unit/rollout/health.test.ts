import {test, describe} from 'node:test'
import assert from 'node:assert/strict'
import {assessHealth} from '../../../src/rollout/health.js'
import type {JsonObject} from '../../../src/model/json.js'

// Status snapshots shaped after objects read with `kubectl get -o json` from the e2e control plane
// (trimmed to the fields the rules read).
const deploy = (status: JsonObject, spec: JsonObject = {}, generation = 2): JsonObject => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'web', namespace: 'shop', generation},
  spec: {replicas: 3, ...spec}, status: {observedGeneration: generation, ...status},
})

describe('assessHealth: Deployment', () => {
  test('all replicas updated, available and ready is healthy with counts', () => {
    const h = assessHealth(deploy({replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3,
      conditions: [{type: 'Available', status: 'True'}, {type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable'}]}))
    assert.deepEqual(h, {status: 'healthy', message: '3/3 replicas ready', ready: 3, desired: 3})
  })
  test('stale observedGeneration is progressing even with good counts', () => {
    const h = assessHealth({...deploy({replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3}), status: {observedGeneration: 1, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3}})
    assert.equal(h.status, 'progressing')
    assert.match(h.message, /generation 2, observed 1/)
  })
  test('rolling update in flight', () => {
    assert.equal(assessHealth(deploy({replicas: 4, updatedReplicas: 1, readyReplicas: 3, availableReplicas: 3})).message, '1/3 replicas updated')
    assert.equal(assessHealth(deploy({replicas: 4, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3})).message, '1 old replicas pending termination')
    assert.equal(assessHealth(deploy({replicas: 3, updatedReplicas: 3, readyReplicas: 2, availableReplicas: 2})).message, '2/3 replicas available')
  })
  test('ProgressDeadlineExceeded is failed and names the condition', () => {
    const h = assessHealth(deploy({replicas: 3, updatedReplicas: 3, readyReplicas: 0, availableReplicas: 0,
      conditions: [{type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "web-1" has timed out progressing.'}]}))
    assert.equal(h.status, 'failed')
    assert.equal(h.condition, 'Progressing')
    assert.match(h.message, /ProgressDeadlineExceeded: ReplicaSet "web-1" has timed out/)
  })
  test('paused is progressing; replicas defaults to 1; zero replicas is healthy', () => {
    assert.equal(assessHealth(deploy({}, {paused: true})).message, 'Deployment is paused')
    const one = deploy({replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1})
    delete (one.spec as JsonObject).replicas
    assert.equal(assessHealth(one).status, 'healthy')
    assert.equal(assessHealth(deploy({}, {replicas: 0})).status, 'healthy')
  })
})

describe('assessHealth: StatefulSet, DaemonSet, ReplicaSet', () => {
  const sts = (spec: JsonObject, status: JsonObject): JsonObject => ({apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: {name: 'db', generation: 1}, spec: {replicas: 3, ...spec}, status: {observedGeneration: 1, ...status}})
  test('revisions differ → progressing; equal → healthy', () => {
    assert.equal(assessHealth(sts({}, {readyReplicas: 3, currentReplicas: 2, updatedReplicas: 1, currentRevision: 'db-1', updateRevision: 'db-2'})).status, 'progressing')
    assert.equal(assessHealth(sts({}, {readyReplicas: 3, currentReplicas: 3, updatedReplicas: 3, currentRevision: 'db-2', updateRevision: 'db-2'})).status, 'healthy')
  })
  test('partition: healthy once the pods above the partition are updated', () => {
    const spec = {updateStrategy: {type: 'RollingUpdate', rollingUpdate: {partition: 2}}}
    assert.equal(assessHealth(sts(spec, {readyReplicas: 3, updatedReplicas: 0, currentRevision: 'db-1', updateRevision: 'db-2'})).status, 'progressing')
    assert.equal(assessHealth(sts(spec, {readyReplicas: 3, updatedReplicas: 1, currentRevision: 'db-1', updateRevision: 'db-2'})).status, 'healthy')
  })
  test('OnDelete ignores revisions; unready is progressing', () => {
    assert.equal(assessHealth(sts({updateStrategy: {type: 'OnDelete'}}, {readyReplicas: 3, currentRevision: 'db-1', updateRevision: 'db-2'})).status, 'healthy')
    assert.deepEqual(assessHealth(sts({}, {readyReplicas: 1})), {status: 'progressing', message: '1/3 replicas ready', ready: 1, desired: 3})
  })
  test('DaemonSet counts', () => {
    const ds = (status: JsonObject): JsonObject => ({apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: {name: 'agent', generation: 1}, spec: {}, status: {observedGeneration: 1, ...status}})
    assert.equal(assessHealth(ds({desiredNumberScheduled: 2, updatedNumberScheduled: 1, numberAvailable: 2, numberReady: 2})).message, '1/2 pods updated')
    assert.equal(assessHealth(ds({desiredNumberScheduled: 2, updatedNumberScheduled: 2, numberAvailable: 2, numberReady: 2})).status, 'healthy')
  })
  test('ReplicaSet with ReplicaFailure is failed', () => {
    const h = assessHealth({apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: {name: 'r'}, spec: {replicas: 2}, status: {conditions: [{type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: 'quota exceeded'}]}})
    assert.equal(h.status, 'failed')
  })
})

describe('assessHealth: Job, CronJob, CRD, Namespace, PVC, Service, PDB', () => {
  const job = (status: JsonObject): JsonObject => ({apiVersion: 'batch/v1', kind: 'Job', metadata: {name: 'migrate', generation: 1}, spec: {completions: 1}, status})
  test('Job running / complete / failed', () => {
    assert.equal(assessHealth(job({active: 1})).status, 'progressing')
    assert.equal(assessHealth(job({succeeded: 1, conditions: [{type: 'SuccessCriteriaMet', status: 'True'}, {type: 'Complete', status: 'True'}]})).status, 'healthy')
    const f = assessHealth(job({failed: 7, conditions: [{type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit'}]}))
    assert.equal(f.status, 'failed')
    assert.match(f.message, /BackoffLimitExceeded/)
  })
  test('CronJob is healthy', () => {
    assert.equal(assessHealth({apiVersion: 'batch/v1', kind: 'CronJob', metadata: {name: 'c'}, spec: {}, status: {}}).status, 'healthy')
  })
  test('CRD Established / not yet / names refused', () => {
    const crd = (conditions: JsonObject[]): JsonObject => ({apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: {name: 'widgets.example.com', generation: 1}, status: {conditions}})
    assert.equal(assessHealth(crd([{type: 'NamesAccepted', status: 'True'}, {type: 'Established', status: 'True'}])).status, 'healthy')
    assert.equal(assessHealth(crd([])).status, 'progressing')
    assert.equal(assessHealth(crd([{type: 'NamesAccepted', status: 'False', reason: 'ListKindConflict'}])).status, 'failed')
  })
  test('Namespace Active / Terminating', () => {
    assert.equal(assessHealth({apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'a'}, status: {phase: 'Active'}}).status, 'healthy')
    assert.equal(assessHealth({apiVersion: 'v1', kind: 'Namespace', metadata: {name: 'a'}, status: {phase: 'Terminating'}}).status, 'progressing')
  })
  test('PVC Bound / Pending / Lost', () => {
    const pvc = (phase: string): JsonObject => ({apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: {name: 'd'}, status: {phase}})
    assert.deepEqual([pvc('Bound'), pvc('Pending'), pvc('Lost')].map((o) => assessHealth(o).status), ['healthy', 'progressing', 'failed'])
  })
  test('Service: LoadBalancer without ingress is progressing', () => {
    const svc = (type: string, status: JsonObject): JsonObject => ({apiVersion: 'v1', kind: 'Service', metadata: {name: 's'}, spec: {type}, status})
    assert.equal(assessHealth(svc('ClusterIP', {loadBalancer: {}})).status, 'healthy')
    assert.equal(assessHealth(svc('LoadBalancer', {loadBalancer: {}})).status, 'progressing')
    assert.equal(assessHealth(svc('LoadBalancer', {loadBalancer: {ingress: [{ip: '10.0.0.1'}]}})).status, 'healthy')
  })
  test('PDB current vs desired healthy', () => {
    const pdb = (c: number, d: number): JsonObject => ({apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: {name: 'p', generation: 1}, status: {observedGeneration: 1, currentHealthy: c, desiredHealthy: d}})
    assert.equal(assessHealth(pdb(1, 2)).status, 'progressing')
    assert.equal(assessHealth(pdb(2, 2)).status, 'healthy')
  })
})

describe('assessHealth: Pod and generic', () => {
  const pod = (status: JsonObject): JsonObject => ({apiVersion: 'v1', kind: 'Pod', metadata: {name: 'web-1'}, spec: {}, status})
  test('Ready pod healthy; unschedulable progressing; CrashLoopBackOff / ImagePullBackOff failed', () => {
    assert.equal(assessHealth(pod({phase: 'Running', conditions: [{type: 'Ready', status: 'True'}]})).status, 'healthy')
    const unsched = assessHealth(pod({phase: 'Pending', conditions: [{type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/2 nodes are available'}]}))
    assert.equal(unsched.status, 'progressing')
    assert.equal(unsched.condition, 'PodScheduled')
    for (const reason of ['CrashLoopBackOff', 'ImagePullBackOff', 'ErrImagePull']) {
      const h = assessHealth(pod({phase: 'Pending', containerStatuses: [{name: 'app', restartCount: 3, state: {waiting: {reason, message: 'back-off'}}}]}))
      assert.equal(h.status, 'failed', reason)
      assert.match(h.message, new RegExp(`container app is waiting: ${reason}`))
    }
    assert.equal(assessHealth(pod({phase: 'Succeeded'})).status, 'healthy')
  })
  test('kstatus conditions on custom resources', () => {
    const cr = (conditions: JsonObject[] | undefined): JsonObject => ({apiVersion: 'example.com/v1', kind: 'Widget', metadata: {name: 'w', generation: 3}, ...(conditions === undefined ? {} : {status: {observedGeneration: 3, conditions}})})
    assert.equal(assessHealth(cr(undefined)).status, 'healthy')
    assert.equal(assessHealth(cr([{type: 'Ready', status: 'True'}])).status, 'healthy')
    assert.equal(assessHealth(cr([{type: 'Ready', status: 'False', reason: 'Broken'}])).status, 'failed')
    assert.equal(assessHealth(cr([{type: 'Ready', status: 'Unknown'}])).status, 'progressing')
    assert.equal(assessHealth(cr([{type: 'Reconciling', status: 'True'}])).status, 'progressing')
    assert.equal(assessHealth(cr([{type: 'Stalled', status: 'True', reason: 'Bad'}])).status, 'failed')
    assert.equal(assessHealth({...cr([]), metadata: {name: 'w', generation: 4}}).status, 'progressing')
  })
  test('objects without status (ConfigMap) are healthy; deletion in progress is progressing', () => {
    assert.equal(assessHealth({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'c'}, data: {}}).status, 'healthy')
    assert.equal(assessHealth({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'c', deletionTimestamp: '2026-01-01T00:00:00Z'}}).status, 'progressing')
  })
})
