// `crds:` — kustomize's legacy way to teach transformers about custom kinds: OpenAPI definitions
// (as kubebuilder's openapi-gen writes them: type name → {Schema, Dependencies}) whose properties
// carry x-kubernetes-* markers. Read as kustomize v5.5's LoadConfigFromCRDs does:
//   x-kubernetes-annotation      → a commonAnnotations field spec
//   x-kubernetes-label-selector  → a commonLabels field spec
//   x-kubernetes-identity        → a namePrefix field spec
//   x-kubernetes-object-ref-api-version + -kind (+ -name-key, default "name")
//                                → a name reference from that kind to this field
// for every type that looks like an object (apiVersion, kind and metadata properties), following
// `$ref`s into nested types; the kind is the type name after its last ".". A marker counts only
// with a string value, as kustomize's Extensions.GetString. Pure.
import {UserError} from '../model/errors.js'
import {isObject, type JsonObject} from '../model/json.js'
import type {FieldSpec} from './fieldspec.js'
import {goDecode, type FieldType} from './go-decode.js'
import {mergeTransformerConfigs, type TransformerConfig} from './transformer-config.js'
import {parseYamlDocument} from './yaml/parse.js'

const marker = {
  annotation: 'x-kubernetes-annotation',
  labelSelector: 'x-kubernetes-label-selector',
  identity: 'x-kubernetes-identity',
  version: 'x-kubernetes-object-ref-api-version',
  kind: 'x-kubernetes-object-ref-kind',
  nameKey: 'x-kubernetes-object-ref-name-key',
} as const

const definitionSchema: FieldType = {object: {Schema: 'any', Dependencies: 'any'}}

/** Parses one `crds:` file (JSON when it starts with `{`, else YAML) into the configuration it implies. */
export function crdConfigOf(text: string, file: string): TransformerConfig {
  let doc: unknown
  if (text.startsWith('{')) {
    try {
      doc = JSON.parse(text)
    } catch (e) {
      throw new UserError(`unable to parse open API definition: ${(e as Error).message}`, {file, field: 'crds'}, 'A crds: file holds OpenAPI definitions as JSON or YAML: type name → {Schema, Dependencies}.')
    }
  } else {
    // sigs.k8s.io/yaml: a repeated key keeps its last value.
    doc = parseYamlDocument(text, file, {duplicateKeys: 'last-wins'})
  }
  if (doc === null || doc === undefined) return {}
  if (!isObject(doc)) throw new UserError('unable to parse open API definition: expected a map of type names', {file, field: 'crds'}, 'A crds: file holds OpenAPI definitions: type name → {Schema, Dependencies}.')
  // Each definition is decoded into common.OpenAPIDefinition by Go's encoding/json: `schema:` is
  // its Schema field; inside the schema (its own decoder) keys are exact.
  const definitions = Object.fromEntries(
    Object.entries(doc).map(([name, api]) => [name, isObject(api) ? goDecode(api, definitionSchema, name, {file, what: 'invalid open API definition', strict: false}) : api]),
  )
  let config: TransformerConfig = {}
  for (const [typeName, api] of Object.entries(definitions)) {
    if (!looksLikeObjectType(propertiesOf(api))) continue
    const kind = typeName.split('.').pop() ?? typeName
    const found: TransformerConfig = {}
    collect(definitions, typeName, kind, [], found, new Set())
    config = mergeTransformerConfigs(config, found, file)
  }
  return config
}

function propertiesOf(api: unknown): JsonObject {
  const schema = isObject(api) && isObject(api.Schema) ? api.Schema : undefined
  return schema && isObject(schema.properties) ? schema.properties : {}
}

function looksLikeObjectType(props: JsonObject): boolean {
  return 'kind' in props && 'apiVersion' in props && 'metadata' in props
}

function collect(definitions: JsonObject, typeName: string, kind: string, path: string[], into: TransformerConfig, visiting: Set<string>): void {
  if (!(typeName in definitions) || visiting.has(typeName)) return
  visiting.add(typeName)
  for (const [prop, schema] of Object.entries(propertiesOf(definitions[typeName]))) {
    if (!isObject(schema)) continue
    const spec = (p: string[]): FieldSpec => ({path: p.join('/'), kind})
    const here = [...path, prop]
    const str = (k: string) => (typeof schema[k] === 'string' ? (schema[k] as string) : undefined)
    if (str(marker.annotation) !== undefined) (into.commonAnnotations ??= []).push(spec(here))
    if (str(marker.labelSelector) !== undefined) (into.commonLabels ??= []).push(spec(here))
    if (str(marker.identity) !== undefined) (into.namePrefix ??= []).push(spec(here))
    const version = str(marker.version)
    const refKind = str(marker.kind)
    if (version !== undefined && refKind !== undefined) {
      ;(into.nameReference ??= []).push({kind: refKind, version, fieldSpecs: [spec([...here, str(marker.nameKey) ?? 'name'])]})
    }
    const ref = typeof schema.$ref === 'string' ? schema.$ref : undefined
    if (ref) collect(definitions, ref, kind, here, into, visiting)
  }
  visiting.delete(typeName)
}
