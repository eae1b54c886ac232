// An Analysis is strata's own local config: `render` never prints it, `diff` never compares it and
// `apply` never sends it, whether or not it carries config.kubernetes.io/local-config.
import assert from 'node:assert/strict'
import {test} from 'node:test'
import {renderKustomization} from '../../../../src/render/render.js'
import {memoryFileSystem} from '../../../../src/source/filesystem.js'

const analysis = (name: string, annotations = '') => `apiVersion: strata.dev/v1alpha1
kind: Analysis
metadata:
  name: ${name}
${annotations}spec:
  metrics:
  - name: errors
    successCondition: result[0] < 0.05
    provider:
      prometheus: {address: 'http://prom:9090', query: 'sum(rate(errors[1m]))'}
`

const files = {
  '/app/kustomization.yaml': 'namespace: shop\ncommonLabels:\n  team: a\nresources:\n- cm.yaml\n- plain.yaml\n- annotated.yaml\n',
  '/app/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: "1"\n',
  '/app/plain.yaml': analysis('plain'),
  '/app/annotated.yaml': analysis('annotated', '  annotations:\n    config.kubernetes.io/local-config: "true"\n'),
}

test('render leaves every Analysis out of its objects and its YAML, annotated or not, and hands them over as local config', async () => {
  const r = await renderKustomization('/app', {fs: memoryFileSystem(files), displayBase: '/'})
  assert.deepEqual(r.resources.toArray().map((x) => `${String(x.obj.kind)}/${String((x.obj.metadata as {name: string}).name)}`), ['ConfigMap/settings'])
  assert.doesNotMatch(r.yaml, /Analysis|strata\.dev\/v1alpha1/)
  assert.deepEqual(r.localConfig.map((x) => (x.obj.metadata as {name: string}).name).sort(), ['annotated', 'plain'])
})

test('an Analysis with local-config "false" is still never an object to apply', async () => {
  const r = await renderKustomization('/app', {
    fs: memoryFileSystem({...files, '/app/plain.yaml': analysis('plain', '  annotations:\n    config.kubernetes.io/local-config: "false"\n')}),
    displayBase: '/',
  })
  assert.doesNotMatch(r.yaml, /kind: Analysis/)
  assert.equal(r.localConfig.length, 2)
})
