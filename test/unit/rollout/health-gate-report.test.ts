import {test} from 'node:test'
import assert from 'node:assert/strict'
import {gateReport, labelSelectorOf} from '../../../src/rollout/gate-report.js'
import type {ClusterPort, ListOptions} from '../../../src/cluster/port.js'
import type {JsonObject} from '../../../src/model/json.js'

// Objects shaped after the e2e control plane's (kubectl get -o json) for a Deployment whose pods cannot schedule.
const deploy: JsonObject = {apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'web', namespace: 'shop'},
  spec: {replicas: 1, selector: {matchLabels: {app: 'web'}, matchExpressions: [{key: 'tier', operator: 'In', values: ['a', 'b']}]}},
  status: {conditions: [{type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.'}]}}
const pod: JsonObject = {metadata: {name: 'web-1'}, status: {phase: 'Pending',
  conditions: [{type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/1 nodes are available'}],
  containerStatuses: [{name: 'app', restartCount: 2, state: {waiting: {reason: 'CrashLoopBackOff'}}}]}}
const ev = (name: string, reason: string, t: JsonObject): JsonObject => ({involvedObject: {kind: name === 'web' ? 'Deployment' : 'Pod', name}, type: 'Warning', reason, message: reason.toLowerCase(), ...t})

test('gateReport: conditions, pods by selector, latest events of object and unready pods by instant', async () => {
  const lists: string[] = []
  const port = {
    get: async () => deploy,
    list: async (_v: string, kind: string, o?: ListOptions) => {
      lists.push(`${kind} ${o?.labelSelector ?? o?.fieldSelector ?? ''}`)
      if (kind === 'Pod') return [pod]
      if (o?.fieldSelector === 'involvedObject.name=web') return [ev('web', 'Old', {lastTimestamp: '2026-01-01T00:00:01Z'}), ev('web', 'Later', {lastTimestamp: '2026-01-01T00:00:03Z'})]
      return [ev('web-1', 'FailedScheduling', {eventTime: '2026-01-01T00:00:02.500000Z'}), ev('web-1', 'BackOff', {lastTimestamp: '2026-01-01T00:00:02Z', count: 4})]
    },
  } as unknown as ClusterPort
  const text = await gateReport(port, {key: 'apps/Deployment/shop/web', apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web'},
    {status: 'progressing', message: '0/1 replicas available', ready: 0, desired: 1})
  assert.deepEqual(lists.sort(), ['Event involvedObject.name=web', 'Event involvedObject.name=web-1', 'Pod app=web,tier in (a,b)'])
  assert.equal(text, [
    'Deployment/web in namespace shop: progressing — 0/1 replicas available',
    '  ready: 0/1',
    '  condition Available=False (MinimumReplicasUnavailable: Deployment does not have minimum availability.)',
    '  pods (0/1 ready, selector app=web,tier in (a,b)):',
    '    web-1: not ready, Pending, app waiting: CrashLoopBackOff, PodScheduled=False: Unschedulable: 0/1 nodes are available, restarts 2',
    '  recent events:',
    '    2026-01-01T00:00:01Z Warning Old Deployment/web: old',
    '    2026-01-01T00:00:02Z Warning BackOff Pod/web-1: backoff (x4)',
    '    2026-01-01T00:00:02.500000Z Warning FailedScheduling Pod/web-1: failedscheduling',
    '    2026-01-01T00:00:03Z Warning Later Deployment/web: later',
  ].join('\n'))
})

test('gateReport: a missing object says so; read errors do not replace the report', async () => {
  const port = {get: async () => undefined, list: async () => { throw new Error('boom') }} as unknown as ClusterPort
  const text = await gateReport(port, {key: '/ConfigMap/shop/c', apiVersion: 'v1', kind: 'ConfigMap', namespace: 'shop', name: 'c'}, {status: 'progressing', message: 'object not found yet'})
  assert.match(text, /does not exist/)
})

test('labelSelectorOf: matchLabels, expressions, ReplicationController map, none', () => {
  assert.equal(labelSelectorOf({spec: {selector: {matchExpressions: [{key: 'a', operator: 'Exists'}, {key: 'b', operator: 'DoesNotExist'}, {key: 'c', operator: 'NotIn', values: ['x']}]}}}), 'a,!b,c notin (x)')
  assert.equal(labelSelectorOf({spec: {selector: {app: 'rc'}}}), 'app=rc')
  assert.equal(labelSelectorOf({spec: {}}), undefined)
})
