import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {locateRollout} from '../../../src/rollout/locate.js'
import {ClusterError} from '../../../src/cluster/errors.js'
import {UserError} from '../../../src/model/errors.js'
import {MemoryCluster} from '../helpers/memory-cluster.js'

const state = (app: string, namespace: string) => ({apiVersion: 'v1', kind: 'Secret', metadata: {name: `strata-rollout-${app}`, namespace, labels: {'strata.dev/rollout-of': app}}})

function counting(cluster: MemoryCluster) {
  const calls: string[] = []
  const get = cluster.get.bind(cluster)
  const list = cluster.list.bind(cluster)
  cluster.get = async (ref) => (calls.push(`get ${ref.namespace}/${ref.name}`), get(ref))
  cluster.list = async (v, k, o) => (calls.push(`list ${k} ${o?.namespace ?? '*'} ${o?.labelSelector}`), list(v, k, o))
  return calls
}

describe('locateRollout: rollout NAME without -n', () => {
  test('-n is used as given, without a request', async () => {
    const cluster = new MemoryCluster()
    const calls = counting(cluster)
    assert.deepEqual(await locateRollout(cluster, 'shop', 'elsewhere'), {namespace: 'elsewhere', from: 'flag'})
    assert.deepEqual(calls, [])
  })

  test("the kubeconfig's namespace first, even when another namespace has one too", async () => {
    const cluster = new MemoryCluster({defaultNamespace: 'team', objects: [state('shop', 'team'), state('shop', 'other')]})
    const calls = counting(cluster)
    assert.deepEqual(await locateRollout(cluster, 'shop', undefined), {namespace: 'team', from: 'kubeconfig'})
    assert.deepEqual(calls, ['get team/strata-rollout-shop'])
  })

  test('else one LIST by label across namespaces; the one match is used', async () => {
    const cluster = new MemoryCluster({objects: [state('shop', 'prod'), state('blog', 'blog')]})
    const calls = counting(cluster)
    assert.deepEqual(await locateRollout(cluster, 'shop', undefined), {namespace: 'prod', from: 'search'})
    assert.deepEqual(calls, ['get default/strata-rollout-shop', 'list Secret * strata.dev/rollout-of=shop'])
  })

  test('several matches: an error naming each with the -n to pass', async () => {
    const cluster = new MemoryCluster({objects: [state('shop', 'staging'), state('shop', 'prod')]})
    await assert.rejects(locateRollout(cluster, 'shop', undefined), (e: unknown) => {
      assert.ok(e instanceof UserError)
      assert.match(e.message, /app 'shop' has a rollout in 2 namespaces \(prod, staging\) and none in default/)
      assert.equal(e.hint, 'Pass one of: -n prod, -n staging.')
      return true
    })
  })

  test('no match anywhere: an error saying where it looked', async () => {
    const cluster = new MemoryCluster({objects: [state('blog', 'blog')]})
    await assert.rejects(locateRollout(cluster, 'shop', undefined), /no rollout of app 'shop' in namespace default \(the kubeconfig's\) nor in any other namespace/)
  })

  test('a forbidden cross-namespace LIST asks for -n instead of failing with 403', async () => {
    const cluster = new MemoryCluster()
    cluster.list = async () => {
      throw new ClusterError(403, 'Forbidden', 'secrets is forbidden')
    }
    await assert.rejects(locateRollout(cluster, 'shop', undefined), (e: unknown) => e instanceof UserError && /listing Secrets across namespaces is forbidden/.test(e.message) && e.origin.field === '-n')
  })
})
