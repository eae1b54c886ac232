// Replays a kustomize tree from ./cases by hand: load files, run the transformers in kustomize's
// order, compare with the object set `kubectl kustomize` printed for the same tree.
import assert from 'node:assert/strict'
import {existsSync, readFileSync, statSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {parse, parseAllDocuments} from 'yaml'
import {isObject, type JsonObject} from '../../../src/model/json.js'
import {ResourceSet} from '../../../src/model/resource-set.js'
import {newResource, resIdOf} from '../../../src/model/resource.js'
import {namespaceTransformer} from '../../../src/render/transformers/namespace.js'
import {prefixSuffixTransformer} from '../../../src/render/transformers/prefix-suffix.js'

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

/** The top kustomization of a case: `<case>/overlay` when there is one, else `<case>`. */
export function topOf(name: string): string {
  return existsSync(join(casesDir, name, 'overlay')) ? join(name, 'overlay') : name
}

/**
 * A stand-in for the kustomization loader, enough for these cases: resources (files or
 * directories, recursively), then namespace, namePrefix, nameSuffix in kustomize's order.
 */
export function buildTree(dir: string): ResourceSet {
  const k = parse(readCase(join(dir, 'kustomization.yaml'))) as {resources?: string[]; namespace?: string; namePrefix?: string; nameSuffix?: string}
  const set = new ResourceSet()
  for (const entry of k.resources ?? []) {
    const path = join(dir, entry)
    if (statSync(join(casesDir, path)).isDirectory()) set.addAll(buildTree(path))
    else set.addAll(load(path))
  }
  if (k.namespace) namespaceTransformer({namespace: k.namespace})(set)
  if (k.namePrefix) prefixSuffixTransformer({prefix: k.namePrefix})(set)
  if (k.nameSuffix) prefixSuffixTransformer({suffix: k.nameSuffix})(set)
  return set
}
