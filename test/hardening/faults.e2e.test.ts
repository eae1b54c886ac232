// Faults on the real control plane (issue 8, promises 4, 7, 8): a rejecting admission webhook, a
// ResourceQuota that runs out, RBAC that forbids one kind, a wrong token, two applies at once.
// Each ends with one clear message and exit 2, state that `rollout status` explains, and no
// credential in the output. (Stopping kube-apiserver mid-apply is faults-apiserver.e2e.test.ts,
// on a cluster of its own.)
import assert from 'node:assert/strict'
import {spawn, spawnSync} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {describe, test} from 'node:test'
import {cluster, waitFor, withNamespace} from '../e2e/helpers/cluster.js'
import {bin, strata, writeTree, type CliResult} from '../e2e/helpers/cli.js'
import {startRejectingWebhook} from './helpers/webhook-server.js'
import {statusExitCode} from '../../src/rollout/follow-status.js'
import type {RolloutPhase} from '../../src/rollout/types.js'

function kubectl(kubeconfig: string, ...args: string[]): {code: number | null; out: string; stdout: string} {
  const r = spawnSync('kubectl', ['--kubeconfig', kubeconfig, ...args], {encoding: 'utf8'})
  return {code: r.status, out: r.stdout + r.stderr, stdout: r.stdout}
}

function kubectlApply(kubeconfig: string, yaml: string): void {
  const r = spawnSync('kubectl', ['--kubeconfig', kubeconfig, 'apply', '-f', '-'], {encoding: 'utf8', input: yaml})
  assert.equal(r.status, 0, r.stdout + r.stderr)
}

/** kubectl without blocking the event loop: the webhook server lives in this process. */
function kubectlAsync(kubeconfig: string, ...args: string[]): Promise<{code: number | null; out: string}> {
  return new Promise((resolve) => {
    const child = spawn('kubectl', ['--kubeconfig', kubeconfig, ...args])
    let out = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d))
    child.on('close', (code) => resolve({code, out}))
  })
}

/** strata without blocking the event loop (two at once, or a local server in this process). */
function strataAsync(kubeconfig: string, ...args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args, '--kubeconfig', kubeconfig], {env: {...process.env, CI: '1'}})
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    child.on('close', (code) => resolve({code, stdout, stderr, all: `${stdout}\n${stderr}`}))
  })
}

/** A kubeconfig for the same server and CA as the admin one, with a bearer token instead. */
function tokenKubeconfig(adminKubeconfig: string, token: string, namespace: string): string {
  const admin = fs.readFileSync(adminKubeconfig, 'utf8')
  const server = /server:\s*(\S+)/.exec(admin)?.[1]
  const ca = /certificate-authority-data:\s*(\S+)/.exec(admin)?.[1]
  assert.ok(server && ca, 'admin kubeconfig has server and CA data')
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'strata-h8-kc-')), 'config')
  fs.writeFileSync(file, `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: ${server}\n    certificate-authority-data: ${ca}\nusers:\n- name: u\n  user:\n    token: ${token}\ncontexts:\n- name: c\n  context: {cluster: c, user: u, namespace: ${namespace}}\ncurrent-context: c\n`)
  return file
}

