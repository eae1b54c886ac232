import assert from 'node:assert/strict'
import {describe, test} from 'node:test'
import {diffLines, unifiedHunks} from '../../../src/diff/unified.js'

function unified(a: string[], b: string[]): string {
  return unifiedHunks(diffLines(a, b))
    .map((h) => `@@ -${h.beforeStart},${h.beforeLength} +${h.afterStart},${h.afterLength} @@\n${h.lines.map((l) => l.op + l.text).join('\n')}`)
    .join('\n')
}

describe('unified diff', () => {
  // Expected hunks are GNU `diff -u` output for the same two files.
  test('two hunks when the changes are more than 6 unchanged lines apart', () => {
    const a = '1 2 3 4 5 6 7 8 9 10 11 12'.split(' ')
    const b = '1 2 3 4 X 6 7 8 9 10 11 12 13'.split(' ')
    assert.equal(unified(a, b), ['@@ -2,7 +2,7 @@', ' 2', ' 3', ' 4', '-5', '+X', ' 6', ' 7', ' 8', '@@ -10,3 +10,4 @@', ' 10', ' 11', ' 12', '+13'].join('\n'))
  })

  test('one hunk when changes are close', () => {
    const a = 'a b c d e f g h'.split(' ')
    const b = 'a c d e f h i'.split(' ')
    assert.equal(unified(a, b), ['@@ -1,8 +1,7 @@', ' a', '-b', ' c', ' d', ' e', ' f', '-g', ' h', '+i'].join('\n'))
  })

  test('an empty side starts at line 0, as diff -u /dev/null FILE', () => {
    assert.equal(unified([], ['a', 'b']), '@@ -0,0 +1,2 @@\n+a\n+b')
  })

  test('no hunks for equal input', () => {
    assert.deepEqual(unifiedHunks(diffLines(['a'], ['a'])), [])
  })

  test('the edit script rebuilds both sides and is minimal (Myers)', () => {
    // The classic example from Myers' paper: ABCABBA -> CBABAC takes 5 edits.
    const ops = diffLines('ABCABBA'.split(''), 'CBABAC'.split(''))
    assert.equal(ops.filter((o) => o.op !== ' ').length, 5)
    let seed = 7
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
    for (let i = 0; i < 500; i++) {
      const a = Array.from({length: Math.floor(rnd() * 10)}, () => 'xyz'[Math.floor(rnd() * 3)])
      const b = Array.from({length: Math.floor(rnd() * 10)}, () => 'xyz'[Math.floor(rnd() * 3)])
      const o = diffLines(a, b)
      assert.deepEqual(o.filter((x) => x.op !== '+').map((x) => x.text), a)
      assert.deepEqual(o.filter((x) => x.op !== '-').map((x) => x.text), b)
    }
  })
})
