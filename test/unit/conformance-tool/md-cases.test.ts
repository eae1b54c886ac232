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

const labelled = [
  '<!-- @makeHome @test -->',
  '```',
  'DEMO_HOME=$(mktemp -d)',
  'mkdir -p $DEMO_HOME/app',
  'cat <<EOF >$DEMO_HOME/app/kustomization.yaml',
  'patches:',
  '- patch: |-',
  '    $patch: delete',
  '    value: "\\$ref ${unset}x \\\\ $ alone"',
  'EOF',
  '```',
  'The output is',
  '```',
  'kustomize build shown/as/output',
  '```',
  '<!-- @build @test -->',
  '```',
  'kustomize build app',
  '```',
  '<!-- @home @test -->',
  '```',
  'cat <<EOF >$DEMO_HOME/app/home.txt',
  '$HOME',
  'EOF',
  'kustomize build app',
  '```',
  '<!-- @plugin @test -->',
  '```',
  'kustomize build --enable_alpha_plugins app',
  '```',
].join('\n')

describe('extractMarkdownCases: mdrip labels, heredoc expansion, builds from $DEMO_HOME, plugins', () => {
  const {cases, skipped} = extractMarkdownCases(labelled, 'examples/y.md')
  test('only labelled blocks run; an unquoted heredoc expands as the shell does; a relative build is below $DEMO_HOME', () => {
    assert.deepEqual(cases.map((c) => [c.name, c.buildDir]), [['examples/y.md#1', 'app']])
    assert.equal(cases[0].files.get('app/kustomization.yaml'), 'patches:\n- patch: |-\n    : delete\n    value: "$ref x \\ $ alone"\n')
  })
  test('an environment variable in a heredoc is not reproduced; a build with plugins enabled is out of scope', () => {
    assert.deepEqual(skipped.map((s) => [s.name, s.category]), [['examples/y.md#2', 'not extractable'], ['examples/y.md#3', 'plugins']])
    assert.match(skipped[0].reason, /shell expansions: app\/home.txt/)
  })
})

test('extractMarkdownCases: DEMO_HOME set again starts a second walkthrough from an empty tree', () => {
  const twoParts = ['```sh', 'DEMO_HOME=$(mktemp -d)', "cat <<'EOF' >$DEMO_HOME/old.yaml", 'kind: Old', 'EOF', 'kustomize edit add resource old.yaml', '```', '```sh', 'DEMO_HOME=$(mktemp -d)', "cat <<'EOF' >$DEMO_HOME/kustomization.yaml", 'resources: []', 'EOF', 'kustomize build $DEMO_HOME', '```'].join('\n')
  const {cases, skipped} = extractMarkdownCases(twoParts, 'examples/z.md')
  assert.deepEqual(skipped, [])
  assert.deepEqual([...cases[0].files.keys()], ['kustomization.yaml'])
})
