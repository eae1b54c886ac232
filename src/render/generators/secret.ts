import type {JsonObject} from '../../model/json.js'
import type {Resource} from '../../model/resource.js'
import {applyOptions, baseObject, generatedResource} from './base.js'
import {kustomizeBase64} from './base64.js'
import {loadKvPairs} from './kv.js'
import {putKey} from './put-key.js'
import type {GeneratorContext, GeneratorOptions, SecretArgs} from './types.js'

/**
 * One `secretGenerator` entry (kustomize's MakeSecret): every value base64 in `data`, which is
 * present even when empty (`data: {}`); `type` defaults to Opaque and is not checked against
 * the keys (kustomize does not validate kubernetes.io/tls contents either).
 */
export function generateSecret(args: SecretArgs, options: GeneratorOptions | undefined, ctx: GeneratorContext, index = 0): Resource {
  const field = `secretGenerator[${index}]`
  const obj = baseObject('Secret', args, ctx, field)
  obj.type = args.type || 'Opaque'
  const data: JsonObject = {}
  for (const p of loadKvPairs(args, ctx, field)) putKey(data, p.key, kustomizeBase64(p.value))
  obj.data = data
  applyOptions(obj, options)
  return generatedResource(obj, args, options, ctx, field)
}
