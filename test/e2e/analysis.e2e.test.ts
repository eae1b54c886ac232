// Metric-driven canary analysis through bin/run.js on the real control plane (kwok makes pods
// Ready) with a real Prometheus (scripts/prometheus) scraping a metrics endpoint this test serves
// on loopback and whose error ratio it sets. A passing analysis completes through its batches; a
// failing one aborts with every pod back on the old template; an inconclusive one pauses and
// `rollout resume` goes on; Prometheus stopped mid-analysis fails it by consecutive errors, after
// `rollout status` in another process has shown the measurements taken so far; a web provider
// gets the canary's and the stable's pod-template hashes in its URL; an apply killed (SIGKILL)
// mid-analysis is resumed from the measurements saved as they were taken; bad Analysis input is
// refused before any change; diff and render never show an Analysis.
// The CLI runs as a child process without blocking this one: the endpoint must keep answering.
import assert from 'node:assert/strict'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {describe, test, type TestContext} from 'node:test'
import {newAppDir, rewriteTree, strataAsync} from './helpers/cli.js'
import {cluster, waitFor, withNamespace} from './helpers/cluster.js'
import {metricsEndpoint, prometheus, runPrometheusScript} from './helpers/prometheus.js'
import {kubeCluster} from '../../src/cluster/kube.js'
import type {JsonObject} from '../../src/model/json.js'

const v1 = 'registry.invalid/web:1.0'
const v2 = 'registry.invalid/web:2.0'

interface TreeOptions {
  image: string
  rollout?: string
  /** The metric's YAML lines (indented for `metrics:`); absent: no analysis at all. */
  metric?: string
}

