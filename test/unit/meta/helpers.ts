import {parseAllDocuments} from 'yaml'
import type {JsonObject} from '../../../src/model/json.js'
import {newResource, type ResId, type Resource} from '../../../src/model/resource.js'
import {ResourceSet} from '../../../src/model/resource-set.js'

// Test inputs and kubectl's expected output are written as YAML; the transformers work on JSON.
// Parsing with the YAML 1.2 core schema matches how kubectl quotes ambiguous strings.

export function docs(text: string): JsonObject[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as JsonObject | null)
    .filter((d): d is JsonObject => d !== null)
}

export function setOf(text: string, file = 'resources.yaml'): ResourceSet {
  return new ResourceSet(docs(text).map((obj, document) => newResource(obj, {file, document})))
}

/** Objects in set order. */
export function objs(set: Iterable<Resource>): JsonObject[] {
  return [...set].map((r) => r.obj)
}

/** `Kind/name` (plus `.namespace`) per resource, for order and selection assertions. */
export function names(rs: Iterable<Resource>): string[] {
  return [...rs].map((r) => {
    const md = r.obj.metadata as JsonObject
    return `${r.obj.kind}/${md.name}${md.namespace ? `.${md.namespace}` : ''}`
  })
}

/** Sorts objects the way `kubectl kustomize` printed them, to compare content regardless of order. */
export function byKindName(list: JsonObject[]): JsonObject[] {
  const key = (o: JsonObject) => `${o.apiVersion}|${o.kind}|${(o.metadata as JsonObject).name}`
  return [...list].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
}

export function withPreviousIds(r: Resource, ...ids: Partial<ResId>[]): Resource {
  r.meta.previousIds = ids.map((id) => ({group: '', version: '', kind: '', name: '', namespace: '', ...id}))
  return r
}
