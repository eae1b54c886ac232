// The memo render keeps per process: a render server renders many trees, so no memo may grow
// with their text without limit.
import assert from 'node:assert/strict'
import {test} from 'node:test'
import {BoundedCache} from '../../../src/model/bounded-cache.js'

test('a bounded cache never holds more than its limit, and keeps what it holds readable', () => {
  const cache = new BoundedCache<string, number>(3)
  for (let i = 0; i < 10; i++) {
    cache.set(`k${i}`, i)
    assert.ok(cache.size <= 3, `size ${cache.size} after ${i + 1} keys`)
    assert.equal(cache.get(`k${i}`), i, 'the entry just set is there')
  }
})

test('setting a key it already holds replaces the value without starting over', () => {
  const cache = new BoundedCache<string, number>(2)
  cache.set('a', 1)
  cache.set('b', 2)
  cache.set('b', 3)
  assert.deepEqual([...cache], [['a', 1], ['b', 3]])
  cache.set('c', 4)
  assert.deepEqual([...cache], [['c', 4]], 'a new key at the limit starts over')
})

test('the default limit holds ten thousand entries', () => {
  const cache = new BoundedCache<number, number>()
  for (let i = 0; i < 25_000; i++) cache.set(i, i)
  assert.ok(cache.size <= 10_000)
  assert.equal(cache.limit, 10_000)
})
