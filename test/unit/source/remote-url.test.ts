// Expectations are kustomize v5.5.0's own tables (api/internal/git/repospec_test.go), so strata
// reads every remote URL the way `kustomize build` does.
import assert from 'node:assert/strict'
import {describe, test} from 'node:test'
import {defaultGitTimeoutMs, isRemoteFileUrl, parseGitUrl, parseQuery, tryParseGitUrl} from '../../../src/source/remote-url.js'

describe('parseGitUrl: kustomize TestNewRepoSpecFromUrl_Permute', () => {
  const schemeAuthority: [string, string][] = [
    ['gitHub.com/', 'https://github.com/'],
    ['github.com:', 'https://github.com/'],
    ['http://github.com/', 'https://github.com/'],
    ['https://github.com/', 'https://github.com/'],
    ['hTTps://github.com/', 'https://github.com/'],
    ['https://git-codecommit.us-east-2.amazonaws.com/', 'https://git-codecommit.us-east-2.amazonaws.com/'],
    ['https://fabrikops2.visualstudio.com/', 'https://fabrikops2.visualstudio.com/'],
    ['ssh://git.example.com:7999/', 'ssh://git.example.com:7999/'],
    ['git::https://gitlab.com/', 'https://gitlab.com/'],
    ['git::http://git.example.com/', 'http://git.example.com/'],
    ['git::https://git.example.com/', 'https://git.example.com/'],
    ['git@github.com:', 'git@github.com:'],
    ['git@github.com/', 'git@github.com:'],
    ['git::git@github.com:', 'git@github.com:'],
    ['org-12345@github.com:', 'org-12345@github.com:'],
    ['org-12345@github.com/', 'org-12345@github.com:'],
  ]
  const repoPaths = ['someOrg/someRepo', 'kubernetes/website']
  const pathNames = ['README.md', 'foo/krusty.txt', '']
  const refArgs = ['group/version', 'someBranch', 'master', 'v0.1.0', '']
  let count = 0
  for (const [raw, host] of schemeAuthority) {
    for (const repoPath of repoPaths) {
      for (const pathName of pathNames) {
        for (const ref of refArgs) {
          const url = raw + (pathName ? `${repoPath}/${pathName}` : repoPath) + (ref ? `?ref=${ref}` : '')
          count++
          test(url, () => {
            const r = parseGitUrl(url)
            assert.deepEqual([r.host, r.repoPath, r.subdir, r.ref], [host, repoPath, pathName, ref])
          })
        }
      }
    }
  }
  test('covers every permutation of the table', () => assert.equal(count, 16 * 2 * 3 * 5))
})

describe('parseGitUrl: kustomize TestNewRepoSpecFromUrlErrors', () => {
  const bad: [string, string, string][] = [
    ['absolute_path', '/tmp', 'uri looks like abs path'],
    ['relative path', '../../tmp', 'failed to parse scheme'],
    ['local path that looks somewhat like a github url', 'src/github.com/org/repo/path', 'failed to parse scheme'],
    ['no_slashes', 'iauhsdiuashduas', 'failed to parse scheme'],
    ['bad_scheme', 'htxxxtp://github.com/', 'failed to parse scheme'],
    ['no_org_repo', 'ssh://git.example.com', 'failed to parse repo path segment'],
    ['hashicorp_git_only', 'git::___', 'failed to parse scheme'],
    ['query_after_host', 'https://host?ref=group/version/minor_version', 'failed to parse repo path segment'],
    ['path_exits_repo', 'https://github.com/org/repo.git//path/../../exits/repo', 'url path exits repo'],
    ['bad github separator', 'github.com!org/repo.git//path', 'failed to parse scheme'],
    ['gh: prefix', 'gh:org/repo', 'failed to parse scheme'],
    ['invalid Github url missing orgrepo', 'https://github.com/thisisa404.yaml', 'failed to parse repo path segment'],
    ['file protocol with excessive slashes', 'file:////tmp//path/to/whatever', 'failed to parse repo path segment'],
    ['unsupported protocol after username', 'git@scp://github.com/org/repo.git//path', 'failed to parse repo path segment'],
    ['supported protocol after username', 'git@ssh://github.com/org/repo.git//path', 'failed to parse repo path segment'],
  ]
  for (const [name, url, message] of bad) {
    test(name, () => {
      assert.throws(() => parseGitUrl(url), (e: Error) => e.message.includes(message))
      assert.equal(tryParseGitUrl(url), undefined)
    })
  }
})

