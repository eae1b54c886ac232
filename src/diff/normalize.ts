// What the server owns and apply never changes is not part of a diff: bookkeeping metadata,
// status, and the client-side-apply annotation (which also holds a copy of Secret data).
import {cloneJson, isObject, type JsonObject} from '../model/json.js'

const serverMetadata = ['managedFields', 'resourceVersion', 'uid', 'generation', 'creationTimestamp', 'selfLink', 'deletionTimestamp', 'deletionGracePeriodSeconds']
const noisyAnnotations = ['kubectl.kubernetes.io/last-applied-configuration']

/** A copy of `obj` without server-owned fields; empty label/annotation maps count as absent. */
export function normalizeObject(obj: JsonObject): JsonObject {
  const out = cloneJson(obj)
  delete out.status
  const md = out.metadata
  if (!isObject(md)) return out
  for (const f of serverMetadata) delete md[f]
  if (isObject(md.annotations)) for (const a of noisyAnnotations) delete md.annotations[a]
  for (const f of ['annotations', 'labels']) {
    const m = md[f]
    if (isObject(m) && Object.keys(m).length === 0) delete md[f]
  }
  return out
}

/**
 * What the server stores for a Secret's `stringData`: merged into `data` as base64 (stringData
 * wins), so a render and a live object compare alike. Returns a new object when it changes one.
 */
export function foldStringData(obj: JsonObject): JsonObject {
  if (obj.kind !== 'Secret' || !isObject(obj.stringData)) return obj
  const data: JsonObject = isObject(obj.data) ? {...obj.data} : {}
  for (const [k, v] of Object.entries(obj.stringData)) {
    if (typeof v === 'string') data[k] = Buffer.from(v, 'utf8').toString('base64')
  }
  const out: JsonObject = {...obj, data}
  delete out.stringData
  return out
}
