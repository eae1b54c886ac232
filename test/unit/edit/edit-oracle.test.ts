// strata edit against kustomize edit itself: each sequence of commands runs once through the real
// `kustomize edit` (the standalone v5.7.1 binary scripts/kustomize builds; .ci/run builds it) and once
// through `strata edit` on copies of one tree; kubectl kustomize then renders both copies, which must be
// identical, and a command kustomize refuses strata refuses too (nothing written). The files differ on
// purpose — strata keeps comments and layout — so only their renders are compared.
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'

const root = path.join(import.meta.dirname, '..', '..', '..')
const bin = path.join(root, 'bin', 'run.js')
const located = spawnSync(path.join(root, 'scripts', 'kustomize'), ['path'], {encoding: 'utf8'})
const kustomizeBin = located.status === 0 ? located.stdout.trim() : undefined
// Skipped on a developer machine without the binary; CI builds it, so there a missing binary fails.
const skip = kustomizeBin || process.env.CI ? false : 'the standalone kustomize is not built (scripts/kustomize build)'
if (!kustomizeBin && process.env.CI) throw new Error('CI: the standalone kustomize is not built: run scripts/kustomize build (.ci/run does)')

const files: Record<string, string> = {
  'kustomization.yaml': `# staging overlay — kept by strata edit
resources:
- deployment.yaml # the app
- service.yaml
commonLabels:
  team: web
images:
- name: web
  newTag: "1.0"
patches:
- path: replicas.yaml
  target: {kind: Deployment, name: web}
`,
  'deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: web:0.9}, {name: sidecar, image: envoy:1.30}]
`,
  'service.yaml': 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {selector: {app: web}, ports: [{port: 80}]}\n',
  'extra.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: extra}\ndata: {a: "1"}\n',
  'replicas.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 4}\n',
  'memory.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {template: {spec: {containers: [{name: web, resources: {limits: {memory: 1Gi}}}]}}}\n',
  'app.properties': 'LOG=debug\nPORT=8080\n',
  'settings.json': '{"feature": true}\n',
  'comp/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\ncommonAnnotations: {component: "on"}\n',
}

function tree(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-edit-oracle-'))
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), {recursive: true})
    fs.writeFileSync(path.join(dir, name), text)
  }
  return dir
}

function render(dir: string): string {
  const r = spawnSync('kubectl', ['kustomize', dir], {encoding: 'utf8'})
  assert.equal(r.status, 0, `kubectl kustomize ${dir}: ${r.stderr}`)
  return r.stdout
}

// Each case: the `edit` arguments of one or more commands, run in order (two words name the command;
// --dir goes right after them, before any `--`).
const cases: Record<string, string[][]> = {
  'set image: new tag, new name and tag, digest, a second image': [
    ['set', 'image', 'web=registry.example.com/web:1.1'],
    ['set', 'image', 'envoy@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef'],
  ],
  'set image: the name alone with a tag': [['set', 'image', 'web:2.0']],
  'set image: several at once': [['set', 'image', 'web=ghcr.io/acme/web:3', 'envoy:1.31']],
  'set namespace, nameprefix, namesuffix': [['set', 'namespace', 'staging'], ['set', 'nameprefix', 'stg-'], ['set', 'namesuffix', '--', '-v2']],
  'set replicas: new and replaced': [['set', 'replicas', 'web=3'], ['set', 'replicas', 'web=5']],
  'add resource and component': [['add', 'resource', 'extra.yaml'], ['add', 'component', 'comp']],
  'add resource: a glob': [['add', 'resource', 'e*.yaml']],
  'add label and annotation: several pairs, a comma inside a value': [['add', 'label', 'tier:frontend', 'env:staging'], ['add', 'annotation', 'owner:web-team,oncall:pager', 'note:"quoted"']],
  'add configmap: literals, a file, an env file; then more sources': [
    ['add', 'configmap', 'app', '--from-literal=MODE=fast', '--from-file=settings.json'],
    ['add', 'configmap', 'env', '--from-env-file=app.properties'],
    ['add', 'configmap', 'app', '--from-literal=EXTRA=1'],
  ],
  'add secret: typed, literals': [['add', 'secret', 'creds', '--from-literal=user=admin', '--from-literal=pass=s3cret', '--type=kubernetes.io/basic-auth']],
  'add patch: a file with a target, inline JSON 6902': [
    ['add', 'patch', '--path', 'memory.yaml', '--kind', 'Deployment', '--name', 'web'],
    ['add', 'patch', '--kind', 'Service', '--patch', '[{"op": "add", "path": "/spec/type", "value": "NodePort"}]'],
  ],
  'remove resource, patch and label': [
    ['remove', 'resource', 'service.yaml'],
    ['remove', 'patch', '--path', 'replicas.yaml', '--kind', 'Deployment', '--name', 'web'],
    ['remove', 'label', 'team'],
  ],
  'refused: a resource that does not exist': [['add', 'resource', 'missing.yaml']],
  'refused: a label that is already there with another value': [['add', 'label', 'team:other']],
  'refused: replicas that are not a number': [['set', 'replicas', 'web=three']],
  'refused: a configmap file that does not exist': [['add', 'configmap', 'app', '--from-file=nope.json']],
}

describe('strata edit renders as kustomize edit (v5.7.1) makes the same tree render', {skip}, () => {
  for (const [name, steps] of Object.entries(cases)) {
    test(name, () => {
      const theirs = tree()
      const ours = tree()
      for (const step of steps) {
        const k = spawnSync(kustomizeBin!, ['edit', ...step], {cwd: theirs, encoding: 'utf8'})
        const before = fs.readFileSync(path.join(ours, 'kustomization.yaml'), 'utf8')
        const s = spawnSync(process.execPath, [bin, 'edit', step[0], step[1], '--dir', ours, ...step.slice(2)], {encoding: 'utf8', env: {...process.env, CI: '1'}})
        const what = `edit ${step.join(' ')}`
        if (k.status !== 0) {
          assert.equal(s.status, 2, `${what}: kustomize refused (${k.stderr.trim()}) but strata exited ${s.status}: ${s.stdout}${s.stderr}`)
          assert.equal(fs.readFileSync(path.join(ours, 'kustomization.yaml'), 'utf8'), before, `${what}: nothing written on refusal`)
          assert.doesNotMatch(s.stderr, /\n\s+at /, 'no stack trace')
          return
        }
        assert.equal(s.status, 0, `${what}: kustomize wrote it, strata exited ${s.status}: ${s.stderr}`)
      }
      assert.equal(render(ours), render(theirs))
      assert.match(fs.readFileSync(path.join(ours, 'kustomization.yaml'), 'utf8'), /^# staging overlay — kept by strata edit\n/)
    })
  }
})