describe('parseGitUrl: kustomize TestNewRepoSpecFromUrl_Smoke', () => {
  // [name, input, cloneUrl, host, repoPath, subdir, ref]
  const cases: [string, string, string, string, string, string, string][] = [
    ['https aws code commit url', 'https://git-codecommit.us-east-2.amazonaws.com/someorg/somerepo/somedir', 'https://git-codecommit.us-east-2.amazonaws.com/someorg/somerepo', 'https://git-codecommit.us-east-2.amazonaws.com/', 'someorg/somerepo', 'somedir', ''],
    ['https aws code commit url with params', 'https://git-codecommit.us-east-2.amazonaws.com/someorg/somerepo/somedir?ref=testbranch', 'https://git-codecommit.us-east-2.amazonaws.com/someorg/somerepo', 'https://git-codecommit.us-east-2.amazonaws.com/', 'someorg/somerepo', 'somedir', 'testbranch'],
    ['legacy azure https url with params', 'https://fabrikops2.visualstudio.com/someorg/somerepo?ref=master', 'https://fabrikops2.visualstudio.com/someorg/somerepo', 'https://fabrikops2.visualstudio.com/', 'someorg/somerepo', '', 'master'],
    ['http github url without git suffix', 'http://github.com/someorg/somerepo/somedir', 'https://github.com/someorg/somerepo', 'https://github.com/', 'someorg/somerepo', 'somedir', ''],
    ['scp github url without git suffix', 'git@github.com:someorg/somerepo/somedir', 'git@github.com:someorg/somerepo', 'git@github.com:', 'someorg/somerepo', 'somedir', ''],
    ['http github url with git suffix', 'http://github.com/someorg/somerepo.git/somedir', 'https://github.com/someorg/somerepo.git', 'https://github.com/', 'someorg/somerepo.git', 'somedir', ''],
    ['scp github url with git suffix', 'git@github.com:someorg/somerepo.git/somedir', 'git@github.com:someorg/somerepo.git', 'git@github.com:', 'someorg/somerepo.git', 'somedir', ''],
    ['non-github_scp', 'git@gitlab2.sqtools.ru:infra/kubernetes/thanos-base.git?ref=v0.1.0', 'git@gitlab2.sqtools.ru:infra/kubernetes/thanos-base.git', 'git@gitlab2.sqtools.ru:', 'infra/kubernetes/thanos-base.git', '', 'v0.1.0'],
    ['non-github_scp with path delimiter', 'git@bitbucket.org:company/project.git//path?ref=branch', 'git@bitbucket.org:company/project.git', 'git@bitbucket.org:', 'company/project.git', 'path', 'branch'],
    ['non-github_scp incorrectly using slash', 'git@bitbucket.org/company/project.git//path?ref=branch', 'git@bitbucket.org/company/project.git', 'git@bitbucket.org/', 'company/project.git', 'path', 'branch'],
    ['non-github_git-user_ssh', 'ssh://git@bitbucket.org/company/project.git//path?ref=branch', 'ssh://git@bitbucket.org/company/project.git', 'ssh://git@bitbucket.org/', 'company/project.git', 'path', 'branch'],
    ['_git host delimiter in non-github url', 'https://itfs.mycompany.com/collection/project/_git/somerepos', 'https://itfs.mycompany.com/collection/project/_git/somerepos', 'https://itfs.mycompany.com/', 'collection/project/_git/somerepos', '', ''],
    ['_git host delimiter with params', 'https://itfs.mycompany.com/collection/project/_git/somerepos?version=v1.0.0', 'https://itfs.mycompany.com/collection/project/_git/somerepos', 'https://itfs.mycompany.com/', 'collection/project/_git/somerepos', '', 'v1.0.0'],
    ['_git host delimiter with kust root path and params', 'https://itfs.mycompany.com/collection/project/_git/somerepos/somedir?version=v1.0.0', 'https://itfs.mycompany.com/collection/project/_git/somerepos', 'https://itfs.mycompany.com/', 'collection/project/_git/somerepos', 'somedir', 'v1.0.0'],
    ['_git host delimiter with no kust root path', 'git::https://itfs.mycompany.com/collection/project/_git/somerepos', 'https://itfs.mycompany.com/collection/project/_git/somerepos', 'https://itfs.mycompany.com/', 'collection/project/_git/somerepos', '', ''],
    ['https bitbucket url with git suffix', 'https://bitbucket.example.com/scm/project/repository.git', 'https://bitbucket.example.com/scm/project/repository.git', 'https://bitbucket.example.com/', 'scm/project/repository.git', '', ''],
    ['ssh aws code commit url', 'ssh://git-codecommit.us-east-2.amazonaws.com/someorg/somerepo/somepath', 'ssh://git-codecommit.us-east-2.amazonaws.com/someorg/somerepo', 'ssh://git-codecommit.us-east-2.amazonaws.com/', 'someorg/somerepo', 'somepath', ''],
    ['scp Github with slash fixed to colon', 'git@github.com/someorg/somerepo/somepath', 'git@github.com:someorg/somerepo', 'git@github.com:', 'someorg/somerepo', 'somepath', ''],
    ['https Github with double slash path delimiter and params', 'https://github.com/kubernetes-sigs/kustomize//examples/multibases/dev/?ref=v1.0.6', 'https://github.com/kubernetes-sigs/kustomize', 'https://github.com/', 'kubernetes-sigs/kustomize', 'examples/multibases/dev/', 'v1.0.6'],
    ['file protocol with git-suffixed repo path and params', 'file://a/b/c/someRepo.git/somepath?ref=someBranch', 'file://a/b/c/someRepo.git', 'file://', 'a/b/c/someRepo.git', 'somepath', 'someBranch'],
    ['file protocol with two slashes, with kust root path and params', 'file://a/b/c/someRepo//somepath?ref=someBranch', 'file://a/b/c/someRepo', 'file://', 'a/b/c/someRepo', 'somepath', 'someBranch'],
    ['file protocol with two slashes, with ref and no kust root path', 'file://a/b/c/someRepo?ref=someBranch', 'file://a/b/c/someRepo', 'file://', 'a/b/c/someRepo', '', 'someBranch'],
    ['file protocol with three slashes, with ref and no kust root path', 'file:///a/b/c/someRepo?ref=someBranch', 'file:///a/b/c/someRepo', 'file://', '/a/b/c/someRepo', '', 'someBranch'],
    ['ssh Github with double-slashed path delimiter and params', 'ssh://git@github.com/kubernetes-sigs/kustomize//examples/multibases/dev?ref=v1.0.6', 'git@github.com:kubernetes-sigs/kustomize', 'git@github.com:', 'kubernetes-sigs/kustomize', 'examples/multibases/dev', 'v1.0.6'],
    ['file protocol with three slashes, no kust root path or params', 'file:///a/b/c/someRepo', 'file:///a/b/c/someRepo', 'file://', '/a/b/c/someRepo', '', ''],
    ['file protocol with three slashes, no repo or kust root path or params', 'file:///', 'file:///', 'file://', '/', '', ''],
    ['arbitrary https host with double-slash path delimiter', 'https://example.org/path/to/repo//examples/multibases/dev', 'https://example.org/path/to/repo', 'https://example.org/', 'path/to/repo', 'examples/multibases/dev', ''],
    ['arbitrary https host with .git repo suffix', 'https://example.org/path/to/repo.git/examples/multibases/dev', 'https://example.org/path/to/repo.git', 'https://example.org/', 'path/to/repo.git', 'examples/multibases/dev', ''],
    ['arbitrary ssh host with double-slash path delimiter', 'ssh://alice@example.com/path/to/repo//examples/multibases/dev', 'ssh://alice@example.com/path/to/repo', 'ssh://alice@example.com/', 'path/to/repo', 'examples/multibases/dev', ''],
    ['query_slash', 'https://authority/org/repo?ref=group/version', 'https://authority/org/repo', 'https://authority/', 'org/repo', '', 'group/version'],
    ['query_git_delimiter', 'https://authority/org/repo/?ref=includes_git/for_some_reason', 'https://authority/org/repo', 'https://authority/', 'org/repo', '', 'includes_git/for_some_reason'],
    ['query_git_suffix', 'https://authority/org/repo/?ref=includes.git/for_some_reason', 'https://authority/org/repo', 'https://authority/', 'org/repo', '', 'includes.git/for_some_reason'],
    ['non_parsable_path', 'https://authority/org/repo/%-invalid-uri-so-not-parsable-by-net/url.Parse', 'https://authority/org/repo', 'https://authority/', 'org/repo', '%-invalid-uri-so-not-parsable-by-net/url.Parse', ''],
    ['non-git username with non-github host', 'ssh://myusername@bitbucket.org/ourteamname/ourrepositoryname.git//path?ref=branch', 'ssh://myusername@bitbucket.org/ourteamname/ourrepositoryname.git', 'ssh://myusername@bitbucket.org/', 'ourteamname/ourrepositoryname.git', 'path', 'branch'],
    ['username-like filepath with file protocol', 'file://git@home/path/to/repository.git//path?ref=branch', 'file://git@home/path/to/repository.git', 'file://', 'git@home/path/to/repository.git', 'path', 'branch'],
    ['username with http protocol', 'http://git@home.com/path/to/repository.git//path?ref=branch', 'http://git@home.com/path/to/repository.git', 'http://git@home.com/', 'path/to/repository.git', 'path', 'branch'],
    ['username with https protocol', 'https://git@home.com/path/to/repository.git//path?ref=branch', 'https://git@home.com/path/to/repository.git', 'https://git@home.com/', 'path/to/repository.git', 'path', 'branch'],
    ['complex github ssh url from docs', 'ssh://git@ssh.github.com:443/YOUR-USERNAME/YOUR-REPOSITORY.git', 'ssh://git@ssh.github.com:443/YOUR-USERNAME/YOUR-REPOSITORY.git', 'ssh://git@ssh.github.com:443/', 'YOUR-USERNAME/YOUR-REPOSITORY.git', '', ''],
    ['colon behind slash not scp delimiter', 'git@gitlab.com/user:name/YOUR-REPOSITORY.git/path', 'git@gitlab.com/user:name/YOUR-REPOSITORY.git', 'git@gitlab.com/', 'user:name/YOUR-REPOSITORY.git', 'path', ''],
    ['gitlab URLs with explicit git suffix', 'git@gitlab.com:gitlab-tests/sample-project.git', 'git@gitlab.com:gitlab-tests/sample-project.git', 'git@gitlab.com:', 'gitlab-tests/sample-project.git', '', ''],
    ['gitlab URLs without explicit git suffix', 'git@gitlab.com:gitlab-tests/sample-project', 'git@gitlab.com:gitlab-tests/sample-project', 'git@gitlab.com:', 'gitlab-tests/sample-project', '', ''],
    ['azure host with _git and // path separator', 'https://username@dev.azure.com/org/project/_git/repo//path/to/kustomization/root', 'https://username@dev.azure.com/org/project/_git/repo', 'https://username@dev.azure.com/', 'org/project/_git/repo', 'path/to/kustomization/root', ''],
    ['legacy format azure host with _git', 'https://org.visualstudio.com/project/_git/repo/path/to/kustomization/root', 'https://org.visualstudio.com/project/_git/repo', 'https://org.visualstudio.com/', 'project/_git/repo', 'path/to/kustomization/root', ''],
    ['ssh on github with custom username', 'ssh://org-12345@github.com/kubernetes-sigs/kustomize', 'org-12345@github.com:kubernetes-sigs/kustomize', 'org-12345@github.com:', 'kubernetes-sigs/kustomize', '', ''],
    ['scp on github with custom username', 'org-12345@github.com/kubernetes-sigs/kustomize', 'org-12345@github.com:kubernetes-sigs/kustomize', 'org-12345@github.com:', 'kubernetes-sigs/kustomize', '', ''],
    ['scp format gist url', 'git@gist.github.com:bc7947cb727d7f9217e7862d961a1ffd.git', 'git@gist.github.com:bc7947cb727d7f9217e7862d961a1ffd.git', 'git@gist.github.com:', 'bc7947cb727d7f9217e7862d961a1ffd.git', '', ''],
    ['https gist url', 'https://gist.github.com/bc7947cb727d7f9217e7862d961a1ffd.git', 'https://gist.github.com/bc7947cb727d7f9217e7862d961a1ffd.git', 'https://gist.github.com/', 'bc7947cb727d7f9217e7862d961a1ffd.git', '', ''],
  ]
  for (const [name, input, cloneUrl, host, repoPath, subdir, ref] of cases) {
    test(name, () => {
      const r = parseGitUrl(input)
      assert.deepEqual({cloneUrl: r.cloneUrl, host: r.host, repoPath: r.repoPath, subdir: r.subdir, ref: r.ref, raw: r.raw}, {cloneUrl, host, repoPath, subdir, ref, raw: input})
    })
  }
})

