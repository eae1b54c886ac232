import assert from 'node:assert/strict'
import {describe, test} from 'node:test'
import {UserError} from '../../../src/model/errors.js'
import {loadKvPairs, parseEnvContent, parseFileSource} from '../../../src/render/generators/kv.js'
import {ctxWith} from './helpers.js'

const asStrings = (pairs: ReturnType<typeof loadKvPairs>) => Object.fromEntries(pairs.map((p) => [p.key, p.value.toString('utf8')]))

function userError(field: string, message: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof UserError, `expected a UserError, got ${String(e)}`)
    assert.equal(e.origin.file, 'k/kustomization.yaml')
    assert.equal(e.origin.field, field)
    assert.match(e.message, message)
    assert.ok(e.hint, 'a hint says what to do')
    return true
  }
}

describe('literals', () => {
  // kubectl kustomize gave: ' sp ': ' v ', bad key: "1", empty: "", eq: a=b=c, q1: quoted,
  // q2: single, q3: '"mismatch''', q4: '"', q5: "" — no key validation in kustomize v5.5.
  test('split at the first =, one pair of matching quotes removed, keys not validated', () => {
    const literals = ['bad key=1', 'q1="quoted"', "q2='single'", `q3="mismatch'`, 'eq=a=b=c', 'empty=', 'q4="', 'q5=""', ' sp = v ']
    assert.deepEqual(asStrings(loadKvPairs({name: 'cm', literals}, ctxWith(), 'configMapGenerator[0]')), {
      'bad key': '1',
      q1: 'quoted',
      q2: 'single',
      q3: `"mismatch'`,
      eq: 'a=b=c',
      empty: '',
      q4: '"',
      q5: '',
      ' sp ': ' v ',
    })
  })

  test('a literal without = or with an empty key is an error (kubectl: invalid literal source)', () => {
    assert.throws(() => loadKvPairs({name: 'cm', literals: ['a=1', 'a']}, ctxWith(), 'configMapGenerator[0]'), userError('configMapGenerator[0].literals[1]', /invalid literal source 'a'/))
    assert.throws(() => loadKvPairs({name: 'cm', literals: ['=a']}, ctxWith(), 'configMapGenerator[3]'), userError('configMapGenerator[3].literals[0]', /expected key=value/))
  })

  test('a repeated key is an error naming both sources (kubectl: illegally repeats the key `a`)', () => {
    assert.throws(
      () => loadKvPairs({name: 'cm', literals: ['a=1'], files: ['a=x.txt']}, ctxWith({'x.txt': 'x'}), 'configMapGenerator[0]'),
      userError('configMapGenerator[0].files[0]', /repeats the key 'a' \(first from configMapGenerator\[0\]\.literals\[0\]\)/),
    )
  })
})

describe('files', () => {
  test('key defaults to the basename; key=path renames (kubectl: file.txt, renamed)', () => {
    const ctx = ctxWith({'sub/file.txt': 'hello\nworld\n', 'sub/other.txt': 'x'})
    assert.deepEqual(asStrings(loadKvPairs({name: 'cm', files: ['sub/file.txt', 'renamed=sub/other.txt']}, ctx, 'configMapGenerator[0]')), {
      'file.txt': 'hello\nworld\n',
      renamed: 'x',
    })
  })

  test('malformed sources, as kustomize rejects them', () => {
    const f = 'configMapGenerator[0].files[0]'
    assert.throws(() => parseFileSource('a=b=c', 'k/kustomization.yaml', f), userError(f, /contains '='/))
    assert.throws(() => parseFileSource('=d/x', 'k/kustomization.yaml', f), userError(f, /missing key name/))
    assert.throws(() => parseFileSource('k=', 'k/kustomization.yaml', f), userError(f, /missing file path/))
  })

  test('missing file, directory, outside the root, remote URL', () => {
    const ctx = ctxWith({'d/x': 'a', '/elsewhere/app.env': 'A=1'})
    const field = 'configMapGenerator[0].files[1]'
    assert.throws(() => loadKvPairs({name: 'cm', files: ['d/x', 'nope.txt']}, ctx, 'configMapGenerator[0]'), userError(field, /file 'nope.txt' not found/))
    assert.throws(() => loadKvPairs({name: 'cm', files: ['d/x', 'd']}, ctx, 'configMapGenerator[0]'), userError(field, /is a directory/))
    assert.throws(() => loadKvPairs({name: 'cm', files: ['d/x', '../elsewhere/app.env']}, ctx, 'configMapGenerator[0]'), userError(field, /security; file/))
    assert.throws(() => loadKvPairs({name: 'cm', files: ['d/x', 'https://example.com/a.txt']}, ctx, 'configMapGenerator[0]'), userError(field, /remote file/))
  })

  test('load restrictor none allows files outside the kustomization directory', () => {
    const ctx = {...ctxWith({'/elsewhere/app.env': 'A=1'}), restrictor: 'none' as const}
    assert.deepEqual(asStrings(loadKvPairs({name: 'cm', files: ['../elsewhere/app.env']}, ctx, 'configMapGenerator[0]')), {'app.env': 'A=1'})
  })
})

