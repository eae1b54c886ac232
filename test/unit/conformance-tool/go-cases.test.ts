import {test, describe} from 'node:test'
import assert from 'node:assert/strict'
import {extractGoCases, joinPath} from '../../../scripts/conformance-lib/go-cases.js'

const header = '\napiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n'

const source = [
  'package krusty_test',
  '',
  'const sharedMap = `apiVersion: v1',
  'kind: ConfigMap',
  'metadata:',
  '  name: shared',
  '`',
  '',
  'func writeBase(th kusttest_test.Harness, dir string) {',
  '\tth.WriteK(dir, `resources:\n- cm.yaml\n`)',
  '\tth.WriteF(filepath.Join(dir, "cm.yaml"), sharedMap)',
  '}',
  '',
  'func TestOverlay(t *testing.T) {',
  '\tth := kusttest_test.MakeHarness(t)',
  '\twriteBase(th, "/app/base")',
  '\tth.WriteK("/app/overlay", `',
  'resources:',
  '- ../base',
  'namePrefix: "` + "x-" + `"',
  '`)',
  '\topts := th.MakeDefaultOptions()',
  '\topts.LoadRestrictions = types.LoadRestrictionsNone',
  '\tm := th.Run("/app/overlay", opts)',
  '\tth.AssertActualEqualsExpected(m, `ignored`)',
  '}',
  '',
  'func TestFails(t *testing.T) {',
  '\tth := kusttest_test.MakeHarness(t)',
  '\tth.WriteF("k/kustomization.yaml", "resources:\\n- \\"missing.yaml\\"\\n")',
  '\terr := th.RunWithErr("k", th.MakeDefaultOptions())',
  '\tif err == nil {',
  '\t\tt.FailNow()',
  '\t}',
  '}',
  '',
  'func TestTable(t *testing.T) {',
  '\tfor _, tc := range cases {',
  '\t\tt.Run(tc.name, func(t *testing.T) {})',
  '\t}',
  '}',
  '',
  'func TestExec(t *testing.T) {',
  '\tth := kusttest_test.MakeHarness(t)',
  '\tth.WriteK(".", "transformers:\\n- plugin.yaml\\n")',
  '\tth.WriteF("plugin.yaml", "apiVersion: someteam.example.com/v1\\nkind: Exec\\n")',
  '\tth.PrepExecPlugin("someteam.example.com", "v1", "Exec")',
  '\tth.Run(".", th.MakeOptionsPluginsEnabled())',
  '}',
  '',
  'func TestSprintf(t *testing.T) {',
  '\tth := kusttest_test.MakeHarness(t)',
  '\tth.WriteK(".", fmt.Sprintf("replicas: %d", 3))',
  '\tth.Run(".", th.MakeDefaultOptions())',
  '}',
].join('\n')

describe('extractGoCases (scripts/conformance)', () => {
  const {cases, skipped} = extractGoCases([{file: 'x_test.go', source}])

  test('a test writing through the harness and a helper becomes a tree with its build directory and options', () => {
    const overlay = cases.find((c) => c.name === 'x_test.go:TestOverlay')!
    assert.equal(overlay.buildDir, 'app/overlay')
    assert.equal(overlay.loadRestrictionsNone, true)
    assert.equal(overlay.expectsError, false)
    assert.deepEqual([...overlay.files.keys()], ['app/base/kustomization.yaml', 'app/base/cm.yaml', 'app/overlay/kustomization.yaml'])
    assert.equal(overlay.files.get('app/base/kustomization.yaml'), `${header}resources:\n- cm.yaml\n`)
    assert.equal(overlay.files.get('app/base/cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\n')
    assert.equal(overlay.files.get('app/overlay/kustomization.yaml'), `${header}\nresources:\n- ../base\nnamePrefix: "x-"\n`)
  })

  test('interpreted strings are decoded and RunWithErr marks an expected failure', () => {
    const fails = cases.find((c) => c.name === 'x_test.go:TestFails')!
    assert.equal(fails.files.get('k/kustomization.yaml'), 'resources:\n- "missing.yaml"\n')
    assert.equal(fails.expectsError, true)
  })

  test('table-driven, plugin and computed-content tests are skipped with the reason', () => {
    assert.deepEqual(
      skipped.map((s) => [s.name, s.category]),
      [
        ['x_test.go:TestTable', 'not extractable'],
        ['x_test.go:TestExec', 'plugins'],
        ['x_test.go:TestSprintf', 'not extractable'],
      ],
    )
    assert.match(skipped[2].reason, /expression/)
  })

  test('paths join as Go filepath.Join does', () => {
    assert.equal(joinPath('/app', '../base', 'x.yaml'), '/base/x.yaml')
    assert.equal(joinPath('.', 'kustomization.yaml'), 'kustomization.yaml')
    assert.equal(joinPath('a/', './b/'), 'a/b')
  })
})
