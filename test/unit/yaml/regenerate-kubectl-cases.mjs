#!/usr/bin/env node
import {execFileSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

// Regenerates kubectl-cases.ts from real `kubectl kustomize` runs (kubectl must be on PATH):
//   node test/unit/yaml/regenerate-kubectl-cases.mjs
// The cases are defined here; expected outputs are only ever what kubectl printed. Each batch is
// rendered four times and any case whose output varies is reported (go-yaml v2's key order is not
// transitive for keys like v10/v1beta1, so kustomize itself is nondeterministic on them).
const long140 = 'a'.repeat(117) + ' ' + 'b'.repeat(20)
const words = Array.from({length: 30}, (_, i) => `word${i}`).join(' ')
const emitCases = [
  // key order
  // Only key sets on which go-yaml's order is transitive: mixing e.g. v10 with v1beta1 makes
  // kustomize's own output order vary from run to run.
  ['key order: punctuation, case, unicode', Object.fromEntries(['', '-x', '.a', '/a', '_x', '~', 'A', 'B', 'X', 'Z', 'a', 'a b', 'aa', 'x-y', 'x.y', 'x_y', 'Ä', 'ß', 'é', '日本', 'ab', 'aB', 'a_', 'a-', 'a.b', 'a/b', '$a', '@a', 'Ω', 'ж'].map((k) => [k, 1]))],
  ['key order: numeric runs', Object.fromEntries(['a0', 'a00', 'a1', 'a01', 'a001', 'a2', 'a9', 'a10', 'a100', 'a11'].map((k) => [k, 1]))],
  ['key order: numbers', Object.fromEntries(['0', '1', '2', '9', '10', '11', '100', '007', '08', '-1', '+1'].map((k) => [k, 1]))],
  ['key order: api versions', Object.fromEntries(['v1', 'v2', 'v10', 'v11', 'v3'].map((k) => [k, 1]))],
  ['key order: kubernetes fields', Object.fromEntries(['apiVersion', 'kind', 'metadata', 'spec', 'status', 'data', 'stringData', 'type', 'items', 'binaryData', 'immutable', 'rules', 'subjects', 'roleRef'].map((k) => [k, 1]))],
  ['key order: annotation keys', Object.fromEntries(['app.kubernetes.io/name', 'app.kubernetes.io/instance', 'app', 'kubernetes.io/ingress.class', 'nginx.ingress.kubernetes.io/rewrite-target', 'Team', 'team', 'a.b/c', 'a-b/c', 'a_b/c', 'z'].map((k) => [k, 1]))],
  ['key order: env-style names', Object.fromEntries(['HOME', 'PATH', 'Path', 'path', 'LOG_LEVEL', 'LOG-LEVEL', 'LOGLEVEL', 'LOG', 'L0G', '_PRIVATE', 'X1', 'X2', 'X10'].map((k) => [k, 1]))],
  // strings that resolve to other types under go-yaml v2
  ...['true','True','TRUE','false','yes','Yes','no','NO','on','On','off','OFF','y','Y','n','N','null','Null','NULL','~','123','-1','+1','1.5','.5','+.5','-.5','0x1F','0X1f','0o17','0b101','0B1','1e3','1E-3','1_000','0755','089','1:20','-1:20','1:60','12:30:45','1:20.5','2001-12-14','2001-1-2','2001-12-14T21:59:43.1Z','2001-12-14t21:59:43Z','2001-12-14 21:59:43','2001-12-14T21:59:43+05:00','2001-13-14','2001-02-29','2000-02-29','2001-12-14T25:00:00Z','1e500','.inf','-.inf','.nan','.NaN','.Infinity','.','..','0x','0b102','1.2.3','9223372036854775807','9223372036854775808','18446744073709551616','1_','_1','<<','=', '0b-101', '12e', '1e+3'].map((s) => [`string ${JSON.stringify(s)}`, s]),
  // indicators and plain-scalar rules
  ...['-','--','---','--- a','...','-a','- a','?','?a','? a',':',':a','a:','a: b','a:b','a :b','a #b','a#b','#a','!a','&a','*a','|a','>a',"'a",'"a','%a','@a','`a','a,b','[a]','{a}','a]','a}','a?b','a!b','a|b','a%b','a@b','a`b',' a','a ','a  b','  ',' ','a - b','a -','http://x.y/z?q=1&r=[2]','${VAR}','$(VAR)','key=value','a=b,c=d','*','&','!','|','>'].map((s) => [`string ${JSON.stringify(s)}`, s]),
  ['empty string', ''],
  // quoting and escapes
  ...["a'b","'","''",'a"b','"','a\\b','\\','\ta','a\tb','a\t','\u0007','\u001b','\u00a0','a\u00a0b','é','日本語','😀','a😀b','\ufeffa','a\ufeffb','\ufffd','a\u0085b','a\u2028b','a\u2029b','a\rb','\r','a\r\nb','\u0000','\u0001x'].map((s) => [`escape ${JSON.stringify(s)}`, s]),
  // multi-line
  ...['a\n','a\nb','a\nb\n','a\nb\n\n','a\n\n','\n','\n\n','\na',' a\nb','  a\n b\n','a \nb','a\n b','a\n\nb','a\tb\nc','a\nb ','a\nb\t','- a\n- b\n','#x\ny','a\r\nb\n','a\u2028b\nc','\ufeffa\nb','a\n\u00e9\n','key: v\nk2: v2\n'].map((s) => [`multi-line ${JSON.stringify(s)}`, s]),
  // folding at 80 columns
  ['long plain folded once', long140],
  ['long plain many words', words + ' ' + words],
  ['long plain double spaces', 'x'.repeat(70) + ' ' + 'y'.repeat(15) + '  ' + 'z'.repeat(10) + ' ' + 'w'.repeat(5)],
  ['long plain no spaces', 'q'.repeat(200)],
  ['long single quoted', '!' + words + ' ' + words],
  ['long double quoted', 'true ' + words + '\t' + words],
  ['long double quoted double spaces', '\t' + 'x'.repeat(85) + '  ' + 'y'.repeat(10) + ' ' + 'z'.repeat(10)],
  ['long double quoted escapes', '\u0001'.repeat(30) + ' ' + 'x'.repeat(20) + ' ' + 'y'],
  ['long literal lines not folded', 'x '.repeat(60) + '\n' + 'y '.repeat(60).trim() + '\n'],
  ['long unicode plain', 'é'.repeat(79) + ' ' + 'ü'.repeat(10)],
  ...[74, 75, 76, 77, 78, 79, 80].map((n) => [`fold boundary: space after ${n} chars`, 'a'.repeat(n) + ' b c'] ),
  ...[74, 76, 77, 78, 79].map((n) => [`fold boundary single quoted ${n}`, '@' + 'a'.repeat(n) + ' b c']),
  ...[74, 76, 77, 78, 79].map((n) => [`fold boundary double quoted ${n}`, '\t' + 'a'.repeat(n) + ' b  c']),
  ['fold in list items', ['x'.repeat(78) + ' y z', ['w'.repeat(76) + ' v u'], {k: 'x'.repeat(76) + ' q r'}]],
  ['fold runs of words', Array.from({length: 40}, (_, i) => 'ab'.repeat(i % 5 + 1)).join(' ')],
  ['fold with double space after column 80', 'x'.repeat(80) + '  y ' + 'z'.repeat(90) + ' w'],
  ['long nested', {a: {b: {c: [long140, {d: long140}]}}}],
  ['long key', {['k'.repeat(129)]: 1, ['j'.repeat(128)]: 2}],
  ['long key with long value', {['k'.repeat(130)]: {x: 1}, ['m'.repeat(130)]: [1, 2], ['n'.repeat(130)]: long140}],
  ['multi-line keys', {'a\nb': 1, 'c\nd': {e: 1}, 'x\u2028y': 2}],
  ['keys needing quotes', {'': 1, 'true': 1, 'y': 1, '1': 1, 'a b': 1, 'a: b': 1, '- a': 1, '#': 1, ' x': 1, '\tq': 1, "it's": 1, '@': 1}],
  ['key with NEL (kustomize fails)', {'a\u0085': 1}],
  ...['\u007f', 'a\u0080', '\u009f', '\ufffe', '\uffff'].map((s) => [`string kustomize rejects ${JSON.stringify(s)}`, s]),
  // numbers
  ...[0, 1, -1, 1.5, -1.5, 1e21, 1e20, 1e-6, 1e-7, 0.0001, 0.00001, 123456.7, 1234567.5, 100000.5, 1000000.5, 2 ** 53, 2 ** 53 - 1, 1e100, -1.5e-10, 3.14159, 0.1, 1 / 3, 5e-324, 1.7976931348623157e308, 12345678901234567890, 2 ** 63, 2 ** 64].map((n) => [`number ${n}`, n]),
  // structure
  ['empty map', {}],
  ['empty list', []],
  ['null', null],
  ['booleans', [true, false]],
  ['list of empties', [[], {}, [[]], [{}], null, '']],
  ['nested lists', [[1, 2], [3, [4, [5]]], []]],
  ['maps in lists', [{a: 1, b: [1, 2]}, {c: {d: 1}}, {e: []}]],
  ['lists in maps', {a: [1, 2], b: {c: [{d: [3]}]}, e: [[]]}],
  ['literal in list and map', ['a\nb', {k: 'x\ny\n', l: ['  p\nq']}, [' a\n']]],
  ['null values', {a: null, b: [null], c: {}}],
]

const parseCases = [
  ['block literal keep/strip/clip', 'a: |\n  x\n  y\nb: |-\n  x\nc: |+\n  x\n\nd: >\n  folded\n  text\n\n  para\ne: >-\n  x\n  y\n'],
  ['indentation indicator', 'a: |2\n   leading\n  x\n'],
  ['quoted scalars', 'a: "x\\ty\\u00e9\\x41"\nb: \'it\'\'s\'\nc: "line\n  folded"\nd: \'multi\n\n  line\'\n'],
  ['plain multi-line', 'a: word1\n  word2\n\n  word3\n'],
  ['booleans and nulls v3', 'a: yes\nb: no\nc: on\nd: off\ne: y\nf: n\ng: True\nh: FALSE\ni: ~\nj:\nk: Null\nl: NULL\nm: nULL\n'],
  ['ints', 'a: 0x1F\nb: 0o17\nc: 0755\nd: 1_000\ne: +12\nf: -0\ng: 0b101\nh: -0b11\ni: 0B11\nj: 0X1F\nk: 1__0\nl: _1\nm: 089\nn: 0b-101\no: 00\np: -0x10\n'],
  ['floats', 'a: 1.0\nb: 1.5e6\nc: 0.000001\nd: 1e21\ne: 1e20\nf: -0.0\ng: 1234567.5\nh: .5\ni: 1e500\nj: 1.\nk: 6.02e+23\nl: 1_0.5\nm: 18446744073709551616\nn: 100000000000000000000\n'],
  ['timestamps', 'a: 2001-12-14\nb: 2001-12-14T21:59:43.10Z\nc: 2001-12-14t21:59:43Z\nd: 2001-12-14 21:59:43.10\ne: 2001-12-14T21:59:43.10-05:00\nf: 2001-12-14 21:59:43.10 -5\ng: 2002-1-2\nh: "2001-12-14"\ni: 2001-12-14T21:59:43.1234567891Z\nj: 2001-02-30\nk: 2001-12-14T21:59:43+00:00\nl: 2001-12-14  21:59:43\n'],
  ['base60 and colons', 'a: 1:20\nb: 12:30:45\nc: 1:60\nd: a:b\n'],
  ['tags', 'a: !!str 123\nb: !!int "12"\nc: !!float 1\nd: !foo bar\ne: !!str true\nf: !!null ""\ng: !!binary aGVsbG8=\nh: !!str\ni: !!bool "true"\n'],
  ['anchors and merge keys', 'base: &b\n  x: 1\n  y: 2\nderived:\n  <<: *b\n  y: 3\nal: *b\nlist: &l [1, 2]\nl2: *l\nmulti:\n  <<: [*b, {z: 9}]\n'],
  ['flow collections', 'a: {x: 1, y: [a, b, {c: d}]}\nb: [ ]\nc: { }\nd: [a, "b c", \'d\']\n'],
  ['comments', '# top\na: 1 # trailing\n# between\nb: "#not a comment"\nc: x#y\n'],
  ['string keys that look typed', '"1": a\n"true": b\n"null": c\n"": d\n'],
  ['long value round trip', 'a: ' + 'x'.repeat(117) + ' ' + 'y'.repeat(20) + '\nb: "' + 'z '.repeat(60) + '"\n'],
  ['crlf line endings', 'a: 1\r\nb: |\r\n  x\r\n  y\r\nc: "q"\r\n'],
  ['document end marker', 'a: 1\n...\n'],
  ['unicode', 'a: é日本😀\nb: "\\U0001F600"\nc: "\\u00a0"\n'],
  ['tabs in values', 'a: "x\\ty"\nb: x\ty\n'],
]
const tmp = mkdtempSync(join(tmpdir(), 'strata-yaml-cases-'))

// JSON is YAML; escape what a YAML reader might treat as a break or BOM inside quotes.
const yamlJson = (v) => JSON.stringify(v).replace(/[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)

function run(dir, docs) {
  try {
    return runBatch(dir, docs)
  } catch {
    const all = new Map()
    docs.forEach((d, i) => {
      try {
        for (const [k, v] of runBatch(`${dir}-${i}`, [d])) all.set(k, v)
      } catch (e) {
        const name = /name: ([ep]\d+)/.exec(d)[1]
        all.set(name, {error: String(e.stderr).replace(/^.*?err=/s, '').slice(-160)})
      }
    })
    return all
  }
}

function runBatch(dir, docs) {
  rmSync(dir, {recursive: true, force: true})
  mkdirSync(dir, {recursive: true})
  writeFileSync(`${dir}/kustomization.yaml`, 'resources:\n- r.yaml\n')
  writeFileSync(`${dir}/r.yaml`, docs.join('---\n'))
  const out = execFileSync('kubectl', ['kustomize', dir], {encoding: 'utf8', maxBuffer: 1 << 26})
  const byName = new Map()
  for (const doc of out.split(/^---\n/m)) {
    const m = /^metadata:\n  name: ([ep]\d+)\n/m.exec(doc)
    if (!m) throw new Error('no name in ' + doc)
    byName.set(m[1], doc)
  }
  return byName
}

const header = (name, nl = '\n') => `apiVersion: v1${nl}kind: Foo${nl}metadata:${nl}  name: ${name}${nl}`
const eNames = emitCases.map((_, i) => `e${String(i).padStart(3, '0')}`)
const eInputs = emitCases.map(([, v], i) => header(eNames[i]) + `v: ${yamlJson(v)}\n`)
const eOut = run(join(tmp, 'e'), eInputs)
// kustomize's order is not always deterministic: rerun and drop nothing silently.
for (let k = 0; k < 3; k++) {
  const again = run(join(tmp, 'e'), eInputs)
  for (const [n, v] of again) if (JSON.stringify(v) !== JSON.stringify(eOut.get(n))) console.log('NONDETERMINISTIC', n)
}
const pNames = parseCases.map((_, i) => `p${String(i).padStart(3, '0')}`)
const pInputs = parseCases.map(([, y], i) => {
  const nl = y.includes('\r\n') ? '\r\n' : '\n'
  return header(pNames[i], nl) + y
})
const pOut = run(join(tmp, 'p'), pInputs)
const result = {
  emit: emitCases.map(([title, value], i) => ({title, name: eNames[i], value, input: eInputs[i], expected: eOut.get(eNames[i])})),
  parse: parseCases.map(([title], i) => ({title, name: pNames[i], input: pInputs[i], expected: pOut.get(pNames[i])})),
}
writeCases(result)
rmSync(tmp, {recursive: true, force: true})
console.log('emit', result.emit.length, 'parse', result.parse.length, 'missing', [...result.emit, ...result.parse].filter((c) => typeof c.expected !== 'string').map((c) => [c.name, c.title, c.expected]))

function writeCases(r) {
  const q = (v) => JSON.stringify(v)
  let out = `// Generated from real \`kubectl kustomize\` runs (kubectl v1.32.4, kustomize v5.5.0): every emit case
// is a \`kind: Foo\` object named \`name\` whose field \`v\` holds \`value\`, written to the input file
// as \`input\` (JSON inside YAML); \`expected\` is the document kubectl printed for it, or null when
// kubectl kustomize failed on it. Parse cases are YAML documents and what kubectl printed for them.
// Regenerate only on purpose, with regenerate-kubectl-cases.mjs, never from strata's own output.
import type {JsonValue} from '../../../src/model/json.js'

export interface EmitCase {
  title: string
  name: string
  value: JsonValue
  input: string
  expected: string | null
}

export interface ParseCase {
  title: string
  input: string
  expected: string
}

export const emitCases: EmitCase[] = [
`
  for (const c of r.emit) {
    out += `  {title: ${q(c.title)}, name: ${q(c.name)}, value: ${q(c.value)}, input: ${q(c.input)}, expected: ${typeof c.expected === 'string' ? q(c.expected) : 'null'}},\n`
  }
  out += `]\n\nexport const parseCases: ParseCase[] = [\n`
  for (const c of r.parse) out += `  {title: ${q(c.title)}, input: ${q(c.input)}, expected: ${q(c.expected)}},\n`
  out += ']\n'
  writeFileSync(new URL('./kubectl-cases.ts', import.meta.url), out)
}
