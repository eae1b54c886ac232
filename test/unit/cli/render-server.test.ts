// The render server (src/cli/render-server/) on the built CLI: a call it answers prints what the
// call would have printed rendering by itself (stdout, stderr, exit code), every fixture renders
// through one long-lived server as kubectl kustomize rendered it (twice over, so no render leaves
// anything behind for the next), and whatever goes wrong — no server, a dead one, a killed one, a
// remote base, a directory others can reach — the call renders by itself, correctly. Not timed:
// the waits are hang guards.
import assert from 'node:assert/strict'
import {spawn, spawnSync} from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {after, before, describe, test} from 'node:test'
import {askRenderServer, renderServerMode, renderServerSocketFor, shouldStartServer} from '../../../src/cli/render-server/client.js'
import {isPrivateDirectory, renderBuildId, renderServerSocket} from '../../../src/cli/render-server/location.js'
import {decodeReply, decodeRequest, encodeReply, encodeRequest, protocolVersion} from '../../../src/cli/render-server/protocol.js'
import {listFixtures} from '../../conformance/fixture-support.js'

const bin = path.resolve('bin/run.js')
const bundle = path.resolve('dist/bundle/fast-render.cjs')
const shop = 'examples/shop/overlays/prod'
const defaultFlags = {'load-restrictor': 'rootOnly', 'max-input-bytes': 256 * 1024 * 1024, offline: false, 'enable-helm': false, 'helm-command': 'helm', quiet: false}

test('requests and replies survive the socket; a reply cut short is no reply', () => {
  const request = {protocol: protocolVersion, dir: 'a b', cwd: '/x', flags: {quiet: true}}
  assert.deepEqual(decodeRequest(encodeRequest(request)), request)
  assert.equal(decodeRequest('{"protocol":1'), undefined, 'no newline yet: wait for more')
  const whole = Buffer.concat(encodeReply({exitCode: 2, stdout: Buffer.from('é\n'), stderr: Buffer.from('bad\n')}))
  assert.deepEqual(decodeReply(whole), {exitCode: 2, stdout: Buffer.from('é\n'), stderr: Buffer.from('bad\n')})
  assert.equal(decodeReply(whole.subarray(0, whole.length - 1)), undefined)
  assert.equal(decodeReply(Buffer.concat([whole, Buffer.from('x')])), undefined)
  assert.equal(decodeReply(Buffer.from('not json\n')), undefined)
  assert.equal(decodeReply(Buffer.alloc(0)), undefined)
  assert.deepEqual(decodeReply(Buffer.concat(encodeReply({fallback: 'remote entry'}))), {fallback: 'remote entry'})
})

test('STRATA_RENDER_SERVER and CI decide the mode; output to files and helm always render in the caller', () => {
  assert.equal(renderServerMode({}), 'auto')
  assert.equal(renderServerMode({CI: 'true'}), 'off')
  assert.equal(renderServerMode({CI: 'false'}), 'auto')
  assert.equal(renderServerMode({CI: 'true', STRATA_RENDER_SERVER: 'on'}), 'on')
  assert.equal(renderServerMode({STRATA_RENDER_SERVER: 'off'}), 'off')
  assert.equal(shouldStartServer({}, 50), false, 'a quick render starts nothing')
  assert.equal(shouldStartServer({}, 5000), true)
  assert.equal(shouldStartServer({CI: '1'}, 5000), false)
  assert.equal(shouldStartServer({STRATA_RENDER_SERVER: 'on'}, 1), true)
  const env = {TMPDIR: '/tmp'}
  assert.ok(renderServerSocketFor(bundle, defaultFlags, env))
  assert.ok(renderServerSocketFor(bundle, {...defaultFlags, output: 'json'}, env))
  assert.equal(renderServerSocketFor(bundle, {...defaultFlags, output: 'out.yaml'}, env), undefined)
  assert.equal(renderServerSocketFor(bundle, {...defaultFlags, output: 'split/'}, env), undefined)
  assert.equal(renderServerSocketFor(bundle, {...defaultFlags, 'enable-helm': true}, env), undefined)
  assert.equal(renderServerSocketFor(bundle, defaultFlags, {STRATA_RENDER_SERVER: 'off'}), undefined)
})

test('the socket is named for the build, the Node version and the protocol, in a directory of this user', () => {
  const id = renderBuildId(bundle)
  assert.match(id ?? '', /^\w+$/)
  const socket = renderServerSocket(id!, {XDG_RUNTIME_DIR: '/run/user/1000'})!
  assert.equal(path.dirname(socket), `/run/user/1000/strata-${process.getuid!()}`)
  assert.ok(path.basename(socket).includes(id!) && path.basename(socket).includes(process.version) && path.basename(socket).endsWith(`-p${protocolVersion}.sock`))
  assert.equal(renderServerSocket(id!, {XDG_RUNTIME_DIR: `/${'x'.repeat(120)}`}), undefined, 'too long for a socket name')
  assert.equal(renderBuildId('/nonexistent/bundle.cjs'), undefined)
})

