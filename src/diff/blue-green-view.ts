// What diff compares for strata's blue/green bookkeeping. A blue/green Deployment lives as the
// version Deployment its active Service serves (`web-5f7c9d2a1b`), so the render's `web` is
// compared with that version, seen under the rendered name; the selector keys strata switches on
// Services are not drift; and version Deployments of a rendered blue/green Deployment are the
// app's own, never deletions.
import type {ClusterPort} from '../cluster/port.js'
import {isObject, type JsonObject} from '../model/json.js'
import {annotationsOf} from '../model/object-policy.js'
import {asRenderedDeployment, isVersionOf, selectedVersion, versionDeployment, withoutVersionSelector} from '../rollout/strategies/blue-green/objects.js'
import {activeServiceAnnotation, blueGreenHashLabel, strategyAnnotation} from '../rollout/strategies/blue-green/spec.js'

export interface ComparedAs {
  /** The object to dry-run and look up live (a version Deployment, or `obj` itself). */
  obj: JsonObject
  /** Applied to the live object and to the dry-run result before they are compared. */
  view: (o: JsonObject) => JsonObject
}

/** The active Service of a rendered blue/green Deployment; undefined for any other object. */
export function blueGreenActiveService(obj: JsonObject): string | undefined {
  if (obj.kind !== 'Deployment' || typeof obj.apiVersion !== 'string' || !obj.apiVersion.startsWith('apps/')) return undefined
  const ann = annotationsOf(obj)
  const svc = ann[activeServiceAnnotation]
  return ann[strategyAnnotation] === 'blue-green' && typeof svc === 'string' ? svc : undefined
}

/** `obj` is the rendered object with its namespace and part-of label filled in. */
export async function comparedAs(cluster: ClusterPort, obj: JsonObject, namespace: string): Promise<ComparedAs> {
  if (obj.kind === 'Service') return {obj, view: (o) => withoutVersionSelector(o, obj)}
  const active = blueGreenActiveService(obj)
  if (active === undefined) return {obj, view: (o) => o}
  const hash = selectedVersion((await cluster.get({apiVersion: 'v1', kind: 'Service', namespace, name: active})) ?? {})
  if (hash === undefined) return {obj, view: (o) => o}
  const name = String((obj.metadata as JsonObject).name)
  return {obj: versionDeployment(obj, hash), view: (o) => asRenderedDeployment(o, name)}
}

/** A live Deployment that is a version of a rendered blue/green Deployment (the rollout, not prune, removes it). */
/** `rendered`: `namespace/name` of each rendered blue/green Deployment. */
export function isOwnVersion(live: JsonObject, namespace: string, rendered: ReadonlySet<string>): boolean {
  if (live.kind !== 'Deployment' || rendered.size === 0) return false
  const meta = isObject(live.metadata) ? live.metadata : {}
  const hash = isObject(meta.labels) ? meta.labels[blueGreenHashLabel] : undefined
  if (typeof hash !== 'string') return false
  const name = String(meta.name)
  for (const key of rendered) {
    const slash = key.indexOf('/')
    if (key.slice(0, slash) === namespace && isVersionOf(name, hash, key.slice(slash + 1))) return true
  }
  return false
}
