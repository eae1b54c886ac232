// Issue 13's apply safety on the real control plane, through bin/run.js as users run strata:
// two trees that share a default app name do not prune each other; -n places namespace-less
// objects as kubectl apply -n does; the commands a pause prints carry --kubeconfig/--context and
// work when pasted into a shell.
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {describe, test} from 'node:test'
import yaml from 'js-yaml'
import {bin, rewriteTree, strata} from './helpers/cli.js'
import {cluster, withNamespace} from './helpers/cluster.js'

const configMap = (name: string, ns?: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${ns ? `  namespace: ${ns}\n` : ''}data:\n  owner: "${name}"\n`

function kubectl(kubeconfig: string, ...args: string[]): string {
  const r = spawnSync('kubectl', ['--kubeconfig', kubeconfig, ...args], {encoding: 'utf8'})
  assert.equal(r.status, 0, r.stderr)
  return r.stdout
}

const names = (kubeconfig: string, ns: string) => kubectl(kubeconfig, 'get', 'cm', '-n', ns, '-o', 'name').split('\n').filter((l) => l && !l.includes('kube-root-ca'))

describe('apply safety (issue 13)', () => {
  test('two teams\' overlays/prod into one namespace: the second apply is refused and team A keeps its objects; --adopt takes the app over', async (t) => {
    const ns = await withNamespace(t, 'teams')
    const {kubeconfig} = await cluster()
    const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-e2e-teams-'))
    const teamA = rewriteTree(path.join(repo, 'teamA', 'overlays', 'prod'), {'kustomization.yaml': 'resources: [cm.yaml]\n', 'cm.yaml': configMap('team-a-settings')})
    const teamB = rewriteTree(path.join(repo, 'teamB', 'overlays', 'prod'), {'kustomization.yaml': 'resources: [cm.yaml]\n', 'cm.yaml': configMap('team-b-settings')})

    const a = strata(kubeconfig, 'apply', teamA, '-n', ns)
    assert.equal(a.code, 0, a.all)
    assert.match(a.stderr, /app name 'prod' \(the directory's name.*pin it with --name prod/)

    const b = strata(kubeconfig, 'apply', teamB, '-n', ns)
    assert.equal(b.code, 2, b.all)
    assert.ok(b.stderr.includes(fs.realpathSync(teamA)) && b.stderr.includes(fs.realpathSync(teamB)), b.stderr)
    assert.match(b.stderr, /--name OTHER/)
    assert.match(b.stderr, /--adopt/)
    assert.deepEqual(names(kubeconfig, ns), ['configmap/team-a-settings'], 'team A intact, nothing of team B written')

    // Named apart, the two apps live side by side.
    const named = strata(kubeconfig, 'apply', teamB, '-n', ns, '--name', 'prod-b')
    assert.equal(named.code, 0, named.all)
    assert.deepEqual(names(kubeconfig, ns).sort(), ['configmap/team-a-settings', 'configmap/team-b-settings'])

    // The same tree again is the same source: applies (no change).
    assert.equal(strata(kubeconfig, 'apply', teamA, '-n', ns).code, 0)

    const adopt = strata(kubeconfig, 'apply', teamB, '-n', ns, '--adopt')
    assert.equal(adopt.code, 0, adopt.all)
    assert.match(adopt.stderr, /adopting app 'prod'/)
    const source = JSON.parse(kubectl(kubeconfig, 'get', 'secret', 'applyset-prod', '-n', ns, '-o', 'jsonpath={.metadata.annotations.strata\\.dev/source}')) as {root: string}
    assert.equal(source.root, fs.realpathSync(teamB))
    // Adopted on purpose: the app is team B's now, and prune removed what its render lacks.
    assert.ok(!names(kubeconfig, ns).includes('configmap/team-a-settings'))
  })

  test('-n puts namespace-less objects in that namespace, as kubectl apply -n; diff and --plan show it; a second apply changes nothing', async (t) => {
    const ns = await withNamespace(t, 'dash-n')
    const other = await withNamespace(t, 'dash-n-other')
    const {kubeconfig} = await cluster()
    const dir = rewriteTree(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'strata-e2e-')), 'web'), {
      'kustomization.yaml': 'resources: [cm.yaml]\n',
      'cm.yaml': `${configMap('web-settings-loose')}---\n${configMap('web-settings-pinned', other)}`,
    })

    const plan = strata(kubeconfig, 'apply', dir, '-n', ns, '--plan')
    assert.equal(plan.code, 1, plan.all) // a plan that changes something
    assert.ok(plan.stdout.includes(`ConfigMap ${ns}/web-settings-loose (create)`), plan.stdout)
    assert.ok(plan.stdout.includes(`ConfigMap ${other}/web-settings-pinned (create)`), plan.stdout)
    const before = strata(kubeconfig, 'diff', dir, '-n', ns)
    assert.equal(before.code, 1, before.all)
    assert.ok(before.stdout.includes(`+ ConfigMap ${ns}/web-settings-loose: add`), before.stdout)

    const applied = strata(kubeconfig, 'apply', dir, '-n', ns)
    assert.equal(applied.code, 0, applied.all)
    assert.deepEqual(names(kubeconfig, ns), ['configmap/web-settings-loose'])
    assert.deepEqual(names(kubeconfig, other), ['configmap/web-settings-pinned'], 'an explicit namespace is kept')
    const inDefault = spawnSync('kubectl', ['--kubeconfig', kubeconfig, 'get', 'cm', 'web-settings-loose', '-n', 'default'], {encoding: 'utf8'})
    assert.notEqual(inDefault.status, 0, 'nothing landed in the kubeconfig namespace')
    kubectl(kubeconfig, 'get', 'secret', 'applyset-web', '-n', ns)

    const after = strata(kubeconfig, 'diff', dir, '-n', ns)
    assert.equal(after.code, 0, after.all)
    const again = strata(kubeconfig, 'apply', dir, '-n', ns, '--plan')
    assert.equal(again.code, 0, again.all)
    assert.ok(again.stdout.includes(`ConfigMap ${ns}/web-settings-loose (unchanged)`), again.stdout)
  })

  test('a pause prints resume/abort commands that carry --kubeconfig and --context, and pasted into a shell they work', async (t) => {
    const ns = await withNamespace(t, 'hints')
    const {kubeconfig} = await cluster()
    // A kubeconfig in a directory whose name needs quoting, a context whose name does too, and a
    // current-context (and $KUBECONFIG) that point nowhere: only the printed flags reach the cluster.
    const config = yaml.load(fs.readFileSync(kubeconfig, 'utf8')) as {contexts: {name: string; context: {cluster: string; user: string}}[]; clusters: {name: string; cluster: Record<string, unknown>}[]; 'current-context': string}
    const context = `ann's e2e`
    config.contexts = [{name: context, context: config.contexts[0].context}, {name: 'nowhere', context: {cluster: 'nowhere', user: config.contexts[0].context.user}}]
    config.clusters.push({name: 'nowhere', cluster: {server: 'https://127.0.0.1:9', 'insecure-skip-tls-verify': true}})
    config['current-context'] = 'nowhere'
    const kcDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'strata-e2e-')), 'my "kube" dir')
    fs.mkdirSync(kcDir)
    const kcFile = path.join(kcDir, 'config')
    fs.writeFileSync(kcFile, yaml.dump(config))
    const dir = rewriteTree(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'strata-e2e-')), 'app'), {
      'kustomization.yaml': `namespace: ${ns}\nresources: [all.yaml]\n`,
      'all.yaml': `${configMap('settings')}---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 1\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers:\n      - {name: web, image: registry.invalid/web:1.0}\n`,
    })
    const env = {...process.env, CI: '1', KUBECONFIG: path.join(kcDir, 'missing')}
    const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], {encoding: 'utf8', cwd: kcDir, env})
    // A relative --kubeconfig: the hint must carry it absolute.
    const paused = run('apply', dir, '--kubeconfig', 'config', '--context', context, '--pause-after', '1')
    assert.equal(paused.status, 3, `${paused.stdout}\n${paused.stderr}`)
    const flags = `-n ${ns} --kubeconfig '${kcFile.replace(/'/g, `'\\''`)}' --context 'ann'\\''s e2e'`
    const resumeLine = /continue: (.*)$/m.exec(paused.stdout)?.[1]
    assert.equal(resumeLine, `strata rollout resume app ${flags}`, paused.stdout)
    assert.ok(paused.stdout.includes(`roll back: strata rollout abort app ${flags}`), paused.stdout)

    // The lock's refusal and rollout status name the same commands.
    const again = run('apply', dir, '--kubeconfig', kcFile, '--context', context)
    assert.equal(again.status, 2, again.stderr)
    assert.ok(again.stderr.includes(`strata rollout resume app ${flags}`), again.stderr)
    const status = run('rollout', 'status', 'app', '-n', ns, '--kubeconfig', kcFile, '--context', context)
    assert.equal(status.status, 3, status.stderr) // status of a paused rollout exits 3, as the apply did
    assert.ok(status.stdout.includes(`continue: strata rollout resume app ${flags}`), status.stdout)

    // Pasted into a shell elsewhere (another directory, the same broken defaults), it finishes the rollout.
    const shell = spawnSync('sh', ['-c', `strata() { "$STRATA_NODE" "$STRATA_BIN" "$@"; }\n${resumeLine}`], {encoding: 'utf8', cwd: os.tmpdir(), env: {...env, STRATA_NODE: process.execPath, STRATA_BIN: bin}})
    assert.equal(shell.status, 0, `${shell.stdout}\n${shell.stderr}`)
    assert.match(shell.stdout, /done in/)
    kubectl(kubeconfig, 'get', 'deploy', 'web', '-n', ns)
  })
})
