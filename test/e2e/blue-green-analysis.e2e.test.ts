// Blue/green judged by an analysis, through bin/run.js on the real control plane (kwok makes pods
// Ready) with a real Prometheus (scripts/prometheus) scraping a metrics endpoint this test serves
// on loopback. The query selects the new version by {{canaryHash}} (its strata.dev/bg-hash), so
// each test sets the error ratio of exactly the version it is about to start. One Prometheus and
// one endpoint serve the whole file (each test has its own namespace, hence its own series).
// - passing: promoted; `rollout status` (text and --json) and `apply --json` carry the measurements
// - failing: aborted; the active Service never served the new version; the new version removed
// - inconclusive: paused with the reason (exit 3), the active Service still on the old pods;
//   `rollout resume` from another process runs the analysis afresh and promotes; or `rollout abort`
//   removes the new version, the active Service never having left the old pods
import assert from 'node:assert/strict'
import {after, describe, test, type TestContext} from 'node:test'
import {parseAllDocuments} from 'yaml'
import {kubeCluster} from '../../src/cluster/kube.js'
import type {ClusterPort} from '../../src/cluster/port.js'
import type {JsonObject} from '../../src/model/json.js'
import {templateHash} from '../../src/rollout/strategies/blue-green/objects.js'
import {newAppDir, rewriteTree, strataAsync} from './helpers/cli.js'
import {cluster, waitFor, withNamespace} from './helpers/cluster.js'
import {deploymentNames, endpointImages, waitForEndpoints} from './helpers/endpoints.js'
import {metricsEndpoint, prometheus, type MetricsEndpoint, type Prometheus} from './helpers/prometheus.js'

const v1 = 'registry.invalid/web:1.0'
const v2 = 'registry.invalid/web:2.0'
const series = (ns: string, hash: string) => `app_error_ratio{ns="${ns}",version="${hash}"}`

// The file's Prometheus and endpoint, stopped after its last test.
const cleanups: Array<() => Promise<void>> = []
after(async () => {
  for (const fn of cleanups.reverse()) await fn()
})
let shared: Promise<{metrics: MetricsEndpoint; prom: Prometheus}> | undefined
function metricsAndPrometheus() {
  const scope = {after: (fn: () => Promise<void>) => void cleanups.push(fn)}
  shared ??= (async () => {
    const metrics = await metricsEndpoint(scope)
    return {metrics, prom: await prometheus(scope, [metrics.target])}
  })()
  return shared
}

