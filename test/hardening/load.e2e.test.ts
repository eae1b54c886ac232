// Load: one app of 2000 objects across 20 namespaces (per namespace 60 ConfigMaps, 10 Secrets,
// 20 Services, 10 Deployments whose pods kwok makes Ready) applied by `strata apply` on the real
// control plane, then changed (every ConfigMap's data, one image per namespace) and applied
// again, then shrunk (prune). After each apply every object must be there with exactly the
// content rendered — nothing lost, nothing stale — and the pruned ones gone. Throughput and the
// process's peak RSS are printed (diagnostics, never asserted: the machine is shared).
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {createHash, randomBytes} from 'node:crypto'
import * as path from 'node:path'
import {describe, test} from 'node:test'
import {fileURLToPath} from 'node:url'
import {bin, newAppDir, rewriteTree} from '../e2e/helpers/cli.js'
import {cluster} from '../e2e/helpers/cluster.js'

const NAMESPACES = 20
const preload = path.join(path.dirname(fileURLToPath(import.meta.url)), 'helpers', 'report-rss.cjs')

function kubectl(kubeconfig: string, ...args: string[]) {
  const r = spawnSync('kubectl', ['--kubeconfig', kubeconfig, ...args], {encoding: 'utf8', maxBuffer: 256 * 1024 * 1024})
  return {code: r.status, stdout: r.stdout, stderr: r.stderr}
}

interface Shape {
  configMaps: number
  generation: number
}

