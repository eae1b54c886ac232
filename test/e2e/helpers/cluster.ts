// The end-to-end tier's way to the real control plane started by scripts/cluster (etcd,
// kube-apiserver, kube-controller-manager, kube-scheduler, kwok on 127.0.0.1). No mock stands in.
//
//   const {kc} = await cluster()          // once per test run: reuses a running cluster or starts one
//   const ns = await withNamespace(t)     // a fresh namespace for this test, deleted after it
//
// Who stops the cluster: if it was already up before the run (a developer's `scripts/cluster up`),
// it stays up. If this run started it, `scripts/cluster up --auto-down-after <pid of the test run>`
// makes it stop by itself once the run (the `node --test` process) ends, however it ends.
// STRATA_E2E_KEEP_CLUSTER=1 keeps a cluster the run started (to look at it afterwards).
import {spawn} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {dirname, join} from 'node:path'
import type {TestContext} from 'node:test'
import {fileURLToPath} from 'node:url'
import {CoreV1Api, KubeConfig} from '@kubernetes/client-node'

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')
export const CLUSTER_SCRIPT = join(REPO, 'scripts', 'cluster')

export interface Cluster {
  /** Path of the admin kubeconfig (client certificate of a system:masters user). */
  kubeconfig: string
  kc: KubeConfig
}

export interface ScriptResult {
  code: number
  stdout: string
  stderr: string
}

/** Runs scripts/cluster with ARGS; stderr is also echoed when `echo` is set (build/up progress). */
export function runClusterScript(args: string[], opts: {env?: NodeJS.ProcessEnv; echo?: boolean} = {}): Promise<ScriptResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(CLUSTER_SCRIPT, args, {cwd: REPO, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d
      if (opts.echo) process.stderr.write(d)
    })
    child.on('error', reject)
    child.on('close', (code, signal) => resolve({code: code ?? (signal ? 128 : 1), stdout, stderr}))
  })
}

/** The last non-empty line `scripts/cluster up` printed: the kubeconfig path. */
export function lastLine(text: string): string {
  return text.trimEnd().split('\n').pop() ?? ''
}

// The process whose end ends the run: `node --test` runs each file in a child process
// (NODE_TEST_CONTEXT=child...); run alone, the file's own process is the run.
function runPid(): number {
  return process.env.NODE_TEST_CONTEXT?.startsWith('child') ? process.ppid : process.pid
}

let pending: Promise<Cluster> | undefined

/** The cluster of this test run, brought up (or found running) once per process. */
export function cluster(): Promise<Cluster> {
  pending ??= (async () => {
    const args = process.env.STRATA_E2E_KEEP_CLUSTER === '1' ? ['up'] : ['up', '--auto-down-after', String(runPid())]
    const r = await runClusterScript(args, {echo: true})
    if (r.code !== 0) throw new Error(`scripts/cluster up failed (exit ${r.code}); its output is above`)
    const kubeconfig = lastLine(r.stdout)
    const kc = new KubeConfig()
    kc.loadFromFile(kubeconfig)
    return {kubeconfig, kc}
  })()
  return pending
}

/** client-node ApiException and friends carry the HTTP status as `code`. */
export function httpStatus(err: unknown): number | undefined {
  const code = (err as {code?: unknown})?.code
  return typeof code === 'number' ? code : undefined
}

/**
 * Polls `check` until it returns a value other than undefined/false/null and returns that value.
 * Errors thrown by `check` count as "not yet"; the timeout error names `what` and the last outcome.
 */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false | null>,
  {timeoutMs = 90_000, intervalMs = 250}: {timeoutMs?: number; intervalMs?: number} = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: unknown = 'never checked'
  for (;;) {
    try {
      const v = await check()
      if (v !== undefined && v !== false && v !== null) return v
      last = v
    } catch (err) {
      last = err instanceof Error ? `${err.name}: ${err.message.slice(0, 300)}` : err
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${String(last)}`)
    await new Promise((r) => setTimeout(r, intervalMs))
  }
}

function slug(s: string, max: number): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max)
    .replace(/-+$/, '')
}

/**
 * Creates a namespace of its own for the test `t` (named after it, with a random suffix), waits
 * until pods can be created in it (its `default` ServiceAccount exists), and deletes it after the
 * test. Returns its name.
 */
export async function withNamespace(t: TestContext, prefix = 'e2e'): Promise<string> {
  const {kc} = await cluster()
  const core = kc.makeApiClient(CoreV1Api)
  const name = [slug(prefix, 12), slug(t.name, 40), randomBytes(3).toString('hex')].filter(Boolean).join('-')
  await core.createNamespace({body: {metadata: {name, labels: {'strata.dev/e2e': 'true'}}}})
  t.after(async () => {
    try {
      await core.deleteNamespace({name})
    } catch (err) {
      if (httpStatus(err) !== 404) throw err
    }
  })
  await waitFor(`ServiceAccount ${name}/default`, () => core.readNamespacedServiceAccount({name: 'default', namespace: name}))
  return name
}
