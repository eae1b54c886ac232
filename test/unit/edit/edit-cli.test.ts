// strata edit through the CLI as CI runs it, then rendered by kubectl kustomize (the oracle): the
// edited tree renders exactly as the same tree written the way kustomize edit writes it.
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'

const bin = path.join(import.meta.dirname, '..', '..', '..', 'bin', 'run.js')

function strata(...args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], {encoding: 'utf8', env: {...process.env, CI: '1'}})
}

function kustomize(dir: string): string {
  const r = spawnSync('kubectl', ['kustomize', dir], {encoding: 'utf8'})
  assert.equal(r.status, 0, r.stderr)
  return r.stdout
}

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: web:1.0}, {name: db, image: postgres:14}]
`

function tree(kustomization: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-edit-'))
  fs.writeFileSync(path.join(dir, 'kustomization.yaml'), kustomization)
  fs.writeFileSync(path.join(dir, 'deployment.yaml'), deployment)
  fs.writeFileSync(path.join(dir, 'service.yaml'), 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {selector: {app: web}, ports: [{port: 80}]}\n')
  fs.writeFileSync(path.join(dir, 'replicas.yaml'), 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 4}\n')
  return dir
}

describe('strata edit (CLI) renders as kustomize edit would', () => {
  test('a CI sequence of edits: comments kept, render equal to the kustomize-edit-written tree', () => {
    const dir = tree('# prod overlay\nresources:\n- deployment.yaml # the app\nimages:\n- name: web\n  newTag: "1.0" # bumped by CI\n')
    const steps = [
      ['set', 'image', 'web=registry.example.com/web:1.1', 'postgres:16'],
      ['set', 'namespace', 'shop'],
      ['set', 'nameprefix', 'prod-'],
      ['set', 'replicas', 'web=3'],
      ['add', 'resource', 'service.yaml'],
      ['add', 'label', 'team:payments'],
      ['add', 'annotation', 'owner:payments'],
      ['add', 'configmap', 'app', '--from-literal=LOG=info'],
      ['add', 'patch', '--path', 'replicas.yaml', '--kind', 'Deployment', '--name', 'web'],
    ]
    for (const s of steps) {
      const r = strata('edit', ...s, '--dir', dir)
      assert.equal(r.status, 0, `${s.join(' ')}: ${r.stderr}`)
    }
    const edited = fs.readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8')
    assert.match(edited, /^# prod overlay\n/)
    assert.match(edited, /- deployment.yaml # the app\n/)
    assert.match(edited, /newTag: "1.1" # bumped by CI\n/)

    // What kustomize edit writes for the same commands (its own field order and sorting).
    const reference = tree(`apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
- deployment.yaml
- service.yaml
namespace: shop
namePrefix: prod-
commonLabels:
  team: payments
commonAnnotations:
  owner: payments
images:
- name: postgres
  newTag: "16"
- name: web
  newName: registry.example.com/web
  newTag: "1.1"
replicas:
- count: 3
  name: web
configMapGenerator:
- literals:
  - LOG=info
  name: app
patches:
- path: replicas.yaml
  target:
    kind: Deployment
    name: web
`)
    const got = kustomize(dir)
    assert.equal(got, kustomize(reference))
    assert.match(got, /image: registry.example.com\/web:1.1/)
    assert.match(got, /name: prod-app-/)
    // strata's own render agrees with the oracle on the edited tree.
    const rendered = strata('render', dir)
    assert.equal(rendered.status, 0, rendered.stderr)
    assert.equal(rendered.stdout, got)
  })

  test('refusals exit 2 with nothing written', () => {
    const text = 'resources:\n- deployment.yaml\ncommonLabels:\n  team: a\n'
    const dir = tree(text)
    for (const args of [['add', 'label', 'team:b'], ['add', 'resource', 'nope.yaml'], ['set', 'image', 'web'], ['set', 'replicas', 'web=x'], ['remove', 'label', 'nope']]) {
      const r = strata('edit', ...args, '--dir', dir)
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`)
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace')
    }
    assert.equal(fs.readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8'), text)
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-edit-'))
    const r = strata('edit', 'set', 'namespace', 'a', '--dir', empty)
    assert.equal(r.status, 2)
    assert.match(r.stderr, /unable to find one of 'kustomization.yaml'/)
  })
})
