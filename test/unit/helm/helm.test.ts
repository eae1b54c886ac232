import assert from 'node:assert/strict'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {describe, test} from 'node:test'
import {UserError} from '../../../src/model/errors.js'
import {renderKustomization} from '../../../src/render/index.js'
import {absChartHome, helmPullArgs, helmTemplateArgs} from '../../../src/render/helm/args.js'
import {helmConfigOf} from '../../../src/render/helm/chart-config.js'
import {combineValues} from '../../../src/render/helm/values.js'

const file = 'kustomization.yaml'

describe('helmCharts config', () => {
  test('defaults, booleans and lists as kustomize reads them', () => {
    const c = helmConfigOf({helmCharts: [{name: 'web', releaseName: 'shop', includeCRDs: true, apiVersions: ['a/v1']}]}, file)!
    assert.equal(c.charts[0].valuesMerge, 'override')
    assert.equal(c.charts[0].includeCRDs, true)
    assert.deepEqual(c.charts[0].apiVersions, ['a/v1'])
    assert.deepEqual(c.globals, {})
    assert.equal(helmConfigOf({}, file), undefined)
  })
  test('the deprecated helmChartInflationGenerator maps onto charts and globals (last non-empty wins)', () => {
    const c = helmConfigOf({helmChartInflationGenerator: [{chartName: 'a', chartHome: 'x', releaseName: 'r', valuesLocal: {k: 1}}, {chartName: 'b', chartHome: 'y', helmHome: 'h'}]}, file)!
    assert.deepEqual(c.charts.map((ch) => [ch.name, ch.releaseName, ch.valuesInline]), [['a', 'r', {k: 1}], ['b', undefined, undefined]])
    assert.deepEqual(c.globals, {chartHome: 'y', configHome: 'h'})
  })
  test('bad input names the field', () => {
    const fails = (raw: object, field: RegExp) => assert.throws(() => helmConfigOf(raw as never, file), (e: unknown) => e instanceof UserError && field.test(e.origin.field ?? ''))
    fails({helmCharts: {name: 'x'}}, /^helmCharts$/)
    fails({helmCharts: [{name: 'x', valuesMerge: 'sideways'}]}, /helmCharts\[0\]\.valuesMerge/)
    fails({helmCharts: [{name: 'x', bogus: 1}]}, /helmCharts\[0\]\.bogus/)
    fails({helmCharts: [{name: 'x', includeCRDs: 'yes'}]}, /includeCRDs/)
    fails({helmCharts: [{name: 'x', valuesInline: [1]}]}, /valuesInline/)
    fails({helmGlobals: {chartHome: 'c', nope: 1}}, /helmGlobals\.nope/)
  })
})

describe('helm command lines', () => {
  const chart = helmConfigOf({helmCharts: [{name: 'web', releaseName: 'shop', namespace: 'ns', includeCRDs: true, skipTests: true, skipHooks: true, kubeVersion: '1.30.0', apiVersions: ['x/v1'], nameTemplate: 't'}]}, file)!.charts[0]
  test('template: the order kustomize uses', () => {
    assert.deepEqual(helmTemplateArgs(chart, '/r/charts', '/tmp/v.yaml', ['/r/extra.yaml']), [
      'template', 'shop', '/r/charts/web', '--namespace', 'ns', '--name-template', 't', '-f', '/tmp/v.yaml', '-f', '/r/extra.yaml', '--api-versions', 'x/v1', '--kube-version', '1.30.0', '--include-crds', '--skip-tests', '--no-hooks',
    ])
    assert.equal(helmTemplateArgs({...chart, releaseName: undefined}, '/r/charts', '/v', [])[1], '--generate-name')
  })
  test('chart home: relative to the kustomization, versioned when pulled from a repo; pull arguments', () => {
    assert.equal(absChartHome('/r', {}, chart), '/r/charts')
    assert.equal(absChartHome('/r', {chartHome: '/abs'}, chart), '/abs')
    assert.equal(absChartHome('/r', {}, {...chart, repo: 'https://c.invalid', version: '1.2'}), '/r/charts/web-1.2')
    assert.deepEqual(helmPullArgs({...chart, repo: 'https://c.invalid', version: '1.2'}, '/h'), ['pull', '--untar', '--untardir', '/h', '--repo', 'https://c.invalid', 'web', '--version', '1.2'])
    assert.deepEqual(helmPullArgs({...chart, repo: 'oci://reg.invalid/charts/'}, '/h'), ['pull', '--untar', '--untardir', '/h', 'oci://reg.invalid/charts/web'])
  })
})

