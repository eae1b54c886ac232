import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {buildPlan, planInputFromDiff, planObjectId, type PlanInput, type PlanObjectInput} from '../../../src/rollout/plan.js'
import {UserError} from '../../../src/model/errors.js'
import type {JsonObject} from '../../../src/model/json.js'
import type {DiffReport, ResourceDiff} from '../../../src/diff/types.js'
import {growthOf} from '../helpers/growth.js'

function obj(apiVersion: string, kind: string, name: string, namespace?: string, annotations?: Record<string, string>, extra: JsonObject = {}): JsonObject {
  const metadata: JsonObject = {name}
  if (namespace) metadata.namespace = namespace
  if (annotations) metadata.annotations = annotations
  return {apiVersion, kind, metadata, ...extra}
}
function create(o: JsonObject): PlanObjectInput {
  return {object: o, action: 'create', changedPaths: []}
}
function input(objects: PlanObjectInput[], deletions: PlanInput['deletions'] = []): PlanInput {
  return {app: 'shop', namespace: 'shop', objects, deletions}
}
function shape(plan: ReturnType<typeof buildPlan>): string[] {
  return plan.steps.map((s) => `${s.name}: ${s.items.map((i) => `${i.id.kind}/${i.id.name}`).join(' ')}${s.pauseAfter ? ' ⏸' : ''}`)
}
function userError(pattern: RegExp, field?: string) {
  return (e: unknown) => {
    assert.ok(e instanceof UserError, String(e))
    assert.match(e.message, pattern)
    if (field) assert.equal(e.origin.field, field)
    return true
  }
}

const deploy = (name: string, ann?: Record<string, string>) => obj('apps/v1', 'Deployment', name, 'shop', ann, {spec: {replicas: 4}})

