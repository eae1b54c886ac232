import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {describe, test} from 'node:test'
import {kubeCluster} from '../../../src/cluster/kube.js'
import {inCluster, loadKubeconfig, staticCredentials} from '../../../src/cluster/kubeconfig.js'
import {kubeconfigSearch, mergeKubeconfigs, selectContext} from '../../../src/cluster/kubeconfig-merge.js'
import {UserError} from '../../../src/model/errors.js'

// Which cluster strata talks to must be the one kubectl talks to with the same $KUBECONFIG and
// --context: every case below asks kubectl itself (`config view --minify --flatten`, which also
// inlines the certificate files each entry points to, and `config current-context`) and compares.

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-kubeconfig-merge-'))
const home = path.join(root, 'home')
fs.mkdirSync(home)

function write(rel: string, text: string): string {
  const file = path.join(root, rel)
  fs.mkdirSync(path.dirname(file), {recursive: true})
  fs.writeFileSync(file, text)
  return file
}

// Two teams' files with clashing names: same context, cluster and user names, different contents.
// Each refers to `ca.crt` relative to itself; the two ca.crt files differ.
const prod = write(
  'prod/config',
  `apiVersion: v1
kind: Config
clusters:
- name: main
  cluster: {server: 'https://127.0.0.1:1', certificate-authority: ca.crt}
users:
- name: deployer
  user: {token: prod-token}
contexts:
- name: main
  context: {cluster: main, user: deployer, namespace: shop-prod}
- name: borrowed
  context: {cluster: dev-only, user: deployer}
current-context: main
`,
)
write('prod/ca.crt', 'PROD-CA\n')
const dev = write(
  'dev/nested/config',
  `apiVersion: v1
kind: Config
clusters:
- name: main
  cluster: {server: 'https://127.0.0.1:2', certificate-authority: ca.crt}
- name: dev-only
  cluster: {server: 'https://127.0.0.1:3', certificate-authority: ../ca.crt}
users:
- name: deployer
  user: {client-certificate: certs/client.crt, client-key: certs/client.key}
- name: dev-user
  user: {token: dev-token}
contexts:
- name: main
  context: {cluster: main, user: dev-user, namespace: shop-dev}
- name: dev
  context: {cluster: dev-only, user: deployer, namespace: playground}
current-context: dev
`,
)
write('dev/nested/ca.crt', 'DEV-CA\n')
write('dev/ca.crt', 'DEV-PARENT-CA\n')
write('dev/nested/certs/client.crt', 'DEV-CERT\n')
write('dev/nested/certs/client.key', 'DEV-KEY\n')
// Sets no current-context: the next file's counts.
const extra = write(
  'extra/config',
  `apiVersion: v1
kind: Config
clusters:
- name: extra
  cluster: {server: 'https://127.0.0.1:4', insecure-skip-tls-verify: true}
contexts:
- name: extra
  context: {cluster: extra}
`,
)
const missing = path.join(root, 'not-there', 'config')

const kubectlEnv = (kubeconfig: string): NodeJS.ProcessEnv => ({PATH: process.env.PATH, HOME: home, KUBECONFIG: kubeconfig})

interface Chosen {
  context: string
  namespace: string
  server: string
  ca?: string
  cert?: string
  key?: string
  token?: string
}

function kubectlChoice(kubeconfig: string, context?: string): Chosen {
  const args = ['config', 'view', '--minify', '--flatten', '-o', 'json', ...(context ? ['--context', context] : [])]
  const r = spawnSync('kubectl', args, {encoding: 'utf8', env: kubectlEnv(kubeconfig), cwd: root})
  assert.equal(r.status, 0, r.stderr)
  const v = JSON.parse(r.stdout)
  const cluster = v.clusters[0].cluster
  const user = v.users?.[0]?.user ?? {}
  const text = (b64: string | undefined) => (b64 ? Buffer.from(b64, 'base64').toString() : undefined)
  return {
    context: v['current-context'],
    namespace: v.contexts[0].context.namespace ?? 'default',
    server: cluster.server,
    ca: text(cluster['certificate-authority-data']),
    cert: text(user['client-certificate-data']),
    key: text(user['client-key-data']),
    token: user.token,
  }
}

function strataChoice(kubeconfig: string, context?: string): Chosen {
  const sel = loadKubeconfig({context}, {KUBECONFIG: kubeconfig}, home)
  assert.notEqual(sel, inCluster)
  if (sel === inCluster) throw new Error('unreachable')
  const creds = staticCredentials(sel)
  assert.ok(creds, 'static credentials')
  const text = (b: Buffer | undefined) => b?.toString()
  return {context: creds.context, namespace: creds.namespace, server: creds.server, ca: text(creds.ca), cert: text(creds.cert), key: text(creds.key), token: creds.token}
}

