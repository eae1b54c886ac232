// strata fleet through bin/run.js on THREE real control planes (scripts/cluster, one run directory
// each): the test run's own cluster and two more beside it. Canary wave pauses with only the canary
// updated, status from another process, resume completes the rest; a never-Ready cluster halts its
// wave and is rolled back with the next wave untouched; an unreachable cluster in the last wave;
// abort during a paused wave; plan changes nothing.
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {after, before, describe, test} from 'node:test'
import {kubeCluster} from '../../src/cluster/kube.js'
import type {ClusterPort} from '../../src/cluster/port.js'
import type {JsonObject} from '../../src/model/json.js'
import {bin} from './helpers/cli.js'
import {cluster, lastLine, REPO, runClusterScript} from './helpers/cluster.js'

// The extra clusters live beside the run's own: run-X-a → run-X-b, run-X-c; any other run dir D → D-b, D-c.
function extraRunDirs(): string[] {
  const base = process.env.STRATA_CLUSTER_RUN_DIR ?? path.join(process.env.STRATA_CLUSTER_CACHE ?? path.join(REPO, '.cache', 'cluster'), 'run')
  const stem = base.endsWith('-a') ? base.slice(0, -2) : base
  return [`${stem}-b`, `${stem}-c`]
}

function runPid(): number {
  return process.env.NODE_TEST_CONTEXT?.startsWith('child') ? process.ppid : process.pid
}

async function extraCluster(runDir: string): Promise<string> {
  const args = process.env.STRATA_E2E_KEEP_CLUSTER === '1' ? ['up'] : ['up', '--auto-down-after', String(runPid())]
  const r = await runClusterScript(args, {env: {...process.env, STRATA_CLUSTER_RUN_DIR: runDir}, echo: true})
  if (r.code !== 0) throw new Error(`scripts/cluster up (${runDir}) failed (exit ${r.code}); its output is above`)
  return lastLine(r.stdout)
}

/** `strata ARGS` in `cwd` with CI set (plain lines). */
function strata(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], {cwd, encoding: 'utf8', env: {...process.env, CI: '1'}})
  return {code: r.status, stdout: r.stdout, stderr: r.stderr, all: `${r.stdout}\n${r.stderr}`}
}

const names = ['canary', 'eu-1', 'eu-2'] as const
let kubeconfigs: string[] = []
let ports: ClusterPort[] = []

/**
 * A fleet directory: kube/NAME.yaml per cluster, base/ (Namespace NS, Deployment web with IMAGE),
 * overlays/NAME over it (`unready` overlays keep the new pods unready, see scripts/cluster), fleet.yaml.
 */
