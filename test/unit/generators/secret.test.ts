import assert from 'node:assert/strict'
import {describe, test} from 'node:test'
import {contentHash} from '../../../src/render/generators/hash.js'
import {mergeGeneratorOptions} from '../../../src/render/generators/options.js'
import {generateSecret} from '../../../src/render/generators/secret.js'
import {ctxWith} from './helpers.js'

// Expected objects and hashes are `kubectl kustomize` (kustomize v5.5.0) output for the same
// kustomization (generatorOptions: labels {g: global, both: fromglobal}, annotations {ga: "1"}).
const global = {labels: {g: 'global', both: 'fromglobal'}, annotations: {ga: '1'}}
const md = (name: string, annotations: Record<string, string> = {ga: '1'}) => ({name, labels: {both: 'fromglobal', g: 'global'}, annotations})
const ctx = () => ctxWith({'bin.dat': Buffer.from('0001fffe62696e617279', 'hex'), 'long.txt': 'a'.repeat(120), 'tls.crt': 'tls-crt', 'tls.key': 'tls-key'})

describe('generateSecret', () => {
  test('base64 data, long values wrapped at 70 columns with a newline after each line (s-8f9kd27bmg)', () => {
    const r = generateSecret({name: 's', literals: ['a=1', 'b=<&>'], files: ['long.txt', 'bin.dat']}, mergeGeneratorOptions(undefined, global), ctx(), 0)
    assert.deepEqual(r.obj, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: md('s'),
      type: 'Opaque',
      data: {
        a: 'MQ==',
        b: 'PCY+',
        'bin.dat': 'AAH//mJpbmFyeQ==',
        'long.txt': 'YWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYW\nFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFh\nYWFhYWFhYWFhYWFhYWFh\n',
      },
    })
    assert.equal(contentHash(r.obj), '8f9kd27bmg')
    assert.deepEqual(r.origin, {file: 'k/kustomization.yaml', generator: 'secretGenerator[0]'})
    assert.equal(r.meta.needsHash, true)
  })

  test('type is kept (tls-mkh687t22k)', () => {
    const r = generateSecret({name: 'tls', type: 'kubernetes.io/tls', files: ['tls.crt', 'tls.key']}, mergeGeneratorOptions(undefined, global), ctx())
    assert.equal(r.obj.type, 'kubernetes.io/tls')
    assert.deepEqual(r.obj.data, {'tls.crt': 'dGxzLWNydA==', 'tls.key': 'dGxzLWtleQ=='})
    assert.equal(contentHash(r.obj), 'mkh687t22k')
  })

  test('no sources still gives data: {} (empty-46f8b28mk5)', () => {
    const r = generateSecret({name: 'empty'}, mergeGeneratorOptions(undefined, global), ctx())
    assert.deepEqual(r.obj, {apiVersion: 'v1', kind: 'Secret', metadata: md('empty'), type: 'Opaque', data: {}})
    assert.equal(contentHash(r.obj), '46f8b28mk5')
  })

  test('immutable and local annotations (imm-ftgtgc4t9f)', () => {
    const local = {immutable: true, annotations: {x: 'z'}}
    const r = generateSecret({name: 'imm', literals: ['k=v'], options: local}, mergeGeneratorOptions(local, global), ctx())
    assert.deepEqual(r.obj, {apiVersion: 'v1', kind: 'Secret', metadata: md('imm', {ga: '1', x: 'z'}), type: 'Opaque', data: {k: 'dg=='}, immutable: true})
    assert.equal(contentHash(r.obj), 'ftgtgc4t9f')
  })

  test('disableNameSuffixHash leaves needsHash unset', () => {
    assert.equal(generateSecret({name: 's'}, {disableNameSuffixHash: true}, ctx()).meta.needsHash, undefined)
  })
})