describe('env files', () => {
  const where = {file: 'k/kustomization.yaml', field: 'configMapGenerator[0].envs[0]', envPath: 'app.env'}

  // kubectl kustomize on this file gave: A: "1", 'B ': ' two ', C: "", E: '"quoted"', F: tab,
  // G: a=b, export D: x — and C stays "" even with C set in the environment.
  test('BOM, CRLF, comments, blank lines, leading whitespace, bare keys, =value lines', () => {
    const content = Buffer.from('\xef\xbb\xbfA=1\r\n# comment\r\n\r\n   B = two \r\nC\nexport D=x\n=nokey\nE="quoted"\n\tF=tab\nG=a=b\n#H=no\n', 'latin1')
    assert.deepEqual(parseEnvContent(content, where), [
      {key: 'A', value: '1'},
      {key: 'B ', value: ' two '},
      {key: 'C', value: ''},
      {key: 'export D', value: 'x'},
      {key: 'E', value: '"quoted"'},
      {key: 'F', value: 'tab'},
      {key: 'G', value: 'a=b'},
    ])
  })

  test('a BOM is dropped from the first line only', () => {
    assert.deepEqual(parseEnvContent(Buffer.from('A=1\n\ufeffB=2\n'), where), [
      {key: 'A', value: '1'},
      {key: '\ufeffB', value: '2'},
    ])
  })

  // kubectl kustomize gave only A: "1" (big-89g4tffbfk): kustomize's line scanner stops at a
  // line of 64 KiB or more and ignores its error, dropping that line and all after it.
  test('a line of 64 KiB or more ends the file silently', () => {
    const content = Buffer.concat([Buffer.from('A=1\nB='), Buffer.alloc(70000, 'b'), Buffer.from('\nC=3\n')])
    assert.deepEqual(parseEnvContent(content, where), [{key: 'A', value: '1'}])
    const justFits = Buffer.concat([Buffer.from('B='), Buffer.alloc(65535 - 2, 'b'), Buffer.from('\nC=3')])
    assert.deepEqual(parseEnvContent(justFits, where).map((p) => p.key), ['B', 'C'])
    // kubectl: a 65535-byte line is kept, a 65536-byte one (with or without a final newline) is not.
    const tooLong = Buffer.concat([Buffer.from('B='), Buffer.alloc(65536 - 2, 'b')])
    assert.deepEqual(parseEnvContent(tooLong, where), [])
  })

  test('a line that is not UTF-8 is an error with its line number (kubectl: has invalid utf8 bytes)', () => {
    assert.throws(() => parseEnvContent(Buffer.from('A=1\nB=\xff\n', 'latin1'), where), userError('configMapGenerator[0].envs[0]', /app.env line 2 is not valid UTF-8/))
  })

  test('env (deprecated) is read after envs; a missing env file names its field', () => {
    const ctx = ctxWith({'one.env': 'X=1\n', 'two.env': 'Y=2\n'})
    assert.deepEqual(
      loadKvPairs({name: 'cm', env: 'one.env', envs: ['two.env']}, ctx, 'configMapGenerator[1]').map((p) => [p.key, p.field]),
      [
        ['Y', 'configMapGenerator[1].envs[0]'],
        ['X', 'configMapGenerator[1].env'],
      ],
    )
    assert.throws(() => loadKvPairs({name: 'cm', envs: ['nope.env']}, ctx, 'configMapGenerator[1]'), userError('configMapGenerator[1].envs[0]', /not found/))
  })

  test('sources load in kustomize order: envs, literals, files', () => {
    const ctx = ctxWith({'a.env': 'E=1', 'f.txt': 'F'})
    assert.deepEqual(loadKvPairs({name: 'cm', files: ['f.txt'], literals: ['L=1'], envs: ['a.env']}, ctx, 'c').map((p) => p.key), ['E', 'L', 'f.txt'])
  })
})
