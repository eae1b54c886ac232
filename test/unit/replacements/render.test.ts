import {test, describe} from 'node:test'
import assert from 'node:assert/strict'
import {renderKustomization} from '../../../src/render/index.js'
import {UserError} from '../../../src/model/errors.js'
import {memoryFileSystem} from '../../../src/source/filesystem.js'

// Whole renders through an in-memory tree; expected text is `kubectl kustomize` output for the
// same files.

const app = `apiVersion: v1
kind: ConfigMap
metadata:
  name: cfg
data:
  list: a,b,c
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
      - name: app
        image: nginx:1.0
`

const pod = `apiVersion: v1
kind: Pod
metadata:
  name: client
spec:
  containers:
  - name: c
    image: busybox
    args:
    - --config=$(CFG)
    - $$(CFG)
`

const render = (kustomization: string) =>
  renderKustomization('/k', {fs: memoryFileSystem({'/k/kustomization.yaml': kustomization, '/k/app.yaml': app, '/k/pod.yaml': pod}), displayBase: '/'})

describe('replacements in a render', () => {
  test('source delimiter piece into a target piece', async () => {
    const {yaml} = await render(`resources: [app.yaml]
replacements:
- source: {kind: ConfigMap, fieldPath: data.list, options: {delimiter: ",", index: 2}}
  targets:
  - select: {kind: Deployment}
    fieldPaths: [spec.template.spec.containers.0.image]
    options: {delimiter: ":", index: 1}
`)
    assert.match(yaml, /\n {6}- image: nginx:c\n/)
  })
  test('a source selector matching two objects names the kustomization', async () => {
    await assert.rejects(
      render(`resources: [app.yaml]
replacements:
- source: {}
  targets: [{select: {kind: Deployment}}]
`),
      (e: unknown) => e instanceof UserError && e.describe().includes('k/kustomization.yaml') && e.describe().includes('multiple matches for selector'),
    )
  })
  test('unknown fields in an inline replacement are rejected, as kustomize decodes strictly', async () => {
    // kubectl: invalid Kustomization: json: unknown field "labelSelector"
    await assert.rejects(
      render(`resources: [app.yaml]
replacements:
- source: {kind: ConfigMap, labelSelector: a=b}
  targets: [{select: {kind: Deployment}}]
`),
      (e: unknown) => e instanceof UserError && e.describe().includes('labelSelector'),
    )
  })
})

describe('vars in a render', () => {
  test('a var bound before a prefix resolves to the final name; unused vars are reported', async () => {
    const {yaml, warnings} = await render(`namePrefix: p-
resources: [app.yaml, pod.yaml]
vars:
- name: CFG
  objref: {apiVersion: v1, kind: ConfigMap, name: cfg}
- name: UNUSED
  objref: {apiVersion: apps/v1, kind: Deployment, name: web}
`)
    // kubectl printed `- --config=p-cfg` and `- $(CFG)`, and logged the unused var.
    assert.match(yaml, /\n {4}- --config=p-cfg\n {4}- \$\(CFG\)\n/)
    assert.ok(warnings.includes('well-defined vars that were never replaced: UNUSED'))
  })
})