const list = (...files: string[]) => files.join(path.delimiter)

describe('kubeconfig merge agrees with kubectl', () => {
  const cases: {name: string; kubeconfig: string; context?: string; expect: Partial<Chosen>}[] = [
    {name: 'two files with different current-contexts: the first file wins', kubeconfig: list(prod, dev), expect: {context: 'main', server: 'https://127.0.0.1:1', namespace: 'shop-prod', ca: 'PROD-CA\n'}},
    {name: 'the same two files the other way round', kubeconfig: list(dev, prod), expect: {context: 'dev', server: 'https://127.0.0.1:3', namespace: 'playground'}},
    {name: 'a context name defined in both files is the first file’s, cluster and user too', kubeconfig: list(dev, prod), context: 'main', expect: {server: 'https://127.0.0.1:2', namespace: 'shop-dev', token: 'dev-token', ca: 'DEV-CA\n'}},
    {name: 'a missing file in the list is skipped', kubeconfig: list(missing, dev, prod), expect: {context: 'dev'}},
    {name: 'empty entries are ignored and a repeated file is read once', kubeconfig: `${path.delimiter}${list(prod, '', dev, prod)}${path.delimiter}`, expect: {context: 'main'}},
    {name: '--context of a context only the second file defines', kubeconfig: list(prod, dev), context: 'dev', expect: {server: 'https://127.0.0.1:3', namespace: 'playground'}},
    // `dev` uses user `deployer`: prod's entry (a token) wins whole, dev's certificate is not mixed in.
    {name: 'an entry is taken whole from the first file that names it', kubeconfig: list(prod, dev), context: 'dev', expect: {token: 'prod-token', cert: undefined, ca: 'DEV-PARENT-CA\n'}},
    {name: 'relative paths resolve against the file that defined the entry', kubeconfig: list(dev), context: 'dev', expect: {ca: 'DEV-PARENT-CA\n', cert: 'DEV-CERT\n', key: 'DEV-KEY\n'}},
    {name: 'a context in one file may use a cluster from another', kubeconfig: list(prod, dev), context: 'borrowed', expect: {server: 'https://127.0.0.1:3', namespace: 'default'}},
    {name: 'a file without current-context lets the next one set it', kubeconfig: list(extra, prod), expect: {context: 'main'}},
  ]
  for (const c of cases) {
    test(c.name, () => {
      const theirs = kubectlChoice(c.kubeconfig, c.context)
      assert.deepEqual(strataChoice(c.kubeconfig, c.context), theirs)
      // The expectations only document what kubectl answered, so a case cannot pass vacuously.
      for (const [k, v] of Object.entries(c.expect)) assert.equal(theirs[k as keyof Chosen], v, k)
      if (!c.context) {
        const current = spawnSync('kubectl', ['config', 'current-context'], {encoding: 'utf8', env: kubectlEnv(c.kubeconfig)})
        assert.equal(current.stdout.trim(), theirs.context)
      }
    })
  }

  test('both ways to the API server (direct and through client-node) take the merged choice', async () => {
    // A cluster field the direct path does not know sends the run through client-node, whose own
    // merge of $KUBECONFIG would take the last file's current-context.
    const viaClientNode = write(
      'odd/config',
      `clusters:
- name: dev-only
  cluster: {server: 'https://127.0.0.1:3', insecure-skip-tls-verify: true, disable-compression: true}
users:
- name: dev-user
  user: {token: odd-token}
contexts:
- name: dev
  context: {cluster: dev-only, user: dev-user, namespace: playground}
current-context: dev
`,
    )
    const retry = {attempts: 1, baseDelayMs: 1, maxDelayMs: 1, sleep: async () => {}, random: () => 0}
    const saved = process.env.KUBECONFIG
    try {
      for (const [kubeconfig, context] of [
        [list(viaClientNode, prod), undefined],
        [list(prod, viaClientNode), 'dev'],
        [list(prod, dev), undefined],
      ] as const) {
        process.env.KUBECONFIG = kubeconfig
        const theirs = kubectlChoice(kubeconfig, context)
        await assert.rejects(kubeCluster({context, retry, probe: true}), (e) => e instanceof UserError && e.message.includes(`cannot reach the API server at ${theirs.server}`))
        const port = await kubeCluster({context, retry})
        assert.equal(port.defaultNamespace, theirs.namespace)
      }
    } finally {
      if (saved === undefined) delete process.env.KUBECONFIG
      else process.env.KUBECONFIG = saved
    }
  })
})

