import assert from 'node:assert/strict'
import {createHash} from 'node:crypto'
import {test} from 'node:test'
import fc from 'fast-check'
import {sha256Hex, sha256HexPortable} from '../../../src/model/sha256.js'

const reference = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex')

test('sha256HexPortable matches node:crypto on the padding edges (55, 56, 63, 64, 65 bytes) and multi-byte text', () => {
  for (const s of ['', 'abc', 'a'.repeat(55), 'a'.repeat(56), 'a'.repeat(63), 'a'.repeat(64), 'a'.repeat(65), 'a'.repeat(1000), 'ü€𝄞 data: {"k": "v"}']) assert.equal(sha256HexPortable(s), reference(s), JSON.stringify(s.slice(0, 20)))
  assert.equal(sha256HexPortable('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
})

test('sha256HexPortable matches node:crypto on any string', () => {
  fc.assert(fc.property(fc.fullUnicodeString({maxLength: 300}), (s) => sha256HexPortable(s) === reference(s)), {numRuns: 500})
})

test('sha256Hex answers the same before and after it hands over to node:crypto', () => {
  // The first calls of the process run the portable code, later ones node:crypto: both sides of the switch.
  for (let i = 0; i < 40; i++) {
    const s = `ü€𝄞 ${'x'.repeat(i * 3)} ${i}`
    assert.equal(sha256Hex(s), reference(s), `call ${i}`)
  }
})
