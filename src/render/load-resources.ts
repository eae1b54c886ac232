import {UserError} from '../model/errors.js'
import {cloneJson, isObject, type JsonObject, type JsonValue} from '../model/json.js'
import {newResource, type Resource} from '../model/resource.js'
import {parseYamlDocuments} from './yaml/parse.js'

/**
 * Turns the documents of one resource file into resources the way kustomize's resource factory
 * does: empty documents dropped, every object needs a kind and (unless a List) a name, and `*List` kinds with `items` are inlined after the file's other documents.
 */
export function resourcesFromText(text: string, displayFile: string): Resource[] {
  return resourcesFromDocuments(parseYamlDocuments(text, displayFile, '1.2', {emptyNulls: true}), displayFile)
}

/** resourcesFromText over documents already parsed as it parses them (YAML 1.2, empty nulls kept); takes over the array. */
export function resourcesFromDocuments(docs: JsonValue[], displayFile: string): Resource[] {
  const queue = docs
  const out: Resource[] = []
  for (let i = 0; i < queue.length; i++) {
    const doc = queue[i]
    if (doc === null || (isObject(doc) && Object.keys(doc).length === 0)) continue
    if (!isObject(doc)) {
      throw new UserError(`document ${i + 1} is not a map (found ${Array.isArray(doc) ? 'a list' : typeof doc})`, {file: displayFile}, 'Each YAML document of a resource file must be one Kubernetes object.')
    }
    const kind = typeof doc.kind === 'string' ? doc.kind : ''
    if (!kind) throw new UserError(`missing kind in object ${i + 1}`, {file: displayFile, field: 'kind'}, 'Every resource needs apiVersion, kind and metadata.name.')
    if (kind.endsWith('List') && 'items' in doc) {
      const items = doc.items
      if (items === null) continue
      if (!Array.isArray(items)) throw new UserError(`expected array in ${kind}/items, but found ${typeof items}`, {file: displayFile, field: 'items'}, 'Make items a list of objects.')
      // kustomize turns List items into objects through a JSON round trip: their empty nulls become written ones.
      queue.push(...items.map((item) => cloneJson(item)))
      continue
    }
    const md = isObject(doc.metadata) ? doc.metadata : undefined
    if (!kind.endsWith('List') && (!md || typeof md.name !== 'string' || md.name === '')) {
      throw new UserError(`missing metadata.name in ${kind} object`, {file: displayFile, field: 'metadata.name'}, 'Give every resource a metadata.name.')
    }
    out.push(newResource(doc as JsonObject, {file: displayFile, document: i}))
  }
  return out
}
