// Runs the helm binary for helmCharts (the only process render starts, and only with
// --enable-helm). Synchronous on purpose: render's accumulation is synchronous, and kustomize
// runs helm the same way, one chart at a time. Its own temporary directory holds the values file
// and, unless helmGlobals.configHome says otherwise, HELM_CONFIG_HOME; removed by `dispose`.
import {spawnSync} from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'

export interface HelmRun {
  code: number
  stdout: string
  stderr: string
  /** Set when the process could not be started or was killed (not found, timeout). */
  failure?: string
}

export interface HelmRunner {
  /** The command as configured (`--helm-command`), for messages. */
  readonly command: string
  run(args: readonly string[], env: Record<string, string>): HelmRun
  /** A fresh private directory for one chart's values file and helm homes. */
  tempDir(): string
  writeFile(absPath: string, text: string): void
  /** Whether a chart directory is there (helm reads it itself, outside the render's file system). */
  isDirectory(absPath: string): boolean
  dispose(): void
}

export const defaultHelmTimeoutMs = 5 * 60_000

export function processHelmRunner(command: string, options: {timeoutMs?: number} = {}): HelmRunner {
  const dirs: string[] = []
  return {
    command,
    run(args, env) {
      const r = spawnSync(command, args, {encoding: 'utf8', env: {...process.env, ...env}, timeout: options.timeoutMs ?? defaultHelmTimeoutMs, maxBuffer: 512 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe']})
      const failure = r.error ? (r.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : r.error.message : r.signal ? `killed by ${r.signal}` : undefined
      return {code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '', failure}
    },
    tempDir() {
      const d = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-helm-'))
      dirs.push(d)
      return d
    },
    writeFile(absPath, text) {
      fs.writeFileSync(absPath, text, {mode: 0o600})
    },
    isDirectory(absPath) {
      try {
        return fs.statSync(absPath).isDirectory()
      } catch {
        return false
      }
    },
    dispose() {
      for (const d of dirs.splice(0)) fs.rmSync(d, {recursive: true, force: true})
    },
  }
}