describe('parseQuery: kustomize TestParseQuery', () => {
  // kustomize clones submodules unless told not to; strata only when told to (see GitRemote.submodules).
  const cases: [string, string, string, boolean, number][] = [
    ['empty', '', '', false, defaultGitTimeoutMs],
    ['ref', 'ref=v1.0.0', 'v1.0.0', false, defaultGitTimeoutMs],
    ['ref_slash', 'ref=kustomize/v4.5.7', 'kustomize/v4.5.7', false, defaultGitTimeoutMs],
    ['version', 'version=master', 'master', false, defaultGitTimeoutMs],
    ['ref_and_version', 'version=master&ref=v1.0.0', 'v1.0.0', false, defaultGitTimeoutMs],
    ['empty_submodules', 'version=master&submodules=', 'master', false, defaultGitTimeoutMs],
    ['bad_submodules', 'version=master&submodules=maybe', 'master', false, defaultGitTimeoutMs],
    ['submodules_true', 'version=master&submodules=true', 'master', true, defaultGitTimeoutMs],
    ['submodules_false', 'version=master&submodules=false', 'master', false, defaultGitTimeoutMs],
    ['empty_timeout', 'version=master&timeout=', 'master', false, defaultGitTimeoutMs],
    ['bad_timeout', 'version=master&timeout=jiffy', 'master', false, defaultGitTimeoutMs],
    ['zero_timeout', 'version=master&timeout=0', 'master', false, defaultGitTimeoutMs],
    ['zero_unit_timeout', 'version=master&timeout=0s', 'master', false, defaultGitTimeoutMs],
    ['timeout', 'version=master&timeout=61', 'master', false, 61_000],
    ['timeout_unit', 'version=master&timeout=1m1s', 'master', false, 61_000],
    ['all', 'version=master&submodules=false&timeout=1m1s', 'master', false, 61_000],
    // beyond kustomize's table: Go's url.ParseQuery and time.ParseDuration rules
    ['fractional duration', 'timeout=1.5m', '', false, 90_000],
    ['milliseconds', 'timeout=250ms', '', false, 250],
    ['negative timeout is ignored', 'timeout=-5', '', false, defaultGitTimeoutMs],
    ['percent-encoded ref', 'ref=feature%2Fx', 'feature/x', false, defaultGitTimeoutMs],
    ['submodules=1', 'submodules=1', '', true, defaultGitTimeoutMs],
    ['a malformed escape drops the whole query, as Go does', 'ref=v1&timeout=%zz', '', false, defaultGitTimeoutMs],
    ['a semicolon drops the whole query, as Go does', 'ref=v1;x', '', false, defaultGitTimeoutMs],
  ]
  for (const [name, query, ref, submodules, timeoutMs] of cases) {
    test(name, () => assert.deepEqual(parseQuery(query), {ref, submodules, timeoutMs}))
  }
  test('defaults on a URL without a query', () => {
    const r = parseGitUrl('https://github.com/org/repo')
    assert.equal(r.timeoutMs, defaultGitTimeoutMs)
    assert.equal(r.submodules, false)
  })
})

