import assert from 'node:assert/strict'
import {describe, test} from 'node:test'
import {UserError} from '../../../src/model/errors.js'
import type {JsonObject} from '../../../src/model/json.js'
import {newResource, resIdOf} from '../../../src/model/resource.js'
import {ResourceSet} from '../../../src/model/resource-set.js'
import {addHashSuffixes, contentHash} from '../../../src/render/generators/hash.js'

const cm = (extra: JsonObject): JsonObject => ({apiVersion: 'v1', kind: 'ConfigMap', metadata: {name: 'cm'}, ...extra})

// Every expected suffix below is what `kubectl kustomize` (kustomize v5.5.0) appended for the
// same content (trees under /tmp/h4 during development).
describe('contentHash', () => {
  test('ConfigMap literals a=1, b=true -> cm-82g284d88k', () => {
    assert.equal(contentHash(cm({data: {a: '1', b: 'true'}})), '82g284d88k')
  })

  test('the name is not part of the hash (kubectl gave p-cm-82g284d88k with namePrefix p-)', () => {
    assert.equal(contentHash({...cm({data: {a: '1', b: 'true'}}), metadata: {name: 'p-cm', namespace: 'x', labels: {a: 'b'}}}), '82g284d88k')
  })

  test('ConfigMap without data hashes data as "" (empty-6ct58987ht)', () => {
    assert.equal(contentHash(cm({})), '6ct58987ht')
  })

  test('ConfigMap with data: null (nulldata-g886t7dd28)', () => {
    assert.equal(contentHash(cm({data: null})), 'g886t7dd28')
  })

  test('Go JSON escaping: <, >, & and U+2028 as \\u escapes, control characters (esc-6h6kf6khgm)', () => {
    assert.equal(contentHash(cm({data: {html: "<a href='x'>&amp;</a>", u: 'line\u2028sep é 😀', ctl: '\u0001\b\f\t'}})), '6h6kf6khgm')
  })

  test('keys sort by UTF-8 bytes: astral characters after U+FFFD (order-kh4869fk6g)', () => {
    assert.equal(contentHash(cm({data: {'😀': 'astral', '\uFFFD': 'bmp-high', Z: 'ascii'}})), 'kh4869fk6g')
  })

  test('non-string data values keep their JSON type (numdata-tbk6khhm7f)', () => {
    assert.equal(contentHash(cm({data: {n: 1, b: true}})), 'tbk6khhm7f')
  })

  test('binaryData is part of the hash (bin-c68bb8b99b)', () => {
    const data = {'long.txt': 'a'.repeat(120), short: 'ok'}
    assert.equal(contentHash(cm({data, binaryData: {'bin.dat': 'AAH//mJpbmFyeQ=='}})), 'c68bb8b99b')
  })

  test('Secret: type and data (empty-46f8b28mk5, tls-mkh687t22k)', () => {
    assert.equal(contentHash({kind: 'Secret', metadata: {name: 'empty'}, type: 'Opaque', data: {}}), '46f8b28mk5')
    assert.equal(contentHash({kind: 'Secret', metadata: {name: 'tls'}, type: 'kubernetes.io/tls', data: {'tls.crt': 'dGxzLWNydA==', 'tls.key': 'dGxzLWtleQ=='}}), 'mkh687t22k')
  })

  test('Secret with stringData and no type or data (strdata-k6hhm45488)', () => {
    assert.equal(contentHash({kind: 'Secret', metadata: {name: 'strdata'}, stringData: {a: '1'}}), 'k6hhm45488')
  })

  test('other kinds: a UserError (kustomize hashes their YAML node, formatting included)', () => {
    assert.throws(() => contentHash({kind: 'Service', metadata: {name: 's'}}), UserError)
  })
})

describe('addHashSuffixes', () => {
  test('renames only resources that need a hash, records the old id and reindexes', () => {
    const hashed = newResource(cm({metadata: {name: 'p-cm'}, data: {a: '1', b: 'true'}}), {file: 'k.yaml'})
    hashed.meta.needsHash = true
    const plain = newResource(cm({metadata: {name: 'plain'}, data: {a: '1'}}), {file: 'k.yaml'})
    const set = new ResourceSet([hashed, plain])
    addHashSuffixes(set)
    assert.equal((hashed.obj.metadata as {name: string}).name, 'p-cm-82g284d88k')
    assert.deepEqual(hashed.meta.previousIds, [{group: '', version: 'v1', kind: 'ConfigMap', name: 'p-cm', namespace: ''}])
    assert.equal((plain.obj.metadata as {name: string}).name, 'plain')
    assert.equal(set.get(resIdOf(hashed.obj)), hashed)
    assert.deepEqual(set.toArray(), [hashed, plain])
  })

  test('a needsHash resource of another kind names its file in the error', () => {
    const svc = newResource({apiVersion: 'v1', kind: 'Service', metadata: {name: 's'}}, {file: 'base/svc.yaml'})
    svc.meta.needsHash = true
    assert.throws(() => addHashSuffixes(new ResourceSet([svc])), (e: unknown) => e instanceof UserError && e.origin.file === 'base/svc.yaml')
  })
})
