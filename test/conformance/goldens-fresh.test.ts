// Keeps the goldens honest: re-runs the oracle, `kubectl kustomize`, on every fixture and
// checks it still prints expected.yaml / expected-stderr.txt, and still fails on error
// fixtures. Skipped, with the reason shown, where kubectl (with kustomize v5.5.0) is absent.
import {test, describe} from 'node:test'
import assert from 'node:assert/strict'
import {execFile, execFileSync} from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import {kubectlFlags, listFixtures, shortDiff, REPO_ROOT} from './fixture-support.js'

// The goldens were produced by this version; another one may differ on purpose.
const ORACLE_KUSTOMIZE = 'v5.5.0'

function findOnPath(cmd: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue
    const candidate = path.join(dir, cmd)
    try {
      fs.accessSync(candidate, fs.constants.X_OK)
      return candidate
    } catch {
      // not here; keep looking
    }
  }
  return undefined
}

function skipReason(): string | undefined {
  const kubectl = findOnPath('kubectl')
  if (!kubectl) return 'kubectl is not on PATH, so the goldens cannot be re-checked'
  let version: string
  try {
    version = execFileSync(kubectl, ['version', '--client'], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']})
  } catch (err) {
    return `\`kubectl version --client\` failed: ${(err as Error).message}`
  }
  const found = /Kustomize Version:\s*(\S+)/.exec(version)?.[1]
  if (found !== ORACLE_KUSTOMIZE) return `goldens come from kustomize ${ORACLE_KUSTOMIZE}; this kubectl embeds ${found ?? 'an unknown version'}`
  return undefined
}

interface Run {
  code: number
  stdout: string
  stderr: string
}

const kustomize = (dir: string, flags: string[]): Promise<Run> =>
  new Promise((resolve) => {
    execFile('kubectl', ['kustomize', ...flags, dir], {cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024}, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0
      resolve({code, stdout, stderr})
    })
  })

const reason = skipReason()
if (reason) {
  test('goldens are fresh (kubectl kustomize re-run)', {skip: reason}, () => {})
} else {
  // Two at a time: the machine is shared and each kubectl run is a whole Go process.
  describe('goldens are fresh (kubectl kustomize re-run)', {concurrency: 2}, () => {
    for (const f of listFixtures()) {
      test(f.name, async () => {
        const run = await kustomize(f.inputDir, kubectlFlags(f))
        if (f.expectedError) {
          assert.notEqual(run.code, 0, `kubectl kustomize now renders fixtures/${f.name}, which is an error fixture`)
          return
        }
        assert.equal(run.code, 0, `kubectl kustomize now fails on fixtures/${f.name}:\n${run.stderr}`)
        assert.ok(f.expectedYaml !== undefined, `fixtures/${f.name}/expected.yaml is missing: run scripts/update-goldens.sh ${f.name}`)
        if (run.stdout !== f.expectedYaml) assert.fail(`expected.yaml is stale (run scripts/update-goldens.sh ${f.name} and review):\n${shortDiff(f.expectedYaml, run.stdout, {expected: 'expected.yaml', actual: 'kubectl kustomize now'})}`)
        assert.equal(run.stderr, f.expectedStderr, `expected-stderr.txt is stale (run scripts/update-goldens.sh ${f.name})`)
      })
    }
  })
}
