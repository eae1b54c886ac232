// Fields another controller owns (replicas under an HPA, a webhook's caBundle) can be left out of
// the comparison: `--ignore-field KIND:/json/pointer` for a whole run, or the annotation
// `strata.dev/ignore-fields: /spec/replicas, /spec/template/metadata/annotations` on one object.
// A `*` segment matches every key or element.
import {UserError} from '../model/errors.js'
import {isObject, type JsonObject, type JsonValue} from '../model/json.js'
import {splitApiVersion} from '../model/resource.js'

export const ignoreFieldsAnnotation = 'strata.dev/ignore-fields'

export interface IgnoreRule {
  /** `Kind`, `Kind.group`, or `*` for every kind. */
  kind: string
  pointer: string[]
}

/** Parses `--ignore-field` values; a malformed one is a UserError naming the flag. */
export function parseIgnoreFlags(values: readonly string[]): IgnoreRule[] {
  return values.map((v) => {
    const colon = v.indexOf(':')
    const kind = colon < 0 ? '' : v.slice(0, colon)
    const pointer = colon < 0 ? '' : v.slice(colon + 1)
    if (!kind || !pointer.startsWith('/')) {
      throw new UserError(`--ignore-field '${v}' is not KIND:/json/pointer`, {field: '--ignore-field'}, "Write it like Deployment:/spec/replicas (KIND may be Kind, Kind.group or '*').")
    }
    return {kind, pointer: parsePointer(pointer)}
  })
}

/** Built-in kinds a shared set of `--ignore-field` flags may name for apps that have none of them. */
const wellKnownKinds = [
  'APIService', 'ClusterRole', 'ClusterRoleBinding', 'ConfigMap', 'CronJob', 'CustomResourceDefinition', 'DaemonSet', 'Deployment',
  'HorizontalPodAutoscaler', 'Ingress', 'Job', 'MutatingWebhookConfiguration', 'Namespace', 'NetworkPolicy', 'PersistentVolumeClaim',
  'Pod', 'PodDisruptionBudget', 'ReplicaSet', 'Role', 'RoleBinding', 'Secret', 'Service', 'ServiceAccount', 'StatefulSet',
  'ValidatingWebhookConfiguration',
]

/**
 * A rule whose KIND matches no rendered object is a mistake more often than not (`Deploymnet`,
 * `deployment`, `Deployment.app`), and would leave the field in the diff without a word: a UserError
 * naming the nearest kind and the render's kinds. A built-in kind that this render simply does
 * not have (one set of flags shared by many apps) is only a warning.
 */
export function checkIgnoreKinds(rules: readonly IgnoreRule[], objects: readonly JsonObject[], nearest: (word: string, candidates: string[]) => string | undefined): string[] {
  const present = new Set<string>()
  for (const o of objects) {
    const kind = typeof o.kind === 'string' ? o.kind : ''
    const group = splitApiVersion(typeof o.apiVersion === 'string' ? o.apiVersion : '').group
    present.add(kind)
    if (group) present.add(`${kind}.${group}`)
  }
  const warnings: string[] = []
  for (const r of rules) {
    if (r.kind === '*' || present.has(r.kind)) continue
    const flag = `--ignore-field '${r.kind}:/${r.pointer.join('/')}'`
    if (wellKnownKinds.includes(r.kind)) {
      warnings.push(`${flag}: this render has no ${r.kind}`)
      continue
    }
    const suggestion = nearest(r.kind, [...present, ...wellKnownKinds])
    const kinds = [...present].filter((k) => !k.includes('.')).sort()
    throw new UserError(
      `${flag}: no object of kind ${r.kind} in the render${suggestion ? `; did you mean ${suggestion}?` : ''}`,
      {field: '--ignore-field'},
      `Kinds in this render: ${kinds.join(', ') || '(none)'}. KIND is matched exactly: Kind, Kind.group, or '*' for every kind.`,
    )
  }
  return warnings
}

/** RFC 6901 segments of a pointer that starts with `/`. */
export function parsePointer(pointer: string): string[] {
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
}

/** The pointers that apply to `rendered`: matching flags plus its own annotation. */
export function ignoredPointers(rendered: JsonObject | undefined, live: JsonObject | undefined, rules: readonly IgnoreRule[], file?: string): string[][] {
  const obj = rendered ?? live
  if (!obj) return []
  const kind = typeof obj.kind === 'string' ? obj.kind : ''
  const group = splitApiVersion(typeof obj.apiVersion === 'string' ? obj.apiVersion : '').group
  const out: string[][] = []
  for (const r of rules) if (r.kind === '*' || r.kind === kind || r.kind === `${kind}.${group}`) out.push(r.pointer)
  const md = isObject(obj.metadata) ? obj.metadata : undefined
  const annotation = md && isObject(md.annotations) ? md.annotations[ignoreFieldsAnnotation] : undefined
  if (typeof annotation === 'string') {
    for (const p of annotation.split(/[,\n]/).map((s) => s.trim()).filter(Boolean)) {
      if (!p.startsWith('/')) {
        throw new UserError(
          `${ignoreFieldsAnnotation}: '${p}' is not a JSON pointer`,
          {file, field: `metadata.annotations["${ignoreFieldsAnnotation}"]`},
          'List JSON pointers separated by commas, e.g. /spec/replicas, /spec/template/metadata/annotations.',
        )
      }
      out.push(parsePointer(p))
    }
  }
  return out
}

/** Removes the fields at `pointer` from `v` in place (a missing path is fine). */
export function removeAt(v: JsonValue | undefined, pointer: readonly string[], from = 0): void {
  if (v === undefined || from >= pointer.length) return
  const seg = pointer[from]
  const last = from === pointer.length - 1
  if (isObject(v)) {
    const keys = seg === '*' ? Object.keys(v) : seg in v ? [seg] : []
    for (const k of keys) {
      if (last) delete v[k]
      else removeAt(v[k], pointer, from + 1)
    }
  } else if (Array.isArray(v)) {
    if (seg === '*') {
      if (last) v.length = 0
      else for (const el of v) removeAt(el, pointer, from + 1)
      return
    }
    const i = /^\d+$/.test(seg) ? Number(seg) : -1
    if (i < 0 || i >= v.length) return
    if (last) v.splice(i, 1)
    else removeAt(v[i], pointer, from + 1)
  }
}
