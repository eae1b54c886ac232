// Replays a kustomize tree from ./cases by hand: load files, run the transformers in kustomize's
// order, compare with the object set `kubectl kustomize` printed for the same tree.
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {parseAllDocuments} from 'yaml'
import {isObject, type JsonObject} from '../../../src/model/json.js'
import {ResourceSet} from '../../../src/model/resource-set.js'
import {newResource, resIdOf} from '../../../src/model/resource.js'

const casesDir = join(dirname(fileURLToPath(import.meta.url)), 'cases')

export function readCase(path: string): string {
  return readFileSync(join(casesDir, path), 'utf8')
}

export function parseDocs(text: string): JsonObject[] {
  return parseAllDocuments(text)
    .map((d) => d.toJSON() as unknown)
    .filter((o): o is JsonObject => isObject(o))
}

/** A ResourceSet of the documents in each case file, in order. */
export function load(...files: string[]): ResourceSet {
  const set = new ResourceSet()
  for (const f of files) parseDocs(readCase(f)).forEach((obj, i) => set.add(newResource(obj, {file: f, document: i})))
  return set
}

export function merge(...sets: ResourceSet[]): ResourceSet {
  const out = new ResourceSet()
  for (const s of sets) out.addAll(s)
  return out
}

function key(o: JsonObject): string {
  const id = resIdOf(o)
  return `${id.group}/${id.kind}/${id.namespace}/${id.name}`
}

/** Same objects as the expected stream, document order aside (kustomize sorts its output). */
export function assertMatches(set: ResourceSet, expectedFile: string): void {
  const actual = [...set].map((r) => r.obj).sort((a, b) => key(a).localeCompare(key(b)))
  const expected = parseDocs(readCase(expectedFile)).sort((a, b) => key(a).localeCompare(key(b)))
  assert.deepEqual(actual.map(key), expected.map(key))
  for (let i = 0; i < expected.length; i++) assert.deepEqual(actual[i], expected[i], key(expected[i]))
}
