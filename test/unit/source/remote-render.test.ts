// Rendering trees whose resources and components are remote: git bases in local bare repositories
// (file:// URLs, which kustomize accepts too) and plain HTTP files from a loopback server. The
// expected output is `kubectl kustomize` run on the same tree at test time (absolute tmp paths
// cannot live in goldens).
import assert from 'node:assert/strict'
import {execFile} from 'node:child_process'
import * as fs from 'node:fs'
import * as http from 'node:http'
import type {AddressInfo} from 'node:net'
import * as path from 'node:path'
import {after, before, describe, test} from 'node:test'
import {promisify} from 'node:util'
import {UserError} from '../../../src/model/errors.js'
import {renderKustomization} from '../../../src/render/index.js'
import {GitCache} from '../../../src/source/git-cache.js'
import {RemoteResolver} from '../../../src/source/remote-resolver.js'
import {configMapBase, countingRunner, LocalRepo, tmpDir, under} from './git-repos.js'

const run = promisify(execFile)

/** kubectl kustomize, asynchronously: the HTTP server in this process must keep answering meanwhile. */
async function kubectlKustomize(dir: string): Promise<string> {
  const {stdout} = await run('kubectl', ['kustomize', dir], {maxBuffer: 64 * 1024 * 1024, env: {...process.env, HOME: path.dirname(dir)}})
  return stdout
}

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        envFrom:
        - configMapRef: {name: settings}
