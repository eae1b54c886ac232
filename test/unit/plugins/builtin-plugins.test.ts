import {test, describe} from 'node:test'
import assert from 'node:assert/strict'
import {UserError} from '../../../src/model/errors.js'
import {newResource} from '../../../src/model/resource.js'
import {ResourceSet} from '../../../src/model/resource-set.js'
import {builtinKindOf, runBuiltinTransformer} from '../../../src/render/plugins/builtin-plugins.js'
import {ConfigFields} from '../../../src/render/plugins/config-fields.js'
import type {JsonObject} from '../../../src/model/json.js'
import type {KustTarget, RenderContext} from '../../../src/render/accumulate.js'

const origin = {file: 'overlays/prod/kustomization.yaml', field: 'transformers[1]'}
const config = (obj: JsonObject) => newResource(obj, {file: 'plugins/x.yaml'})
const fails = (fn: () => unknown, ...parts: string[]) =>
  assert.throws(fn, (e: unknown) => e instanceof UserError && parts.every((p) => e.describe().includes(p)))

describe('builtinKindOf', () => {
  test('a builtin kind of the right role is returned', () => {
    assert.equal(builtinKindOf(config({apiVersion: 'builtin', kind: 'LabelTransformer', metadata: {name: 'l'}}), 'transformer', origin), 'LabelTransformer')
    assert.equal(builtinKindOf(config({apiVersion: 'builtin', kind: 'SecretGenerator', metadata: {name: 's'}}), 'generator', origin), 'SecretGenerator')
  })

  test('exec/container functions and Go plugins are out of scope, naming the file, field and kind', () => {
    fails(() => builtinKindOf(config({apiVersion: 'example.com/v1', kind: 'Sealer', metadata: {name: 's'}}), 'transformer', origin), 'out of scope', 'example.com/v1/Sealer', 'overlays/prod/kustomization.yaml', 'transformers[1]')
    const fn = {apiVersion: 'builtin', kind: 'LabelTransformer', metadata: {name: 'f', annotations: {'config.kubernetes.io/function': 'container: {image: x}'}}}
    fails(() => builtinKindOf(config(fn), 'transformer', origin), 'out of scope')
  })

  test('an unknown builtin kind, a kind of the other role, and refused builtins are errors', () => {
    fails(() => builtinKindOf(config({apiVersion: 'builtin', kind: 'RenameTransformer'}), 'transformer', origin), 'unable to load builtin RenameTransformer')
    // kustomize keeps SortOrderTransformer for the top-level sortOptions only
    fails(() => builtinKindOf(config({apiVersion: 'builtin', kind: 'SortOrderTransformer'}), 'transformer', origin), 'unable to load builtin SortOrderTransformer')
    fails(() => builtinKindOf(config({apiVersion: 'builtin', kind: 'ConfigMapGenerator'}), 'transformer', origin), 'is not a transformer')
    fails(() => builtinKindOf(config({apiVersion: 'builtin', kind: 'LabelTransformer'}), 'generator', origin), 'is not a generator')
    // Every builtin generator kind is supported, HelmChartInflationGenerator included (fixture 252).
    for (const kind of ['ConfigMapGenerator', 'SecretGenerator', 'HelmChartInflationGenerator', 'IAMPolicyGenerator']) assert.equal(builtinKindOf(config({apiVersion: 'builtin', kind}), 'generator', origin), kind)
  })
})

describe('ConfigFields', () => {
  test('reads typed fields, ignores unknown ones, and fails on a wrong type naming the field', () => {
    const f = new ConfigFields({labels: {a: 'b', empty: null}, fieldSpecs: [{path: 'metadata/labels', kind: 'Service', create: true}], extra: 1}, 'LabelTransformer x.yaml', origin)
    assert.deepEqual(f.stringMap('labels'), {a: 'b', empty: ''})
    assert.deepEqual(f.fieldSpecs(), [{path: 'metadata/labels', kind: 'Service', create: true}])
    assert.equal(f.fieldSpecs('missing'), undefined)
    fails(() => new ConfigFields({labels: {a: 1}}, 'LabelTransformer x.yaml', origin).stringMap('labels'), 'labels.a', 'a string', 'transformers[1]')
    fails(() => new ConfigFields({fieldSpecs: [{path: 'x', create: 'yes'}]}, 'L', origin).fieldSpecs(), 'fieldSpecs[0].create')
  })
})

describe('runBuiltinTransformer', () => {
  // Transformers that read no files need no file system.
  const ctx = {} as RenderContext
  const target = {dir: '/k', loaded: {displayFile: 'kustomization.yaml'}, kustomization: {}} as unknown as KustTarget
  const set = () => new ResourceSet([newResource({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'cm'}}, {file: 'cm.yaml'})])

  test('a LabelTransformer touches only the fieldSpecs its config lists', () => {
    const s = set()
    runBuiltinTransformer(ctx, target, {config: config({apiVersion: 'builtin', kind: 'LabelTransformer', labels: {a: 'b'}}), origin}, s)
    assert.deepEqual(s.toArray()[0].obj.metadata, {name: 'cm'})
    runBuiltinTransformer(ctx, target, {config: config({apiVersion: 'builtin', kind: 'LabelTransformer', labels: {a: 'b'}, fieldSpecs: [{path: 'metadata/labels', create: true}]}), origin}, s)
    assert.deepEqual(s.toArray()[0].obj.metadata, {name: 'cm', labels: {a: 'b'}})
  })

  test('a PrefixSuffixTransformer renames and reindexes; without fieldSpecs it is refused as kustomize does', () => {
    const s = set()
    runBuiltinTransformer(ctx, target, {config: config({apiVersion: 'builtin', kind: 'PrefixSuffixTransformer', prefix: 'p-', suffix: '-s', fieldSpecs: [{path: 'metadata/name'}]}), origin}, s)
    assert.equal((s.toArray()[0].obj.metadata as JsonObject).name, 'p-cm-s')
    assert.ok(s.get({group: '', version: 'v1', kind: 'ConfigMap', namespace: '', name: 'p-cm-s'}))
    fails(() => runBuiltinTransformer(ctx, target, {config: config({apiVersion: 'builtin', kind: 'PrefixSuffixTransformer', prefix: 'p-'}), origin}, set()), 'fieldSpecs', 'transformers[1]')
  })

  test('a NamespaceTransformer takes its namespace from metadata.namespace', () => {
    const s = set()
    runBuiltinTransformer(ctx, target, {config: config({apiVersion: 'builtin', kind: 'NamespaceTransformer', metadata: {name: 'n', namespace: 'shop'}, fieldSpecs: [{path: 'metadata/namespace', create: true}]}), origin}, s)
    assert.equal((s.toArray()[0].obj.metadata as JsonObject).namespace, 'shop')
  })
})