function tree(ns: string, o: TreeOptions): Record<string, string> {
  const annotations = o.metric ? `  annotations: {strata.dev/analysis: errors${o.rollout ? `, strata.dev/rollout: "${o.rollout}"` : ''}}\n` : ''
  return {
    'kustomization.yaml': `namespace: ${ns}\nresources: [web.yaml${o.metric ? ', analysis.yaml' : ''}]\n`,
    'web.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
${annotations}spec:
  replicas: 4
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: 0
      containers:
      - {name: web, image: ${o.image}}
`,
    ...(o.metric ? {'analysis.yaml': `apiVersion: strata.dev/v1alpha1\nkind: Analysis\nmetadata:\n  name: errors\nspec:\n  metrics:\n${o.metric}`} : {}),
  }
}

const promMetric = (address: string, extra: string) => `  - name: error-ratio
    interval: 1s
${extra}    provider:
      prometheus:
        address: ${address}
        query: app_error_ratio{app="web"}
`

async function podsByImage(kubeconfig: string, ns: string): Promise<Record<string, number>> {
  const port = await kubeCluster({kubeconfig})
  const out: Record<string, number> = {}
  for (const p of await port.list('v1', 'Pod', {namespace: ns, labelSelector: 'app=web'})) {
    if ((p.metadata as JsonObject).deletionTimestamp) continue
    const image = String(((p.spec as JsonObject).containers as JsonObject[])[0].image)
    out[image] = (out[image] ?? 0) + 1
  }
  return out
}

async function waitForPods(kubeconfig: string, ns: string, want: Record<string, number>): Promise<void> {
  await waitFor(`pods ${JSON.stringify(want)}`, async () => {
    const got = await podsByImage(kubeconfig, ns)
    return JSON.stringify(Object.entries(got).sort()) === JSON.stringify(Object.entries(want).sort()) ? got : false
  }, {timeoutMs: 60_000})
}

async function deploymentExists(kubeconfig: string, ns: string, name: string): Promise<boolean> {
  const port = await kubeCluster({kubeconfig})
  return (await port.get({apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns, name})) !== undefined
}

interface StatusJson {
  phase: string
  reason?: string
  workloads: Array<{name: string; batchesDone: number; analysis: null | {batch: number; verdict?: string; measurements: Record<string, Array<{at: string; phase: string; value?: unknown}>>}}>
}

async function status(kubeconfig: string, ns: string): Promise<StatusJson> {
  const r = await strataAsync(kubeconfig, 'rollout', 'status', 'app', '-n', ns, '--json')
  assert.ok(r.code !== null && [0, 2, 3].includes(r.code), r.all)
  return JSON.parse(r.stdout) as StatusJson
}

/** A namespace with web at v1 (4 Ready pods), applied without analysis, and the tree's directory. */
async function webAtV1(t: TestContext): Promise<{kubeconfig: string; ns: string; dir: string}> {
  const {kubeconfig} = await cluster()
  const ns = await withNamespace(t, 'analysis')
  const dir = rewriteTree(newAppDir('app'), tree(ns, {image: v1}))
  const first = await strataAsync(kubeconfig, 'apply', dir, '-n', ns)
  assert.equal(first.code, 0, first.all)
  await waitForPods(kubeconfig, ns, {[v1]: 4})
  return {kubeconfig, ns, dir}
}

/**
 * web at v1, a Prometheus scraping an endpoint whose error ratio starts at `ratio`, and the tree
 * changed to v2 judged by the metric (`extra`: its count, conditions and limits), not applied yet.
 */
async function canaryJudgedByPrometheus(t: TestContext, ratio: number, rollout: string | undefined, extra: string) {
  const metrics = await metricsEndpoint(t)
  metrics.set('app_error_ratio{app="web"}', ratio)
  const prom = await prometheus(t, [metrics.target])
  const {kubeconfig, ns, dir} = await webAtV1(t)
  rewriteTree(dir, tree(ns, {image: v2, rollout, metric: promMetric(prom.url, extra)}))
  return {metrics, prom, kubeconfig, ns, dir}
}

describe('canary analysis on the real control plane with a real Prometheus', () => {
  test('a passing analysis completes through its batches; status shows its measurements', async (t) => {
    const {metrics, prom, kubeconfig, ns, dir} = await canaryJudgedByPrometheus(t, 0.01, '50%,100%', '    count: 3\n    successCondition: result[0] < 0.05\n')

    const first = await strataAsync(kubeconfig, 'apply', dir, '-n', ns)
    assert.equal(first.code, 3, first.all) // paused after batch 1 of 2
    await waitForPods(kubeconfig, ns, {[v1]: 2, [v2]: 2})
    const paused = await status(kubeconfig, ns)
    const a = paused.workloads[0].analysis
    assert.equal(a?.verdict, 'Successful')
    assert.equal(a?.measurements.errors.length, 3)
    assert.ok(a?.measurements.errors.every((m) => m.phase === 'Successful' && JSON.stringify(m.value) === '[0.01]'), JSON.stringify(a))

    const rest = await strataAsync(kubeconfig, 'rollout', 'resume', 'app', '-n', ns)
    assert.equal(rest.code, 0, rest.all)
    await waitForPods(kubeconfig, ns, {[v2]: 4})
    assert.equal(await deploymentExists(kubeconfig, ns, 'web-strata-canary'), false)
    const done = await status(kubeconfig, ns)
    assert.equal(done.phase, 'done')
    assert.equal(done.workloads[0].analysis?.batch, 2)
  })

  test('a failing analysis aborts: every pod back on the old template, the canary gone', async (t) => {
    const {metrics, prom, kubeconfig, ns, dir} = await canaryJudgedByPrometheus(t, 0.4, '50%,100%', '    count: 5\n    successCondition: result[0] < 0.05\n')

    const r = await strataAsync(kubeconfig, 'apply', dir, '-n', ns)
    assert.equal(r.code, 2, r.all)
    assert.match(r.all, /analysis errors: metric error-ratio: 1 failed measurement\(s\), limit 0/)
    await waitForPods(kubeconfig, ns, {[v1]: 4})
    await waitFor('the canary Deployment to go', async () => !(await deploymentExists(kubeconfig, ns, 'web-strata-canary')))
    const s = await status(kubeconfig, ns)
    assert.equal(s.phase, 'aborted')
    assert.equal(s.workloads[0].analysis?.verdict, 'Failed')
  })

  test('an inconclusive analysis pauses with the reason; rollout resume starts it afresh and completes', async (t) => {
    const {metrics, prom, kubeconfig, ns, dir} = await canaryJudgedByPrometheus(t, 0.1, undefined, '    count: 2\n    successCondition: result[0] < 0.05\n    failureCondition: result[0] > 0.2\n')

    const r = await strataAsync(kubeconfig, 'apply', dir, '-n', ns)
    assert.equal(r.code, 3, r.all)
    assert.match(r.all, /inconclusive/)
    const paused = await status(kubeconfig, ns)
    assert.equal(paused.phase, 'paused')
    assert.equal(paused.workloads[0].analysis?.verdict, 'Inconclusive')

    metrics.set('app_error_ratio{app="web"}', 0.01)
    await waitFor('Prometheus to see the new ratio', async () => {
      const body = (await (await fetch(`${prom.url}/api/v1/query?query=${encodeURIComponent('app_error_ratio{app="web"}')}`)).json()) as {data: {result: Array<{value: [number, string]}>}}
      return body.data.result[0]?.value[1] === '0.01'
    })
    const resumed = await strataAsync(kubeconfig, 'rollout', 'resume', 'app', '-n', ns)
    assert.equal(resumed.code, 0, resumed.all)
    await waitForPods(kubeconfig, ns, {[v2]: 4})
    const done = await status(kubeconfig, ns)
    assert.equal(done.workloads[0].analysis?.verdict, 'Successful')
    assert.equal(done.workloads[0].analysis?.measurements.errors.length, 2, 'the resumed analysis started afresh')
  })

  test('Prometheus stopped mid-analysis: consecutive errors fail it and the rollout aborts; status saw the measurements live', async (t) => {
    const {metrics, prom, kubeconfig, ns, dir} = await canaryJudgedByPrometheus(t, 0.01, '50%,100%', '    count: 60\n    consecutiveErrorLimit: 2\n    successCondition: result[0] < 0.05\n')

    const running = strataAsync(kubeconfig, 'apply', dir, '-n', ns)
    // Another process sees the measurements while the batch is still being judged.
    const seen = await waitFor('measurements in the saved state mid-batch', async () => {
      const s = await status(kubeconfig, ns)
      const n = s.workloads[0]?.analysis?.measurements.errors?.length ?? 0
      return s.phase === 'running' && n >= 2 ? n : false
    }, {timeoutMs: 60_000, intervalMs: 500})
    assert.ok(seen >= 2)
    await prom.down()

    const r = await running
    assert.equal(r.code, 2, r.all)
    assert.match(r.all, /3 consecutive errors, limit 2/)
    await waitForPods(kubeconfig, ns, {[v1]: 4})
    const s = await status(kubeconfig, ns)
    assert.equal(s.phase, 'aborted')
    const ms = s.workloads[0].analysis?.measurements.errors ?? []
    assert.deepEqual(ms.slice(-3).map((m) => m.phase), ['Error', 'Error', 'Error'])
    assert.ok(ms.some((m) => m.phase === 'Successful'))
  })

  test('a process killed mid-analysis: rollout resume continues the batch from the measurements saved so far', async (t) => {
    const {kubeconfig, ns, dir} = await canaryJudgedByPrometheus(t, 0.01, undefined, '    count: 6\n    successCondition: result[0] < 0.05\n')
    const running = strataAsync(kubeconfig, 'apply', dir, '-n', ns)
    const before = await waitFor('two measurements saved', async () => {
      const ms = (await status(kubeconfig, ns)).workloads[0]?.analysis?.measurements.errors ?? []
      return ms.length >= 2 ? ms : false
    }, {timeoutMs: 60_000, intervalMs: 300})
    running.kill('SIGKILL') // no chance to save anything more: only what was saved as it was taken survives
    const killed = await running
    assert.equal(killed.code, null)

    const resumed = await strataAsync(kubeconfig, 'rollout', 'resume', 'app', '-n', ns)
    assert.equal(resumed.code, 0, resumed.all)
    await waitForPods(kubeconfig, ns, {[v2]: 4})
    const after = (await status(kubeconfig, ns)).workloads[0].analysis
    assert.equal(after?.verdict, 'Successful')
    const ms = after?.measurements.errors ?? []
    assert.equal(ms.length, 6, 'six in all, not six more')
    assert.deepEqual(ms.slice(0, before.length).map((m) => m.at), before.map((m) => m.at), 'the saved ones kept')
  })

  test('bad Analysis input is refused before any change (exit 2, naming file and field); diff never shows an Analysis', async (t) => {
    const {kubeconfig, ns, dir} = await webAtV1(t)
    const good = promMetric('http://127.0.0.1:9', '    count: 1\n    successCondition: result[0] < 0.05\n')
    const cases: Array<{why: string; files: Record<string, string>; want: RegExp}> = [
      {why: 'unknown field', files: tree(ns, {image: v2, metric: good.replace('    interval: 1s', '    intervall: 1s')}), want: /analysis\.yaml.*spec\.metrics\[0\]\.intervall|spec\.metrics\[0\]\.intervall.*analysis\.yaml/s},
      {why: 'invalid condition', files: tree(ns, {image: v2, metric: good.replace('result[0] < 0.05', 'result[0] <<< 0.05')}), want: /spec\.metrics\[0\]\.successCondition/},
      {why: 'missing arg', files: {...tree(ns, {image: v2, metric: good.replace('app_error_ratio{app="web"}', 'x{svc="{{args.svc}}"}')}), 'analysis.yaml': `apiVersion: strata.dev/v1alpha1\nkind: Analysis\nmetadata:\n  name: errors\nspec:\n  args: [{name: svc}]\n  metrics:\n${good.replace('app_error_ratio{app="web"}', 'x{svc="{{args.svc}}"}')}`}, want: /needs a value for arg svc/},
      {why: 'unknown Analysis', files: tree(ns, {image: v2, metric: good}), want: /no Analysis named "latency"/},
    ]
    cases[3].files['web.yaml'] = cases[3].files['web.yaml'].replace('strata.dev/analysis: errors', 'strata.dev/analysis: latency')
    for (const c of cases) {
      rewriteTree(dir, c.files)
      const r = await strataAsync(kubeconfig, 'apply', dir, '-n', ns)
      assert.equal(r.code, 2, `${c.why}: ${r.all}`)
      assert.match(r.stderr, c.want, c.why)
      assert.doesNotMatch(r.all, /    at /, `${c.why}: no stack trace`)
    }
    assert.deepEqual(await podsByImage(kubeconfig, ns), {[v1]: 4}, 'nothing changed')

    // A valid Analysis, with and without local-config: diff shows the Deployment only.
    rewriteTree(dir, tree(ns, {image: v2, metric: good}))
    const diff = await strataAsync(kubeconfig, 'diff', dir, '-n', ns)
    assert.equal(diff.code, 1, diff.all)
    assert.match(diff.stdout, /Deployment/)
    assert.doesNotMatch(diff.all, /Analysis|strata\.dev\/v1alpha1/)
    const render = await strataAsync(undefined, 'render', dir)
    assert.equal(render.code, 0, render.all)
    assert.doesNotMatch(render.stdout, /kind: Analysis/)
  })

  test('a web provider judges the batch from a JSON endpoint, queried with the canary and stable pod-template hashes', async (t) => {
    const endpoint = await metricsEndpoint(t)
    endpoint.json({data: {errorRate: 0.01}})
    const {kubeconfig, ns, dir} = await webAtV1(t)
    const metric = `  - name: error-ratio
    interval: 1s
    count: 2
    successCondition: result < 0.05
    provider:
      web:
        url: ${endpoint.url}/json?canary={{canaryHash}}&stable={{stableHash}}&ns={{namespace}}
        jsonPath: "{$.data.errorRate}"
`
    rewriteTree(dir, tree(ns, {image: v2, rollout: '50%,100%', metric}))
    const first = await strataAsync(kubeconfig, 'apply', dir, '-n', ns)
    assert.equal(first.code, 3, first.all)

    const port = await kubeCluster({kubeconfig})
    const hashOf = async (image: string) => {
      const pods = (await port.list('v1', 'Pod', {namespace: ns, labelSelector: 'app=web'})).filter((p) => String(((p.spec as JsonObject).containers as JsonObject[])[0].image) === image)
      return [...new Set(pods.map((p) => String(((p.metadata as JsonObject).labels as JsonObject)['pod-template-hash'])))]
    }
    const [canary, stable] = [await hashOf(v2), await hashOf(v1)]
    assert.equal(canary.length, 1)
    assert.equal(stable.length, 1)
    assert.ok(endpoint.jsonQueries.length >= 2)
    for (const q of endpoint.jsonQueries) assert.deepEqual([q.get('canary'), q.get('stable'), q.get('ns')], [canary[0], stable[0], ns])

    endpoint.jsonQueries.length = 0
    const rest = await strataAsync(kubeconfig, 'rollout', 'resume', 'app', '-n', ns)
    assert.equal(rest.code, 0, rest.all)
    await waitForPods(kubeconfig, ns, {[v2]: 4})
    // In the promotion the new pods run under web itself: its new ReplicaSet's hash is the canary's.
    const promoted = await hashOf(v2)
    assert.equal(promoted.length, 1)
    assert.equal(endpoint.jsonQueries[0].get('canary'), promoted[0])
    assert.equal(endpoint.jsonQueries[0].get('stable'), stable[0])
  })
})

describe('scripts/prometheus', () => {
  test('refuses a target off loopback and a bad interval before starting anything; status/url of a run folder with nothing running exit 3', async () => {
    const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-e2e-prometheus-'))
    const env = {...process.env, STRATA_PROMETHEUS_RUN_DIR: runDir}
    try {
      const far = await runPrometheusScript(['up', '--target', 'example.com:80'], env)
      assert.equal(far.code, 2)
      assert.match(far.stderr, /--target needs a loopback HOST:PORT/)
      const slow = await runPrometheusScript(['up', '--target', '127.0.0.1:9', '--interval', 'soon'], env)
      assert.equal(slow.code, 2)
      assert.match(slow.stderr, /--interval needs a duration/)
      assert.equal((await runPrometheusScript(['status'], env)).code, 3)
      assert.equal((await runPrometheusScript(['url'], env)).code, 3)
      assert.deepEqual(fs.readdirSync(runDir), [], 'nothing was started or written')
    } finally {
      fs.rmSync(runDir, {recursive: true, force: true})
    }
  })
})
