import assert from 'node:assert/strict'
import {describe, test} from 'node:test'
import {UserError} from '../../../src/model/errors.js'
import {generateConfigMap} from '../../../src/render/generators/configmap.js'
import {contentHash} from '../../../src/render/generators/hash.js'
import {mergeGeneratorOptions} from '../../../src/render/generators/options.js'
import {ctxWith} from './helpers.js'

// Expected objects are `kubectl kustomize` (kustomize v5.5.0) output for the same
// kustomization, with the hash suffix split off the name (addHashSuffixes appends it later).
describe('generateConfigMap', () => {
  test('literals: object, needsHash, behavior unset, origin', () => {
    const r = generateConfigMap({name: 'cm', literals: ['a=1', 'b=true']}, undefined, ctxWith(), 2)
    assert.deepEqual(r.obj, {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'cm'}, data: {a: '1', b: 'true'}})
    assert.equal(contentHash(r.obj), '82g284d88k')
    assert.deepEqual(r.meta, {previousIds: [], needsHash: true})
    assert.deepEqual(r.origin, {file: 'k/kustomization.yaml', generator: 'configMapGenerator[2]'})
  })

  test('binary file to binaryData; namespace; options merged with generatorOptions; immutable (bin-c68bb8b99b)', () => {
    const ctx = ctxWith({'bin.dat': Buffer.from('0001fffe62696e617279', 'hex'), 'long.txt': 'a'.repeat(120)})
    const global = {labels: {g: 'global', both: 'fromglobal'}, annotations: {ga: '1'}}
    const local = {labels: {both: 'fromlocal', l: 'local'}, immutable: true}
    const r = generateConfigMap({name: 'bin', namespace: 'ns1', files: ['bin.dat', 'long.txt'], literals: ['short=ok'], options: local}, mergeGeneratorOptions(local, global), ctx)
    assert.deepEqual(r.obj, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {name: 'bin', namespace: 'ns1', labels: {both: 'fromlocal', g: 'global', l: 'local'}, annotations: {ga: '1'}},
      binaryData: {'bin.dat': 'AAH//mJpbmFyeQ=='},
      data: {'long.txt': 'a'.repeat(120), short: 'ok'},
      immutable: true,
    })
    assert.equal(contentHash(r.obj), 'c68bb8b99b')
  })

  test('a global disableNameSuffixHash wins over the local options (envs -> name without hash)', () => {
    const options = mergeGeneratorOptions({disableNameSuffixHash: false}, {disableNameSuffixHash: true})
    const r = generateConfigMap({name: 'envs', env: 'one.env', envs: ['two.env']}, options, ctxWith({'one.env': 'X=1\n', 'two.env': 'Y=2\n'}))
    assert.deepEqual(r.obj.data, {X: '1', Y: '2'})
    assert.equal(r.meta.needsHash, undefined)
  })

  test('env file and files (envcm-965bbf5tt8, filecm-mg4c567tfb)', () => {
    const ctx = ctxWith({
      'app.env': Buffer.from('\xef\xbb\xbfA=1\r\n# comment\r\n\r\n   B = two \r\nC\nexport D=x\n=nokey\nE="quoted"\n\tF=tab\nG=a=b\n#H=no\n', 'latin1'),
      'sub/file.txt': 'hello\nworld\n',
      'sub/other.txt': 'x',
    })
    const env = generateConfigMap({name: 'envcm', envs: ['app.env']}, undefined, ctx, 0)
    assert.deepEqual(env.obj.data, {A: '1', 'B ': ' two ', C: '', E: '"quoted"', F: 'tab', G: 'a=b', 'export D': 'x'})
    assert.equal(contentHash(env.obj), '965bbf5tt8')
    const files = generateConfigMap({name: 'filecm', files: ['sub/file.txt', 'renamed=sub/other.txt']}, undefined, ctx, 1)
    assert.deepEqual(files.obj.data, {'file.txt': 'hello\nworld\n', renamed: 'x'})
    assert.equal(contentHash(files.obj), 'mg4c567tfb')
  })

  test('no sources: no data field (empty-6ct58987ht)', () => {
    const r = generateConfigMap({name: 'empty'}, undefined, ctxWith())
    assert.deepEqual(r.obj, {apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'empty'}})
    assert.equal(contentHash(r.obj), '6ct58987ht')
  })

  test('behavior is recorded; an unknown behavior counts as create, as in kustomize', () => {
    assert.equal(generateConfigMap({name: 'a', behavior: 'merge'}, undefined, ctxWith()).meta.behavior, 'merge')
    assert.equal(generateConfigMap({name: 'a', behavior: 'bogus'}, undefined, ctxWith()).meta.behavior, undefined)
  })

  test('a key named __proto__ is an ordinary data key', () => {
    const r = generateConfigMap({name: 'a', literals: ['__proto__=x']}, undefined, ctxWith())
    assert.deepEqual(Object.keys(r.obj.data as object), ['__proto__'])
  })

  test('a generator without a name is an error (kubectl: a configmap must have a name)', () => {
    assert.throws(
      () => generateConfigMap({literals: ['a=1']}, undefined, ctxWith(), 4),
      (e: unknown) => e instanceof UserError && e.origin.field === 'configMapGenerator[4].name' && e.origin.file === 'k/kustomization.yaml' && Boolean(e.hint),
    )
  })

  test('errors name the generator index and source', () => {
    assert.throws(
      () => generateConfigMap({name: 'cm', files: ['a.txt', 'missing.txt']}, undefined, ctxWith({'a.txt': 'a'}), 3),
      (e: unknown) => e instanceof UserError && e.origin.field === 'configMapGenerator[3].files[1]',
    )
  })
})

describe('mergeGeneratorOptions', () => {
  test('local labels/annotations win per key; global booleans cannot be switched off', () => {
    assert.deepEqual(
      mergeGeneratorOptions({labels: {a: 'local'}, immutable: false}, {labels: {a: 'global', b: 'global'}, annotations: {x: '1'}, immutable: true}),
      {labels: {a: 'local', b: 'global'}, annotations: {x: '1'}, immutable: true},
    )
    assert.equal(mergeGeneratorOptions(undefined, undefined), undefined)
    assert.deepEqual(mergeGeneratorOptions({disableNameSuffixHash: true}, undefined), {disableNameSuffixHash: true})
  })
})
