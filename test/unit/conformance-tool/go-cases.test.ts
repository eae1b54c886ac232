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

const laterSource = [
  'package krusty_test',
  '',
  'const typedBase string = `resources:\n- cm.yaml\n`',
  '',
  'func withSchema(t *testing.T, test func(t *testing.T)) {',
  '\topenapi.ResetOpenAPI()',
  '\ttest(t)',
  '}',
  '',
  'func TestTwoBuilds(t *testing.T) {',
  '\tth := kusttest_test.MakeHarness(t)',
  '\tconst cm = `kind: ConfigMap`',
  '\tth.WriteK("base", typedBase)',
  '\tth.WriteF("base/cm.yaml", cm)',
  '\tth.AssertActualEqualsExpected(',
  '\t\tth.Run("base", th.MakeDefaultOptions()), `ignored`)',
  '\tth.WriteK("base", "namePrefix: p-\\n" + typedBase)',
  '\trequire.Error(t, th.RunWithErr("base", th.MakeDefaultOptions()))',
  '}',
  '',
  'func TestWrapped(t *testing.T) {',
  '\twithSchema(t, func(t *testing.T) {',
  '\t\tth := kusttest_test.MakeHarness(t)',
  '\t\tschema, _ := os.ReadFile("./testdata/schema.json")',
  '\t\tth.WriteK(".", "openapi:\\n  path: schema.json\\n")',
  '\t\tth.WriteF("schema.json", string(schema))',
  '\t\trequire.NoError(t, th.GetFSys().MkdirAll("charts/x"))',
  '\t\tm := th.Run(".", th.MakeDefaultOptions())',
  '\t\tth.AssertActualEqualsExpected(m, ``)',
  '\t})',
  '}',
  '',
  'const joined = `[{"op": ` +',
  '\t`"remove"}]`',
  '',
  'func writeNamed(th *kusttest_test.HarnessEnhanced, dir, name, body string) {',
  '\tth.WriteF(filepath.Join(dir, name+".yaml"), strings.ReplaceAll(body, "OLD", "new"))',
  '}',
  '',
  'func copyCharts(t *testing.T, th *kusttest_test.HarnessEnhanced) {',
  '\tfs := th.GetFSys()',
  '\trequire.NoError(t, fs.MkdirAll("charts"))',
  '\trequire.NoError(t, copyutil.CopyDir(th.GetFSys(), "testdata/charts", "charts"))',
  '}',
  '',
  'func TestFreshHarness(t *testing.T) {',
  '\tth := kusttest_test.MakeEnhancedHarness(t)',
  '\twriteNamed(th.Harness, "p", "patch", "OLD " + joined)',
  '\tcopyCharts(t, th)',
  '\tm := th.Run("p", func() Options {',
  '\t\to := th.MakeDefaultOptions()',
  '\t\to.LoadRestrictions = types.LoadRestrictionsNone',
  '\t\treturn o',
  '\t}())',
  '\tth = kusttest_test.MakeEnhancedHarness(t)',
  '\tth.WriteK("q", "")',
  '\tth.Run("q", th.MakeDefaultOptions())',
  '}',
  '',
  'func TestBlock(t *testing.T) {',
  '\tth := kusttest_test.MakeHarness(t)',
  '\tif ok {',
  '\t\tth.WriteK(".", "")',
  '\t}',
  '\tth.Run(".", th.MakeDefaultOptions())',
  '}',
].join('\n')

describe('extractGoCases: several builds, local and typed constants, wrapped tests', () => {
  const testdata = new Map([
    ['./testdata/schema.json', '{"definitions": {}}'],
    ['testdata/charts/web/Chart.yaml', 'name: web'],
  ])
  const {cases, skipped} = extractGoCases([{file: 'y_test.go', source: laterSource}], {
    readFile: (p) => testdata.get(p),
    listFiles: (dir) => (dir === 'testdata/charts' ? ['web/Chart.yaml'] : undefined),
  })

  test('each build is its own case, with the files written before it', () => {
    const first = cases.find((c) => c.name === 'y_test.go:TestTwoBuilds#1')!
    const second = cases.find((c) => c.name === 'y_test.go:TestTwoBuilds#2')!
    assert.equal(first.files.get('base/kustomization.yaml'), `${header}resources:\n- cm.yaml\n`)
    assert.equal(first.files.get('base/cm.yaml'), 'kind: ConfigMap')
    assert.equal(first.expectsError, false)
    assert.equal(second.files.get('base/kustomization.yaml'), `${header}namePrefix: p-\nresources:\n- cm.yaml\n`)
    assert.equal(second.expectsError, true)
  })

  test('a test wrapped in a package function runs its closure, reading testdata and the harness file system', () => {
    const wrapped = cases.find((c) => c.name === 'y_test.go:TestWrapped')!
    assert.equal(wrapped.files.get('schema.json'), '{"definitions": {}}')
    assert.equal(wrapped.files.get('charts/x/'), '')
    assert.equal(wrapped.buildDir, '')
  })

  test('grouped parameters, multi-line constants, ReplaceAll, CopyDir, options made by a closure, a harness made anew', () => {
    const first = cases.find((c) => c.name === 'y_test.go:TestFreshHarness#1')!
    assert.equal(first.files.get('p/patch.yaml'), 'new [{"op": "remove"}]')
    assert.equal(first.files.get('charts/web/Chart.yaml'), 'name: web')
    assert.equal(first.loadRestrictionsNone, true)
    const second = cases.find((c) => c.name === 'y_test.go:TestFreshHarness#2')!
    assert.deepEqual([...second.files.keys()], ['q/kustomization.yaml'])
    assert.equal(second.loadRestrictionsNone, false)
  })

  test('harness calls under a block are still refused', () => {
    assert.deepEqual(skipped.map((s) => [s.name, s.reason]), [['y_test.go:TestBlock', 'harness call inside a block']])
  })
})
