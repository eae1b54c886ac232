import assert from 'node:assert/strict'
import {describe, test} from 'node:test'
import {redactUrls, unsafeCloneUrl, unsafeRef} from '../../../src/source/git-safety.js'

describe('unsafeCloneUrl', () => {
  for (const url of ['https://github.com/org/repo', 'ssh://git@example.com:7999/org/repo.git', 'git@github.com:org/repo', 'file:///srv/git/repo.git', 'https://user:tok@example.com/org/repo']) {
    test(`accepts ${url}`, () => assert.equal(unsafeCloneUrl(url), undefined))
  }
  for (const url of ['', '-oProxyCommand=x', '--upload-pack=touch /tmp/x', 'ext::sh -c x', 'ext::sh', 'fd::7', 'http://example.com/org/repo', 'git://example.com/org/repo', 'ftp://x/y', 'ssh://-oProxyCommand=x/a/b', 'git@-x:org/repo', 'git@host:-x', 'https://example.com/a b', 'https://example.com/a\u0000', 'not a url', 'relative/path']) {
    test(`refuses ${JSON.stringify(url)}`, () => assert.equal(typeof unsafeCloneUrl(url), 'string'))
  }
})

describe('unsafeRef', () => {
  for (const ref of ['', 'main', 'v1.2.3', 'feature/x', 'refs/tags/v1', 'a'.repeat(40), 'release-1.0']) {
    test(`accepts ${JSON.stringify(ref)}`, () => assert.equal(unsafeRef(ref), undefined))
  }
  for (const ref of ['-c', '--upload-pack=x', '--end-of-options', 'a..b', 'a b', 'a\tb', 'x~1', 'x^', 'a:b', 'a?', 'a*', 'a[', 'a\\b', 'a@{1}', 'x.lock', 'x/', '/x', 'x.', '.hidden', 'a/.b', 'a//b', 'a'.repeat(256)]) {
    test(`refuses ${JSON.stringify(ref.slice(0, 40))}`, () => assert.equal(typeof unsafeRef(ref), 'string'))
  }
})

describe('redactUrls', () => {
  const cases: [string, string][] = [
    ['https://user:token@github.com/org/repo', 'https://github.com/org/repo'],
    ['fatal: unable to access https://ghp_abc123@github.com/x/y/: 403', 'fatal: unable to access https://github.com/x/y/: 403'],
    ['http://a:b@h/x and https://c@h/y', 'http://h/x and https://h/y'],
    ['ssh://git:pw@host/repo', 'ssh://git@host/repo'],
    ['ssh://git@host/repo', 'ssh://git@host/repo'],
    ['git@github.com:org/repo', 'git@github.com:org/repo'],
    ['no url here', 'no url here'],
  ]
  for (const [input, expected] of cases) test(input, () => assert.equal(redactUrls(input), expected))
})
