import {test, describe} from 'node:test'
import assert from 'node:assert/strict'
import {extractMarkdownCases} from '../../../scripts/conformance-lib/md-cases.js'

const md = [
  '# Walkthrough',
  '```sh',
  'DEMO_HOME=$(mktemp -d)',
  'BASE=$DEMO_HOME/base',
  'mkdir -p $BASE',
  '```',
  'Write the base:',
  '```sh',
  "cat <<'EOF' >$BASE/kustomization.yaml",
  'resources:',
  '- cm.yaml',
  'EOF',
  'cat <<EOF >$BASE/cm.yaml',
  'kind: ConfigMap',
  'EOF',
  '```',
  '```sh',
  'kustomize build $BASE | grep kind',
  '```',
  '```sh',
  'kustomize edit set nameprefix p-',
  'kustomize build $DEMO_HOME/base',
  '```',
].join('\n')

describe('extractMarkdownCases (scripts/conformance)', () => {
  const {cases, skipped} = extractMarkdownCases(md, 'examples/x.md')
  test('heredocs and mkdir before a build make its tree; variables below $DEMO_HOME name directories', () => {
    assert.equal(cases.length, 1)
    assert.equal(cases[0].buildDir, 'base')
    assert.deepEqual(Object.fromEntries(cases[0].files), {'base/': '', 'base/kustomization.yaml': 'resources:\n- cm.yaml\n', 'base/cm.yaml': 'kind: ConfigMap\n'})
  })
  test('a command that edits the tree makes later builds not extractable', () => {
    assert.deepEqual(skipped.map((s) => [s.name, s.category]), [['examples/x.md#2', 'not extractable']])
    assert.match(skipped[0].reason, /kustomize edit/)
  })
})
