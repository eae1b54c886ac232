// STRATA_EXTERNAL_DIFF / KUBECTL_EXTERNAL_DIFF on the real control plane: the program gets two
// directories of masked YAML named as kubectl names them, its words after the directories, and
// its exit code decides strata's (0 same, 1 different, more: an error, exit 2).
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {describe, test} from 'node:test'
import {bin, rewriteTree, writeTree} from './helpers/cli.js'
import {cluster, withNamespace} from './helpers/cluster.js'

const b64 = (s: string) => Buffer.from(s).toString('base64')

// Prints what it was given: its arguments after the two directories, then every file of each
// directory with its content; exits with $EXIT_WITH.
const program = `#!/bin/sh
live="$1"; merged="$2"; shift 2
echo "args: $*"
echo "dirs: $(basename "$live") $(basename "$merged")"
for d in "$live" "$merged"; do
  for f in $(ls "$d"); do echo "== $(basename "$d")/$f"; cat "$d/$f"; done
done
exit "\${EXIT_WITH:-1}"
`

function app(ns: string, password: string, level: string): Record<string, string> {
  return {
    'kustomization.yaml': `namespace: ${ns}\nresources: [objects.yaml]\n`,
    'objects.yaml': `apiVersion: v1
kind: Secret
metadata: {name: creds}
data: {password: ${b64(password)}, user: ${b64('admin')}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data: {level: ${level}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx:1.25}]}
`,
  }
}

describe('diff with an external program', () => {
  test('two directories of masked YAML named group.version.kind.namespace.name; exit codes as kubectl', async (t) => {
    const {kubeconfig} = await cluster()
    const ns = await withNamespace(t, 'extdiff')
    const dir = writeTree(app(ns, 'old-password', 'info'), 'app', 'strata-extdiff-')
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-extdiff-prog-'))
    const prog = path.join(tmp, 'show-diff')
    fs.writeFileSync(prog, program, {mode: 0o755})
    const diff = (env: Record<string, string | undefined>, ...args: string[]) => {
      const r = spawnSync(process.execPath, [bin, 'diff', dir, '--kubeconfig', kubeconfig, ...args], {encoding: 'utf8', env: {...process.env, CI: '1', STRATA_EXTERNAL_DIFF: undefined, KUBECTL_EXTERNAL_DIFF: undefined, ...env}})
      return {code: r.status, stdout: r.stdout, stderr: r.stderr}
    }
    const applied = spawnSync(process.execPath, [bin, 'apply', dir, '--kubeconfig', kubeconfig], {encoding: 'utf8', env: {...process.env, CI: '1'}})
    assert.equal(applied.status, 0, applied.stderr)
    rewriteTree(dir, app(ns, 'new-password', 'debug'))

    const changed = diff({STRATA_EXTERNAL_DIFF: `${prog} -u --label=x $(rm) -N`})
    assert.equal(changed.code, 1, changed.stderr)
    assert.match(changed.stdout, /^args: -u --label=x -N\n/, 'words after the program follow the directories; kubectl drops unsafe ones')
    assert.match(changed.stderr, /ignoring '\$\(rm\)'/)
    assert.match(changed.stdout, /^dirs: LIVE MERGED$/m)
    assert.match(changed.stdout, new RegExp(`^== LIVE/v1\\.ConfigMap\\.${ns}\\.settings\\n`, 'm'))
    assert.match(changed.stdout, new RegExp(`^== MERGED/v1\\.Secret\\.${ns}\\.creds\\n`, 'm'))
    assert.doesNotMatch(changed.stdout, /Deployment/, 'unchanged objects have no file')
    assert.match(changed.stdout, /password: <changed \(after\)>/)
    assert.match(changed.stdout, /user: <unchanged>/)
    for (const secret of ['old-password', 'new-password', b64('old-password'), b64('new-password'), b64('admin')]) assert.ok(!changed.stdout.includes(secret), `no Secret value (${secret}) in either directory`)
    assert.match(changed.stderr, /Summary: 0 to add, 2 to change/)

    assert.equal(diff({STRATA_EXTERNAL_DIFF: prog, EXIT_WITH: '0'}).code, 0, 'the program says same: exit 0')
    const broken = diff({STRATA_EXTERNAL_DIFF: prog, EXIT_WITH: '3'})
    assert.equal(broken.code, 2)
    assert.match(broken.stderr, /STRATA_EXTERNAL_DIFF: '.*show-diff' failed \(exit code 3\)/)
    const missing = diff({STRATA_EXTERNAL_DIFF: path.join(tmp, 'no-such-program')})
    assert.equal(missing.code, 2)
    assert.match(missing.stderr, /cannot run '.*no-such-program' \(ENOENT\)/)

    const kubectlVar = diff({KUBECTL_EXTERNAL_DIFF: `${prog} -q`})
    assert.equal(kubectlVar.code, 1)
    assert.match(kubectlVar.stdout, /^args: -q\n/)
    const builtin = diff({KUBECTL_EXTERNAL_DIFF: prog, STRATA_EXTERNAL_DIFF: ''})
    assert.equal(builtin.code, 1)
    assert.match(builtin.stdout, /^~ ConfigMap .*settings: change/m, 'STRATA_EXTERNAL_DIFF set empty: the built-in diff')
    const json = diff({STRATA_EXTERNAL_DIFF: prog}, '--json')
    assert.equal(json.code, 1)
    assert.equal((JSON.parse(json.stdout) as {summary: {change: number}}).summary.change, 2, '--json is data: no external program')
    const ls = fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('strata-diff-'))
    for (const n of ls) assert.ok(!fs.existsSync(path.join(os.tmpdir(), n, 'LIVE', `v1.ConfigMap.${ns}.settings`)), 'temporary directories are removed')
  })
})
