import assert from 'node:assert/strict'
import {test} from 'node:test'
import {headMaxAge, SharedHeads} from '../../../src/watch/shared-heads.js'
import {fakeTimers} from './fake-timers.js'

/** A remote whose refs the test moves; counts the look-ups (ls-remote) it answers. */
function remote() {
  const refs = new Map<string, string>([['main', 'c1']])
  const calls: string[] = []
  let gate: Promise<void> = Promise.resolve()
  return {
    refs,
    calls,
    hold(p: Promise<void>) {
      gate = p
    },
    lookup: async (repo: string, ref: string) => {
      calls.push(`${repo}#${ref}`)
      await gate
      const head = refs.get(ref)
      if (!head) throw new Error(`no ref ${ref}`)
      return head
    },
  }
}

test('apps on one repository and ref share one look-up per interval, however they spell the URL; other refs ask on their own', async () => {
  const t = fakeTimers()
  const r = remote()
  r.refs.set('dev', 'd1')
  const heads = new SharedHeads(r.lookup, t)
  const spellings = ['https://git.example.com/org/deploy.git', 'https://git.example.com/org/deploy', 'git@git.example.com:org/deploy.git']
  const answers = await Promise.all([...Array(300)].map((_, i) => heads.resolve(spellings[i % 3]!, 'main', headMaxAge(30_000))))
  assert.ok(answers.every((a) => a === 'c1'))
  assert.equal(await heads.resolve(spellings[0]!, 'dev', 29_000), 'd1')
  assert.equal(r.calls.length, 2)
  await t.advance(20_000)
  await heads.resolve(spellings[1]!, 'main', headMaxAge(30_000))
  assert.equal(r.calls.length, 2, 'still fresh')
  await t.advance(10_000)
  await heads.resolve(spellings[1]!, 'main', headMaxAge(30_000))
  assert.equal(r.calls.length, 3, 'one more per interval')
  assert.equal(heads.lookups, 3)
})

test('a push expires the repository: the next askers share one fresh look-up, also over one started before the push', async () => {
  const t = fakeTimers()
  const r = remote()
  const heads = new SharedHeads(r.lookup, t)
  let release!: () => void
  r.hold(new Promise((res) => (release = res)))
  const before = heads.resolve('https://git.example.com/org/deploy.git', 'main', 30_000)
  await t.advance(5)
  r.refs.set('main', 'c2')
  heads.expire('https://git.example.com/org/deploy')
  const after = [heads.resolve('https://git.example.com/org/deploy.git', 'main', 30_000), heads.resolve('https://git.example.com/org/deploy.git', 'main', 30_000)]
  release()
  assert.equal(await before, 'c2', 'the early asker gets what its look-up found')
  assert.deepEqual(await Promise.all(after), ['c2', 'c2'])
  assert.equal(r.calls.length, 2)
})

test('a look-up that finds the ref moved tells the listeners once; a failed look-up is not remembered', async () => {
  const t = fakeTimers()
  const r = remote()
  const heads = new SharedHeads(r.lookup, t)
  const moved: string[] = []
  heads.onMoved((repo, ref, head) => moved.push(`${repo}#${ref}@${head}`))
  await heads.resolve('file:///srv/deploy.git', 'main', 1_000)
  assert.deepEqual(moved, [], 'the first answer is no move')
  r.refs.set('main', 'c2')
  await t.advance(1_000)
  await heads.resolve('file:///srv/deploy.git', 'main', 1_000)
  await t.advance(1_000)
  await heads.resolve('file:///srv/deploy.git', 'main', 1_000)
  assert.deepEqual(moved, ['file:///srv/deploy.git#main@c2'])
  await assert.rejects(heads.resolve('file:///srv/deploy.git', 'gone', 60_000), /no ref gone/)
  r.refs.set('gone', 'g1')
  assert.equal(await heads.resolve('file:///srv/deploy.git', 'gone', 60_000), 'g1')
})

test('headMaxAge: a little under the interval', () => {
  assert.equal(headMaxAge(30_000), 29_000)
  assert.equal(headMaxAge(2_000), 1_800)
})
