import {test, describe} from 'node:test'
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {parse} from 'yaml'
import {applyJson6902, parseJson6902} from '../../../src/render/patch/json6902.js'
import {UserError} from '../../../src/model/errors.js'
import type {JsonObject} from '../../../src/model/json.js'

// Table: fixtures/json6902-cases.yaml (target + ops text, applied with a `target:` selector).
// Expected values in fixtures/json6902-cases.expected.json came from real `kubectl kustomize`
// runs (kustomize v5.5.0, through fixtures/gen-expected.ts), never from strata.
interface Case {
  name: string
  target: string
  patch: string
}
type Expected = {output: JsonObject} | {error: string}

const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url)
const cases = parse(readFileSync(fixture('json6902-cases.yaml'), 'utf8')) as Case[]
const expected = JSON.parse(readFileSync(fixture('json6902-cases.expected.json'), 'utf8')) as Record<string, Expected>

/** kubectl prints `err="…"`; that inner text is kustomize's own message. */
function kustomizeMessage(line: string): string | undefined {
  const m = /err="(.*)"$/.exec(line)
  return m ? m[1].replaceAll('\\"', '"') : undefined
}

/**
 * After a JSON patch kustomize writes its internal annotations back, which turns every annotation
 * value into a string (labels stay as they are). That is the caller's step, mimicked here.
 */
function withStringAnnotations(obj: JsonObject): JsonObject {
  const ann = (obj.metadata as JsonObject | undefined)?.annotations
  if (ann && typeof ann === 'object' && !Array.isArray(ann)) for (const k of Object.keys(ann)) ann[k] = String(ann[k])
  return obj
}

describe('applyJson6902 matches kubectl kustomize v5.5', () => {
  for (const c of cases) {
    test(c.name, () => {
      const want = expected[c.name]
      assert.ok(want, `no kubectl result recorded for "${c.name}"; run fixtures/gen-expected.ts`)
      const target = parse(c.target) as JsonObject
      const run = () => applyJson6902(target, parseJson6902(c.patch, 'patch.yaml'), {file: 'patch.yaml'})
      if ('error' in want) {
        assert.throws(run, (e: unknown) => {
          assert.ok(e instanceof UserError)
          assert.equal(e.origin.file, 'patch.yaml')
          const msg = kustomizeMessage(want.error)
          if (msg) assert.ok(e.message.includes(msg), `"${e.message}" should include kustomize's "${msg}"`)
          assert.ok(!e.message.includes('nginx'), 'error must not echo document content')
          return true
        })
        return
      }
      assert.deepStrictEqual(withStringAnnotations(run()), want.output)
    })
  }
})

describe('applyJson6902 contract', () => {
  const secret = (): JsonObject => ({apiVersion: 'v1', kind: 'Secret', metadata: {name: 's'}, data: {password: 'aHVudGVyMg=='}})

  test('never mutates the target or the operations', () => {
    const t = secret()
    const ops = [
      {op: 'add', path: '/data/extra', value: {nested: ['x']}},
      {op: 'remove', path: '/data/password'},
    ]
    const tCopy = structuredClone(t)
    const opsCopy = structuredClone(ops)
    const out = applyJson6902(t, ops, {file: 'p.yaml'})
    assert.deepStrictEqual(t, tCopy)
    assert.deepStrictEqual(ops, opsCopy)
    ;((out.data as JsonObject).extra as JsonObject).nested = []
    assert.deepStrictEqual(ops, opsCopy)
  })

  test('a failing op names the file and the op index, and never the Secret data', () => {
    const ops = [
      {op: 'add', path: '/data/a', value: 'eA=='},
      {op: 'test', path: '/data/password', value: 'd3Jvbmc='},
    ]
    assert.throws(
      () => applyJson6902(secret(), ops, {file: 'overlays/prod/p.yaml'}),
      (e: unknown) =>
        e instanceof UserError &&
        e.origin.file === 'overlays/prod/p.yaml' &&
        e.origin.field === '[1]' &&
        /operation 1 \(test \/data\/password\)/.test(e.message) &&
        !e.describe().includes('aHVudGVyMg==') &&
        !e.describe().includes('d3Jvbmc='),
    )
  })

  test('parseJson6902 accepts JSON and YAML and rejects other shapes with the file', () => {
    assert.deepStrictEqual(parseJson6902('[{"op":"remove","path":"/a"}]', 'p.json'), [{op: 'remove', path: '/a'}])
    assert.deepStrictEqual(parseJson6902('- op: remove\n  path: /a\n', 'p.yaml'), [{op: 'remove', path: '/a'}])
    assert.throws(() => parseJson6902('op: remove\n', 'p.yaml'), (e: unknown) => e instanceof UserError && e.origin.file === 'p.yaml')
    assert.throws(() => parseJson6902('- just a string\n', 'p.yaml'), (e: unknown) => e instanceof UserError && e.origin.field === '[0]')
    assert.throws(() => parseJson6902('- op: [\n', 'p.yaml'), (e: unknown) => e instanceof UserError && e.origin.line !== undefined)
  })
})