`

interface Served {
  url: string
  requests: {path: string; conditional: boolean; status: number}[]
  close(): Promise<void>
}

async function serve(files: Record<string, string>): Promise<Served> {
  const requests: Served['requests'] = []
  const server = http.createServer((req, res) => {
    const body = files[req.url ?? '']
    const etag = body === undefined ? undefined : `"${Buffer.from(body).toString('base64url').slice(0, 16)}-${body.length}"`
    const conditional = req.headers['if-none-match'] !== undefined
    let status = 200
    if (body === undefined) status = 404
    else if (conditional && req.headers['if-none-match'] === etag) status = 304
    requests.push({path: req.url ?? '', conditional, status})
    res.writeHead(status, etag ? {etag, 'content-type': 'application/yaml'} : {})
    res.end(status === 200 ? body : undefined)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const {port} = server.address() as AddressInfo
  return {url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((resolve) => server.close(() => resolve()))}
}

describe('render with remote bases', () => {
  let root: string
  let platform: LocalRepo
  let served: Served
  let v1: string

  before(async () => {
    root = tmpDir('strata-remote-render-')
    platform = new LocalRepo(root, 'platform')
    v1 = platform.commit({
      ...under('base', {...configMapBase('settings', 'one'), 'deployment.yaml': deployment, 'kustomization.yaml': 'resources:\n- cm.yaml\n- deployment.yaml\n'}),
      ...under('other', configMapBase('other', 'x')),
      'nested/kustomization.yaml': 'namePrefix: nested-\nresources:\n- ../other\ncommonLabels:\n  tier: nested\n',
      'components/extra/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\ncommonAnnotations:\n  extra: "yes"\nconfigMapGenerator:\n- name: extra\n  literals:\n  - a=b\n',
      'escape/kustomization.yaml': 'resources:\n- ../../../../outside\n',
      'leak/kustomization.yaml': 'resources:\n- link.yaml\n',
      'points-back/kustomization.yaml': `resources:\n- file://${root}/platform.git//base\n`,
    })
    fs.symlinkSync(path.join(root, 'secret.yaml'), path.join(platform.work, 'leak/link.yaml'))
    platform.commit({}, 'symlink')
    platform.tag('v1')
    fs.mkdirSync(path.join(root, 'outside'))
    fs.writeFileSync(path.join(root, 'outside/kustomization.yaml'), 'resources:\n- cm.yaml\n')
    fs.writeFileSync(path.join(root, 'outside/cm.yaml'), configMapBase('outside', 'x')['cm.yaml'])
    fs.writeFileSync(path.join(root, 'secret.yaml'), configMapBase('secret', 'x')['cm.yaml'])
    served = await serve({'/service.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - port: 80\n', '/big.yaml': 'x'.repeat(4096)})
  })
  after(() => served.close())

  function app(name: string, kustomization: string): string {
    const dir = path.join(root, name)
    fs.mkdirSync(dir, {recursive: true})
    fs.writeFileSync(path.join(dir, 'kustomization.yaml'), kustomization)
    return dir
  }

  function resolver(cacheDir: string, offline = false, runner = countingRunner(), maxBytes?: number) {
    return {runner, remote: new RemoteResolver({cache: new GitCache({dir: cacheDir, offline, git: runner}), http: maxBytes ? {maxBytes} : {}})}
  }

  const mainApp = () =>
    app(
      'app',
      `namePrefix: app-
resources:
- file://${root}/platform.git//base?ref=v1
- git::file://${root}/platform.git//nested?version=main&timeout=60
- ${served.url}/service.yaml
components:
- file://${root}/platform.git//components/extra?ref=v1
`,
    )

  test('renders git bases (//subdir, ?ref, ?version, git::), a remote component and an HTTP file exactly as kubectl kustomize', async () => {
    const dir = mainApp()
    const expected = await kubectlKustomize(dir)
    const {remote} = resolver(path.join(root, 'cache-1'))
    const result = await renderKustomization(dir, {remote})
    assert.equal(result.yaml, expected)
    assert.match(result.yaml, /name: app-nested-other/)
    assert.match(result.yaml, /kind: Service/)
  })

  test('the second render hits the cache: no fetch, no checkout, a 304 for the HTTP file', async () => {
    const dir = mainApp()
    const cacheDir = path.join(root, 'cache-2')
    const first = await renderKustomization(dir, resolver(cacheDir))
    const {runner, remote} = resolver(cacheDir)
    served.requests.length = 0
    const second = await renderKustomization(dir, {remote})
    assert.equal(second.yaml, first.yaml)
    assert.equal(runner.count('fetch'), 0, runner.commands.join(' '))
    assert.equal(runner.count('checkout'), 0)
    assert.equal(runner.count('ls-remote'), 2, 'the refs v1 and main are re-resolved, once each')
    assert.deepEqual(served.requests, [{path: '/service.yaml', conditional: true, status: 304}])
  })

  test('--offline renders from the cache with no git remote access and no HTTP; fails clearly when not cached', async () => {
    const dir = mainApp()
    const cacheDir = path.join(root, 'cache-3')
    const online = await renderKustomization(dir, resolver(cacheDir))
    const {runner, remote} = resolver(cacheDir, true)
    served.requests.length = 0
    const offline = await renderKustomization(dir, {remote})
    assert.equal(offline.yaml, online.yaml)
    assert.equal(runner.count('ls-remote') + runner.count('fetch'), 0, runner.commands.join(' '))
    assert.deepEqual(served.requests, [])
    await assert.rejects(renderKustomization(dir, resolver(path.join(root, 'empty-cache'), true)), (e: unknown) => {
      assert.ok(e instanceof UserError)
      assert.match(e.message, /not in the cache/)
      assert.match(e.message, /--offline/)
      assert.match(e.origin.file ?? '', /kustomization\.yaml$/)
      assert.match(e.origin.field ?? '', /^(resources|components)\[\d\]$/)
      return true
    })
  })

  test('a moving branch is re-resolved: a new commit on main shows in the next render', async () => {
    const dir = app('follow', `resources:\n- file://${root}/platform.git//base?ref=main\n`)
    const cacheDir = path.join(root, 'cache-4')
    const before = await renderKustomization(dir, resolver(cacheDir))
    assert.match(before.yaml, /value: one/)
    platform.commit(under('base', configMapBase('settings', 'two')), 'two')
    const afterPush = await renderKustomization(dir, resolver(cacheDir))
    assert.match(afterPush.yaml, /value: two/)
    assert.equal(afterPush.yaml, await kubectlKustomize(dir))
    const offline = await renderKustomization(dir, resolver(cacheDir, true))
    assert.equal(offline.yaml, afterPush.yaml)
    // The tag still names the old commit.
    const pinned = app('pinned', `resources:\n- file://${root}/platform.git//base?ref=${v1}\n`)
    assert.match((await renderKustomization(pinned, resolver(cacheDir))).yaml, /value: one/)
  })

  test('a remote kustomization cannot reach outside its repository', async () => {
    const cacheDir = path.join(root, 'cache-5')
    const cases: [string, RegExp][] = [
      ['escape', /must be within the repo/],
      ['leak', /security; file 'link.yaml' is not in or below/],
      ['points-back', /may not refer to the local repository/],
    ]
    for (const [sub, message] of cases) {
      const dir = app(`bad-${sub}`, `resources:\n- file://${root}/platform.git//${sub}?ref=v1\n`)
      await assert.rejects(renderKustomization(dir, {...resolver(cacheDir), loadRestrictor: 'none'}), (e: unknown) => e instanceof UserError && message.test(e.message), sub)
    }
  })

  test('bad remote entries are UserErrors naming the kustomization and field; injected refs never run', async () => {
    const cacheDir = path.join(root, 'cache-6')
    const marker = path.join(root, 'pwned')
    const cases: [string, RegExp][] = [
      [`file://${root}/platform.git//base?ref=no-such-ref`, /does not name a branch, tag or commit/],
      [`file://${root}/platform.git//base?ref=--upload-pack=touch%20${marker}`, /refusing git ref/],
      [`file://${root}/platform.git//no-such-dir?ref=v1`, /'no-such-dir' does not exist in file:\/\//],
      [`file://${root}/platform.git//base/cm.yaml?ref=v1`, /is a file; expecting a directory/],
      [`file://${root}/missing.git//base`, /missing\.git/],
      [`${served.url}/missing.yaml`, /HTTP status 404/],
    ]
    for (const [entry, message] of cases) {
      const dir = app('bad', `resources:\n- ${entry}\n`)
      await assert.rejects(renderKustomization(dir, resolver(cacheDir)), (e: unknown) => {
        assert.ok(e instanceof UserError, String(e))
        assert.match(e.message, message)
        assert.match(e.origin.file ?? '', /kustomization\.yaml$/)
        return true
      }, entry)
    }
    assert.equal(fs.existsSync(marker), false)
  })

  test('an HTTP file larger than the cap is refused', async () => {
    const dir = app('big', `resources:\n- ${served.url}/big.yaml\n`)
    await assert.rejects(renderKustomization(dir, resolver(path.join(root, 'cache-7'), false, countingRunner(), 1024)), (e: unknown) => e instanceof UserError && /larger than 1024 bytes/.test(e.message))
  })

  test('a tree without remote entries renders in one pass without git', async () => {
    const dir = app('local', 'resources:\n- cm.yaml\n')
    fs.writeFileSync(path.join(dir, 'cm.yaml'), configMapBase('local', 'x')['cm.yaml'])
    const {runner, remote} = resolver(path.join(root, 'cache-8'))
    await renderKustomization(dir, {remote})
    assert.deepEqual(runner.commands, [])
    assert.equal(fs.existsSync(path.join(root, 'cache-8')), false, 'the cache is not even created')
  })
})
