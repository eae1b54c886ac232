// The control plane that scripts/cluster runs behaves like a real cluster for what strata drives:
// workloads get pods that become Ready (kwok plays the kubelet), rollouts complete, Jobs finish,
// CRDs become Established and serve their custom resources, server-side apply works.
import assert from 'node:assert/strict'
import {randomBytes} from 'node:crypto'
import {describe, test} from 'node:test'
import {
  ApiextensionsV1Api,
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  RbacAuthorizationV1Api,
  setHeaderOptions,
  type V1Pod,
  VersionApi,
} from '@kubernetes/client-node'
import {cluster, httpStatus, waitFor, withNamespace} from './helpers/cluster.js'

const isReady = (p: V1Pod) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false

function podTemplate(app: string, image: string) {
  return {
    metadata: {labels: {app}},
    spec: {containers: [{name: app, image, resources: {requests: {cpu: '100m', memory: '64Mi'}}}]},
  }
}

describe('control plane', () => {
  test('server version is the pinned Kubernetes release', async () => {
    const {kc} = await cluster()
    const v = await kc.makeApiClient(VersionApi).getCode()
    // Built with the version ldflags: not v0.0.0-master, which confuses version checks.
    assert.match(v.gitVersion, /^v1\.\d+\.\d+$/)
    assert.equal(v.major, '1')
  })

  test('RBAC is on and service-account tokens authenticate', async (t) => {
    const namespace = await withNamespace(t)
    const {kc} = await cluster()
    const core = kc.makeApiClient(CoreV1Api)
    const rbac = kc.makeApiClient(RbacAuthorizationV1Api)
    const tr = await core.createNamespacedServiceAccountToken({name: 'default', namespace, body: {spec: {audiences: [], expirationSeconds: 600}}})
    const asSa = new KubeConfig()
    asSa.loadFromOptions({
      clusters: [{...kc.getCurrentCluster()!}],
      users: [{name: 'sa', token: tr.status!.token}],
      contexts: [{name: 'sa', cluster: kc.getCurrentCluster()!.name, user: 'sa'}],
      currentContext: 'sa',
    })
    const saCore = asSa.makeApiClient(CoreV1Api)
    await assert.rejects(saCore.listNamespacedPod({namespace}), (err) => httpStatus(err) === 403)
    await rbac.createNamespacedRoleBinding({
      namespace,
      body: {
        metadata: {name: 'default-view'},
        roleRef: {apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view'},
        subjects: [{kind: 'ServiceAccount', name: 'default', namespace}],
      },
    })
    await waitFor('the RoleBinding to take effect', () => saCore.listNamespacedPod({namespace}))
  })

  test('a 3-replica Deployment gets 3 Ready pods, then rolls out a new image', async (t) => {
    const namespace = await withNamespace(t)
    const {kc} = await cluster()
    const apps = kc.makeApiClient(AppsV1Api)
    const core = kc.makeApiClient(CoreV1Api)

    await apps.createNamespacedDeployment({
      namespace,
      body: {
        metadata: {name: 'web'},
        spec: {replicas: 3, selector: {matchLabels: {app: 'web'}}, template: podTemplate('web', 'registry.invalid/web:1')},
      },
    })
    await waitFor('web: 3 available replicas', async () => {
      const d = await apps.readNamespacedDeployment({name: 'web', namespace})
      return d.status?.availableReplicas === 3
    })
    const pods = (await core.listNamespacedPod({namespace, labelSelector: 'app=web'})).items
    assert.equal(pods.length, 3)
    assert.equal(pods.filter(isReady).length, 3, 'all 3 pods Ready')
    assert.ok(pods.every((p) => p.spec?.nodeName?.startsWith('kwok-node-')), 'scheduled onto a kwok node')
    assert.ok(pods.every((p) => p.status?.phase === 'Running'))

    // The image update goes through server-side apply, as strata applies.
    await apps.patchNamespacedDeployment(
      {
        name: 'web',
        namespace,
        fieldManager: 'strata-e2e',
        force: true,
        body: {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: {name: 'web', namespace},
          spec: {template: {metadata: {labels: {app: 'web'}}, spec: {containers: [{name: 'web', image: 'registry.invalid/web:2'}]}}},
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
    )
    // kubectl rollout status's rule: observed the new generation, all replicas updated and
    // available, no old replicas left.
    const done = await waitFor('web: rollout of image :2 complete', async () => {
      const d = await apps.readNamespacedDeployment({name: 'web', namespace})
      const s = d.status ?? {}
      const complete =
        (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 1) &&
        s.updatedReplicas === 3 &&
        s.replicas === 3 &&
        s.availableReplicas === 3 &&
        (s.unavailableReplicas ?? 0) === 0
      return complete && d
    })
    assert.equal(done.spec?.template.spec?.containers[0]?.image, 'registry.invalid/web:2')
    assert.ok(done.status?.conditions?.some((c) => c.type === 'Progressing' && c.reason === 'NewReplicaSetAvailable'))
    await waitFor('web: only the new pods are left', async () => {
      const now = (await core.listNamespacedPod({namespace, labelSelector: 'app=web'})).items
      return now.length === 3 && now.every((p) => p.spec?.containers[0]?.image === 'registry.invalid/web:2' && isReady(p))
    })
    const sets = (await apps.listNamespacedReplicaSet({namespace, labelSelector: 'app=web'})).items
    assert.equal(sets.length, 2, 'old and new ReplicaSet')
    assert.deepEqual(sets.map((rs) => rs.status?.replicas ?? 0).sort(), [0, 3])
  })

  test('a StatefulSet gets its ordered pods Ready', async (t) => {
    const namespace = await withNamespace(t)
    const {kc} = await cluster()
    const apps = kc.makeApiClient(AppsV1Api)
    const core = kc.makeApiClient(CoreV1Api)
    await apps.createNamespacedStatefulSet({
      namespace,
      body: {
        metadata: {name: 'db'},
        spec: {serviceName: 'db', replicas: 2, selector: {matchLabels: {app: 'db'}}, template: podTemplate('db', 'registry.invalid/db:1')},
      },
    })
    const sts = await waitFor('db: 2 ready replicas', async () => {
      const s = await apps.readNamespacedStatefulSet({name: 'db', namespace})
      return s.status?.readyReplicas === 2 && s.status.availableReplicas === 2 && s
    })
    assert.equal(sts.status?.currentRevision, sts.status?.updateRevision)
    const names = (await core.listNamespacedPod({namespace, labelSelector: 'app=db'})).items.map((p) => p.metadata?.name).sort()
    assert.deepEqual(names, ['db-0', 'db-1'])
  })

  test('a Job completes', async (t) => {
    const namespace = await withNamespace(t)
    const {kc} = await cluster()
    const batch = kc.makeApiClient(BatchV1Api)
    await batch.createNamespacedJob({
      namespace,
      body: {
        metadata: {name: 'migrate'},
        spec: {
          completions: 2,
          backoffLimit: 0,
          template: {spec: {restartPolicy: 'Never', containers: [{name: 'migrate', image: 'registry.invalid/migrate:1'}]}},
        },
      },
    })
    const job = await waitFor('migrate: Complete', async () => {
      const j = await batch.readNamespacedJob({name: 'migrate', namespace})
      return j.status?.conditions?.some((c) => c.type === 'Complete' && c.status === 'True') && j
    })
    assert.equal(job.status?.succeeded, 2)
    assert.equal(job.status?.failed ?? 0, 0)
  })

  test('a CRD becomes Established and serves a custom resource', async (t) => {
    const namespace = await withNamespace(t)
    const {kc} = await cluster()
    const ext = kc.makeApiClient(ApiextensionsV1Api)
    const custom = kc.makeApiClient(CustomObjectsApi)
    // CRDs are cluster-wide: a group of this test's own.
    const group = `e2e${randomBytes(3).toString('hex')}.strata.dev`
    const crdName = `widgets.${group}`
    await ext.createCustomResourceDefinition({
      body: {
        metadata: {name: crdName},
        spec: {
          group,
          scope: 'Namespaced',
          names: {plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList'},
          versions: [
            {
              name: 'v1',
              served: true,
              storage: true,
              schema: {openAPIV3Schema: {type: 'object', properties: {spec: {type: 'object', properties: {size: {type: 'integer'}}}}}},
            },
          ],
        },
      },
    })
    t.after(async () => {
      await ext.deleteCustomResourceDefinition({name: crdName}).catch((err) => {
        if (httpStatus(err) !== 404) throw err
      })
    })
    await waitFor(`${crdName} Established`, async () => {
      const crd = await ext.readCustomResourceDefinition({name: crdName})
      return crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')
    })
    // Established means served; discovery can still lag by a moment, hence the retry.
    await waitFor('widget created', () =>
      custom.createNamespacedCustomObject({
        group,
        version: 'v1',
        namespace,
        plural: 'widgets',
        body: {apiVersion: `${group}/v1`, kind: 'Widget', metadata: {name: 'w1'}, spec: {size: 3}},
      }),
    )
    const w = await custom.getNamespacedCustomObject({group, version: 'v1', namespace, plural: 'widgets', name: 'w1'})
    assert.equal(w.spec.size, 3)
    // The API server validates custom resources against the CRD's schema.
    await assert.rejects(
      custom.createNamespacedCustomObject({
        group,
        version: 'v1',
        namespace,
        plural: 'widgets',
        body: {apiVersion: `${group}/v1`, kind: 'Widget', metadata: {name: 'w2'}, spec: {size: 'big'}},
      }),
      (err) => httpStatus(err) === 422,
    )
  })
})
