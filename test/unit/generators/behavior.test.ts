import assert from 'node:assert/strict'
import {describe, test} from 'node:test'
import {UserError} from '../../../src/model/errors.js'
import type {JsonObject} from '../../../src/model/json.js'
import {newResource, resIdOf, type Resource} from '../../../src/model/resource.js'
import {ResourceSet} from '../../../src/model/resource-set.js'
import {mergeAllGenerated, mergeGenerated} from '../../../src/render/generators/behavior.js'
import {generateConfigMap} from '../../../src/render/generators/configmap.js'
import {addHashSuffixes} from '../../../src/render/generators/hash.js'
import {generateSecret} from '../../../src/render/generators/secret.js'
import type {GeneratorArgs, SecretArgs} from '../../../src/render/generators/types.js'
import {ctxWith} from './helpers.js'

const ctx = ctxWith()
const overlayFile = 'ov/kustomization.yaml'
const cms = (list: GeneratorArgs[]) => list.map((a, i) => generateConfigMap(a, a.options, ctx, i))
const secrets = (list: SecretArgs[]) => list.map((a, i) => generateSecret(a, a.options, ctx, i))

// The base: namePrefix b- applied after its generators, as kustomize's base build does
// (previous ids recorded, no hash yet: hashing happens once, at the top level).
function base(cmArgs: GeneratorArgs[], secretArgs: SecretArgs[] = [], prefix = 'b-'): ResourceSet {
  const set = new ResourceSet()
  mergeAllGenerated(set, [...cms(cmArgs), ...secrets(secretArgs)], 'base/kustomization.yaml')
  for (const r of set) {
    r.meta.previousIds.push(resIdOf(r.obj))
    ;(r.obj.metadata as JsonObject).name = prefix + String((r.obj.metadata as JsonObject).name)
  }
  set.reindex()
  return set
}

const names = (set: ResourceSet) => set.toArray().map((r) => (r.obj.metadata as JsonObject).name)
const byName = (set: ResourceSet, name: string) => set.toArray().find((r) => (r.obj.metadata as JsonObject).name === name)!.obj

const baseCm: GeneratorArgs = {name: 'cm', literals: ['a=1', 'b=2'], options: {labels: {bl: '1', shared: 'base'}, annotations: {ba: '1'}}}
const baseRep: GeneratorArgs = {name: 'rep', literals: ['a=1', 'b=2'], options: {labels: {bl: '1'}}}
const baseSec: SecretArgs = {name: 'sec', literals: ['x=1'], type: 'kubernetes.io/tls'}

function rejects(field: string, message: RegExp) {
  return (e: unknown) => e instanceof UserError && e.origin.file === overlayFile && e.origin.field === field && message.test(e.message) && Boolean(e.hint)
}