test('only a directory of this user that nobody else can reach holds a server', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-private-'))
  const mine = path.join(tmp, 'mine')
  fs.mkdirSync(mine, {mode: 0o700})
  assert.equal(isPrivateDirectory(mine), true)
  const open = path.join(tmp, 'open')
  fs.mkdirSync(open)
  fs.chmodSync(open, 0o777)
  assert.equal(isPrivateDirectory(open), false)
  fs.chmodSync(open, 0o710)
  assert.equal(isPrivateDirectory(open), false, 'group may enter')
  fs.symlinkSync(mine, path.join(tmp, 'link'))
  assert.equal(isPrivateDirectory(path.join(tmp, 'link')), false, 'a symlink to a private directory is not one')
  assert.equal(isPrivateDirectory(path.join(tmp, 'missing')), false)
})

// Every sandbox's servers are stopped and its directory removed when the file's tests are done,
// whether they passed or not.
const sandboxes: {tmp: string; socket: string}[] = []
after(() => {
  for (const box of sandboxes) {
    stopServers(box.socket)
    fs.rmSync(box.tmp, {recursive: true, force: true})
  }
})

/** A sandbox for servers: its own temporary directory (so its own socket), and a way to run the CLI in it. */
function sandbox(extraEnv: Record<string, string> = {}) {
  const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'strata-rs-')))
  const {XDG_RUNTIME_DIR: _runtime, CI: _ci, ...inherited} = process.env
  const env: NodeJS.ProcessEnv = {...inherited, TMPDIR: tmp, STRATA_RENDER_SERVER: 'on', STRATA_RENDER_SERVER_TRACE: '1', STRATA_RENDER_SERVER_IDLE: '120', ...extraEnv}
  const socket = renderServerSocket(renderBuildId(bundle)!, env)!
  sandboxes.push({tmp, socket})
  const run = (args: string[], opts: {cwd?: string; env?: Record<string, string>} = {}) => {
    const r = spawnSync(process.execPath, [bin, ...args], {encoding: 'utf8', cwd: opts.cwd, env: {...env, ...opts.env}})
    const trace = r.stderr.split('\n').filter((l) => l.startsWith('strata: render server: '))
    const stderr = r.stderr.split('\n').filter((l) => !l.startsWith('strata: render server: ')).join('\n')
    return {code: r.status, stdout: r.stdout, stderr, trace: trace.map((l) => l.slice('strata: render server: '.length))}
  }
  return {tmp, env, socket, run}
}

/** Waits until `check` holds; the test's own timeout is the hang guard. */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 50))
}

function serverPids(socket: string): number[] {
  const out = spawnSync('pgrep', ['-f', 'strata-render-server'], {encoding: 'utf8'}).stdout
  // Ours: the process whose environment names this sandbox's temporary directory.
  return out
    .split('\n')
    .filter(Boolean)
    .map(Number)
    .filter((pid) => {
      try {
        return fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`TMPDIR=${path.dirname(path.dirname(socket))}`)
      } catch {
        return false
      }
    })
}

function stopServers(socket: string): void {
  for (const pid of serverPids(socket)) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // gone already
    }
  }
}