describe('isRemoteFileUrl: what kustomize GETs before trying git', () => {
  for (const [url, expected] of [
    ['https://example.com/x/deployment.yaml', true],
    ['http://127.0.0.1:8080/cm.yaml', true],
    ['HTTPS://example.com/a.yaml', true],
    ['file:///tmp/repo', false],
    ['git@github.com:org/repo', false],
    ['github.com/org/repo', false],
    ['deployment.yaml', false],
    ['../base', false],
  ] as const) {
    test(url, () => assert.equal(isRemoteFileUrl(url), expected))
  }
})

describe('tryParseGitUrl answers local paths without parsing, as parseGitUrl would', () => {
  // Entries without ':' or '@' skip the parse: the answer must be the parse's own.
  const entries = ['../../base', 'base', 'deployment.yaml', './overlays/prod?ref=main', 'github.com/org/repo', 'GitHub.com/org/repo//dir?ref=v1', 'github.com!org/repo', 'githubXcom/org/repo', 'gitlab.com/org/repo', 'git@github.com:org/repo', 'user@host.example/org/repo', 'a@b', 'https://example.com/org/repo', 'git::https://example.com/org/repo', 'file:///tmp/repo', '_git/x', 'org/repo.git//path', '']
  for (const entry of entries) {
    test(entry || '(empty)', () => {
      let parsed: unknown
      try {
        parsed = parseGitUrl(entry)
      } catch {
        parsed = undefined
      }
      assert.deepEqual(tryParseGitUrl(entry), parsed)
    })
  }
})
