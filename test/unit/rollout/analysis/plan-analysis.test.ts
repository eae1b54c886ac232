import assert from 'node:assert/strict'
import {test} from 'node:test'
import {UserError} from '../../../../src/model/errors.js'
import type {JsonObject} from '../../../../src/model/json.js'
import type {Resource} from '../../../../src/model/resource.js'
import {splitAnalyses} from '../../../../src/rollout/analysis/collect.js'
import {buildPlan, type AnalysisDocument} from '../../../../src/rollout/plan.js'

const analysis = (name = 'errors'): JsonObject => ({
  apiVersion: 'strata.dev/v1alpha1',
  kind: 'Analysis',
  metadata: {name},
  spec: {args: [{name: 'svc'}], metrics: [{name: 'rate', successCondition: 'result[0] < 0.05', provider: {prometheus: {address: 'http://p:9090', query: 'x{s="{{args.svc}}"}'}}}]},
})
const web = (annotations: Record<string, string>): JsonObject => ({apiVersion: 'apps/v1', kind: 'Deployment', metadata: {name: 'web', namespace: 'shop', annotations}, spec: {replicas: 2, selector: {matchLabels: {app: 'web'}}, template: {metadata: {labels: {app: 'web'}}, spec: {containers: [{name: 'a', image: 'a:2'}]}}}})
const analyses = new Map<string, AnalysisDocument>([['errors', {document: analysis(), file: 'base/analysis.yaml'}]])
const plan = (obj: JsonObject, options: Parameters<typeof buildPlan>[1] = {}) =>
  buildPlan({app: 'shop', namespace: 'shop', objects: [{object: obj, action: 'update', changedPaths: ['spec.template.spec.containers[0].image']}], deletions: []}, {analyses, ...options})
const itemOf = (p: ReturnType<typeof plan>) => p.steps.flatMap((s) => s.items)[0]

test('a workload annotated with an Analysis gets it in its batches, with its args; without batches it is one batch', () => {
  const it = itemOf(plan(web({'strata.dev/rollout': '50%,100%', 'strata.dev/analysis': 'errors', 'strata.dev/analysis-args': 'svc=web'})))
  assert.deepEqual(it.batches?.shares, [0.5, 1])
  assert.equal(it.batches?.analyses?.[0].name, 'errors')
  assert.deepEqual(it.batches?.analyses?.[0].args, {svc: 'web'})
  const single = itemOf(plan(web({'strata.dev/analysis': 'errors', 'strata.dev/analysis-args': 'svc=web'})))
  assert.deepEqual(single.batches?.shares, [1])
  const flag = itemOf(plan(web({'strata.dev/analysis-args': 'svc=web'}), {rollout: '2', analysis: ['errors']}))
  assert.equal(flag.batches?.analyses?.length, 1)
})

test('bad references are refused while planning, before any change, naming the field', () => {
  const refused = (obj: JsonObject, why: RegExp, options: Parameters<typeof buildPlan>[1] = {}) => assert.throws(() => plan(obj, options), (e: unknown) => e instanceof UserError && why.test(e.message) && /analysis|spec.args/.test(`${e.origin.field}`), String(why))
  refused(web({'strata.dev/analysis': 'latency', 'strata.dev/analysis-args': 'svc=web'}), /no Analysis named "latency"/)
  refused(web({}), /no Analysis named "nope"/, {analysis: ['nope']})
  refused(web({'strata.dev/analysis': 'errors'}), /needs a value for arg svc/)
  refused(web({'strata.dev/analysis': 'errors', 'strata.dev/analysis-args': 'svc=web,sevrice=x'}), /arg sevrice is declared by none/)
  assert.throws(() => plan({apiVersion: 'v1', kind: 'Service', metadata: {name: 's', namespace: 'shop', annotations: {'strata.dev/analysis': 'errors'}}}), /only applies to Deployments and StatefulSets/)
})

test('Analysis documents are taken out of the objects to apply and validated, with or without local-config', () => {
  const r = (obj: JsonObject, file: string): Resource => ({obj, origin: {file}, meta: {}}) as unknown as Resource
  const out = splitAnalyses([r(web({}), 'web.yaml'), r(analysis('a'), 'a.yaml')], [r(analysis('b'), 'b.yaml')])
  assert.deepEqual(out.resources.map((x) => x.origin.file), ['web.yaml'])
  assert.deepEqual([...out.analyses.keys()], ['a', 'b'])
  assert.throws(() => splitAnalyses([r(analysis('a'), 'a.yaml')], [r(analysis('a'), 'b.yaml')]), /defined twice \(also in a.yaml\)/)
  const broken = analysis('c')
  ;(broken.spec as JsonObject).metricz = []
  assert.throws(() => splitAnalyses([r(broken, 'c.yaml')]), (e: unknown) => e instanceof UserError && e.origin.file === 'c.yaml' && e.origin.field === 'spec.metricz')
})