describe('buildPlan: default order', () => {
  test('kinds go to their buckets, in bucket order, render order inside', () => {
    const plan = buildPlan(
      input([
        create(deploy('web')),
        create(obj('v1', 'Service', 'web', 'shop')),
        create(obj('networking.k8s.io/v1', 'Ingress', 'web', 'shop')),
        create(obj('v1', 'ConfigMap', 'cfg', 'shop')),
        create(obj('v1', 'Secret', 'sec', 'shop')),
        create(obj('rbac.authorization.k8s.io/v1', 'RoleBinding', 'rb', 'shop')),
        create(obj('v1', 'ServiceAccount', 'sa', 'shop')),
        create(obj('rbac.authorization.k8s.io/v1', 'ClusterRole', 'cr')),
        create(obj('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'widgets.example.com')),
        create(obj('v1', 'Namespace', 'shop')),
        create(obj('example.com/v1', 'Widget', 'w', 'shop')),
        create(obj('batch/v1', 'Job', 'migrate', 'shop')),
        create(obj('v1', 'PersistentVolumeClaim', 'data', 'shop')),
        create(obj('scheduling.k8s.io/v1', 'PriorityClass', 'high')),
        create(obj('example.com/v1', 'Deployment', 'not-a-workload', 'shop')),
      ]),
    )
    assert.deepEqual(shape(plan), [
      'namespaces-crds: CustomResourceDefinition/widgets.example.com Namespace/shop',
      'cluster-rbac: ClusterRole/cr',
      'accounts-roles: RoleBinding/rb ServiceAccount/sa',
      'config-storage: ConfigMap/cfg Secret/sec PersistentVolumeClaim/data PriorityClass/high',
      'services: Service/web',
      'workloads: Deployment/web Job/migrate',
      'other: Ingress/web Widget/w Deployment/not-a-workload',
    ])
    assert.deepEqual(plan.steps.map((s) => s.index), [0, 1, 2, 3, 4, 5, 6])
    assert.equal(plan.app, 'shop')
    assert.match(plan.digest, /^[0-9a-f]{64}$/)
  })

  test('an empty render makes an empty plan', () => {
    assert.deepEqual(buildPlan(input([])).steps, [])
  })

  test('planObjectId: identity key without version; cluster-scoped have no namespace', () => {
    assert.deepEqual(planObjectId(deploy('web')), {key: 'apps/Deployment/shop/web', apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web'})
    assert.equal(planObjectId(obj('v1', 'Namespace', 'shop', 'ignored')).key, '/Namespace//shop')
  })

  test('duplicate objects are refused', () => {
    assert.throws(() => buildPlan(input([create(deploy('web')), create(deploy('web'))])), userError(/appears twice/))
  })
})

describe('buildPlan: waves', () => {
  test("Argo CD's sync-wave orders like strata.dev/wave, and strata's wins when both are set", () => {
    const plan = buildPlan(
      input([
        create(obj('v1', 'ConfigMap', 'two', 'shop', {'argocd.argoproj.io/sync-wave': '2'})),
        create(obj('v1', 'ConfigMap', 'one', 'shop', {'argocd.argoproj.io/sync-wave': '1'})),
        create(obj('v1', 'ConfigMap', 'zero', 'shop', {'argocd.argoproj.io/sync-wave': '5', 'strata.dev/wave': '0'})),
      ]),
    )
    assert.deepEqual(shape(plan), ['config-storage: ConfigMap/zero', 'config-storage wave 1: ConfigMap/one', 'config-storage wave 2: ConfigMap/two'])
    assert.deepEqual(plan.steps.map((st) => st.items[0].decidedBy), [['strata.dev/wave: "0"'], ['argocd.argoproj.io/sync-wave: "1"'], ['argocd.argoproj.io/sync-wave: "2"']])
  })

  test("Flux's ssa: IfNotPresent turns an update into unchanged (no request, no batches) and says why; a create stays", () => {
    const ann = {'kustomize.toolkit.fluxcd.io/ssa': 'IfNotPresent', 'strata.dev/rollout': '50%,100%'}
    const plan = buildPlan(input([{object: deploy('web', ann), action: 'update', changedPaths: ['spec.template.spec.containers[name=web].image']}, create(deploy('new', ann))]))
    const items = plan.steps.flatMap((st) => st.items)
    assert.deepEqual(items.map((i) => [i.id.name, i.action, i.batches, i.decidedBy]), [
      ['web', 'unchanged', undefined, ['kustomize.toolkit.fluxcd.io/ssa: IfNotPresent']],
      ['new', 'create', undefined, undefined],
    ])
  })

  test("Argo CD's Replace=true is refused naming the object and the annotation", () => {
    assert.throws(
      () => buildPlan(input([create(deploy('web', {'argocd.argoproj.io/sync-options': 'Replace=true'}))])),
      userError(/Deployment shop\/web: argocd\.argoproj\.io\/sync-options: Replace=true is not supported/, 'metadata.annotations.argocd.argoproj.io/sync-options'),
    )
  })

  test('prune step: live objects keep the Argo CD / Flux annotations that protect them, nothing else', () => {
    const live = obj('v1', 'ConfigMap', 'old', 'shop', {'argocd.argoproj.io/sync-options': 'Prune=false', 'kubectl.kubernetes.io/last-applied-configuration': '{}'})
    const plan = buildPlan(input([create(deploy('web'))], [{id: planObjectId(live), live}]))
    const md = plan.steps.at(-1)!.items[0].object!.metadata as JsonObject
    assert.deepEqual(md.annotations, {'argocd.argoproj.io/sync-options': 'Prune=false'})
  })

  test('wave first, then kind order inside the wave (Argo CD)', () => {
    const plan = buildPlan(
      input([
        create(obj('v1', 'ConfigMap', 'late', 'shop', {'strata.dev/wave': '2'})),
        create(deploy('web')),
        create(obj('v1', 'Service', 'early', 'shop', {'strata.dev/wave': '-1'})),
        create(obj('v1', 'Namespace', 'shop')),
        create(deploy('worker', {'strata.dev/wave': '2'})),
      ]),
    )
    assert.deepEqual(shape(plan), ['services wave -1: Service/early', 'namespaces-crds: Namespace/shop', 'workloads: Deployment/web', 'config-storage wave 2: ConfigMap/late', 'workloads wave 2: Deployment/worker'])
    assert.deepEqual(plan.steps.map((s) => s.wave), [-1, 0, 0, 2, 2])
  })
  for (const bad of ['x', '1.5', '', '99999999999']) {
    test(`a wave of ${JSON.stringify(bad)} is a UserError naming object and annotation`, () => {
      assert.throws(() => buildPlan(input([create(deploy('web', {'strata.dev/wave': bad}))])), userError(/Deployment shop\/web: strata\.dev\/wave must be a whole number/, 'metadata.annotations.strata.dev/wave'))
    })
  }
})

describe('buildPlan: depends-on', () => {
  test('an object lands in a step after what it depends on', () => {
    const plan = buildPlan(
      input([
        create(obj('v1', 'ConfigMap', 'cfg', 'shop', {'strata.dev/depends-on': 'Deployment/shop/web'})),
        create(deploy('web')),
        create(obj('v1', 'Service', 'svc', 'shop', {'strata.dev/depends-on': 'ConfigMap/shop/cfg'})),
      ]),
    )
    assert.deepEqual(shape(plan), ['workloads: Deployment/web', 'workloads +1: ConfigMap/cfg', 'workloads +2: Service/svc'])
    assert.deepEqual(plan.steps[1].items[0].dependsOn, ['apps/Deployment/shop/web'])
  })
  test('a dependency already earlier changes nothing; cluster-scoped by empty namespace; Kind.group form', () => {
    const plan = buildPlan(
      input([
        create(obj('v1', 'Namespace', 'shop')),
        create(deploy('web', {'strata.dev/depends-on': 'Namespace//shop, ConfigMap/shop/cfg,Deployment.apps/shop/api'})),
        create(obj('v1', 'ConfigMap', 'cfg', 'shop')),
        create(deploy('api')),
      ]),
    )
    assert.deepEqual(shape(plan), ['namespaces-crds: Namespace/shop', 'config-storage: ConfigMap/cfg', 'workloads: Deployment/api', 'workloads +1: Deployment/web'])
  })
  test('dependency on an unchanged object is fine', () => {
    const plan = buildPlan(input([{object: obj('v1', 'ConfigMap', 'cfg', 'shop', {'strata.dev/depends-on': 'Secret/shop/s'}), action: 'update', changedPaths: ['data.x']}, {object: obj('v1', 'Secret', 's', 'shop'), action: 'unchanged', changedPaths: []}]))
    assert.deepEqual(shape(plan), ['config-storage: Secret/s', 'config-storage +1: ConfigMap/cfg'])
  })
  test('a dependency outside the render is an error naming object and annotation', () => {
    assert.throws(() => buildPlan(input([create(deploy('web', {'strata.dev/depends-on': 'ConfigMap/shop/missing'}))])), userError(/Deployment shop\/web: strata\.dev\/depends-on names ConfigMap\/shop\/missing, which is not in the render/, 'metadata.annotations.strata.dev/depends-on'))
  })
  test('a malformed entry is an error', () => {
    assert.throws(() => buildPlan(input([create(deploy('web', {'strata.dev/depends-on': 'ConfigMap/cfg'}))])), userError(/is not KIND\/NAMESPACE\/NAME/))
  })
  test('ambiguous kind across groups asks for the group', () => {
    const objects = [create(deploy('web', {'strata.dev/depends-on': 'Thing/shop/t'})), create(obj('a.example/v1', 'Thing', 't', 'shop')), create(obj('b.example/v1', 'Thing', 't', 'shop'))]
    assert.throws(() => buildPlan(input(objects)), userError(/several API groups \(a\.example, b\.example\)/))
  })
  test('a cycle is a UserError that prints the cycle', () => {
    const objects = [
      create(obj('v1', 'Namespace', 'shop')),
      create(deploy('a', {'strata.dev/depends-on': 'ConfigMap/shop/b'})),
      create(obj('v1', 'ConfigMap', 'b', 'shop', {'strata.dev/depends-on': 'Service/shop/c'})),
      create(obj('v1', 'Service', 'c', 'shop', {'strata.dev/depends-on': 'Deployment/shop/a,Namespace//shop'})),
    ]
    assert.throws(() => buildPlan(input(objects)), userError(/cycle: Deployment shop\/a → ConfigMap shop\/b → Service shop\/c → Deployment shop\/a/))
  })
  test('self-dependency is a cycle', () => {
    assert.throws(() => buildPlan(input([create(deploy('a', {'strata.dev/depends-on': 'Deployment/shop/a'}))])), userError(/cycle: Deployment shop\/a → Deployment shop\/a/))
  })
  test('linear: a 20,000-object dependency chain plans in time linear in its length', async () => {
    const chain = (n: number) => {
      const objects: PlanObjectInput[] = []
      for (let i = 0; i < n; i++) objects.push(create(obj('v1', 'ConfigMap', `c${i}`, 'shop', i > 0 ? {'strata.dev/depends-on': `ConfigMap/shop/c${i - 1}`} : undefined)))
      return input(objects.reverse())
    }
    const growth = await growthOf(
      (n) => {
        const plan = chain(n)
        return () => {
          const built = buildPlan(plan)
          assert.equal(built.steps.length, n)
          assert.equal(built.steps[n - 1].items[0].id.name, `c${n - 1}`)
        }
      },
      5000,
      20000,
    )
    assert.ok(growth.ratio < 10, growth.describe)
  })
})

describe('buildPlan: --batch-size and --pause-after', () => {
  const many = (n: number) => Array.from({length: n}, (_, i) => create(obj('v1', 'ConfigMap', `c${i}`, 'shop')))
  test('a large step is split into chunks of at most N', () => {
    const plan = buildPlan(input([...many(7), create(deploy('web'))]), {batchSize: 3})
    assert.deepEqual(shape(plan), ['config-storage (1/3): ConfigMap/c0 ConfigMap/c1 ConfigMap/c2', 'config-storage (2/3): ConfigMap/c3 ConfigMap/c4 ConfigMap/c5', 'config-storage (3/3): ConfigMap/c6', 'workloads: Deployment/web'])
  })
  test('bad --batch-size', () => {
    assert.throws(() => buildPlan(input(many(1)), {batchSize: 0}), userError(/--batch-size/, '--batch-size'))
  })
  test('each: every step but the last', () => {
    const plan = buildPlan(input([...many(2), create(deploy('web')), create(obj('v1', 'Service', 's', 'shop'))]), {pauseAfter: 'each'})
    assert.deepEqual(plan.steps.map((s) => s.pauseAfter), [true, true, false])
  })
  test('by name, by 1-based number, by the name of a split step (its last chunk)', () => {
    const objects = [...many(4), create(deploy('web')), create(obj('v1', 'Service', 's', 'shop')), create(obj('v1', 'Namespace', 'shop'))]
    const plan = buildPlan(input(objects), {batchSize: 2, pauseAfter: ['1', 'config-storage', 'services']})
    assert.deepEqual(shape(plan), ['namespaces-crds: Namespace/shop ⏸', 'config-storage (1/2): ConfigMap/c0 ConfigMap/c1', 'config-storage (2/2): ConfigMap/c2 ConfigMap/c3 ⏸', 'services: Service/s ⏸', 'workloads: Deployment/web'])
    const exact = buildPlan(input(objects), {batchSize: 2, pauseAfter: ['config-storage (1/2)']})
    assert.equal(exact.steps[1].pauseAfter, true)
  })
  test('an unknown step is a UserError listing the valid ones', () => {
    assert.throws(
      () => buildPlan(input([...many(1), create(deploy('web'))]), {pauseAfter: ['workload']}),
      (e: unknown) => e instanceof UserError && /not a step/.test(e.message) && e.hint === 'Steps: 1 config-storage, 2 workloads (a name, a number, or "each").',
    )
    assert.throws(() => buildPlan(input([...many(1)]), {pauseAfter: ['3']}), userError(/"3" is not a step/))
  })
})

describe('buildPlan: workload batches', () => {
  const update = (o: JsonObject, changedPaths = ['spec.template.spec.containers[name=web].image']): PlanObjectInput => ({object: o, action: 'update', changedPaths})
  test('annotation on an updated Deployment whose template changed: canary', () => {
    const plan = buildPlan(input([update(deploy('web', {'strata.dev/rollout': '25%,50%,100%'}))]))
    assert.deepEqual(plan.steps[0].items[0].batches, {strategy: 'canary', shares: [0.25, 0.5, 1]})
  })
  test('StatefulSet: partition; --rollout applies to all Deployments/StatefulSets', () => {
    const sts = obj('apps/v1', 'StatefulSet', 'db', 'shop')
    const plan = buildPlan(input([update(sts), update(deploy('web')), update(obj('apps/v1', 'DaemonSet', 'agent', 'shop'))]), {rollout: '50%'})
    assert.deepEqual(plan.steps[0].items.map((i) => i.batches), [{strategy: 'partition', shares: [0.5, 1]}, {strategy: 'canary', shares: [0.5, 1]}, undefined])
  })
  test('the annotation overrides --rollout', () => {
    const plan = buildPlan(input([update(deploy('web', {'strata.dev/rollout': '2'}))]), {rollout: '25%'})
    assert.deepEqual(plan.steps[0].items[0].batches?.shares, [0.5, 1])
  })
  test('never for a creation, an unchanged workload, a change outside the template, or a single 100% batch', () => {
    const ann = {'strata.dev/rollout': '25%,100%'}
    const plan = buildPlan(
      input([
        create(deploy('a', ann)),
        {object: deploy('b', ann), action: 'unchanged', changedPaths: []},
        update(deploy('c', ann), ['spec.replicas']),
        update(deploy('d', {'strata.dev/rollout': '100%'})),
        update(deploy('e', ann), ['spec.template']),
        update(deploy('f', ann), ['spec.templateX']),
      ]),
    )
    assert.deepEqual(
      plan.steps[0].items.map((i) => i.batches?.shares),
      [undefined, undefined, undefined, undefined, [0.25, 1], undefined],
    )
  })
  test('the annotation on another kind is a UserError', () => {
    assert.throws(() => buildPlan(input([create(obj('apps/v1', 'DaemonSet', 'agent', 'shop', {'strata.dev/rollout': '50%'}))])), userError(/DaemonSet shop\/agent: strata\.dev\/rollout only applies to Deployments and StatefulSets/, 'metadata.annotations.strata.dev/rollout'))
  })
  test('a bad annotation fails even without a template change; a bad --rollout names the flag', () => {
    assert.throws(() => buildPlan(input([create(deploy('web', {'strata.dev/rollout': '50%,25%'}))])), userError(/invalid rollout batches/))
    assert.throws(() => buildPlan(input([create(deploy('web'))]), {rollout: 'half'}), userError(/invalid rollout batches/, '--rollout'))
  })
})

describe('buildPlan: prune', () => {
  const del = (apiVersion: string, kind: string, name: string, namespace = 'shop', annotations?: Record<string, string>) => {
    const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : ''
    const live = obj(apiVersion, kind, name, namespace || undefined, {...annotations, 'kubectl.kubernetes.io/last-applied-configuration': '{"data":{"password":"c2VjcmV0"}}'}, {data: {password: 'c2VjcmV0'}})
    return {id: {key: `${group}/${kind}/${namespace}/${name}`, apiVersion, kind, namespace, name}, live}
  }
  test('deletions go last, in reverse order, carrying no Secret data', () => {
    const plan = buildPlan(
      input(
        [create(deploy('web'))],
        [
          del('v1', 'Namespace', 'old', ''),
          del('v1', 'Secret', 'creds', 'shop', {'strata.dev/prune': 'disabled'}),
          del('v1', 'Service', 'old'),
          del('apps/v1', 'Deployment', 'old'),
          del('networking.k8s.io/v1', 'Ingress', 'old'),
        ],
      ),
    )
    assert.deepEqual(shape(plan), ['workloads: Deployment/web', 'prune: Ingress/old Deployment/old Service/old Secret/creds Namespace/old'])
    const prune = plan.steps[1]
    assert.equal(prune.category, 'prune')
    assert.ok(prune.items.every((i) => i.action === 'delete'))
    const secret = prune.items[3].object!
    assert.deepEqual(secret, {apiVersion: 'v1', kind: 'Secret', metadata: {name: 'creds', namespace: 'shop', annotations: {'strata.dev/prune': 'disabled'}}})
    assert.ok(!JSON.stringify(plan.steps[1]).includes('c2VjcmV0'))
  })
})

describe('planInputFromDiff', () => {
  const rd = (kind: string, name: string, action: ResourceDiff['action'], extra: Partial<ResourceDiff> = {}): ResourceDiff => ({
    id: {group: kind === 'Deployment' ? 'apps' : '', version: 'v1', kind, namespace: 'shop', name},
    action,
    changedPaths: [],
    ...extra,
  })
  const report = (resources: ResourceDiff[]): DiffReport => ({
    resources,
    summary: {add: 0, change: 0, delete: 0, unchanged: 0, error: 0, retained: 0},
    modes: {server: 0, matched: 0, 'read-only': 0, rendered: 0},
    inventory: {name: 'applyset-shop', namespace: 'shop', id: 'x', found: true},
  })
  test('maps actions, fills the resolved namespace, carries deletions', () => {
    const rendered = [deploy('web'), obj('v1', 'ConfigMap', 'cfg'), obj('v1', 'Service', 'svc', 'shop')]
    const r = report([
      rd('Deployment', 'web', 'change', {changedPaths: ['spec.template.spec.containers[name=web].image']}),
      rd('ConfigMap', 'cfg', 'add'),
      rd('Service', 'svc', 'unchanged'),
      rd('ConfigMap', 'gone', 'delete', {before: obj('v1', 'ConfigMap', 'gone', 'shop')}),
    ])
    const pi = planInputFromDiff('shop', 'shop', r, rendered)
    assert.deepEqual(pi.objects.map((o) => o.action), ['update', 'create', 'unchanged'])
    assert.deepEqual(pi.objects[0].changedPaths, ['spec.template.spec.containers[name=web].image'])
    assert.equal(planObjectId(pi.objects[1].object).key, '/ConfigMap/shop/cfg')
    assert.equal((rendered[1].metadata as JsonObject).namespace, undefined, 'the rendered object is not mutated')
    assert.deepEqual(pi.deletions.map((d) => d.id), [{key: '/ConfigMap/shop/gone', apiVersion: 'v1', kind: 'ConfigMap', namespace: 'shop', name: 'gone'}])
  })
  test('errors in the report are a UserError listing them', () => {
    const r = report([rd('ConfigMap', 'a', 'error', {error: 'forbidden'}), rd('Service', 'b', 'error', {error: 'unknown kind'})])
    assert.throws(() => planInputFromDiff('shop', 'shop', r, []), userError(/2 objects could not be compared[^]*ConfigMap shop\/a: forbidden\n {2}Service shop\/b: unknown kind/))
  })
})
