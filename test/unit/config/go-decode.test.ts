import {test, describe} from 'node:test'
import assert from 'node:assert/strict'
import {UserError} from '../../../src/model/errors.js'
import {goDecode, goFoldName, type FieldType} from '../../../src/render/go-decode.js'
import {parseYamlDocuments} from '../../../src/render/yaml/parse.js'

// The rules of Go's encoding/json as kustomize meets them (decoding sigs.k8s.io/yaml's JSON);
// the fixtures 206-216 check the same rules end to end against kubectl kustomize.

const schema: FieldType = {
  object: {
    namePrefix: 'string',
    replicas: 'int',
    resources: 'stringList',
    labels: 'stringMap',
    options: {object: {immutable: 'bool', labels: 'stringMap'}},
    generators: {list: {object: {name: 'string', literals: 'stringList'}}},
  },
}
const strict = {file: 'kustomization.yaml', what: 'invalid Kustomization', strict: true}
const lenient = {...strict, strict: false}

describe('goDecode', () => {
  test('keys match their field in any case; the result spells the field', () => {
    assert.deepEqual(goDecode({NAMEPREFIX: 'a-', Resources: ['x.yaml'], options: {Immutable: true}}, schema, 'k', strict), {
      namePrefix: 'a-',
      resources: ['x.yaml'],
      options: {immutable: true},
    })
  })

  test('spellings of one field apply in byte order: the lower-case one after the exact one', () => {
    assert.deepEqual(goDecode({namePrefix: 'exact-', nameprefix: 'lower-'}, schema, 'k', strict), {namePrefix: 'lower-'})
    assert.deepEqual(goDecode({nameprefix: 'lower-', NamePrefix: 'upper-'}, schema, 'k', strict), {namePrefix: 'lower-'})
  })

  test('a later spelling adds to a map, decodes into a struct and into list elements at the same index', () => {
    const got = goDecode(
      {
        Labels: {a: '1'},
        labels: {b: '2'},
        Options: {labels: {x: 'y'}},
        options: {immutable: true},
        Generators: [{name: 'old', literals: ['k=v']}],
        generators: [{name: 'new'}],
      },
      schema,
      'k',
      strict,
    )
    assert.deepEqual(got, {labels: {a: '1', b: '2'}, options: {labels: {x: 'y'}, immutable: true}, generators: [{name: 'new', literals: ['k=v']}]})
  })

  test('null after a value leaves a scalar as it was and empties a list', () => {
    assert.deepEqual(goDecode({namePrefix: 'a-', nameprefix: null}, schema, 'k', strict), {namePrefix: 'a-'})
    assert.deepEqual(goDecode({Resources: ['x.yaml'], resources: null}, schema, 'k', strict), {resources: null})
  })

  test('an unknown key fails when strict, naming the key as written; lenient drops it', () => {
    assert.throws(
      () => goDecode({options: {Immutable: true, labelz: {}}}, schema, 'k', strict),
      (e: unknown) => e instanceof UserError && e.origin.field === 'k.options.labelz' && /unknown field/.test(e.message),
    )
    assert.deepEqual(goDecode({options: {Immutable: true, labelz: {}}}, schema, 'k', lenient), {options: {immutable: true}})
  })

  test('a wrong type fails in both modes', () => {
    for (const opts of [strict, lenient]) {
      assert.throws(() => goDecode({Replicas: 'two'}, schema, 'k', opts), (e: unknown) => e instanceof UserError && e.origin.field === 'k.Replicas')
    }
  })

  test('map keys are data, not fields: they keep their case', () => {
    assert.deepEqual(goDecode({labels: {App: 'x', app: 'y'}}, schema, 'k', strict), {labels: {App: 'x', app: 'y'}})
  })

  test('the input is not modified', () => {
    const input = {Options: {labels: {x: 'y'}}, options: {immutable: true}}
    const copy = structuredClone(input)
    goDecode(input, schema, 'k', strict)
    assert.deepEqual(input, copy)
  })

  test("Go's folding: the Kelvin sign is k, the long s is s", () => {
    assert.equal(goFoldName('\u212Aind'), goFoldName('kind'))
    assert.equal(goFoldName('\u017Fecret'), goFoldName('secret'))
    assert.deepEqual(goDecode({NAME\u017FPACE: 'x'} as never, {object: {namespace: 'string'}}, 'k', strict), {namespace: 'x'})
  })
})

describe('parseYamlDocuments duplicateKeys', () => {
  test("'last-wins' keeps the last value of a repeated key (go-yaml v2 into a map); the default fails", () => {
    assert.deepEqual(parseYamlDocuments('a: 1\na: 2\n', 'k.yaml', '1.1', {duplicateKeys: 'last-wins'}), [{a: 2}])
    assert.throws(() => parseYamlDocuments('a: 1\na: 2\n', 'k.yaml'), UserError)
  })
})

// kubectl kustomize v5.5 printed these values for the same AnnotationsTransformer config (fixture 239).
describe('goDecode with scalarsToStrings (sigs.k8s.io/yaml into builtin plugin configs)', () => {
  const opts = {file: 'p.yaml', what: 'AnnotationsTransformer p.yaml', strict: false, scalarsToStrings: true}
  test('numbers and booleans in string fields become text; floats as Go writes a float32', () => {
    const out = goDecode({annotations: {a: 51, b: true, c: 0.1, d: 1e21, e: 1e-7, f: 3.14159265358, g: 'x'}, name: 7, list: [1, false]}, {object: {annotations: 'stringMap', name: 'string', list: 'stringList'}}, '', opts)
    assert.deepEqual(out, {annotations: {a: '51', b: 'true', c: '0.1', d: '1e+21', e: '1e-07', f: '3.1415927', g: 'x'}, name: '7', list: ['1', 'false']})
  })
  test('without it a number in a string field is an error, as in a kustomization', () => {
    assert.throws(() => goDecode({name: 7}, {object: {name: 'string'}}, '', {...opts, scalarsToStrings: false}), /must be a string/)
  })
})
