// The shared git cache against local bare repositories: content-addressed trees, cache hits,
// offline, force-pushes, stale locks, and refusal of URLs and refs that smuggle options.
import assert from 'node:assert/strict'
import * as fs from 'node:fs'
import * as net from 'node:net'
import * as path from 'node:path'
import {describe, test} from 'node:test'
import {UserError} from '../../../src/model/errors.js'
import {GitCache, defaultCacheDir, normalizeRepoUrl} from '../../../src/source/git-cache.js'
import {configMapBase, countingRunner, LocalRepo, tmpDir, under} from './git-repos.js'

function setup() {
  const root = tmpDir('strata-git-cache-')
  const repo = new LocalRepo(root, 'app')
  const first = repo.commit(under('base', configMapBase('a', 'one')), 'one')
  repo.tag('v1')
  const runner = countingRunner()
  const cacheDir = path.join(root, 'cache')
  const cache = (offline = false) => new GitCache({dir: cacheDir, offline, git: runner})
  return {root, repo, first, runner, cacheDir, cache}
}

describe('GitCache', () => {
  test('checks out a branch into trees/<commit>, read-only, and reuses it without fetching', async () => {
    const {repo, first, runner, cacheDir, cache} = setup()
    const tree = await cache().checkoutTree(repo.url, 'main')
    assert.equal(tree.commit, first)
    assert.equal(tree.dir, path.join(cacheDir, 'trees', first))
    assert.match(fs.readFileSync(path.join(tree.dir, 'base/cm.yaml'), 'utf8'), /value: one/)
    assert.equal(fs.statSync(path.join(tree.dir, 'base/cm.yaml')).mode & 0o222, 0, 'files are read-only')
    assert.equal(fs.existsSync(path.join(tree.dir, '.git')), false)
    assert.equal(runner.count('fetch'), 1)
    runner.commands.length = 0
    // A new process (new GitCache): the branch is re-resolved with ls-remote, nothing else.
    const again = await cache().checkoutTree(repo.url, 'main')
    assert.deepEqual(again, tree)
    assert.deepEqual(runner.commands, ['ls-remote'])
  })

  test('a tag, an annotated tag, a full and an abbreviated SHA resolve to the commit', async () => {
    const {repo, first, cache} = setup()
    const second = repo.commit(under('base', configMapBase('a', 'two')))
    repo.tag('v2', true)
    const c = cache()
    assert.equal(await c.resolveRef(repo.url, 'v1'), first)
    assert.equal(await c.resolveRef(repo.url, 'v2'), second)
    assert.equal(await c.resolveRef(repo.url, 'refs/tags/v2'), second)
    assert.equal(await c.resolveRef(repo.url, first), first)
    assert.equal(await cache().resolveRef(repo.url, first.slice(0, 10)), first)
    assert.equal(await c.resolveRef(repo.url, ''), second, 'no ref: the default branch')
  })

  test('one instance resolves a ref once until told to forget (a watch loop does, each tick)', async () => {
    const {repo, runner, cache} = setup()
    const c = cache()
    await c.checkoutTree(repo.url, 'main')
    const moved = repo.commit({'x.txt': 'x'})
    runner.commands.length = 0
    assert.notEqual((await c.checkoutTree(repo.url, 'main')).commit, moved)
    assert.deepEqual(runner.commands, [])
    c.forgetResolvedRefs()
    assert.equal((await c.checkoutTree(repo.url, 'main')).commit, moved)
  })

  test('a pinned commit whose tree is cached needs no git at all', async () => {
    const {repo, first, runner, cache} = setup()
    await cache().checkoutTree(repo.url, first)
    runner.commands.length = 0
    await cache().checkoutTree(repo.url, first)
    assert.deepEqual(runner.commands, [])
  })

  test('offline: cached refs resolve from the mirror; anything else is a clear UserError', async () => {
    const {repo, first, runner, cache} = setup()
    await cache().checkoutTree(repo.url, 'main')
    runner.commands.length = 0
    const tree = await cache(true).checkoutTree(repo.url, 'main')
    assert.equal(tree.commit, first)
    assert.ok(!runner.commands.includes('ls-remote') && !runner.commands.includes('fetch'), runner.commands.join(' '))
    assert.equal((await cache(true).checkoutTree(repo.url, 'v1')).commit, first)
    assert.equal((await cache(true).checkoutTree(repo.url, '')).commit, first)
    await assert.rejects(cache(true).checkoutTree(repo.url, 'no-such-branch'), (e: unknown) => e instanceof UserError && /not in the cache/.test(e.message) && /--offline/.test(e.message))
    await assert.rejects(cache(true).checkoutTree('file:///nowhere/else.git', 'main'), (e: unknown) => e instanceof UserError && /--offline/.test(e.message))
  })

  test('a force-pushed branch (history rewritten) and a deleted branch are mirrored as they are', async () => {
    const {root, repo, first, cache} = setup()
    repo.branch('feature')
    const before = repo.commit(under('base', configMapBase('a', 'feature-1')))
    assert.equal((await cache().checkoutTree(repo.url, 'feature')).commit, before)
    // Rewrite: reset feature to main's first commit and commit something else, force-pushed.
    const git = (await import('./git-repos.js')).git
    git(repo.work, 'reset', '--quiet', '--hard', first)
    const after = repo.commit(under('base', configMapBase('a', 'feature-2')), 'rewritten')
    const tree = await cache().checkoutTree(repo.url, 'feature')
    assert.equal(tree.commit, after)
    assert.match(fs.readFileSync(path.join(tree.dir, 'base/cm.yaml'), 'utf8'), /feature-2/)
    // Deleted on the remote: pruned from the mirror at the next fetch, so offline no longer finds it.
    git(repo.work, 'push', '--quiet', 'origin', '--delete', 'feature')
    repo.branch('main')
    repo.commit({'new.txt': 'x'})
    await cache().checkoutTree(repo.url, 'main')
    await assert.rejects(cache(true).resolveRef(repo.url, 'feature'), UserError)
    await assert.rejects(cache().resolveRef(repo.url, 'feature'), (e: unknown) => e instanceof UserError && /does not name a branch, tag or commit/.test(e.message))
    assert.ok(root)
  })

  test('survives stale lock files left by a killed git or a killed strata', async () => {
    const {repo, cache} = setup()
    const c = cache()
    await c.checkoutTree(repo.url, 'main')
    const mirror = c.mirrorDir(repo.url)
    for (const lock of ['index.lock', 'shallow.lock', 'packed-refs.lock', 'refs/heads/main.lock', 'refs/tags/v1.lock']) fs.writeFileSync(path.join(mirror, lock), '')
    // A strata lock whose process is gone (pid far above pid_max).
    fs.writeFileSync(`${mirror}.strata-lock`, '4194999\n')
    const next = repo.commit(under('base', configMapBase('a', 'three')))
    const tree = await cache().checkoutTree(repo.url, 'main')
    assert.equal(tree.commit, next)
    assert.equal(fs.existsSync(`${mirror}.strata-lock`), false)
    assert.equal(fs.existsSync(path.join(mirror, 'refs/heads/main.lock')), false)
  })

  test('concurrent checkouts of the same commit share one finished tree', async () => {
    const {repo, cacheDir} = setup()
    const caches = Array.from({length: 4}, () => new GitCache({dir: cacheDir}))
    const trees = await Promise.all(caches.map((c) => c.checkoutTree(repo.url, 'main')))
    assert.equal(new Set(trees.map((t) => t.dir)).size, 1)
    assert.deepEqual(fs.readdirSync(path.join(cacheDir, 'trees')), [trees[0].commit], 'no temporary trees left behind')
    assert.match(fs.readFileSync(path.join(trees[0].dir, 'base/kustomization.yaml'), 'utf8'), /cm.yaml/)
  })

  test('URLs and refs that git would read as options or commands are refused before git runs', async () => {
    const {root, repo, runner, cache} = setup()
    const marker = path.join(root, 'pwned')
    const refs = [`--upload-pack=touch ${marker}`, '--upload-pack=sh', '-c', '-oProxyCommand=x', 'main..x', 'a b', 'x\nmain', 'ref:x', 'x.lock']
    for (const ref of refs) {
      await assert.rejects(cache().resolveRef(repo.url, ref), (e: unknown) => e instanceof UserError && /refusing git ref/.test(e.message), ref)
    }
    const urls = [`ext::sh -c touch% ${marker}`, 'ext::sh', 'fd::3', '-uhttps://x/y', '--upload-pack=x', 'ssh://-oProxyCommand=x/org/repo', 'git@-oProxyCommand=x:org/repo', 'http://example.com/org/repo', 'git://example.com/org/repo', 'https://example.com/org/repo\nx']
    for (const url of urls) {
      await assert.rejects(cache().resolveRef(url, 'main'), (e: unknown) => e instanceof UserError && /refusing git URL/.test(e.message), url)
    }
    assert.deepEqual(runner.commands, [], 'git never ran')
    assert.equal(fs.existsSync(marker), false)
  })

  test('credentials in a URL never reach an error message', async () => {
    const {cache} = setup()
    await assert.rejects(cache().resolveRef('https://someone:s3cr3t-token@127.0.0.1:1/org/repo.git', 'main', {timeoutMs: 5000}), (e: unknown) => {
      assert.ok(e instanceof UserError)
      assert.doesNotMatch(e.message + (e.hint ?? ''), /s3cr3t|someone/)
      assert.match(e.message, /https:\/\/127\.0\.0\.1:1\/org\/repo\.git/)
      return true
    })
  })

  // The test's limit is a hang guard: without the per-request timeout git would wait forever.
  test('a remote that never answers times out after the URL\'s ?timeout= (a per-request limit)', {timeout: 60_000}, async () => {
    const {cache} = setup()
    const server = net.createServer(() => {}).listen(0, '127.0.0.1')
    await new Promise((resolve) => server.on('listening', resolve))
    const port = (server.address() as net.AddressInfo).port
    try {
      await assert.rejects(cache().resolveRef(`https://127.0.0.1:${port}/org/repo.git`, 'main', {timeoutMs: 800}), (e: unknown) => e instanceof UserError && /timed out after 0.8s/.test(e.message) && /\?timeout=/.test(e.hint ?? ''))
    } finally {
      server.close()
    }
  })

  test('a missing repository is a UserError naming it', async () => {
    const {root, cache} = setup()
    await assert.rejects(cache().resolveRef(`file://${root}/missing.git`, 'main'), (e: unknown) => e instanceof UserError && e.message.includes('missing.git') && /git (ls-remote|fetch) for/.test(e.message))
  })
})

describe('cache location and identity', () => {
  test('STRATA_CACHE_DIR, then XDG_CACHE_HOME/strata/git, then ~/.cache/strata/git', () => {
    assert.equal(defaultCacheDir({STRATA_CACHE_DIR: '/c'}), '/c')
    assert.equal(defaultCacheDir({XDG_CACHE_HOME: '/x'}), '/x/strata/git')
    assert.match(defaultCacheDir({}), /\.cache\/strata\/git$/)
  })
  test('credentials, letter case of scheme and host, and trailing slashes do not make another repository', () => {
    assert.equal(normalizeRepoUrl('HTTPS://user:tok@GitHub.com/Org/Repo/'), 'https://github.com/Org/Repo')
    assert.equal(normalizeRepoUrl('file:///srv/Repo.git'), 'file:///srv/Repo.git')
    assert.equal(normalizeRepoUrl('git@github.com:org/repo'), 'git@github.com:org/repo')
    const c = new GitCache({dir: '/cache'})
    assert.equal(c.mirrorDir('https://a:b@github.com/org/repo'), c.mirrorDir('https://github.com/org/repo/'))
    assert.notEqual(c.mirrorDir('https://github.com/org/repo'), c.mirrorDir('https://github.com/org/other'))
  })
})