describe('kubeconfig search and errors', () => {
  test('--kubeconfig alone; else $KUBECONFIG entries; else ~/.kube/config', () => {
    assert.deepEqual(kubeconfigSearch('x', {KUBECONFIG: 'a'}, '/h'), {files: ['x'], from: 'flag'})
    assert.deepEqual(kubeconfigSearch(undefined, {KUBECONFIG: list('a', '', 'b', 'a')}, '/h'), {files: ['a', 'b'], from: 'env'})
    assert.deepEqual(kubeconfigSearch(undefined, {KUBECONFIG: path.delimiter}, '/h'), {files: [], from: 'env'})
    assert.deepEqual(kubeconfigSearch(undefined, {KUBECONFIG: ''}, '/h'), {files: [path.join('/h', '.kube', 'config')], from: 'home'})
  })

  test('an exec command with a slash and a token file resolve against their file; a bare command stays a PATH lookup', () => {
    const doc = {
      users: [
        {name: 'rel', user: {tokenFile: 'tok', exec: {command: './bin/get-token', apiVersion: 'client.authentication.k8s.io/v1'}}},
        {name: 'bare', user: {exec: {command: 'aws', apiVersion: 'client.authentication.k8s.io/v1'}}},
      ],
    }
    const merged = mergeKubeconfigs([{file: '/etc/kube/team/config', doc}])
    assert.equal(merged.users.get('rel')!.body.tokenFile, '/etc/kube/team/tok')
    assert.deepEqual(merged.users.get('rel')!.body.exec, {command: '/etc/kube/team/bin/get-token', apiVersion: 'client.authentication.k8s.io/v1'})
    assert.equal((merged.users.get('bare')!.body.exec as {command: string}).command, 'aws')
  })

  test('a name defined twice in one file is refused, as kubectl refuses it', () => {
    const file = write('dup/config', `clusters:\n- {name: a, cluster: {server: 'https://127.0.0.1:1'}}\n- {name: a, cluster: {server: 'https://127.0.0.1:2'}}\ncontexts:\n- {name: a, context: {cluster: a}}\ncurrent-context: a\n`)
    assert.notEqual(spawnSync('kubectl', ['config', 'view', '--minify'], {env: kubectlEnv(file)}).status, 0)
    assert.throws(() => loadKubeconfig({}, {KUBECONFIG: file}, home), (e) => e instanceof UserError && e.origin.file === file && /defined twice in clusters/.test(e.message))
  })

  test('an unknown context names the files read and the contexts they know', () => {
    assert.throws(
      () => loadKubeconfig({context: 'nope'}, {KUBECONFIG: list(missing, prod, dev)}, home),
      (e) => e instanceof UserError && e.origin.file === list(prod, dev) && /Known contexts: main, borrowed, dev\./.test(e.hint ?? ''),
    )
  })

  test('errors about an entry name the file that defined it', () => {
    const merged = mergeKubeconfigs([{file: 'a', doc: {contexts: [{name: 'x', context: {cluster: 'gone'}}], 'current-context': 'x'}}, {file: 'b', doc: {}}])
    assert.throws(() => selectContext(merged), (e) => e instanceof UserError && e.origin.file === 'a' && /cluster 'gone', which no kubeconfig file defines/.test(e.message))
    const sel = loadKubeconfig({context: 'dev'}, {KUBECONFIG: list(prod, dev)}, home)
    assert.ok(sel !== inCluster && sel.origin === `${dev}, ${prod}`, 'context and cluster from dev, user from prod')
  })

  test('no kubeconfig anywhere is one UserError saying where strata looked and what to pass', () => {
    for (const [env, where] of [
      [{}, path.join(home, '.kube', 'config')],
      [{KUBECONFIG: list(missing, path.join(root, 'also-missing'))}, `$KUBECONFIG (${missing}, ${path.join(root, 'also-missing')})`],
    ] as const) {
      assert.throws(
        () => loadKubeconfig({}, env, home),
        (e) => e instanceof UserError && e.message.startsWith('no kubeconfig found') && e.message.includes(where) && /--kubeconfig/.test(e.hint ?? '') && /KUBECONFIG/.test(e.hint ?? ''),
      )
    }
    assert.throws(() => loadKubeconfig({kubeconfig: missing}, {}, home), (e) => e instanceof UserError && /does not exist/.test(e.message))
  })
})
