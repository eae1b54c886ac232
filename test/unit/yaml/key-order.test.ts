import {test, describe} from 'node:test'
import assert from 'node:assert/strict'
import {compareGoYamlKeys, goYamlKeyLess} from '../../../src/render/yaml/key-order.js'
import {resolvePlainScalar} from '../../../src/render/yaml/go-yaml-schema.js'

describe('compareGoYamlKeys', () => {
  test('orders as go-yaml v2: digits as numbers, letters after other characters', () => {
    const keys = ['b', 'a10', 'a9', 'a', 'A', '_x', '1', '10', '2', 'a-b', 'a.b', 'aB', 'ab', 'é', 'z0', 'z00', 'z01']
    assert.deepEqual([...keys].sort(compareGoYamlKeys), ['_x', '1', '2', '10', 'A', 'a', 'a-b', 'a.b', 'a9', 'a10', 'aB', 'ab', 'b', 'z0', 'z00', 'z01', 'é'])
  })

  test('its one-scan answer is always the sign of keyList.Less both ways', () => {
    // Short random keys over an alphabet where letters, digits, '0', punctuation and prefixes meet.
    const alphabet = ['a', 'b', 'Z', '0', '1', '9', '-', '.', '_', '/', 'é']
    let seed = 42
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648)
    const keys = Array.from({length: 400}, () => Array.from({length: 1 + (next() % 5)}, () => alphabet[next() % alphabet.length]).join(''))
    for (const a of keys) {
      for (const b of keys.slice(0, 60)) {
        const want = a === b ? 0 : goYamlKeyLess(a, b) ? -1 : goYamlKeyLess(b, a) ? 1 : 0
        assert.equal(compareGoYamlKeys(a, b), want, `${a} vs ${b}`)
      }
    }
  })
})

describe('resolvePlainScalar on plain decimal integers', () => {
  test('short decimals are numbers, a leading 0 octal, past 2^53 a bigint, past uint64 a float', () => {
    const cases: [string, unknown][] = [
      ['0', 0],
      ['7', 7],
      ['8080', 8080],
      ['010', 8],
      ['09', 9], // not octal: go-yaml falls back to a float
      ['123456789012345', 123456789012345],
      ['1234567890123456', 1234567890123456],
      ['9007199254740993', 9007199254740993n],
      ['99999999999999999999', 1e20], // past uint64: a float
      ['1_000', 1000],
      ['2001', 2001],
      ['2001-12-14', '2001-12-14T00:00:00Z'],
    ]
    for (const [text, want] of cases) assert.deepEqual(resolvePlainScalar(text), want, text)
  })
})
