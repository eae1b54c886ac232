import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {buildPlan, type PlanObjectInput} from '../../../src/rollout/plan.js'
import {formatPlanText, planToJson} from '../../../src/rollout/plan-format.js'
import {makeTheme} from '../../../src/ui/theme.js'
import type {JsonObject} from '../../../src/model/json.js'

function obj(apiVersion: string, kind: string, name: string, namespace?: string, annotations?: Record<string, string>, extra: JsonObject = {}): JsonObject {
  return {apiVersion, kind, metadata: {name, ...(namespace ? {namespace} : {}), ...(annotations ? {annotations} : {})}, ...extra}
}
const c = (o: JsonObject): PlanObjectInput => ({object: o, action: 'create', changedPaths: []})

function samplePlan() {
  return buildPlan(
    {
      app: 'shop',
      namespace: 'shop',
      objects: [
        c(obj('v1', 'Namespace', 'shop')),
        c(obj('v1', 'Secret', 'db', 'shop', undefined, {data: {password: 'c2VjcmV0'}})),
        {object: obj('v1', 'ConfigMap', 'cfg', 'shop'), action: 'unchanged', changedPaths: []},
        {object: obj('v1', 'Service', 'web', 'shop'), action: 'unchanged', changedPaths: []},
        {object: obj('apps/v1', 'Deployment', 'web', 'shop', {'strata.dev/rollout': '25%,50%,100%'}), action: 'update', changedPaths: ['spec.template.spec.containers[name=web].image']},
        c(obj('batch/v1', 'Job', 'migrate', 'shop', {'strata.dev/depends-on': 'Deployment/shop/web'})),
        {object: obj('v1', 'ConfigMap', 'seed', 'shop', {'argocd.argoproj.io/sync-wave': '1', 'kustomize.toolkit.fluxcd.io/ssa': 'IfNotPresent'}), action: 'update', changedPaths: ['data.a']},
      ],
      deletions: [
        {id: {key: '/ConfigMap/shop/old', apiVersion: 'v1', kind: 'ConfigMap', namespace: 'shop', name: 'old'}, live: obj('v1', 'ConfigMap', 'old', 'shop')},
        {id: {key: '/Secret/shop/keep', apiVersion: 'v1', kind: 'Secret', namespace: 'shop', name: 'keep'}, live: obj('v1', 'Secret', 'keep', 'shop', {'strata.dev/prune': 'disabled'}, {data: {k: 'c2VjcmV0'}})},
        {id: {key: '/ConfigMap/shop/argo', apiVersion: 'v1', kind: 'ConfigMap', namespace: 'shop', name: 'argo'}, live: obj('v1', 'ConfigMap', 'argo', 'shop', {'argocd.argoproj.io/sync-options': 'Prune=false'})},
      ],
    },
    {pauseAfter: ['config-storage']},
  )
}

describe('formatPlanText (golden)', () => {
  test('readable, stable text', () => {
    const text = formatPlanText(samplePlan(), makeTheme(false))
    assert.equal(
      text,
      `Plan for shop (namespace shop): 7 steps, 10 objects — 3 to create, 1 to update, 3 unchanged, 3 to delete
Step 1/7 namespaces-crds
  + Namespace/shop (create)
Step 2/7 config-storage
  + Secret shop/db (create)
  = ConfigMap shop/cfg (unchanged)
  ⏸ pause after
Step 3/7 services (unchanged, health checked)
  = Service shop/web (unchanged)
Step 4/7 workloads
  ~ Deployment shop/web (update, batches 25%,50%,100%)
Step 5/7 workloads +1
  + Job shop/migrate (create, after Deployment shop/web)
Step 6/7 config-storage wave 1 (unchanged, health checked)
  = ConfigMap shop/seed (unchanged, argocd.argoproj.io/sync-wave: "1", kustomize.toolkit.fluxcd.io/ssa: IfNotPresent)
Step 7/7 prune
  - ConfigMap shop/old (delete)
  - Secret shop/keep (delete, kept: strata.dev/prune: disabled)
  - ConfigMap shop/argo (delete, kept: argocd.argoproj.io/sync-options: Prune=false)
`,
    )
  })
  test('colored output differs only by escapes', () => {
    const colored = formatPlanText(samplePlan(), makeTheme(true))
    assert.notEqual(colored, formatPlanText(samplePlan(), makeTheme(false)))
    assert.equal(colored.replace(/\x1b\[[0-9;]*m/g, ''), formatPlanText(samplePlan(), makeTheme(false)))
  })
})

describe('planToJson', () => {
  test('identities and actions only, never Secret data', () => {
    const json = planToJson(samplePlan())
    const s = JSON.stringify(json)
    assert.ok(!s.includes('c2VjcmV0'))
    assert.ok(!s.includes('"object"'))
    const steps = json.steps as JsonObject[]
    assert.equal(steps.length, 7)
    assert.deepEqual(steps[3], {
      step: 4,
      name: 'workloads',
      category: 'workloads',
      wave: 0,
      pauseAfter: false,
      items: [{id: {key: 'apps/Deployment/shop/web', apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web'}, action: 'update', batches: {strategy: 'canary', shares: [0.25, 0.5, 1]}}],
    })
    assert.deepEqual((steps[4].items as JsonObject[])[0].dependsOn, ['apps/Deployment/shop/web'])
    assert.deepEqual((steps[5].items as JsonObject[])[0].decidedBy, ['argocd.argoproj.io/sync-wave: "1"', 'kustomize.toolkit.fluxcd.io/ssa: IfNotPresent'])
  })
})