function configMaps(ns: string, names: string[]): string {
  return names.map((n) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${n}\n  namespace: ${ns}\ndata:\n  k: "${n}"\n`).join('---\n')
}

function rolloutJson(kubeconfig: string, app: string, ns: string): {phase: string; reason?: string} {
  const r = strata(kubeconfig, 'rollout', 'status', app, '-n', ns, '--json')
  const state = JSON.parse(r.stdout) as {phase: string; reason?: string}
  assert.equal(r.code, statusExitCode(state.phase as RolloutPhase), r.all)
  return state
}

async function rolloutJsonAsync(kubeconfig: string, app: string, ns: string): Promise<{phase: string; reason?: string}> {
  const r = await strataAsync(kubeconfig, 'rollout', 'status', app, '-n', ns, '--json')
  const state = JSON.parse(r.stdout) as {phase: string; reason?: string}
  assert.equal(r.code, statusExitCode(state.phase as RolloutPhase), r.all)
  return state
}

/** No stack trace, no internal error: a user-facing failure. */
function assertClean(r: CliResult): void {
  assert.doesNotMatch(r.all, /internal error|\n\s+at .+:\d+:\d+\)?\n/, r.all)
}

describe('faults on the control plane', {concurrency: false}, () => {
  test('(e) a kubeconfig with a wrong token: one clear line, exit 2, the token nowhere in the output', async (t) => {
    const {kubeconfig} = await cluster()
    const ns = await withNamespace(t, 'h8-token')
    const token = `wrong-${randomBytes(16).toString('hex')}`
    const kc = tokenKubeconfig(kubeconfig, token, ns)
    const dir = writeTree({'kustomization.yaml': 'resources:\n- cm.yaml\n', 'cm.yaml': configMaps(ns, ['a'])}, `tok-${randomBytes(2).toString('hex')}`)
    for (const args of [['apply', dir], ['diff', dir], ['rollout', 'status', 'x', '-n', ns]]) {
      const r = strata(kc, ...args)
      assert.equal(r.code, 2, `${args[0]}: ${r.all}`)
      assert.ok(!r.all.includes(token) && !r.all.includes(token.slice(6, 22)), `${args[0]} leaks the token: ${r.all}`)
      assert.match(r.stderr, /Unauthorized|401/, r.all)
      assertClean(r)
      const paragraph = r.stderr.slice(r.stderr.indexOf('Error:'))
      assert.ok(r.stderr.includes('Error:') && paragraph.trim().split('\n').length <= 2, `one line (and a hint): ${r.stderr}`)
    }
  })

  test('(d) RBAC forbids one kind: a clear line naming the kind and verb, exit 2, no token in the output', async (t) => {
    const {kubeconfig} = await cluster()
    const ns = await withNamespace(t, 'h8-rbac')
    const sa = 'deployer'
    kubectlApply(
      kubeconfig,
      `apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: ${sa}, namespace: ${ns}}\n---\n` +
        `apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: deployer, namespace: ${ns}}\nrules:\n- apiGroups: [""]\n  resources: [configmaps, secrets]\n  verbs: ["*"]\n---\n` +
        `apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: deployer, namespace: ${ns}}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: deployer}\nsubjects:\n- {kind: ServiceAccount, name: ${sa}, namespace: ${ns}}\n`,
    )
    const tok = kubectl(kubeconfig, 'create', 'token', sa, '-n', ns, '--duration', '10m')
    assert.equal(tok.code, 0, tok.out)
    const token = tok.stdout.trim()
    const kc = tokenKubeconfig(kubeconfig, token, ns)
    const app = `rbac-${randomBytes(2).toString('hex')}`
    // A ConfigMap it may write and a Service it may not.
    const dir = writeTree({'kustomization.yaml': `namespace: ${ns}\nresources:\n- r.yaml\n`, 'r.yaml': `${configMaps(ns, ['allowed'])}---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - port: 80\n`}, app)
    const r = strata(kc, 'apply', dir, '-n', ns)
    assert.equal(r.code, 2, r.all)
    assert.ok(!r.all.includes(token), 'the service-account token is not printed')
    assert.match(r.all, /Service/, r.all)
    assert.match(r.all, /cannot \w+ resource "services"/, r.all)
    assertClean(r)
    assert.notEqual(kubectl(kubeconfig, 'get', 'service', 'web', '-n', ns).code, 0)
  })

  test('(c) a ResourceQuota that runs out: clear error, exit 2, state recorded as failed', async (t) => {
    const {kubeconfig} = await cluster()
    const ns = await withNamespace(t, 'h8-quota')
    // count/configmaps counts kube-root-ca.crt too; strata's state and inventory are Secrets.
    kubectlApply(kubeconfig, `apiVersion: v1\nkind: ResourceQuota\nmetadata: {name: cm, namespace: ${ns}}\nspec:\n  hard:\n    count/configmaps: "3"\n`)
    await waitFor('quota status', async () => kubectl(kubeconfig, 'get', 'resourcequota', 'cm', '-n', ns, '-o', 'jsonpath={.status.used.count/configmaps}').stdout.trim() !== '')
    const app = `quota-${randomBytes(2).toString('hex')}`
    const dir = writeTree({'kustomization.yaml': 'resources:\n- cms.yaml\n', 'cms.yaml': configMaps(ns, ['q1', 'q2', 'q3'])}, app)
    const r = strata(kubeconfig, 'apply', dir, '-n', ns)
    assert.equal(r.code, 2, r.all)
    assert.match(r.all, /exceeded quota|forbidden/i, r.all)
    assertClean(r)
    const s = rolloutJson(kubeconfig, app, ns)
    assert.equal(s.phase, 'failed')
    // Raise the quota: resume finishes.
    kubectlApply(kubeconfig, `apiVersion: v1\nkind: ResourceQuota\nmetadata: {name: cm, namespace: ${ns}}\nspec:\n  hard:\n    count/configmaps: "10"\n`)
    await waitFor('quota raised', async () => kubectl(kubeconfig, 'get', 'resourcequota', 'cm', '-n', ns, '-o', 'jsonpath={.status.hard.count/configmaps}').stdout.trim() === '10')
    const resumed = strata(kubeconfig, 'rollout', 'resume', app, '-n', ns)
    assert.equal(resumed.code, 0, resumed.all)
    assert.equal(rolloutJson(kubeconfig, app, ns).phase, 'done')
    for (const n of ['q1', 'q2', 'q3']) assert.equal(kubectl(kubeconfig, 'get', 'configmap', n, '-n', ns).code, 0)
  })

  test('(b) a validating webhook that rejects one object: exit 2 naming it and the message; abort and resume work', async (t) => {
    const {kubeconfig} = await cluster()
    const ns = await withNamespace(t, 'h8-webhook')
    const hook = await startRejectingWebhook({rejectName: 'forbidden-cm', message: 'h8 policy: forbidden-cm is not allowed here'})
    t.after(() => hook.close())
    const whName = `h8-${ns}`
    t.after(() => void kubectl(kubeconfig, 'delete', 'validatingwebhookconfiguration', whName, '--ignore-not-found'))
    kubectlApply(
      kubeconfig,
      `apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\nmetadata: {name: ${whName}}\nwebhooks:\n- name: reject.h8.strata.dev\n  admissionReviewVersions: [v1]\n  sideEffects: None\n  failurePolicy: Fail\n  timeoutSeconds: 5\n` +
        `  namespaceSelector:\n    matchLabels: {kubernetes.io/metadata.name: ${ns}}\n  rules:\n  - apiGroups: [""]\n    apiVersions: [v1]\n    operations: [CREATE, UPDATE]\n    resources: [configmaps]\n` +
        `  clientConfig:\n    url: ${hook.url}\n    caBundle: ${Buffer.from(hook.ca).toString('base64')}\n`,
    )
    // The API server picks webhook configurations up asynchronously: wait until it rejects.
    await waitFor('webhook active', async () => {
      const r = await kubectlAsync(kubeconfig, 'create', 'configmap', 'forbidden-cm', '-n', ns, '--dry-run=server')
      return r.code !== 0 && /h8 policy/.test(r.out)
    })
    const app = `hook-${randomBytes(2).toString('hex')}`
    const files = {'kustomization.yaml': 'resources:\n- cms.yaml\n', 'cms.yaml': configMaps(ns, ['fine', 'forbidden-cm'])}
    const dir = writeTree(files, app)
    const r = await strataAsync(kubeconfig, 'apply', dir, '-n', ns)
    assert.equal(r.code, 2, r.all)
    assert.match(r.all, /forbidden-cm/)
    assert.match(r.all, /h8 policy: forbidden-cm is not allowed here/)
    assertClean(r)
    assert.equal((await rolloutJsonAsync(kubeconfig, app, ns)).phase, 'failed')
    // Abort ends the rollout.
    const aborted = await strataAsync(kubeconfig, 'rollout', 'abort', app, '-n', ns)
    assert.equal(aborted.code, 0, aborted.all)
    assert.equal((await rolloutJsonAsync(kubeconfig, app, ns)).phase, 'aborted')
    // A new apply fails the same way; once the policy allows it, resume finishes.
    const again = await strataAsync(kubeconfig, 'apply', dir, '-n', ns)
    assert.equal(again.code, 2, again.all)
    hook.allowAll()
    const resumed = await strataAsync(kubeconfig, 'rollout', 'resume', app, '-n', ns)
    assert.equal(resumed.code, 0, resumed.all)
    assert.equal((await rolloutJsonAsync(kubeconfig, app, ns)).phase, 'done')
    assert.equal((await kubectlAsync(kubeconfig, 'get', 'configmap', 'forbidden-cm', '-n', ns)).code, 0)
  })

  test('(g) a webhook that cannot be reached: retried, then reported (exit 2, the webhook named), nothing written', async (t) => {
    const {kubeconfig} = await cluster()
    const ns = await withNamespace(t, 'h8-deadhook')
    const hook = await startRejectingWebhook({rejectName: 'none', message: 'unused'})
    const whName = `h8-dead-${ns}`
    t.after(() => void kubectl(kubeconfig, 'delete', 'validatingwebhookconfiguration', whName, '--ignore-not-found'))
    kubectlApply(
      kubeconfig,
      `apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\nmetadata: {name: ${whName}}\nwebhooks:\n- name: dead.h8.strata.dev\n  admissionReviewVersions: [v1]\n  sideEffects: None\n  failurePolicy: Fail\n  timeoutSeconds: 2\n` +
        `  namespaceSelector:\n    matchLabels: {kubernetes.io/metadata.name: ${ns}}\n  rules:\n  - apiGroups: [""]\n    apiVersions: [v1]\n    operations: [CREATE, UPDATE]\n    resources: [configmaps]\n` +
        `  clientConfig:\n    url: ${hook.url}\n    caBundle: ${Buffer.from(hook.ca).toString('base64')}\n`,
    )
    await hook.close()
    await waitFor('webhook failing', async () => {
      const r = await kubectlAsync(kubeconfig, 'create', 'configmap', 'probe', '-n', ns, '--dry-run=server')
      return r.code !== 0 && /failed calling webhook/.test(r.out)
    })
    const app = `deadhook-${randomBytes(2).toString('hex')}`
    const dir = writeTree({'kustomization.yaml': 'resources:\n- cms.yaml\n', 'cms.yaml': configMaps(ns, ['one'])}, app)
    const started = Date.now()
    const r = await strataAsync(kubeconfig, 'apply', dir, '-n', ns)
    assert.equal(r.code, 2, r.all)
    assert.match(r.all, /failed calling webhook "dead\.h8\.strata\.dev"/, r.all)
    assertClean(r)
    // The default policy retries a 500 four times with backoff (0.1+0.2+0.4+0.8 s at least) before reporting.
    assert.ok(Date.now() - started >= 1_500, `retried before reporting (${Date.now() - started} ms)`)
    // The server-side dry-run of the diff already calls the webhook: the apply is refused before any
    // write, so there is no rollout to record and nothing was created.
    const status = await strataAsync(kubeconfig, 'rollout', 'status', app, '-n', ns)
    assert.equal(status.code, 2, status.all)
    assert.match(status.stderr, /no rollout of app/)
    assert.notEqual((await kubectlAsync(kubeconfig, 'get', 'configmap', 'one', '-n', ns)).code, 0)
  })

  test('(f) two applies of one app at once: one proceeds, the other refuses naming the holder — never both', async (t) => {
    const {kubeconfig} = await cluster()
    const ns = await withNamespace(t, 'h8-lock')
    const app = `lock-${randomBytes(2).toString('hex')}`
    // Pods that never schedule keep the first apply inside its health wait until --timeout.
    const deploy = `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: stuck\n  namespace: ${ns}\nspec:\n  replicas: 1\n  selector: {matchLabels: {app: stuck}}\n  template:\n    metadata: {labels: {app: stuck}}\n    spec:\n      nodeSelector: {h8-no-such-node: "true"}\n      containers:\n      - {name: c, image: example.invalid/stuck:1}\n`
    const dir = writeTree({'kustomization.yaml': 'resources:\n- r.yaml\n', 'r.yaml': `${configMaps(ns, ['lock'])}---\n${deploy}`}, app)
    const [a, b] = await Promise.all([strataAsync(kubeconfig, 'apply', dir, '-n', ns, '--timeout', '8s'), strataAsync(kubeconfig, 'apply', dir, '-n', ns, '--timeout', '8s')])
    for (const r of [a, b]) assertClean(r)
    const refused = [a, b].filter((r) => /a rollout of .* is running in process \d+ on |another strata process took the rollout|was started at the same moment by process \d+ on /.test(r.stderr))
    assert.equal(refused.length, 1, `exactly one refused:\n--- a (${a.code})\n${a.all}\n--- b (${b.code})\n${b.all}`)
    assert.equal(refused[0].code, 2)
    const winner = refused[0] === a ? b : a
    assert.equal(winner.code, 2, `the winner times out on the unschedulable Deployment: ${winner.all}`)
    assert.match(rolloutJson(kubeconfig, app, ns).reason ?? '', /stuck|timed out|not ready|Ready/i)
  })
})
