import assert from 'node:assert/strict'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {describe, test} from 'node:test'
import {kubeCluster} from '../../../src/cluster/kube.js'
import {UserError} from '../../../src/model/errors.js'

// Loading only: requests to a real API server are the end-to-end tier's job.
const kubeconfig = `apiVersion: v1
kind: Config
clusters:
- name: c1
  cluster: {server: 'https://127.0.0.1:1', insecure-skip-tls-verify: true}
users:
- name: u1
  user: {token: abc}
contexts:
- name: first
  context: {cluster: c1, user: u1}
- name: second
  context: {cluster: c1, user: u1, namespace: team-a}
current-context: first
`

describe('kubeCluster', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-kube-'))
  const file = path.join(dir, 'config')
  fs.writeFileSync(file, kubeconfig)

  test('the context namespace is the default namespace; --context switches', async () => {
    assert.equal((await kubeCluster({kubeconfig: file})).defaultNamespace, 'default')
    assert.equal((await kubeCluster({kubeconfig: file, context: 'second'})).defaultNamespace, 'team-a')
  })

  test('a missing file or an unknown context is a user error that says what to do', async () => {
    await assert.rejects(kubeCluster({kubeconfig: path.join(dir, 'nope')}), (e) => e instanceof UserError && /does not exist/.test(e.message))
    await assert.rejects(kubeCluster({kubeconfig: file, context: 'third'}), (e) => e instanceof UserError && /Known contexts: first, second/.test(e.hint ?? ''))
  })

  test('an unreachable server is a ClusterError after retries, not a crash', async () => {
    const port = await kubeCluster({kubeconfig: file, retry: {attempts: 2, baseDelayMs: 1, maxDelayMs: 1, sleep: async () => {}, random: () => 0}})
    await assert.rejects(port.get({apiVersion: 'v1', kind: 'ConfigMap', name: 'x', namespace: 'd'}), (e: Error & {status?: number}) => e.name === 'ClusterError' && e.status === 0 && /cannot reach the API server at https:\/\/127\.0\.0\.1:1/.test(e.message))
  })
})
