// What the watch e2e tests share: local bare repositories to commit to, the app tree they apply,
// `strata watch` as a background child with its JSON log lines, and kubectl look-ups.
import {execFileSync, spawn, type ChildProcess} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {bin} from './cli.js'

export const gitEnv = {...process.env, GIT_AUTHOR_NAME: 'e2e', GIT_AUTHOR_EMAIL: 'e2e@example.com', GIT_COMMITTER_NAME: 'e2e', GIT_COMMITTER_EMAIL: 'e2e@example.com', GIT_CONFIG_NOSYSTEM: '1'}

/** A bare repository (what watch follows) and a work tree that commits and pushes to it. */
export function gitRepo() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-watch-e2e-'))
  const bare = path.join(root, 'remote.git')
  const work = path.join(root, 'work')
  const git = (cwd: string, ...args: string[]) => execFileSync('git', args, {cwd, env: gitEnv, encoding: 'utf8'}).trim()
  fs.mkdirSync(work)
  git(root, 'init', '--quiet', '--bare', '-b', 'main', bare)
  git(work, 'init', '--quiet', '-b', 'main')
  git(work, 'remote', 'add', 'origin', bare)
  return {
    url: `file://${bare}`,
    cache: path.join(root, 'cache'),
    /** Replaces the tree under `app/` with `files`, commits and pushes; returns the commit SHA. */
    commit(files: Record<string, string>, message = 'change'): string {
      fs.rmSync(path.join(work, 'app'), {recursive: true, force: true})
      for (const [name, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(work, 'app', name)), {recursive: true})
        fs.writeFileSync(path.join(work, 'app', name), text)
      }
      git(work, 'add', '-A')
      git(work, 'commit', '--quiet', '--allow-empty', '-m', message)
      git(work, 'push', '--quiet', '--force', 'origin', 'main')
      return git(work, 'rev-parse', 'HEAD')
    },
  }
}

export function appTree(ns: string, value: string, replicas = 1): Record<string, string> {
  return {
    'kustomization.yaml': `namespace: ${ns}\nresources:\n  - config.yaml\n  - deploy.yaml\n`,
    'config.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  value: "${value}"\n`,
    'deploy.yaml': [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: web',
      'spec:',
      `  replicas: ${replicas}`,
      '  selector:',
      '    matchLabels: {app: web}',
      '  template:',
      '    metadata:',
      '      labels: {app: web}',
      '    spec:',
      '      containers:',
      '        - name: web',
      '          image: registry.example.com/web:1',
      '',
    ].join('\n'),
  }
}

export type LogLine = Record<string, unknown> & {msg: string}

/** `strata watch ARGS` running in the background, its JSON log lines collected. */
export function watchProcess(kc: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const child: ChildProcess = spawn(process.execPath, [bin, 'watch', ...args, '--log-format', 'json', '--kubeconfig', kc], {
    env: {...process.env, CI: '1', ...env},
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const lines: LogLine[] = []
  let stderr = ''
  let buffer = ''
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    buffer += d
    let nl: number
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl)
      buffer = buffer.slice(nl + 1)
      try {
        lines.push(JSON.parse(line) as LogLine)
      } catch {
        lines.push({msg: 'unparsed', line})
      }
    }
  })
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d))
  const exited = new Promise<{code: number | null; signal: NodeJS.Signals | null}>((resolve) => child.on('exit', (code, signal) => resolve({code, signal})))
  return {
    child,
    lines,
    exited,
    stderr: () => stderr,
    find: (pred: (l: LogLine) => boolean) => lines.find(pred),
    /** The first log line matching `pred`; fails at once when watch has exited. */
    async waitLog(what: string, pred: (l: LogLine) => boolean, timeoutMs = 30_000): Promise<LogLine> {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const hit = lines.find(pred)
        if (hit) return hit
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`watch exited (${child.exitCode ?? child.signalCode}) before ${what}: ${stderr.slice(-2000)}`)
        if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last lines: ${JSON.stringify(lines.slice(-5))} stderr: ${stderr.slice(-1000)}`)
        await new Promise((r) => setTimeout(r, 50))
      }
    },
    kill(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
    },
  }
}

export function kubectl(kc: string, ...args: string[]): string {
  return execFileSync('kubectl', ['--kubeconfig', kc, ...args], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']}).trim()
}

export function configValue(kc: string, ns: string): string | undefined {
  try {
    return kubectl(kc, '-n', ns, 'get', 'configmap', 'settings', '-o', 'jsonpath={.data.value}')
  } catch {
    return undefined
  }
}

export function replicas(kc: string, ns: string): number {
  return Number(kubectl(kc, '-n', ns, 'get', 'deployment', 'web', '-o', 'jsonpath={.spec.replicas}'))
}

export const appName = (tag: string) => `w-${tag}-${randomBytes(3).toString('hex')}`