function fleetDir(ns: string, waves: string, opts: {kubeconfig?: Record<string, string>} = {}): {dir: string; setImage: (image: string, unready?: string[]) => void} {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-fleet-e2e-'))
  fs.mkdirSync(path.join(dir, 'kube'))
  names.forEach((n, i) => fs.copyFileSync(opts.kubeconfig?.[n] ?? kubeconfigs[i], path.join(dir, 'kube', `${n}.yaml`)))
  const setImage = (image: string, unready: string[] = []): void => {
    fs.mkdirSync(path.join(dir, 'base'), {recursive: true})
    fs.writeFileSync(path.join(dir, 'base', 'ns.yaml'), `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}\n`)
    fs.writeFileSync(
      path.join(dir, 'base', 'web.yaml'),
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: ${ns}\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      terminationGracePeriodSeconds: 0\n      containers:\n      - {name: web, image: "${image}"}\n`,
    )
    fs.writeFileSync(path.join(dir, 'base', 'kustomization.yaml'), 'resources:\n- ns.yaml\n- web.yaml\n')
    for (const n of names) {
      const o = path.join(dir, 'overlays', n)
      fs.mkdirSync(o, {recursive: true})
      const patch = unready.includes(n) ? `patches:\n- patch: |-\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata: {name: web, namespace: ${ns}}\n    spec:\n      template:\n        metadata:\n          annotations: {strata.dev/e2e-unready: "true"}\n` : ''
      fs.writeFileSync(path.join(o, 'kustomization.yaml'), `resources:\n- ../../base\n${patch}`)
    }
  }
  setImage('registry.test/web:v1')
  const clusters = `  - {name: canary, kubeconfig: kube/canary.yaml, labels: {tier: canary}}\n  - {name: eu-1, kubeconfig: kube/eu-1.yaml, labels: {tier: main, zone: one}}\n  - {name: eu-2, kubeconfig: kube/eu-2.yaml, labels: {tier: main, zone: two}}\n`
  fs.writeFileSync(path.join(dir, 'fleet.yaml'), `apiVersion: strata.dev/v1alpha1\nkind: Fleet\nmetadata: {name: shop}\nspec:\n  path: overlays/{cluster}\n  namespace: ${ns}\n  clusters:\n${clusters}  waves:\n${waves}`)
  return {dir, setImage}
}

async function image(port: ClusterPort, ns: string): Promise<string | undefined> {
  const d = await port.get({apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns, name: 'web'})
  const spec = d?.spec as JsonObject | undefined
  return ((spec?.template as JsonObject | undefined)?.spec as {containers: {image: string}[]} | undefined)?.containers[0].image
}

async function images(ns: string): Promise<(string | undefined)[]> {
  return Promise.all(ports.map((p) => image(p, ns)))
}

function newNamespace(): string {
  return `fleet-${randomBytes(3).toString('hex')}`
}

const cleanups: string[] = []

describe('strata fleet on three control planes', () => {
  before(async () => {
    const [own, ...extra] = await Promise.all([cluster().then((c) => c.kubeconfig), ...extraRunDirs().map(extraCluster)])
    kubeconfigs = [own, ...extra]
    ports = await Promise.all(kubeconfigs.map((kubeconfig) => kubeCluster({kubeconfig})))
  })
  after(async () => {
    for (const ns of cleanups) await Promise.all(ports.map((p) => p.delete({apiVersion: 'v1', kind: 'Namespace', name: ns}).catch(() => undefined)))
  })

  test('plan changes nothing; canary wave pauses with only the canary updated; status from another process; resume completes the others; abort during a paused wave', async () => {
    const ns = newNamespace()
    cleanups.push(ns)
    const {dir, setImage} = fleetDir(ns, '  - {name: canary, selector: {tier: canary}, pause: true}\n  - {name: main, selector: {tier: main}, maxParallel: 2}\n')

    const plan = strata(dir, 'fleet', 'plan', 'fleet.yaml')
    assert.equal(plan.code, 1, plan.all)
    assert.match(plan.stdout, /wave canary \(pause after\)\n\[canary\] 2 changes/)
    assert.match(plan.stdout, /3 of 3 clusters would change/)
    assert.deepEqual(await images(ns), [undefined, undefined, undefined], 'plan changed nothing')

    const first = strata(dir, 'fleet', 'apply', 'fleet.yaml')
    assert.equal(first.code, 3, first.all)
    assert.match(first.stdout, /fleet paused in wave canary: wave canary is done; wave main is next/)
    assert.match(first.stdout, /continue: strata fleet resume fleet.yaml/)
    assert.deepEqual(await images(ns), ['registry.test/web:v1', undefined, undefined])

    const status = strata(dir, 'fleet', 'status', 'fleet.yaml', '--json')
    assert.equal(status.code, 3, status.all)
    const s = JSON.parse(status.stdout) as {phase: string; reason: string; fileRendersRun: boolean; waves: {clusters: {cluster: string; phase: string}[]}[]}
    assert.equal(s.phase, 'paused')
    assert.equal(s.fileRendersRun, true)
    assert.deepEqual(s.waves.flatMap((w) => w.clusters.map((c) => [c.cluster, c.phase])), [['canary', 'done'], ['eu-1', 'pending'], ['eu-2', 'pending']])

    const resumed = strata(dir, 'fleet', 'resume', 'fleet.yaml', '--json')
    assert.equal(resumed.code, 0, resumed.all)
    const events = resumed.stdout.trim().split('\n').map((l) => JSON.parse(l) as {type: string; cluster?: string; wave?: string; phase?: string})
    assert.ok(events.filter((e) => e.type === 'applied').every((e) => e.cluster === 'eu-1' || e.cluster === 'eu-2'), 'every rollout event names its cluster; the canary is not applied again')
    assert.equal(events.at(-1)?.type, 'fleet-summary')
    assert.equal(events.at(-1)?.phase, 'done')
    assert.deepEqual(await images(ns), ['registry.test/web:v1', 'registry.test/web:v1', 'registry.test/web:v1'])
    assert.equal(strata(dir, 'fleet', 'plan', 'fleet.yaml').code, 0, 'nothing left to change')

    // A new image in batches: the canary's own rollout pauses after its first batch; abort rolls it back.
    setImage('registry.test/web:v2')
    const second = strata(dir, 'fleet', 'apply', 'fleet.yaml', '--rollout', '50%,100%')
    assert.equal(second.code, 3, second.all)
    assert.match(second.stdout, /fleet paused in wave canary: the rollout paused in canary/)
    const stale = strata(dir, 'fleet', 'status', 'fleet.yaml')
    assert.equal(stale.code, 3, stale.all)
    assert.match(stale.stdout, /canary {2}paused at step/)
    const aborted = strata(dir, 'fleet', 'abort', 'fleet.yaml')
    assert.equal(aborted.code, 0, aborted.all)
    assert.match(aborted.stdout, /\[canary\] aborted: restored Deployment/)
    assert.deepEqual(await images(ns), ['registry.test/web:v1', 'registry.test/web:v1', 'registry.test/web:v1'])
    assert.equal(await ports[0].get({apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns, name: 'web-strata-canary'}), undefined, 'canary Deployment removed')
    const after = strata(dir, 'fleet', 'status', 'fleet.yaml')
    assert.equal(after.code, 2, after.all)
    assert.match(after.stdout, /fleet shop \(app shop\): aborted/)
    const refused = strata(dir, 'fleet', 'resume', 'fleet.yaml')
    assert.equal(refused.code, 2)
    assert.match(refused.stderr, /was aborted/)
  })

  test('a cluster whose new pods never become Ready halts its wave: exit 2, that cluster rolled back, the next wave untouched', async () => {
    const ns = newNamespace()
    cleanups.push(ns)
    const waves = '  - {name: canary, selector: {tier: canary}}\n  - {name: one, selector: {zone: one}, maxFailures: 0}\n  - {name: two, selector: {zone: two}}\n'
    const {dir, setImage} = fleetDir(ns, waves)
    const first = strata(dir, 'fleet', 'apply', 'fleet.yaml')
    assert.equal(first.code, 0, first.all)

    setImage('registry.test/web:v2', ['eu-1'])
    const r = strata(dir, 'fleet', 'apply', 'fleet.yaml', '--timeout', '8s')
    assert.equal(r.code, 2, r.all)
    assert.match(r.stdout, /\[eu-1\] failed: .*Deployment web/, r.all)
    assert.match(r.stdout, /fleet halted in wave one: 1 failed cluster \(eu-1\), more than maxFailures 0/)
    assert.match(r.stdout, /rolled back: eu-1/)
    assert.doesNotMatch(r.stdout, /\[eu-2\] applying/)
    assert.deepEqual(await images(ns), ['registry.test/web:v2', 'registry.test/web:v1', 'registry.test/web:v1'])
  })

  test('an unreachable cluster in the last wave: earlier waves complete, the fleet halts naming it, no token printed', async () => {
    const ns = newNamespace()
    cleanups.push(ns)
    const down = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'strata-fleet-down-')), 'down.yaml')
    fs.writeFileSync(down, 'apiVersion: v1\nkind: Config\nclusters:\n- name: gone\n  cluster: {server: "https://127.0.0.1:1", insecure-skip-tls-verify: true}\nusers:\n- name: ci\n  user: {token: sekret-token-4242}\ncontexts:\n- name: gone\n  context: {cluster: gone, user: ci}\ncurrent-context: gone\n')
    const {dir} = fleetDir(ns, '  - {name: canary, selector: {tier: canary}}\n  - {name: one, selector: {zone: one}}\n  - {name: two, selector: {zone: two}}\n', {kubeconfig: {'eu-2': down}})
    const r = strata(dir, 'fleet', 'apply', 'fleet.yaml')
    assert.equal(r.code, 2, r.all)
    assert.match(r.stdout, /\[eu-2\] failed: cannot reach the API server at https:\/\/127\.0\.0\.1:1/)
    assert.match(r.stdout, /fleet halted in wave two: 1 failed cluster \(eu-2\)/)
    assert.doesNotMatch(r.all, /sekret-token-4242/)
    assert.deepEqual((await images(ns)).slice(0, 2), ['registry.test/web:v1', 'registry.test/web:v1'])
    const status = strata(dir, 'fleet', 'status', 'fleet.yaml')
    assert.equal(status.code, 2, status.all)
    assert.match(status.stdout, /eu-2 {2}unreachable: cannot reach/)
    assert.doesNotMatch(status.all, /sekret-token-4242/)
  })
})