// Expected output is `kubectl kustomize ov` (kustomize v5.5.0) for a base with namePrefix b-
// and these generators, and an overlay `resources: [../base]` with the overlay generators.
describe('mergeGenerated across a base and an overlay', () => {
  test('merge, replace and secret merge', () => {
    const set = base([baseCm, baseRep], [baseSec])
    const overlay = [
      ...cms([
        {name: 'cm', behavior: 'merge', literals: ['b=3', 'c=4'], options: {labels: {ol: '1', shared: 'overlay'}}},
        {name: 'rep', behavior: 'replace', literals: ['z=9'], options: {labels: {ol: '1'}, annotations: {oa: '2'}}},
      ]),
      ...secrets([{name: 'sec', behavior: 'merge', literals: ['y=2']}]),
    ]
    mergeAllGenerated(set, overlay, overlayFile)
    addHashSuffixes(set)
    assert.deepEqual(names(set), ['b-cm-fbcmkbc66h', 'b-rep-k765b4dhgf', 'b-sec-8mtckmt9g8'])
    assert.deepEqual(byName(set, 'b-cm-fbcmkbc66h'), {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {name: 'b-cm-fbcmkbc66h', labels: {bl: '1', ol: '1', shared: 'overlay'}, annotations: {ba: '1'}},
      data: {a: '1', b: '3', c: '4'},
    })
    assert.deepEqual(byName(set, 'b-rep-k765b4dhgf'), {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {name: 'b-rep-k765b4dhgf', labels: {bl: '1', ol: '1'}, annotations: {oa: '2'}},
      data: {z: '9'},
    })
    // The overlay's object wins outside data/labels/annotations: type goes back to Opaque.
    assert.deepEqual(byName(set, 'b-sec-8mtckmt9g8'), {apiVersion: 'v1', kind: 'Secret', metadata: {name: 'b-sec-8mtckmt9g8'}, type: 'Opaque', data: {x: 'MQ==', y: 'Mg=='}})
  })

  test('merged objects keep the base previous ids and origin; replace takes the overlay origin', () => {
    const set = base([baseCm, baseRep])
    const [cm, rep] = set.toArray()
    mergeAllGenerated(set, cms([{name: 'cm', behavior: 'merge'}, {name: 'rep', behavior: 'replace'}]), overlayFile)
    assert.equal(set.toArray()[0], cm, 'updated in place, same position')
    assert.equal(cm.meta.previousIds[0].name, 'cm')
    assert.equal(cm.origin.generator, 'configMapGenerator[0]')
    assert.equal(rep.origin.generator, 'configMapGenerator[1]')
    assert.equal(set.get(resIdOf(cm.obj)), cm)
  })

  test('merge matches the current name too (b-cm -> b-cm-dtd4b88ttf)', () => {
    const set = base([baseCm])
    mergeGenerated(set, cms([{name: 'b-cm', behavior: 'merge', literals: ['b=3']}])[0], overlayFile)
    addHashSuffixes(set)
    assert.deepEqual(names(set), ['b-cm-dtd4b88ttf'])
    assert.deepEqual(set.toArray()[0].obj.data, {a: '1', b: '3'})
  })

  test('the hash stays only if both sides want it (kubectl: b-cm, and cm with a no-hash base)', () => {
    const set = base([baseCm])
    mergeGenerated(set, cms([{name: 'cm', behavior: 'merge', literals: ['b=3'], options: {disableNameSuffixHash: true}}])[0], overlayFile)
    addHashSuffixes(set)
    assert.deepEqual(names(set), ['b-cm'])

    const noHashBase = base([{name: 'cm', literals: ['a=1'], options: {disableNameSuffixHash: true}}], [], '')
    mergeAllGenerated(noHashBase, cms([{name: 'cm', behavior: 'merge', literals: ['b=3']}, {name: 'new', behavior: 'bogus', literals: ['b=3']}]), overlayFile)
    addHashSuffixes(noHashBase)
    assert.deepEqual(names(noHashBase), ['cm', 'new-67b96hb59k'])
    assert.deepEqual(noHashBase.toArray()[0].obj.data, {a: '1', b: '3'})
  })

  // kubectl kustomize on the same resources + generator printed exactly this ConfigMap as `cm`.
  test('merging into a plain resource: position kept, generated fields win, no hash', () => {
    const before = newResource({apiVersion: 'v1', kind: 'Service', metadata: {name: 'svc'}}, {file: 'svc.yaml'})
    const plain = newResource({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'cm', namespace: 'default', labels: {x: '1'}}, data: {a: '1'}, extra: 'dropped'}, {file: 'cm.yaml'})
    const after = newResource({apiVersion: 'v1', kind: 'Service', metadata: {name: 'svc2'}}, {file: 'svc.yaml'})
    const set = new ResourceSet([before, plain, after])
    mergeGenerated(set, cms([{name: 'cm', behavior: 'merge', literals: ['b=2']}])[0], overlayFile)
    assert.deepEqual(set.toArray(), [before, plain, after])
    assert.deepEqual(plain.obj, {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'cm', namespace: 'default', labels: {x: '1'}}, data: {a: '1', b: '2'}})
    assert.equal(plain.meta.needsHash, undefined)
    assert.equal(plain.origin.file, 'cm.yaml')
  })

  test('create generators are appended in order; two creates of one name clash', () => {
    const set = new ResourceSet()
    mergeAllGenerated(set, cms([{name: 'a'}, {name: 'b'}]), overlayFile)
    assert.deepEqual(names(set), ['a', 'b'])
    assert.throws(() => mergeAllGenerated(set, cms([{name: 'c'}, {name: 'c'}]), overlayFile), rejects('configMapGenerator[1]', /already exists/))
  })
})

describe('behavior errors (each one a kubectl kustomize error on the same trees)', () => {
  const overlay = (args: GeneratorArgs): Resource => cms([args])[0]

  test('create (default or unknown behavior) on an existing id: "exists; behavior must be merge or replace"', () => {
    assert.throws(() => mergeGenerated(base([baseCm]), overlay({name: 'cm', literals: ['b=3']}), overlayFile), rejects('configMapGenerator[0]', /already exists.*merge or replace/))
    assert.throws(() => mergeGenerated(base([baseCm]), overlay({name: 'cm', behavior: 'bogus'}), overlayFile), rejects('configMapGenerator[0]', /already exists/))
  })

  test('merge / replace with nothing to change: "does not exist; cannot merge or replace"', () => {
    assert.throws(() => mergeGenerated(base([baseCm]), overlay({name: 'nothere', behavior: 'merge'}), overlayFile), rejects('configMapGenerator[0]', /does not exist; cannot merge/))
    assert.throws(() => mergeGenerated(base([baseCm]), overlay({name: 'nothere', behavior: 'replace'}), overlayFile), rejects('configMapGenerator[0]', /does not exist; cannot replace/))
  })

  test('another namespace is another id', () => {
    assert.throws(() => mergeGenerated(base([baseCm]), overlay({name: 'cm', namespace: 'other', behavior: 'merge'}), overlayFile), rejects('configMapGenerator[0]', /ConfigMap\.v1\/cm\.other does not exist/))
  })
})
