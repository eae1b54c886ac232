// strata why over fixtures: a field set in a base and changed by a strategic-merge patch in one
// overlay and by images: in another; a name changed by namePrefix and a reference rewritten after
// it; a value set by replacements; a generated name with its hash. Layers are listed last first.
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import {runWhy, type WhyLayer} from '../../../src/render/provenance/why.js'

const fixtures = path.join(import.meta.dirname, 'fixtures')
const bin = path.join(import.meta.dirname, '..', '..', '..', 'bin', 'run.js')

async function why(dir: string, target: string, field?: string) {
  return runWhy({dir: path.join(fixtures, dir), target, field, cwd: fixtures, render: {}})
}

/** A layer in one line: `by entry file:line before→after`. */
function brief(l: WhyLayer): string {
  const where = l.entryFile ? `${l.entryFile}:${l.entryLine}` : l.file ? `${l.file}:${l.line ?? '?'}` : 'build'
  return `${l.entry ?? l.by} ${where} ${l.change === 'origin' ? JSON.stringify(l.after) : `${JSON.stringify(l.before)}→${JSON.stringify(l.after)}`}`
}

describe('strata why', () => {
  test('a base image changed by a strategic-merge patch: the patch file and line, then the resource line', async () => {
    const r = await why('smp', 'Deployment/web', 'spec.template.spec.containers[0].image')
    assert.equal(r.field, 'spec.template.spec.containers[name=web].image')
    assert.equal(r.fields.length, 1)
    assert.equal(r.fields[0].value, 'nginx:1.26')
    assert.deepEqual(r.fields[0].layers.map(brief), ['patches[0] smp/image.yaml:10 "nginx:1.25"→"nginx:1.26"', 'resource base/deployment.yaml:17 "nginx:1.25"'])
  })

  test('the same base field changed by images: in another overlay', async () => {
    const r = await why('images', 'deployment/web', 'spec.template.spec.containers[name=web].image')
    assert.deepEqual(r.fields[0].layers.map(brief), ['images images/kustomization.yaml:3 "nginx:1.25"→"nginx:1.27"', 'resource base/deployment.yaml:17 "nginx:1.25"'])
  })

  test('a map FIELD shows every field under it; untouched fields have only their resource line', async () => {
    const r = await why('images', 'Deployment/web', 'spec.template.spec.containers[name=web]')
    assert.deepEqual(
      r.fields.map((f) => f.path),
      ['name', 'image', 'env[name=REGION].name', 'env[name=REGION].value'].map((p) => `spec.template.spec.containers[name=web].${p}`),
    )
    assert.deepEqual(r.fields[0].layers.map(brief), ['resource base/deployment.yaml:16 "web"'])
  })

  test('a name changed by namePrefix, and the reference to a renamed generated ConfigMap rewritten', async () => {
    const r = await why('prod', 'Deployment/prod-web')
    const byPath = new Map(r.fields.map((f) => [f.path, f]))
    assert.deepEqual(byPath.get('metadata.name')!.layers.map(brief), ['namePrefix prod/kustomization.yaml:4 "web"→"prod-web"', 'resource base/deployment.yaml:4 "web"'])
    const ref = byPath.get('spec.template.spec.volumes[name=config].configMap.name')!
    assert.match(String(ref.value), /^prod-app-config-[a-z0-9]{10}$/)
    assert.equal(ref.layers[0].by, 'name reference')
    assert.match(ref.layers[0].note ?? '', /follows ConfigMap "app-config"/)
    assert.equal(brief(ref.layers[1]), 'resource base/deployment.yaml:24 "app-config"')
  })

  test('a value set by replacements', async () => {
    const r = await why('prod', 'Deployment/prod-web', 'spec.template.spec.containers[name=web].env[name=REGION].value')
    assert.deepEqual(r.fields[0].layers.map(brief), ['replacements[0] prod/kustomization.yaml:6 "unset"→"eu-west-1"', 'resource base/deployment.yaml:20 "unset"'])
  })

  test('a generated name: generator entry, then namePrefix, then the hash suffix', async () => {
    const prod = await why('prod', 'Deployment/prod-web', 'spec.template.spec.volumes[name=config].configMap.name')
    const name = String(prod.fields[0].value)
    const r = await why('prod', `ConfigMap/${name}`, 'metadata.name')
    assert.deepEqual(r.fields[0].layers.map(brief), [
      `hash suffix build "prod-app-config"→"${name}"`,
      'namePrefix prod/kustomization.yaml:4 "app-config"→"prod-app-config"',
      'configMapGenerator[0] base/kustomization.yaml:4 "app-config"',
    ])
    const data = await why('prod', `ConfigMap/${name}`, 'data')
    assert.deepEqual(data.fields.map((f) => `${f.path} ${f.layers.map(brief).join(' | ')}`), ['data.LOG_LEVEL configMapGenerator[0] base/kustomization.yaml:4 "info"'])
  })

  test('no such object, no such field, a bad path: user errors naming the fix', async () => {
    await assert.rejects(why('prod', 'ConfigMap/nope'), /no rendered object is ConfigMap\/nope/)
    await assert.rejects(why('prod', 'Deployment'), /is not KIND\/NAME or KIND\/NAMESPACE\/NAME/)
    await assert.rejects(why('prod', 'Deployment/prod-web', 'spec.nope'), /has no field spec\.nope/)
    await assert.rejects(why('prod', 'Deployment/prod-web', 'spec.template['), /unclosed '\['/)
  })
})

describe('strata why CLI', {skip: !fs.existsSync(bin) && 'not built'}, () => {
  const run = (...args: string[]) => spawnSync(process.execPath, [bin, 'why', ...args], {encoding: 'utf8', cwd: fixtures, env: {...process.env, CI: '1'}})
  test('text, --json, and exit 2 for an unknown object', () => {
    const text = run('smp', 'Deployment/web', 'spec.replicas')
    assert.equal(text.status, 0, text.stderr)
    assert.equal(text.stdout, 'Deployment/web (apps/v1)\nspec.replicas: 2\n  resource base/deployment.yaml:6: 2\n')
    const json = run('smp', 'Deployment/web', 'spec.template.spec.containers[name=web].image', '--json')
    assert.equal(json.status, 0, json.stderr)
    const doc = JSON.parse(json.stdout)
    assert.deepEqual(doc.object, {apiVersion: 'apps/v1', kind: 'Deployment', name: 'web'})
    assert.equal(doc.fields[0].layers[0].entryFile, 'smp/image.yaml')
    const missing = run('smp', 'Service/web')
    assert.equal(missing.status, 2)
    assert.match(missing.stderr, /no rendered object is Service\/web/)
  })
})
