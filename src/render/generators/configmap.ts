import {isUtf8} from 'node:buffer'
import type {JsonObject} from '../../model/json.js'
import type {Resource} from '../../model/resource.js'
import {applyOptions, baseObject, generatedResource} from './base.js'
import {kustomizeBase64} from './base64.js'
import {loadKvPairs} from './kv.js'
import {putKey} from './put-key.js'
import type {GeneratorArgs, GeneratorContext, GeneratorOptions} from './types.js'

/**
 * One `configMapGenerator` entry (kustomize's MakeConfigMap). `options` are the entry's options
 * already merged with the kustomization's generatorOptions (see mergeGeneratorOptions); `index`
 * is the entry's position, used in error fields and the origin.
 * UTF-8 values go to `data`, anything else to `binaryData` (base64); empty maps are omitted.
 */
export function generateConfigMap(args: GeneratorArgs, options: GeneratorOptions | undefined, ctx: GeneratorContext, index = 0): Resource {
  const field = `configMapGenerator[${index}]`
  const obj = baseObject('ConfigMap', args, ctx, field)
  const data: JsonObject = {}
  const binaryData: JsonObject = {}
  let hasData = false
  let hasBinary = false
  for (const p of loadKvPairs(args, ctx, field)) {
    if (isUtf8(p.value)) {
      putKey(data, p.key, p.value.toString('utf8'))
      hasData = true
    } else {
      putKey(binaryData, p.key, kustomizeBase64(p.value))
      hasBinary = true
    }
  }
  if (hasData) obj.data = data
  if (hasBinary) obj.binaryData = binaryData
  applyOptions(obj, options)
  return generatedResource(obj, args, options, ctx, field)
}
