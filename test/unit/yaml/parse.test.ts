import {test, describe} from 'node:test'
import assert from 'node:assert/strict'
import {parseYamlDocument, parseYamlDocuments} from '../../../src/render/yaml/parse.js'
import {emitYaml} from '../../../src/render/yaml/emit.js'
import {UserError} from '../../../src/model/errors.js'
import {emitCases, parseCases} from './kubectl-cases.js'

// Expected output comes from kubectl kustomize runs (see kubectl-cases.ts); line numbers in the
// error tests are the ones kubectl kustomize reports for the same input.

function render(text: string): string {
  return parseYamlDocuments(text, 'r.yaml')
    .filter((d) => d !== null)
    .map((d) => emitYaml(d))
    .join('---\n')
}

describe('parse then emit gives what kubectl kustomize prints', () => {
  for (const c of parseCases) {
    test(c.title, () => assert.equal(render(c.input), c.expected))
  }
  for (const c of emitCases) {
    test(`round trip ${c.name}: ${c.title}`, () => {
      if (c.expected === null) assert.throws(() => render(c.input), UserError)
      else assert.equal(render(c.input), c.expected)
    })
  }
})

const H = 'apiVersion: v1\nkind: Foo\nmetadata:\n  name: x\n'

function userError(fn: () => unknown): UserError {
  try {
    fn()
  } catch (e) {
    assert.ok(e instanceof UserError, `expected a UserError, got ${e}`)
    return e
  }
  assert.fail('expected an error')
}

describe('parse values as go-yaml v3 resolves them', () => {
  test('YAML 1.1 booleans stay strings, 1.2 booleans and nulls resolve', () => {
    const [doc] = parseYamlDocuments('a: yes\nb: on\nc: True\nd: ~\ne:\nf: "true"\n', 'f.yaml')
    assert.deepEqual(doc, {a: 'yes', b: 'on', c: true, d: null, e: null, f: 'true'})
  })

  test('Go integer syntax, floats, and text that only looks numeric', () => {
    const [doc] = parseYamlDocuments('a: 0755\nb: 0x1F\nc: 1_000\nd: 0b-101\ne: 1e500\nf: 1.5\ng: "1"\nh: _1\n', 'f.yaml')
    assert.deepEqual(doc, {a: 493, b: 31, c: 1000, d: -5, e: '1e500', f: 1.5, g: '1', h: '_1'})
  })

  test('timestamps become RFC 3339 text, as encoding/json prints time.Time', () => {
    const [doc] = parseYamlDocuments('a: 2001-12-14\nb: 2001-12-14 21:59:43.10\nc: 2001-12-14T21:59:43-00:00\nd: "2001-12-14"\n', 'f.yaml')
    assert.deepEqual(doc, {a: '2001-12-14T00:00:00Z', b: '2001-12-14T21:59:43.1Z', c: '2001-12-14T21:59:43Z', d: '2001-12-14'})
  })

  test('tags: explicit types, !!binary decoded, unknown tags ignored', () => {
    const [doc] = parseYamlDocuments('a: !!str 123\nb: !!int "12"\nc: !!binary aGVsbG8=\nd: !Ref name\ne: !foo {x: 1}\n', 'f.yaml')
    assert.deepEqual(doc, {a: '123', b: 12, c: 'hello', d: 'name', e: {x: 1}})
  })

  test('merge keys and aliases', () => {
    const [doc] = parseYamlDocuments('b: &b {x: 1, y: 2}\nd:\n  <<: *b\n  y: 3\ne: *b\n', 'f.yaml')
    assert.deepEqual(doc, {b: {x: 1, y: 2}, d: {x: 1, y: 3}, e: {x: 1, y: 2}})
  })

  test('integers beyond 2^53 stay exact', () => {
    // kubectl kustomize prints `a: 9223372036854775807` for this input.
    assert.equal(render(`${H}a: 9223372036854775807\n`), `a: 9223372036854775807\n${H}`)
  })
})

describe('documents', () => {
  test('empty documents carry no resource', () => {
    const docs = parseYamlDocuments(`---\n# only a comment\n---\n${H}---\n---\n`, 'f.yaml')
    assert.deepEqual(docs.filter((d) => d !== null), [{apiVersion: 'v1', kind: 'Foo', metadata: {name: 'x'}}])
  })

  test('parseYamlDocument takes one document and refuses several', () => {
    assert.deepEqual(parseYamlDocument('# c\nresources:\n- a.yaml\n', 'kustomization.yaml'), {resources: ['a.yaml']})
    const e = userError(() => parseYamlDocument('a: 1\n---\nb: 2\n', 'kustomization.yaml'))
    assert.equal(e.origin.file, 'kustomization.yaml')
  })
})

describe('invalid input is a UserError naming the file and line, without the source text', () => {
  const cases: [string, string, number][] = [
    // [title, text, line kubectl kustomize reports]
    ['duplicate key', `${H}spec:\n  a: 1\n  b: 2\n  a: 3\n`, 8],
    ['unterminated quoted scalar', `${H}spec:\n  a: "secret-value\n  b: 2\n`, 6],
    ['tab indentation', `${H}spec:\n\ta: secret-value\n`, 6],
  ]
  for (const [title, text, line] of cases) {
    test(title, () => {
      const e = userError(() => parseYamlDocuments(text, 'base/r.yaml'))
      assert.equal(e.origin.file, 'base/r.yaml')
      assert.equal(e.origin.line, line)
      assert.ok(e.hint)
      assert.ok(!e.describe().includes('secret-value'), e.describe())
    })
  }

  test('unknown alias', () => {
    const e = userError(() => parseYamlDocuments(`${H}spec: *nope\n`, 'r.yaml'))
    assert.equal(e.origin.file, 'r.yaml')
  })

  test('.inf and .nan, which kustomize cannot write as JSON', () => {
    const e = userError(() => parseYamlDocuments(`${H}spec:\n  a: [1, .inf]\n`, 'r.yaml'))
    assert.equal(e.origin.file, 'r.yaml')
    assert.equal(e.origin.field, 'document 1.spec.a[1]')
  })
})

// kubectl kustomize output for each input (kustomize v5.5.0): a block scalar on a last line without
// a line break keeps no final newline; a whitespace-only last line or a comment after it changes nothing.
describe('a block scalar that ends the file without a final line break', () => {
  const cases: Array<[string, string, string]> = [
    ['literal', 'data:\n  a: |\n    one\n    two', 'data:\n  a: |-\n    one\n    two\n'],
    ['keep', 'data:\n  a: |+\n    one', 'data:\n  a: one\n'],
    ['folded, in a list, trailing spaces', 'data:\n- >\n  one\n  two  ', "data:\n- 'one two  '\n"],
    ['whitespace-only last line', 'data:\n  a: |\n    one\n  ', 'data:\n  a: |\n    one\n'],
    ['comment after the scalar', 'data:\n  a: |\n    one\n# end', 'data:\n  a: |\n    one\n'],
    ['last of two documents', 'a: |\n  x\n---\nb: |\n  y', 'a: |\n  x\n---\nb: "y"\n'],
  ]
  for (const [title, input, expected] of cases) test(title, () => assert.equal(render(input), expected))
})
