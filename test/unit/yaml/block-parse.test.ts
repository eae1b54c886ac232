import {test, describe} from 'node:test'
import assert from 'node:assert/strict'
import * as fs from 'node:fs'
import * as path from 'node:path'
import jsyaml from 'js-yaml'
import {parseBlockYaml} from '../../../src/render/yaml/block-parse.js'
import {goYaml11Schema, goYamlSchema, goYamlTrackingSchema, plainScalarResolvers} from '../../../src/render/yaml/go-yaml-schema.js'
import {writtenNull} from '../../../src/render/yaml/empty-null.js'

// The block reader is a shortcut past js-yaml for the common shape of YAML: whatever it returns
// must be exactly what js-yaml returns under the same schema (values, types, key order), and it
// must give up on what it does not read. Compared on every YAML file of the repository's fixtures
// and examples, under each schema, and on edge cases.

const repo = path.resolve(import.meta.dirname, '..', '..', '..')
const schemas = {'1.2': goYamlSchema, tracking: goYamlTrackingSchema, '1.1': goYaml11Schema} as const
type SchemaName = keyof typeof schemas

/** A text that keeps key order, types (bigint, written null) and array holes apart. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `bigint:${x}` : x === writtenNull ? 'writtenNull' : x === undefined ? 'undefined' : x))
}

function jsyamlDocs(text: string, schema: SchemaName): string | undefined {
  try {
    return canonical(jsyaml.loadAll(text, undefined, {schema: schemas[schema]}))
  } catch {
    return undefined // js-yaml refuses it: the block reader must have given up
  }
}

function check(text: string, schema: SchemaName, where: string): boolean {
  const fast = parseBlockYaml(text, plainScalarResolvers[schema])
  if (fast === undefined) return false
  assert.equal(canonical(fast), jsyamlDocs(text, schema), `${where} (${schema})`)
  return true
}

function yamlFiles(dir: string): string[] {
  const out: string[] = []
  for (const e of fs.readdirSync(dir, {withFileTypes: true})) {
    const p = path.join(dir, e.name)
    if (e.isDirectory()) out.push(...yamlFiles(p))
    else if (/\.ya?ml$/.test(e.name) || e.name === 'Kustomization') out.push(p)
  }
  return out
}

describe('parseBlockYaml', () => {
  test('reads every fixture and example file as js-yaml does, or gives up', () => {
    const files = ['fixtures', 'examples', 'test/unit'].flatMap((d) => yamlFiles(path.join(repo, d)))
    let read = 0
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8')
      // The unterminated last line is parse.ts's business (js-yaml then runs with a listener).
      for (const schema of Object.keys(schemas) as SchemaName[]) if (check(text, schema, path.relative(repo, file))) read++
    }
    // The shortcut must actually be taken on the common shape, or it is only a cost.
    assert.ok(files.length > 300, `found ${files.length} files`)
    assert.ok(read > files.length * 3 * 0.6, `read ${read} of ${files.length * 3}`)
  })

  const cases: [string, string][] = [
    ['empty', ''],
    ['only a break', '\n'],
    ['only comments', '# a\n  # b\n'],
    ['two breaks', '\n\n'],
    ['only spaces', '   '],
    ['one marker', '---\n'],
    ['trailing marker', 'a: 1\n---\n'],
    ['leading marker', '---\na: 1\n'],
    ['comments around markers', '# c\n---\na: 1\n---\n# x\n'],
    ['empty document between', 'a: 1\n---\n---\nb: 2\n'],
    ['end marker', '---\n...\n'],
    ['marker with content', '--- a\n'],
    ['empty values', 'a:\nb:\n  # only a comment\nc: 1\n'],
    ['written nulls', 'a: null\nb: ~\nc: Null\nd: NULL\n'],
    ['null items', '- a\n-\n- b\n- null\n'],
    ['flow empties', 'a: {}\nb: []\nc: [ ]\nd: {  }  # c\n'],
    ['flow collections', 'a: [1, 2]\n'],
    ['flow map', 'a: {b: 1}\n'],
    ['scalars', 'a: 1\nb: 0x1F\nc: 010\nd: 1.5\ne: true\nf: yes\ng: on\nh: 2001-12-14\ni: 1_000\nj: -3\nk: +4\nl: .5\nm: 1e3\nn: 99999999999999999999\no: 9007199254740993\np: 09\n'],
    ['keys that resolve', '1: a\n0x10: b\ntrue: c\nnull: d\nyes: e\n2001-12-14: f\n1.50: g\n'],
    ['duplicate keys', 'a: 1\na: 2\n'],
    ['duplicate resolved keys', '1: a\n01: b\n'],
    ['merge key', 'a: &x\n  b: 1\nc:\n  <<: *x\n'],
    ['anchors and aliases', 'a: &x 1\nb: *x\n'],
    ['tags', 'a: !!str 1\nb: !custom x\n'],
    ['comments after values', 'a: b #c\nd: "x#y"  # c\ne: x#y\nf: \'q\' # c\n'],
    ['hash right after a quote', 'a: "x"#c\n'],
    ['quotes', "a: 'it''s'\nb: \"plain\"\nc: ''\nd: \"\"\ne: 'a: b'\nf: \"1\"\n"],
    ['escapes', 'a: "x\\ty"\n'],
    ['quoted keys', '"a": 1\n\'b\': 2\n'],
    ['multi-line plain', 'a: x\n  y\n'],
    ['multi-line quoted', 'a: "x\n  y"\n'],
    ['spaces around', 'a:  b  \nc:    \n'],
    ['sequence at the key indentation', 'a:\n- 1\n- 2\nb: 3\n'],
    ['indented sequence', 'a:\n  - 1\n  - 2\nb: 3\n'],
    ['compact mappings', 'containers:\n- name: a\n  image: b\n  ports:\n  - containerPort: 80\n    name: http\n- name: c\n'],
    ['compact mapping with more spaces', '-   a: 1\n    b: 2\n'],
    ['bad compact indentation', '- a: 1\n b: 2\n'],
    ['nested sequences', '- - a\n  - b\n'],
    ['item with a nested block', '-\n  a: 1\n-\n  - x\n'],
    ['root sequence then key', '- a\nb: 1\n'],
    ['mapping then dash', 'a: 1\n- b\n'],
    ['deeper sequence then key', 'a:\n  - 1\n  b: 2\n'],
    ['scalar on its own line', 'a:\n  b\n'],
    ['root scalar', 'just text\n'],
    ['indented root', '  a: 1\n'],
    ['directive', '%YAML 1.2\n---\na: 1\n'],
    ['tabs', 'a:\tb\n'],
    ['CRLF', 'a: b\r\n'],
    ['literal', 'k: |\n  x\n\n  y\n\n\n'],
    ['literal strip', 'k: |-\n  x\n'],
    ['literal keep', 'k: |+\n  x\n\n'],
    ['literal keep at end', 'k: |+\n  x\n\nz: 1\n'],
    ['literal leading blank', 'k: |\n\n  x\n'],
    ['literal empty', 'k: |\n'],
    ['literal empty then key', 'k: |\nz: 1\n'],
    ['literal empty keep', 'k: |+\n\nz: 1\n'],
    ['literal with comment header', 'k: | # note\n  x\n'],
    ['literal with comments inside', 'k: |\n  # not a comment\n  x\n# a comment\nz: 1\n'],
    ['literal with deeper lines', 'k: |\n  a\n    b\n  c\n'],
    ['literal with a less indented line', 'k: |\n    a\n  b\n'],
    ['literal blank line with spaces', 'k: |\n  a\n      \n  b\n'],
    ['literal blank line with few spaces', 'k: |\n  a\n \n  b\n'],
    ['literal leading blank with spaces', 'k: |\n     \n  a\n'],
    ['literal in a sequence', '- |\n  a\n- |-\n  b\n'],
    ['literal in a compact mapping', '- k: |\n    a\n  z: 1\n'],
    ['literal with indicator', 'k: |2\n   a\n'],
    ['folded', 'k: >\n  a\n  b\n'],
    ['literal then document', 'k: |\n  a\n---\nb: 1\n'],
    ['literal marker inside', 'k: |\n  ---\n  a\n'],
    ['values with colons', 'image: registry.example.com/app:1.0\nurl: http://x:80/y\ntime: 12:30\n'],
    ['value with colon space', 'a: b: c\n'],
    ['value ending in colon', 'a: b:\n'],
    ['indicator starts', 'a: -\nb: - x\n'],
    ['plain starting with dash', 'a: -x\nb: --flag=1\n'],
    ['plain with brackets inside', 'a: x[0]\nb: f(x), g\n'],
    ['key with spaces', 'a b: 1\n'],
    ['key with trailing space', 'a : 1\n'],
    ['key with a hash', 'a#b: 1\n'],
    ['long document', 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels:\n    app: web\nspec:\n  replicas: 3\n  template:\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.25\n        args:\n        - --a\n        env:\n        - name: X\n          value: "1"\n        - name: EMPTY\n          value:\n'],
    ['unicode', 'a: héllo\nb: 日本\n'],
    ['emoji', 'a: 😀\n'],
    ['__proto__', '__proto__: 1\n'],
  ]
  for (const [name, text] of cases) {
    test(`edge case: ${name}`, () => {
      for (const schema of Object.keys(schemas) as SchemaName[]) check(text, schema, name)
    })
  }

  test('reads the common shapes itself (not only by giving up)', () => {
    for (const name of ['long document', 'compact mappings', 'literal', 'literal keep', 'sequence at the key indentation', 'comments around markers', 'scalars', 'quotes', 'flow empties', 'empty values']) {
      const text = cases.find(([n]) => n === name)![1]
      assert.notEqual(parseBlockYaml(text, plainScalarResolvers['1.2']), undefined, name)
    }
  })
})