describe('strata render through a render server', {timeout: 120_000}, () => {
  const box = sandbox()
  before(async () => {
    const first = box.run(['render', shop])
    assert.equal(first.code, 0, first.stderr)
    assert.deepEqual(first.trace, ['rendered here: no server', 'starting one'])
    await until(() => fs.existsSync(box.socket))
  }, {timeout: 60_000})
  after(() => stopServers(box.socket))

  const cases: {name: string; args: string[]; cwd?: string}[] = [
    {name: 'render DIR', args: ['render', shop]},
    {name: 'render -o json', args: ['render', shop, '-o', 'json']},
    {name: 'render with deprecation warnings', args: ['render', 'fixtures/64-deprecated-bases/input']},
    {name: 'render with warnings, --quiet', args: ['render', 'fixtures/64-deprecated-bases/input', '--quiet']},
    {name: 'render of a missing directory', args: ['render', 'no/such/dir']},
    {name: 'render of an invalid tree', args: ['render', 'fixtures/89-error-missing-resource-file/input']},
    {name: 'render of a relative directory from another working directory', args: ['render', 'overlays/prod'], cwd: 'examples/shop'},
    {name: 'render of an invalid tree from another working directory', args: ['render', '../input'], cwd: 'fixtures/89-error-missing-resource-file/input'},
  ]
  for (const c of cases) {
    test(`the server prints what the call prints by itself: ${c.name}`, () => {
      const served = box.run(c.args, {cwd: c.cwd})
      const own = box.run(c.args, {cwd: c.cwd, env: {STRATA_RENDER_SERVER: 'off'}})
      assert.deepEqual(served.trace, ['rendered by the server'])
      assert.deepEqual(own.trace, [])
      assert.deepEqual({code: served.code, stdout: served.stdout, stderr: served.stderr}, {code: own.code, stdout: own.stdout, stderr: own.stderr})
    })
  }

  test('-o FILE and --enable-helm render in the calling process', () => {
    const out = path.join(box.tmp, 'out.yaml')
    const r = box.run(['render', shop, '-o', out])
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(r.trace, [])
    assert.ok(fs.readFileSync(out, 'utf8').includes('kind: Deployment'))
  })

  test('every fixture renders through one server as kubectl kustomize rendered it, twice over', async () => {
    const fixtures = listFixtures().filter((f) => f.flags.length === 0 || f.flags.every((x) => x === '--load-restrictor=LoadRestrictionsNone'))
    assert.ok(fixtures.length > 150, `${fixtures.length} fixtures`)
    for (const round of [1, 2]) {
      // The second round in reverse: whatever one render might leave behind meets other trees.
      for (const f of round === 1 ? fixtures : [...fixtures].reverse()) {
        const flags = {...defaultFlags, 'load-restrictor': f.flags.length ? 'none' : 'rootOnly'}
        const reply = await askRenderServer(box.socket, {protocol: protocolVersion, dir: f.inputDir, cwd: process.cwd(), flags})
        assert.ok(reply && !('fallback' in reply), `${f.name}: the server rendered it (${JSON.stringify(reply && 'fallback' in reply ? reply.fallback : reply)})`)
        const where = `${f.name}, round ${round}`
        if (f.expectedError) {
          assert.equal(reply.exitCode, 2, where)
          const text = reply.stderr.toString('utf8')
          for (const needle of f.expectedError) assert.ok(text.includes(needle), `${where}: stderr lacks ${JSON.stringify(needle)}:\n${text}`)
          continue
        }
        assert.equal(reply.exitCode, 0, `${where}: ${reply.stderr.toString('utf8')}`)
        assert.equal(reply.stdout.toString('utf8'), f.expectedYaml, where)
        assert.equal(reply.stderr.toString('utf8'), f.expectedStderr, where)
      }
    }
  })

  test('a tree with a remote base goes back to the caller, which renders it with its own environment', () => {
    const tree = path.join(box.tmp, 'remote')
    fs.mkdirSync(tree)
    fs.writeFileSync(path.join(tree, 'kustomization.yaml'), 'resources:\n- https://127.0.0.1:9/nothing/here.yaml\n')
    const served = box.run(['render', tree, '--offline'])
    const own = box.run(['render', tree, '--offline'], {env: {STRATA_RENDER_SERVER: 'off'}})
    assert.deepEqual(served.trace, ["rendered here: remote entry 'https://127.0.0.1:9/nothing/here.yaml'"])
    assert.equal(served.code, 2)
    assert.deepEqual({code: served.code, stdout: served.stdout, stderr: served.stderr}, {code: own.code, stdout: own.stdout, stderr: own.stderr})
  })

  test('a killed server costs nothing but time: the call renders by itself and starts another', async () => {
    const before = serverPids(box.socket)
    assert.equal(before.length, 1, 'one server runs for the sandbox')
    process.kill(before[0], 'SIGKILL')
    await until(() => serverPids(box.socket).length === 0)
    const r = box.run(['render', shop])
    assert.deepEqual(r.trace, ['rendered here: no server', 'starting one'])
    assert.equal(r.code, 0, r.stderr)
    await until(() => serverPids(box.socket).length === 1 && box.run(['render', shop]).trace[0] === 'rendered by the server')
  })
})

test('a started server renders the request that started it before any client asks (its warm-up)', {timeout: 60_000}, async () => {
  const box = sandbox()
  const log = path.join(box.tmp, 'server.log')
  const r = box.run(['render', shop], {env: {STRATA_RENDER_SERVER_LOG: log}})
  assert.equal(r.code, 0, r.stderr)
  assert.deepEqual(r.trace, ['rendered here: no server', 'starting one'])
  // No client has asked it anything, yet the server renders the tree that started it.
  await until(() => fs.existsSync(log) && fs.readFileSync(log, 'utf8').includes('\n'))
  const [first] = fs.readFileSync(log, 'utf8').split('\n')
  // Compared as text, not as a pattern built from the working directory (which may hold `+`, `(`…).
  assert.match(first, /^\S+ warm-up .*: \d+ ms, exit 0$/)
  assert.equal(first.replace(/^\S+ /, '').replace(/: \d+ ms, /, ': N ms, '), `warm-up ${JSON.stringify(shop)} in ${process.cwd()}: N ms, exit 0`)
  const served = box.run(['render', shop])
  assert.equal(served.trace[0], 'rendered by the server')
  assert.equal(served.stdout, r.stdout)
  stopServers(box.socket)
})

