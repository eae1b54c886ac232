// `openapi: {path: schema.json}`: a Swagger 2.0 document (JSON, or YAML) whose definitions say how
// strategic merge treats lists of custom (or built-in) kinds, as kustomize v5.5 reads it through
// kyaml: a definition serves the kinds of its x-kubernetes-group-version-kind, a list merges when
// its x-kubernetes-patch-strategy says so, by x-kubernetes-list-map-keys, else
// x-kubernetes-patch-merge-key (none: a set of scalars). `$ref: '#/definitions/X'` is followed. Pure.
import {UserError} from '../../model/errors.js'
import {isObject, type JsonObject, type JsonValue} from '../../model/json.js'
import {parseYamlDocument} from '../yaml/parse.js'
import type {ListStrategy, MergeSchemaLookup, MergeSchemaNode} from './merge-schema.js'

const noFields: ReadonlyMap<string, MergeSchemaNode> = new Map()

class SchemaNode implements MergeSchemaNode {
  list?: ListStrategy
  elements?: MergeSchemaNode
  fields: ReadonlyMap<string, MergeSchemaNode> = noFields
  field(name: string): MergeSchemaNode | undefined {
    return this.fields.get(name)
  }
}

/**
 * kyaml adds a custom schema's definitions to the built-in ones when those were loaded first (see
 * openapi.ts): then a `$ref` the document does not define, and a kind it does not describe, fall
 * back to the built-in schema.
 */
export interface BuiltinFallback {
  root: MergeSchemaLookup
  definition(name: string): MergeSchemaNode | undefined
}

export function openApiMergeSchema(text: string, file: string, fallback?: BuiltinFallback): MergeSchemaLookup {
  let doc: JsonValue
  if (text.startsWith('{')) {
    try {
      doc = JSON.parse(text) as JsonValue
    } catch (e) {
      throw new UserError(`invalid schema file: ${(e as Error).message}`, {file, field: 'openapi.path'}, 'Give a Swagger 2.0 document (JSON or YAML) with `definitions`.')
    }
  } else {
    doc = parseYamlDocument(text, file)
  }
  const definitions = isObject(doc) && isObject(doc.definitions) ? doc.definitions : {}
  // Nodes by definition name, built on first use; a node is registered before its fields are
  // filled, so recursive types (JSONSchemaProps) end in a cycle of nodes, not a loop.
  const built = new Map<string, SchemaNode>()
  const nodeOfDefinition = (name: string): MergeSchemaNode | undefined => {
    const known = built.get(name)
    if (known) return known
    const def = definitions[name]
    if (!isObject(def)) return fallback?.definition(name)
    const node = new SchemaNode()
    built.set(name, node)
    fill(node, def)
    return node
  }
  const resolve = (schema: JsonObject): JsonObject | MergeSchemaNode | undefined => {
    const ref = typeof schema.$ref === 'string' ? schema.$ref : undefined
    if (!ref) return schema
    const name = ref.startsWith('#/definitions/') ? ref.slice('#/definitions/'.length) : undefined
    return name === undefined ? undefined : nodeOfDefinition(name)
  }
  const nodeOf = (schema: JsonValue): MergeSchemaNode | undefined => {
    if (!isObject(schema)) return undefined
    const r = resolve(schema)
    if (r === undefined || !isPlainSchema(r)) return r
    const node = new SchemaNode()
    fill(node, r)
    return node
  }
  function fill(node: SchemaNode, schema: JsonObject): void {
    const strategy = typeof schema['x-kubernetes-patch-strategy'] === 'string' ? (schema['x-kubernetes-patch-strategy'] as string) : undefined
    if (strategy !== undefined || Array.isArray(schema.items) || isObject(schema.items)) {
      if (strategy?.split(',').includes('merge')) {
        const mapKeys = schema['x-kubernetes-list-map-keys']
        const key = schema['x-kubernetes-patch-merge-key']
        const keys = Array.isArray(mapKeys) ? mapKeys.filter((k): k is string => typeof k === 'string') : typeof key === 'string' ? [key] : []
        node.list = {strategy: 'merge', mergeKeys: keys}
      } else if (strategy?.split(',').includes('replace')) {
        node.list = {strategy: 'replace'}
      }
      if (isObject(schema.items)) node.elements = nodeOf(schema.items)
    }
    if (isObject(schema.properties)) {
      const fields = new Map<string, MergeSchemaNode>()
      for (const [k, v] of Object.entries(schema.properties)) {
        const child = nodeOf(v)
        if (child) fields.set(k, child)
      }
      node.fields = fields
    }
  }
  const roots = new Map<string, string>()
  for (const [name, def] of Object.entries(definitions)) {
    const gvks = isObject(def) ? def['x-kubernetes-group-version-kind'] : undefined
    if (!Array.isArray(gvks)) continue
    for (const g of gvks) {
      if (!isObject(g) || typeof g.kind !== 'string' || typeof g.version !== 'string') continue
      const apiVersion = typeof g.group === 'string' && g.group ? `${g.group}/${g.version}` : g.version
      roots.set(`${apiVersion} ${g.kind}`, name)
    }
  }
  return (apiVersion, kind) => {
    const name = roots.get(`${apiVersion} ${kind}`)
    return name === undefined ? fallback?.root(apiVersion, kind) : nodeOfDefinition(name)
  }
}

/** A schema object of the document, as opposed to a node already built (ours or the built-in table's). */
function isPlainSchema(v: JsonObject | MergeSchemaNode): v is JsonObject {
  return typeof (v as MergeSchemaNode).field !== 'function'
}
