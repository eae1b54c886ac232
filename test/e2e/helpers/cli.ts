// Running strata as users do (bin/run.js over the built dist/) against the test cluster, and
// writing the kustomize trees it reads.
import {spawn, spawnSync} from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {REPO} from './cluster.js'

export const bin = path.join(REPO, 'bin', 'run.js')

export interface CliResult {
  code: number | null
  stdout: string
  stderr: string
  /** stdout and stderr together, for assertions that do not care which. */
  all: string
}

/** `strata ARGS --kubeconfig KC`, with CI set so output is plain lines. */
export function strata(kubeconfig: string, ...args: string[]): CliResult {
  const r = spawnSync(process.execPath, [bin, ...args, '--kubeconfig', kubeconfig], {encoding: 'utf8', env: {...process.env, CI: '1'}})
  return {code: r.status, stdout: r.stdout, stderr: r.stderr, all: `${r.stdout}\n${r.stderr}`}
}

/**
 * `strata ARGS --kubeconfig KC` (none without KC) in a child process, CI output, resolved when it
 * exits: the test process stays free to serve endpoints and poll the cluster meanwhile.
 */
export function strataAsync(kubeconfig: string | undefined, ...args: string[]): Promise<CliResult> & {kill: (signal: NodeJS.Signals) => void} {
  let kill: (signal: NodeJS.Signals) => void = () => {}
  const done = new Promise<CliResult>((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args, ...(kubeconfig ? ['--kubeconfig', kubeconfig] : [])], {env: {...process.env, CI: '1'}, stdio: ['ignore', 'pipe', 'pipe']})
    kill = (signal) => child.kill(signal)
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => resolve({code, stdout, stderr, all: `${stdout}\n${stderr}`}))
  })
  return Object.assign(done, {kill: (signal: NodeJS.Signals) => kill(signal)})
}

/** A fresh directory named `app` (strata's default app name is the directory's name). */
export function newAppDir(app = 'app', prefix = 'strata-e2e-'): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), prefix)), app)
}

/** Replaces `dir`'s content with `files` (relative path → text). */
export function rewriteTree(dir: string, files: Record<string, string>): string {
  fs.rmSync(dir, {recursive: true, force: true})
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), {recursive: true})
    fs.writeFileSync(path.join(dir, name), text)
  }
  return dir
}

/** A kustomize tree in a fresh directory named `app`. */
export function writeTree(files: Record<string, string>, app = 'app', prefix = 'strata-e2e-'): string {
  return rewriteTree(newAppDir(app, prefix), files)
}