describe('valuesInline against the values file', () => {
  const fileValues = {replicas: 1, config: {level: 'info', size: 'small'}, ports: [80, 443]}
  test('override: inline wins, maps merge, a null removes the key, lists are replaced', () => {
    assert.deepEqual(combineValues(fileValues, {replicas: 3, config: {level: 'debug', size: null}, ports: [8080]}, 'override'), {replicas: 3, config: {level: 'debug'}, ports: [8080]})
  })
  test('merge: the file wins, inline-only keys stay; replace: the file is ignored', () => {
    assert.deepEqual(combineValues(fileValues, {replicas: 3, config: {mood: 'calm'}}, 'merge'), {replicas: 1, config: {mood: 'calm', level: 'info', size: 'small'}, ports: [80, 443]})
    assert.deepEqual(combineValues(fileValues, {only: 1}, 'replace'), {only: 1})
  })
})

describe('helm binary problems', () => {
  function tree(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-helmtree-'))
    fs.mkdirSync(path.join(dir, 'charts', 'web', 'templates'), {recursive: true})
    fs.writeFileSync(path.join(dir, 'charts', 'web', 'Chart.yaml'), 'apiVersion: v2\nname: web\nversion: 1.0.0\n')
    fs.writeFileSync(path.join(dir, 'charts', 'web', 'values.yaml'), 'a: 1\n')
    fs.writeFileSync(path.join(dir, 'kustomization.yaml'), 'helmCharts:\n- name: web\n  releaseName: r\n')
    return dir
  }
  test('a helm that is not there: one clear error naming the command and the flag to fix it', async () => {
    await assert.rejects(renderKustomization(tree(), {helm: {command: '/nonexistent/helm'}}), (e: unknown) => e instanceof UserError && /'\/nonexistent\/helm' was not found/.test(e.message) && /--helm-command/.test(e.hint ?? ''))
  })
  test('a helm that is not v3 is refused, as kustomize v5.5 does', async () => {
    const fake = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'strata-fake-helm-')), 'helm')
    fs.writeFileSync(fake, '#!/bin/sh\necho v4.0.1+gabcdef\n', {mode: 0o755})
    await assert.rejects(renderKustomization(tree(), {helm: {command: fake}}), (e: unknown) => e instanceof UserError && /needs helm v3/.test(e.message) && /v4\.0\.1/.test(e.message))
  })
  test('the render names each chart directory helm reads itself (onReadTree), for callers that record inputs', async () => {
    const dir = tree()
    const fake = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'strata-fake-helm-')), 'helm')
    fs.writeFileSync(fake, '#!/bin/sh\nif [ "$1" = version ]; then echo v3.14.0; else printf "apiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: from-chart\\n"; fi\n', {mode: 0o755})
    const read: string[] = []
    const out = await renderKustomization(dir, {helm: {command: fake}, onReadTree: (d) => read.push(d)})
    assert.match(out.yaml, /name: from-chart/)
    assert.deepEqual(read, [path.join(dir, 'charts', 'web')])
  })
  test('the helm temporary directories are removed after the render, also after a failure', async () => {
    const dir = tree()
    const before = new Set(fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('strata-helm-')))
    await renderKustomization(dir, {helm: {command: '/nonexistent/helm'}}).catch(() => undefined)
    const after = fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('strata-helm-') && !before.has(n))
    assert.deepEqual(after, [])
  })
})