function tree(ns: string, image: string, prom?: {url: string; metric: string}): Record<string, string> {
  const annotations = {'strata.dev/strategy': 'blue-green', 'strata.dev/active-service': 'web', 'strata.dev/preview-service': 'web-preview', 'strata.dev/scale-down-delay': '0s', ...(prom ? {'strata.dev/analysis': 'errors'} : {})}
  const svc = (name: string) => `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}}\nspec:\n  selector: {app: web}\n  ports: [{port: 80, targetPort: 8080}]\n`
  return {
    'kustomization.yaml': `namespace: ${ns}\nresources: [svc.yaml, web.yaml${prom ? ', analysis.yaml' : ''}]\n`,
    'svc.yaml': `${svc('web')}---\n${svc('web-preview')}`,
    'web.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations: ${JSON.stringify(annotations)}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: 0
      containers:
      - {name: web, image: ${image}}
`,
    ...(prom
      ? {
          'analysis.yaml': `apiVersion: strata.dev/v1alpha1
kind: Analysis
metadata: {name: errors}
spec:
  metrics:
  - name: error-ratio
    interval: 1s
${prom.metric}    provider:
      prometheus:
        address: ${prom.url}
        query: 'app_error_ratio{ns="{{namespace}}",version="{{canaryHash}}"}'
`,
        }
      : {}),
  }
}

/** The strata.dev/bg-hash the tree's Deployment will run under, from `strata render` (what apply sends). */
async function renderedHash(dir: string): Promise<string> {
  const r = await strataAsync(undefined, 'render', dir)
  assert.equal(r.code, 0, r.all)
  const web = parseAllDocuments(r.stdout).map((d) => d.toJS() as JsonObject).find((o) => o?.kind === 'Deployment')
  assert.ok(web, r.stdout)
  return templateHash(web)
}

/** The images the active Service's Ready endpoints showed, sampled until stopped. */
function watchActive(port: ClusterPort, ns: string) {
  const seen = new Set<string>()
  let running = true
  const done = (async () => {
    while (running) {
      for (const image of Object.keys(await endpointImages(port, ns, 'web'))) seen.add(image)
      await new Promise((r) => setTimeout(r, 100))
    }
  })()
  return {stop: async () => ((running = false), await done, [...seen].sort())}
}

interface StatusJson {
  phase: string
  reason: string | null
  workloads: Array<{strategy: string; analysis: null | {verdict?: string; reason?: string; measurements: Record<string, Array<{metric: string; at: string; phase: string; value?: unknown}>>}; blueGreen: null | {phase: string; next: {deployment: string; hash: string}}}>
}

async function status(kubeconfig: string, ns: string): Promise<StatusJson> {
  const r = await strataAsync(kubeconfig, 'rollout', 'status', 'app', '-n', ns, '--json')
  assert.ok(r.code !== null && [0, 2, 3].includes(r.code), r.all)
  return JSON.parse(r.stdout) as StatusJson
}

/**
 * A namespace with web at v1 (a plain Deployment behind Services web and web-preview), and the
 * tree changed to v2 judged by the analysis (`metric`: its count, conditions and limits), not
 * applied yet; the new version's series starts at `ratio`.
 */
async function v2JudgedAt(t: TestContext, ratio: number, metric: string) {
  const {metrics, prom} = await metricsAndPrometheus()
  const {kubeconfig} = await cluster()
  const port = await kubeCluster({kubeconfig})
  const ns = await withNamespace(t, 'bg-analysis')
  const dir = rewriteTree(newAppDir('app'), tree(ns, v1))
  const first = await strataAsync(kubeconfig, 'apply', dir)
  assert.equal(first.code, 0, first.all)
  await waitForEndpoints(port, ns, 'web', {[v1]: 3})
  rewriteTree(dir, tree(ns, v2, {url: prom.url, metric}))
  const hash = await renderedHash(dir)
  metrics.set(series(ns, hash), ratio)
  // Another version's series, bad: the query must pick the new version's by its hash.
  metrics.set(series(ns, 'not-this-one'), 0.9)
  await prometheusSees(prom, series(ns, hash), ratio)
  return {metrics, prom, kubeconfig, port, ns, dir, hash, version: `web-${hash}`}
}

async function prometheusSees(prom: Prometheus, query: string, value: number): Promise<void> {
  await waitFor(`Prometheus to see ${query} = ${value}`, async () => {
    const body = (await (await fetch(`${prom.url}/api/v1/query?query=${encodeURIComponent(query)}`)).json()) as {data: {result: Array<{value: [number, string]}>}}
    return body.data.result[0]?.value[1] === String(value)
  }, {timeoutMs: 30_000, intervalMs: 250})
}

describe('blue/green judged by an analysis, with a real Prometheus', () => {
  test('a passing analysis of the new version promotes it; status and apply --json carry the measurements', async (t) => {
    const {kubeconfig, port, ns, dir, hash, version} = await v2JudgedAt(t, 0.01, '    count: 3\n    successCondition: result[0] < 0.05\n')
    const r = await strataAsync(kubeconfig, 'apply', dir, '--json')
    assert.equal(r.code, 0, r.all)
    const events = r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as {type: string; version?: string; event?: {type: string; measurement?: {phase: string; value: unknown}}})
    const measured = events.filter((e) => e.type === 'analysis' && e.event?.type === 'measurement').map((e) => e.event!.measurement!)
    assert.ok(events.filter((e) => e.type === 'analysis').every((e) => e.version === version), 'each analysis event names the version it judges')
    assert.deepEqual(measured.map((m) => [m.phase, m.value]), [['Successful', [0.01]], ['Successful', [0.01]], ['Successful', [0.01]]])
    assert.ok(events.some((e) => e.type === 'analysis' && e.event?.type === 'analysis-verdict'), 'the verdict is an event too')
    await waitForEndpoints(port, ns, 'web', {[v2]: 3})
    await waitFor('only the new version left', async () => JSON.stringify(await deploymentNames(port, ns)) === JSON.stringify([version]), {timeoutMs: 30_000})

    const s = await status(kubeconfig, ns)
    assert.equal(s.phase, 'done')
    const w = s.workloads.find((x) => x.strategy === 'blue-green')!
    assert.equal(w.blueGreen?.next.hash, hash)
    assert.equal(w.analysis?.verdict, 'Successful')
    assert.deepEqual(w.analysis?.measurements.errors.map((m) => m.value), [[0.01], [0.01], [0.01]])
    const text = await strataAsync(kubeconfig, 'rollout', 'status', 'app', '-n', ns)
    assert.equal(text.code, 0, text.all)
    assert.match(text.stdout, new RegExp(`analysis of the new version ${version} \\(started [^)]+\\): Successful`))
    assert.equal(text.stdout.match(/errors error-ratio \S+ Successful: \[0\.01\]/g)?.length, 3, text.stdout)
  })

  test('a failing analysis aborts: the active Service never served the new version, which is removed', async (t) => {
    const {kubeconfig, port, ns, dir, version} = await v2JudgedAt(t, 0.4, '    count: 5\n    successCondition: result[0] < 0.05\n')
    const watch = watchActive(port, ns)
    const r = await strataAsync(kubeconfig, 'apply', dir)
    const served = await watch.stop()
    assert.equal(r.code, 2, r.all)
    assert.match(r.all, new RegExp(`analysis failed for ${version}: analysis errors: metric error-ratio: 1 failed measurement\\(s\\), limit 0; last value \\[0\\.4\\]`))
    assert.deepEqual(served, [v1], 'web only ever served the old pods')
    await waitFor('the new version to go', async () => !(await deploymentNames(port, ns)).includes(version), {timeoutMs: 30_000})
    await waitForEndpoints(port, ns, 'web', {[v1]: 3})
    await waitForEndpoints(port, ns, 'web-preview', {[v1]: 3})
    const s = await status(kubeconfig, ns)
    assert.equal(s.phase, 'aborted')
    assert.equal(s.workloads[0].analysis?.verdict, 'Failed')
    assert.deepEqual(s.workloads[0].analysis?.measurements.errors.map((m) => m.phase), ['Failed'])
  })

  test('an inconclusive analysis pauses with the reason before any switch; rollout resume runs it afresh and promotes', async (t) => {
    const {metrics, prom, kubeconfig, port, ns, dir, hash, version} = await v2JudgedAt(t, 0.1, '    count: 2\n    successCondition: result[0] < 0.05\n    failureCondition: result[0] > 0.2\n')
    const r = await strataAsync(kubeconfig, 'apply', dir)
    assert.equal(r.code, 3, r.all)
    assert.match(r.all, new RegExp(`analysis inconclusive for ${version}: analysis errors: metric error-ratio: 1 inconclusive measurement\\(s\\), limit 0; last value \\[0\\.1\\]; web still serves web — resume to run the analysis again, abort to remove ${version}`))
    await waitForEndpoints(port, ns, 'web', {[v1]: 3})
    await waitForEndpoints(port, ns, 'web-preview', {[v2]: 3})
    const paused = await status(kubeconfig, ns)
    assert.equal(paused.phase, 'paused')
    assert.match(paused.reason ?? '', /analysis inconclusive/)
    assert.equal(paused.workloads[0].blueGreen?.phase, 'verify')
    assert.equal(paused.workloads[0].analysis?.verdict, 'Inconclusive')
    const text = await strataAsync(kubeconfig, 'rollout', 'status', 'app', '-n', ns)
    assert.equal(text.code, 3, text.all)
    assert.match(text.stdout, /errors error-ratio \S+ Inconclusive: \[0\.1\]/)

    metrics.set(series(ns, hash), 0.01)
    await prometheusSees(prom, series(ns, hash), 0.01)
    const resumed = await strataAsync(kubeconfig, 'rollout', 'resume', 'app', '-n', ns)
    assert.equal(resumed.code, 0, resumed.all)
    await waitForEndpoints(port, ns, 'web', {[v2]: 3})
    const done = await status(kubeconfig, ns)
    assert.equal(done.phase, 'done')
    assert.equal(done.workloads[0].analysis?.verdict, 'Successful')
    assert.deepEqual(done.workloads[0].analysis?.measurements.errors.map((m) => m.value), [[0.01], [0.01]], 'the resumed analysis started afresh')
  })

  test('paused on an inconclusive analysis, then rollout abort from another process: the new version goes, web never left the old pods', async (t) => {
    const {kubeconfig, port, ns, dir, version} = await v2JudgedAt(t, 0.1, '    count: 2\n    successCondition: result[0] < 0.05\n    failureCondition: result[0] > 0.2\n')
    const watch = watchActive(port, ns)
    const r = await strataAsync(kubeconfig, 'apply', dir)
    assert.equal(r.code, 3, r.all)
    const abort = await strataAsync(kubeconfig, 'rollout', 'abort', 'app', '-n', ns)
    assert.equal(abort.code, 0, abort.all)
    await waitFor('the new version to go', async () => !(await deploymentNames(port, ns)).includes(version), {timeoutMs: 30_000})
    await waitForEndpoints(port, ns, 'web-preview', {[v1]: 3})
    assert.deepEqual(await watch.stop(), [v1], 'web only ever served the old pods')
    await waitForEndpoints(port, ns, 'web', {[v1]: 3})
    const s = await status(kubeconfig, ns)
    assert.equal(s.phase, 'aborted')
    assert.equal(s.workloads[0].analysis?.verdict, 'Inconclusive')
  })
})
