import {test, describe} from 'node:test'
import assert from 'node:assert/strict'
import {readdirSync, readFileSync, existsSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {parse} from 'yaml'
import {UserError} from '../../../src/model/errors.js'
import type {ResourceSet} from '../../../src/model/resource-set.js'
import {labelsTransformer, commonLabelsTransformer} from '../../../src/render/transformers/labels.js'
import {annotationsTransformer} from '../../../src/render/transformers/annotations.js'
import {imagesTransformer} from '../../../src/render/transformers/images.js'
import {replicasTransformer} from '../../../src/render/transformers/replicas.js'
import {sortByOptions} from '../../../src/render/order.js'
import {docs, objs, setOf} from './helpers.js'

// Every case under golden/ is a small kustomize tree; expected.yaml / expected-error.txt are
// `kubectl kustomize` (kustomize v5.5.0) output, produced by golden/regen.sh. This driver runs the
// same fields through strata's transformers in kustomize's order (labels entries, commonLabels,
// commonAnnotations, replicas, images), then the output order, and compares in order.

const root = join(fileURLToPath(new URL('.', import.meta.url)), 'golden')

function run(dir: string): ResourceSet {
  const k = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8'))
  const origin = {file: join(dir, 'kustomization.yaml')}
  let set = setOf(readFileSync(join(dir, 'resources.yaml'), 'utf8'))
  for (const [i, e] of ((k.labels ?? []) as any[]).entries()) {
    set = labelsTransformer({labels: e.pairs ?? {}, includeSelectors: e.includeSelectors, includeTemplates: e.includeTemplates, fieldSpecs: e.fields, origin: {...origin, field: `labels[${i}]`}})(set)
  }
  if (k.commonLabels) set = commonLabelsTransformer(k.commonLabels)(set)
  if (k.commonAnnotations) set = annotationsTransformer({annotations: k.commonAnnotations})(set)
  if (k.replicas) set = replicasTransformer((k.replicas as any[]).map((r) => ({name: r.name, count: r.count ?? 0})), {origin})(set)
  if (k.images) set = imagesTransformer(k.images, {origin})(set)
  return sortByOptions(set, k.sortOptions, origin)
}

describe('golden cases from kubectl kustomize', () => {
  for (const name of readdirSync(root).filter((n) => existsSync(join(root, n, 'kustomization.yaml')))) {
    const dir = join(root, name)
    test(name, () => {
      const errFile = join(dir, 'expected-error.txt')
      if (existsSync(errFile)) {
        // kustomize prints ids with `.[noNs]` and the offending node; strata names the file instead.
        const want = readFileSync(errFile, 'utf8').split('\n')[0].replace('.[noNs]', '').replace(/: node contents:$/, '')
        assert.throws(
          () => run(dir),
          (e: unknown) => e instanceof UserError && e.message.includes(want),
        )
        return
      }
      const got = objs(run(dir))
      const want = docs(readFileSync(join(dir, 'expected.yaml'), 'utf8'))
      assert.deepStrictEqual(got, want)
    })
  }
})
