// `strata render` with a remote base as users run it (bin/run.js over the built dist/): --cache-dir,
// STRATA_CACHE_DIR, --offline, and the one-paragraph error with exit code 2.
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import {test} from 'node:test'
import {configMapBase, LocalRepo, tmpDir, under} from './git-repos.js'

const bin = path.resolve('bin/run.js')

function strata(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [bin, ...args], {encoding: 'utf8', env: {...process.env, ...env}})
  return {code: r.status, stdout: r.stdout, stderr: r.stderr}
}

test('render --cache-dir fills the cache; --offline renders from it; an empty cache fails with exit 2', () => {
  const root = tmpDir('strata-remote-cli-')
  const repo = new LocalRepo(root, 'base')
  repo.commit(under('app', configMapBase('settings', 'cli')))
  const dir = path.join(root, 'overlay')
  fs.mkdirSync(dir)
  fs.writeFileSync(path.join(dir, 'kustomization.yaml'), `namePrefix: prod-\nresources:\n- ${repo.url}//app?ref=main\n`)
  const expected = spawnSync('kubectl', ['kustomize', dir], {encoding: 'utf8'}).stdout
  const cacheDir = path.join(root, 'cache')

  const online = strata(['render', dir, '--cache-dir', cacheDir])
  assert.equal(online.code, 0, online.stderr)
  assert.equal(online.stdout, expected)
  assert.ok(fs.readdirSync(path.join(cacheDir, 'trees')).length === 1)

  const offline = strata(['render', dir, '--offline'], {STRATA_CACHE_DIR: cacheDir})
  assert.equal(offline.code, 0, offline.stderr)
  assert.equal(offline.stdout, expected)

  const missing = strata(['render', dir, '--offline', '--cache-dir', path.join(root, 'empty')])
  assert.equal(missing.code, 2)
  assert.equal(missing.stdout, '')
  assert.match(missing.stderr, /kustomization\.yaml/)
  assert.match(missing.stderr, /resources\[0\]/)
  assert.match(missing.stderr, /--offline/)
  assert.doesNotMatch(missing.stderr, /\n\s+at /, 'no stack trace')
})
