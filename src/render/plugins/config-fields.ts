import {UserError, type ErrorOrigin} from '../../model/errors.js'
import {isObject, type JsonObject, type JsonValue} from '../../model/json.js'
import type {FieldSpec} from '../fieldspec.js'

// A plugin config is decoded by kustomize with sigs.k8s.io/yaml into the plugin's struct: unknown
// fields are ignored, a wrong type fails. These readers do the same for the fields strata uses.

export class ConfigFields {
  constructor(
    readonly obj: JsonObject,
    private readonly where: string,
    private readonly origin: ErrorOrigin,
  ) {}

  fail(field: string, want: string): never {
    throw new UserError(`${this.where}: field ${field} must be ${want}`, this.origin, 'Fix the plugin config to the field types of the builtin plugin.')
  }

  string(field: string, from: JsonObject = this.obj): string | undefined {
    const v = from[field]
    if (v === undefined || v === null) return undefined
    if (typeof v !== 'string') this.fail(field, 'a string')
    return v
  }

  bool(field: string): boolean | undefined {
    const v = this.obj[field]
    if (v === undefined || v === null) return undefined
    if (typeof v !== 'boolean') this.fail(field, 'true or false')
    return v
  }

  object(field: string): JsonObject | undefined {
    const v = this.obj[field]
    if (v === undefined || v === null) return undefined
    if (!isObject(v)) this.fail(field, 'a map')
    return v
  }

  stringMap(field: string): Record<string, string> | undefined {
    const v = this.object(field)
    if (!v) return undefined
    const out: Record<string, string> = {}
    for (const [k, x] of Object.entries(v)) {
      if (x === null) out[k] = ''
      else if (typeof x !== 'string') this.fail(`${field}.${k}`, 'a string')
      else out[k] = x
    }
    return out
  }

  stringList(field: string): string[] | undefined {
    const v = this.obj[field]
    if (v === undefined || v === null) return undefined
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) this.fail(field, 'a list of strings')
    return v as string[]
  }

  list(field: string): JsonObject[] | undefined {
    const v = this.obj[field]
    if (v === undefined || v === null) return undefined
    if (!Array.isArray(v) || !v.every((x) => isObject(x))) this.fail(field, 'a list of maps')
    return v as JsonObject[]
  }

  /** `fieldSpecs`, or undefined when absent (plugins without fieldSpecs touch nothing but what they hard-code). */
  fieldSpecs(field = 'fieldSpecs'): FieldSpec[] | undefined {
    return this.list(field)?.map((spec, i) => {
      const at = `${field}[${i}]`
      const out: FieldSpec = {path: this.string('path', spec) ?? ''}
      for (const k of ['group', 'version', 'kind'] as const) {
        const s = this.string(k, spec)
        if (s !== undefined) out[k] = s
      }
      const create = spec.create as JsonValue | undefined
      if (create !== undefined && create !== null && typeof create !== 'boolean') this.fail(`${at}.create`, 'true or false')
      if (create) out.create = true
      return out
    })
  }
}
