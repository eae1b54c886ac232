import {test, describe} from 'node:test'
import assert from 'node:assert/strict'
import {defaultFieldSpecs, extractGoCases, joinPath} from '../../../scripts/conformance-lib/go-cases.js'

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

const tableSource = [
  'package krusty_test',
  '',
  'type FileGen func(kusttest_test.Harness)',
  '',
  'func writeK(path string, content string) FileGen {',
  '\treturn func(th kusttest_test.Harness) {',
  '\t\tth.WriteK(path, content)',
  '\t}',
  '}',
  '',
  'func writeShared(th kusttest_test.Harness) {',
  '\tth.WriteF("shared.yaml", "kind: Shared")',
  '}',
  '',
  'func TestRows(t *testing.T) {',
  '\ttestCases := []struct {',
  '\t\tname   string',
  '\t\tkust   string',
  '\t\textra  string',
  '\t}{',
  '\t\t{name: "with extra", kust: "resources:\\n- a.yaml\\n", extra: "kind: A"},',
  '\t\t{name: "without", kust: "resources: []\\n"},',
  '\t}',
  '\tfor _, tc := range testCases {',
  '\t\tt.Run(tc.name, func(t *testing.T) {',
  '\t\t\tth := kusttest_test.MakeHarness(t)',
  '\t\t\tth.WriteK(".", tc.kust)',
  '\t\t\tif tc.extra != "" {',
  '\t\t\t\tth.WriteF("a.yaml", tc.extra)',
  '\t\t\t}',
  '\t\t\tth.Run(".", th.MakeDefaultOptions())',
  '\t\t})',
  '\t}',
  '}',
  '',
  'func TestMapRows(t *testing.T) {',
  '\tcases := map[string]struct {',
  '\t\tinput []FileGen',
  '\t}{',
  '\t\t"generated": {input: []FileGen{writeK("", "namePrefix: x-\\n"), writeShared}},',
  '\t}',
  '\tfor name := range cases {',
  '\t\tc := cases[name]',
  '\t\tt.Run(name, func(t *testing.T) {',
  '\t\t\tth := kusttest_test.MakeHarness(t)',
  '\t\t\tfor _, f := range c.input {',
  '\t\t\t\tf(th)',
  '\t\t\t}',
  '\t\t\tth.Run(".", th.MakeDefaultOptions())',
  '\t\t})',
  '\t}',
  '}',
  '',
  'func TestEveryName(t *testing.T) {',
  '\tth := kusttest_test.MakeEnhancedHarness(t).PrepBuiltin("LabelTransformer")',
  '\tth.GetPluginConfig().BpLoadingOptions = types.BploUseStaticallyLinked',
  '\tfor _, n := range konfig.RecognizedKustomizationFileNames() {',
  '\t\tth.WriteF(filepath.Join(".", n), "kind: Kustomization")',
  '\t}',
  '\tth.WriteLegacyConfigs("config/defaults.yaml")',
  '\tth.RunWithErr(".", th.MakeDefaultOptions())',
  '}',
  '',
  'func TestSortFlag(t *testing.T) {',
  '\tth := kusttest_test.MakeHarness(t)',
  '\tth.WriteK(".", "")',
  '\topts := th.MakeDefaultOptions()',
  '\topts.Reorder = krusty.ReorderOptionLegacy',
  '\tth.Run(".", opts)',
  '}',
].join('\n')

const konfigSources = [
  'package builtinpluginconsts\n\nfunc GetDefaultFieldSpecs() []byte {\n\tconfigData := [][]byte{\n\t\t[]byte(namePrefixFieldSpecs),\n\t\t[]byte(commonLabelFieldSpecs),\n\t}\n\treturn bytes.Join(configData, []byte("\\n"))\n}\n',
  'package builtinpluginconsts\n\nconst commonLabelFieldSpecs = `\ncommonLabels:\n- path: metadata/labels\n` + metadataLabels\n',
  'package builtinpluginconsts\n\nconst (\n\tmetadataLabels = `- path: spec/selector\n`\n\tnamePrefixFieldSpecs = `\nnamePrefix:\n- path: metadata/name\n`\n)\n',
]

describe('extractGoCases: table-driven tests, FileGen loops, default field specs', () => {
  const specs = defaultFieldSpecs(konfigSources)
  const {cases, skipped} = extractGoCases([{file: 't_test.go', source: tableSource}], undefined, specs)
  const byName = (n: string) => cases.find((c) => c.name === n)

  test('default field specs join in GetDefaultFieldSpecs order, constants resolved across files and declaration order', () => {
    assert.equal(specs, '\nnamePrefix:\n- path: metadata/name\n\n\ncommonLabels:\n- path: metadata/labels\n- path: spec/selector\n')
  })

  test('each table row is a case named by the row, its fields substituted, `if field != ""` blocks run only when set', () => {
    const withExtra = byName('t_test.go:TestRows/with extra')!
    assert.equal(withExtra.files.get('kustomization.yaml'), `${header}resources:\n- a.yaml\n`)
    assert.equal(withExtra.files.get('a.yaml'), 'kind: A')
    const without = byName('t_test.go:TestRows/without')!
    assert.deepEqual([...without.files.keys()], ['kustomization.yaml'])
  })

  test('a map table read through cases[name], its []FileGen applied by a loop', () => {
    const row = byName('t_test.go:TestMapRows/generated')!
    assert.equal(row.files.get('kustomization.yaml'), `${header}namePrefix: x-\n`)
    assert.equal(row.files.get('shared.yaml'), 'kind: Shared')
  })

  test('a loop over the recognized kustomization file names, statically linked builtins, WriteLegacyConfigs', () => {
    const c = byName('t_test.go:TestEveryName')!
    assert.deepEqual([...c.files.keys()].sort(), ['Kustomization', 'config/defaults.yaml', 'kustomization.yaml', 'kustomization.yml'])
    assert.equal(c.files.get('config/defaults.yaml'), specs)
    assert.equal(c.expectsError, true)
  })

  test('a build option kubectl only has as a deprecated flag is not extractable, with the reason', () => {
    assert.deepEqual(skipped.map((s) => s.name), ['t_test.go:TestSortFlag'])
    assert.match(skipped[0].reason, /--reorder/)
  })
})