function tree(prefix: string, shape: Shape): Record<string, string> {
  const docs: string[] = []
  for (let n = 0; n < NAMESPACES; n++) {
    const ns = `${prefix}-${n}`
    docs.push(`apiVersion: v1\nkind: Namespace\nmetadata: {name: ${ns}}\n`)
    for (let i = 0; i < shape.configMaps; i++) {
      docs.push(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-${i}, namespace: ${ns}}\ndata: {index: "${i}", generation: "${shape.generation}", payload: "${'x'.repeat(200)}"}\n`)
    }
    for (let i = 0; i < 10; i++) {
      docs.push(`apiVersion: v1\nkind: Secret\nmetadata: {name: secret-${i}, namespace: ${ns}}\nstringData: {token: "t-${n}-${i}-${shape.generation}"}\n`)
    }
    for (let i = 0; i < 20; i++) {
      docs.push(`apiVersion: v1\nkind: Service\nmetadata: {name: svc-${i}, namespace: ${ns}}\nspec:\n  selector: {app: app-${i % 10}}\n  ports: [{port: ${8000 + i}}]\n`)
    }
    for (let i = 0; i < 10; i++) {
      const image = i === 0 ? `registry.invalid/app:${shape.generation}` : 'registry.invalid/app:1'
      docs.push(`apiVersion: apps/v1
kind: Deployment
metadata: {name: app-${i}, namespace: ${ns}}
spec:
  replicas: 1
  selector: {matchLabels: {app: app-${i}}}
  template:
    metadata: {labels: {app: app-${i}}}
    spec:
      containers:
      - {name: app, image: ${image}}
`)
    }
  }
  return {'kustomization.yaml': 'resources: [all.yaml]\n', 'all.yaml': docs.join('---\n')}
}

/** What the cluster holds, as `kind/ns/name → digest of the rendered fields`. */
function liveState(kubeconfig: string, prefix: string): Map<string, string> {
  const out = new Map<string, string>()
  for (let n = 0; n < NAMESPACES; n++) {
    const ns = `${prefix}-${n}`
    const r = kubectl(kubeconfig, 'get', 'configmaps,secrets,services,deployments', '-n', ns, '-o', 'json')
    assert.equal(r.code, 0, r.stderr)
    type Item = {kind: string; metadata: {name: string}; data?: Record<string, string>; spec?: {ports?: {port: number}[]; template?: {spec: {containers: {image: string}[]}}}}
    for (const o of (JSON.parse(r.stdout) as {items: Item[]}).items) {
      if (o.metadata.name === 'kube-root-ca.crt' || o.metadata.name.startsWith('applyset-') || o.metadata.name.startsWith('strata-rollout-')) continue
      const content =
        o.kind === 'ConfigMap' ? JSON.stringify(o.data)
        : o.kind === 'Secret' ? JSON.stringify(Object.fromEntries(Object.entries(o.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()])))
        : o.kind === 'Service' ? JSON.stringify(o.spec?.ports?.map((p) => p.port))
        : JSON.stringify(o.spec?.template?.spec.containers.map((c) => c.image))
      out.set(`${o.kind}/${ns}/${o.metadata.name}`, createHash('sha256').update(content).digest('hex').slice(0, 16))
    }
  }
  return out
}

function expectedState(prefix: string, shape: Shape): Map<string, string> {
  const h = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 16)
  const out = new Map<string, string>()
  for (let n = 0; n < NAMESPACES; n++) {
    const ns = `${prefix}-${n}`
    for (let i = 0; i < shape.configMaps; i++) out.set(`ConfigMap/${ns}/cm-${i}`, h(JSON.stringify({generation: String(shape.generation), index: String(i), payload: 'x'.repeat(200)})))
    for (let i = 0; i < 10; i++) out.set(`Secret/${ns}/secret-${i}`, h(JSON.stringify({token: `t-${n}-${i}-${shape.generation}`})))
    for (let i = 0; i < 20; i++) out.set(`Service/${ns}/svc-${i}`, h(JSON.stringify([8000 + i])))
    for (let i = 0; i < 10; i++) out.set(`Deployment/${ns}/app-${i}`, h(JSON.stringify([i === 0 ? `registry.invalid/app:${shape.generation}` : 'registry.invalid/app:1'])))
  }
  return out
}

function applyMeasured(kubeconfig: string, dir: string, extra: string[] = []) {
  const t0 = Date.now()
  const r = spawnSync(process.execPath, ['--require', preload, bin, 'apply', dir, '--name', 'load', '--kubeconfig', kubeconfig, '--concurrency', '32', '--timeout', '10m', ...extra], {encoding: 'utf8', env: {...process.env, CI: '1'}, maxBuffer: 256 * 1024 * 1024})
  const ms = Date.now() - t0
  const rssKb = Number(/strata-max-rss-kb (\d+)/.exec(r.stderr)?.[1] ?? 0)
  return {code: r.status, out: `${r.stdout}\n${r.stderr}`, ms, rssMb: Math.round(rssKb / 1024), stdout: r.stdout, stderr: r.stderr}
}

describe('load: 2000 objects across 20 namespaces', () => {
  test('apply, change, prune: every object present with the rendered content; the Secret values never printed', {timeout: 15 * 60_000}, async (t) => {
    const {kubeconfig} = await cluster()
    const prefix = `load-${randomBytes(3).toString('hex')}`
    t.after(() => {
      kubectl(kubeconfig, 'delete', 'namespace', ...Array.from({length: NAMESPACES}, (_, n) => `${prefix}-${n}`), '--wait=false', '--ignore-not-found')
    })
    const dir = newAppDir('load')
    const report = (what: string, objects: number, r: ReturnType<typeof applyMeasured>) =>
      t.diagnostic(`${what}: ${objects} objects in ${(r.ms / 1000).toFixed(1)} s (${Math.round(objects / (r.ms / 1000))} objects/s), peak RSS ${r.rssMb} MiB`)

    const first: Shape = {configMaps: 60, generation: 1}
    rewriteTree(dir, tree(prefix, first))
    const a = applyMeasured(kubeconfig, dir, ['--namespace', `${prefix}-0`])
    assert.equal(a.code, 0, a.out.slice(-3000))
    report('create', 2000 + NAMESPACES, a)
    assert.deepEqual(diffStates(expectedState(prefix, first), liveState(kubeconfig, prefix)), [])

    const changed: Shape = {configMaps: 60, generation: 2}
    rewriteTree(dir, tree(prefix, changed))
    const b = applyMeasured(kubeconfig, dir, ['--namespace', `${prefix}-0`])
    assert.equal(b.code, 0, b.out.slice(-3000))
    report('update (1400 ConfigMaps + 200 Secrets + 20 images changed)', 2000 + NAMESPACES, b)
    assert.deepEqual(diffStates(expectedState(prefix, changed), liveState(kubeconfig, prefix)), [])

    // 10 ConfigMaps fewer per namespace: 200 deletions of 2020 members, within a cap of 250.
    const shrunk: Shape = {configMaps: 50, generation: 2}
    rewriteTree(dir, tree(prefix, shrunk))
    const c = applyMeasured(kubeconfig, dir, ['--namespace', `${prefix}-0`, '--max-deletions', '250'])
    assert.equal(c.code, 0, c.out.slice(-3000))
    report('prune (200 deleted)', 2000 + NAMESPACES, c)
    assert.deepEqual(diffStates(expectedState(prefix, shrunk), liveState(kubeconfig, prefix)), [])

    for (const r of [a, b, c]) {
      assert.ok(!/t-\d+-\d+-\d/.test(r.stdout + r.stderr), 'a Secret value appeared in the output')
    }
  })
})

/** Lines naming each missing, unexpected or different object (empty when equal). */
function diffStates(want: Map<string, string>, got: Map<string, string>): string[] {
  const problems: string[] = []
  for (const [k, v] of want) {
    const g = got.get(k)
    if (g === undefined) problems.push(`missing ${k}`)
    else if (g !== v) problems.push(`different ${k}`)
  }
  for (const k of got.keys()) if (!want.has(k)) problems.push(`unexpected ${k}`)
  return problems.slice(0, 20)
}
