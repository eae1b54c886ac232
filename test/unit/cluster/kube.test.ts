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

  test('certificates that are not PEM are a user error naming the kubeconfig, before any request', async () => {
    const bad = path.join(dir, 'bad-cert')
    fs.writeFileSync(bad, kubeconfig.replace('user: {token: abc}', `user: {client-certificate-data: ${Buffer.from('not a certificate').toString('base64')}, client-key-data: ${Buffer.from('nor a key').toString('base64')}}`))
    await assert.rejects(kubeCluster({kubeconfig: bad}), (e) => e instanceof UserError && e.origin.file === bad && /TLS material/.test(e.message))
  })

  test('an unreachable server is a ClusterError after retries, not a crash', async () => {
    const port = await kubeCluster({kubeconfig: file, retry: {attempts: 2, baseDelayMs: 1, maxDelayMs: 1, sleep: async () => {}, random: () => 0}})
    await assert.rejects(port.get({apiVersion: 'v1', kind: 'ConfigMap', name: 'x', namespace: 'd'}), (e: Error & {status?: number}) => e.name === 'ClusterError' && e.status === 0 && /cannot reach the API server at https:\/\/127\.0\.0\.1:1/.test(e.message))
  })
})

describe('static kubeconfig reader', () => {
  test('reads what client-node reads for certificates and tokens, relative paths from the file', async () => {
    const {loadKubeconfig, staticCredentials} = await import('../../../src/cluster/kubeconfig.js')
    const readStaticKubeconfig = (kubeconfig: string, context?: string) => {
      const sel = loadKubeconfig({kubeconfig, context})
      return typeof sel === 'string' ? undefined : staticCredentials(sel)
    }
    const {KubeConfig} = await import('@kubernetes/client-node')
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-kubeconfig-'))
    fs.writeFileSync(path.join(dir, 'ca.crt'), 'CA-BYTES')
    fs.writeFileSync(path.join(dir, 'token'), 'file-token\n')
    const file = path.join(dir, 'config')
    fs.writeFileSync(
      file,
      `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster: {server: 'https://10.0.0.1:6443', certificate-authority: ca.crt, tls-server-name: api.internal}
users:
- name: cert
  user: {client-certificate-data: ${Buffer.from('CERT').toString('base64')}, client-key-data: ${Buffer.from('KEY').toString('base64')}}
- name: tok
  user: {tokenFile: token}
- name: plugin
  user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: get-token}}
contexts:
- {name: a, context: {cluster: c, user: cert, namespace: apps}}
- {name: b, context: {cluster: c, user: tok}}
- {name: p, context: {cluster: c, user: plugin}}
current-context: a
`,
    )
    const a = readStaticKubeconfig(file)!
    const kc = new KubeConfig()
    kc.loadFromFile(file)
    const opts: {ca?: unknown; cert?: unknown; key?: unknown} = {}
    await kc.applyToHTTPSOptions(opts as never)
    assert.deepEqual([a.ca, a.cert, a.key].map(String), [opts.ca, opts.cert, opts.key].map(String))
    assert.equal(a.namespace, 'apps')
    assert.equal(a.servername, 'api.internal')
    const b = readStaticKubeconfig(file, 'b')!
    assert.equal(b.token, 'file-token')
    assert.equal(b.namespace, 'default')
    // exec plugins are client-node's job
    assert.equal(readStaticKubeconfig(file, 'p'), undefined)
    assert.throws(() => readStaticKubeconfig(file, 'zzz'), (e) => e instanceof UserError && /Known contexts: a, b, p/.test(e.hint ?? ''))
  })
})
