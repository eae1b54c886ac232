import assert from 'node:assert/strict'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {describe, test} from 'node:test'
import {pathToFileURL} from 'node:url'
import {UserError} from '../../../src/model/errors.js'
import {localRepoUrl} from '../../../src/source/local-repo.js'

describe('localRepoUrl (sync and watch --repo)', () => {
  test('a directory, relative or absolute, becomes its file:// URL; URLs and scp-style pass through', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-local-repo-'))
    assert.equal(localRepoUrl(dir), pathToFileURL(dir).href)
    assert.equal(localRepoUrl(path.relative(process.cwd(), dir)), pathToFileURL(dir).href)
    for (const url of ['https://git.example.com/org/deploy.git', 'ssh://git@host/org/repo', 'git@host:org/repo.git', 'file:///srv/git/deploy.git', 'ext::sh -c x', '-upload-pack=x']) {
      assert.equal(localRepoUrl(url), url, url)
    }
  })

  test('a path that names no directory is refused naming the flag and where it looked', () => {
    const missing = path.join(os.tmpdir(), 'strata-no-such-repo', 'deploy')
    assert.throws(
      () => localRepoUrl(missing),
      (e: unknown) => e instanceof UserError && e.message === `--repo ${missing}: no directory ${missing} on this machine` && e.origin.field === '--repo' && /bare repository/.test(e.hint ?? ''),
    )
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'strata-local-repo-')), 'notes.txt')
    fs.writeFileSync(file, '')
    assert.throws(() => localRepoUrl(file), /no directory/)
  })
})