test('a FIFO in a tree never holds the server: that call renders by itself, the next ones are served', {timeout: 60_000}, async () => {
  const box = sandbox()
  assert.equal(box.run(['render', shop]).code, 0)
  await until(() => fs.existsSync(box.socket))
  const tree = path.join(box.tmp, 'fifo-tree')
  fs.mkdirSync(tree)
  fs.writeFileSync(path.join(tree, 'kustomization.yaml'), 'resources:\n- config.yaml\n')
  const fifo = path.join(tree, 'config.yaml')
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0)
  let stderr = ''
  const call = new Promise<{code: number | null; stdout: string}>((resolve) => {
    const child = spawn(process.execPath, [bin, 'render', tree], {env: box.env, stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('exit', (code) => resolve({code, stdout}))
  })
  // Turned back by the server, the call reads the FIFO itself, as kubectl kustomize would: it
  // waits for a writer. Opening for writing without blocking succeeds once it holds it open.
  await until(() => stderr.includes('rendered here:'))
  let fd = -1
  await until(() => {
    try {
      fd = fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK)
      return true
    } catch {
      return false
    }
  })
  fs.writeSync(fd, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-fifo\n')
  fs.closeSync(fd)
  const r = await call
  assert.equal(r.code, 0, stderr)
  assert.match(r.stdout, /name: from-fifo/)
  assert.match(stderr, /strata: render server: rendered here: '.*config\.yaml' is not a regular file/)
  assert.equal(box.run(['render', shop]).trace[0], 'rendered by the server')
})

test('a server alone in its directory idles out and takes its socket with it', {timeout: 60_000}, async () => {
  const box = sandbox({STRATA_RENDER_SERVER_IDLE: '1'})
  const r = box.run(['render', shop])
  assert.equal(r.code, 0, r.stderr)
  await until(() => fs.existsSync(box.socket))
  await until(() => !fs.existsSync(box.socket) && serverPids(box.socket).length === 0)
})

test('a socket directory others can reach is never used, and no server starts there', {timeout: 60_000}, async () => {
  const box = sandbox()
  const dir = path.dirname(box.socket)
  fs.mkdirSync(dir)
  fs.chmodSync(dir, 0o777)
  for (let i = 0; i < 2; i++) {
    const r = box.run(['render', shop])
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(r.trace, ['rendered here: no server', 'starting one'])
  }
  // The started server refused the directory and exited without listening.
  await until(() => serverPids(box.socket).length === 0)
  assert.deepEqual(fs.readdirSync(dir), [])
})

test('in CI no server starts unless STRATA_RENDER_SERVER=on says so', () => {
  const box = sandbox({CI: 'true', STRATA_RENDER_SERVER: ''})
  const r = box.run(['render', shop])
  assert.equal(r.code, 0, r.stderr)
  assert.deepEqual(r.trace, [])
  assert.equal(fs.existsSync(path.dirname(box.socket)), false)
})

test('calls that all render by themselves at once start one server between them', {timeout: 60_000}, async () => {
  const box = sandbox()
  const calls = Array.from({length: 4}, () => new Promise<number | null>((resolve) => spawn(process.execPath, [bin, 'render', shop], {env: box.env, stdio: 'ignore'}).on('exit', resolve)))
  assert.deepEqual(await Promise.all(calls), [0, 0, 0, 0])
  // Extra servers would still be alive here: one that lost the socket exits only at its next check.
  await until(() => fs.existsSync(box.socket))
  assert.equal(serverPids(box.socket).length, 1)
  assert.equal(fs.existsSync(`${box.socket}.starting`), false, 'the server removed the start marker')
  stopServers(box.socket)
})

test('two servers started at once: the later one keeps the socket, the other exits', {timeout: 60_000}, async () => {
  const box = sandbox()
  const start = () => spawn(process.execPath, [bin, '--strata-render-server', box.socket], {env: box.env, stdio: 'ignore', detached: true})
  const first = start()
  await until(() => fs.existsSync(box.socket))
  const firstInode = fs.statSync(box.socket).ino
  const second = start()
  await until(() => fs.existsSync(box.socket) && fs.statSync(box.socket).ino !== firstInode)
  const firstExit = await new Promise<number | null>((resolve) => first.on('exit', resolve))
  assert.equal(firstExit, 0)
  assert.equal(box.run(['render', shop]).trace[0], 'rendered by the server')
  second.kill('SIGKILL')
})
