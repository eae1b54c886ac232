// The objects of a blue/green Deployment. Each version runs as its own Deployment named from
// its pod template's hash (`web-5f7c9d2a1b`), so a render that repeats a template finds the same
// Deployment (repeat applies are no-ops) and a resumed process finds what an earlier one made.
// The version label `strata.dev/bg-hash` goes on that Deployment's selector and pods; Services get
// it added to their own selector, so switching the active Service is ONE selector write.
import {createHash} from 'node:crypto'
import {cloneJson, isObject, type JsonObject} from '../../../model/json.js'
import {canonicalJson} from '../../digest.js'
import {blueGreenHashLabel, podTemplateHashLabel, serviceSelectorOf} from './spec.js'

const hashLength = 10
/** Pod names add `-<rs hash>-<5>` to the Deployment's name; 63 keeps their hostnames valid DNS labels. */
const maxNameLength = 63 - 1 - hashLength - 17

/** Hash of the pod template (canonical JSON; strata's own version label ignored). */
export function templateHash(deployment: JsonObject): string {
  const spec = isObject(deployment.spec) ? deployment.spec : {}
  const template = isObject(spec.template) ? cloneJson(spec.template) : {}
  const meta = isObject(template.metadata) ? template.metadata : undefined
  if (meta && isObject(meta.labels)) delete meta.labels[blueGreenHashLabel]
  return createHash('sha256').update(canonicalJson(template)).digest('hex').slice(0, hashLength)
}

export function versionName(name: string, hash: string): string {
  return `${name.slice(0, maxNameLength).replace(/-+$/, '')}-${hash}`
}

/**
 * The Deployment that runs `rendered`'s template as version `hash`: rendered labels (the ApplySet
 * part-of label included, so prune and delete know it) plus the version label on metadata,
 * selector and pods. `replicas` is the rendered count unless given.
 */
export function versionDeployment(rendered: JsonObject, hash: string, replicas?: number): JsonObject {
  const meta = isObject(rendered.metadata) ? rendered.metadata : {}
  const spec = cloneJson(isObject(rendered.spec) ? rendered.spec : {})
  if (replicas !== undefined) spec.replicas = replicas
  const selector: JsonObject = isObject(spec.selector) ? spec.selector : {}
  selector.matchLabels = {...(isObject(selector.matchLabels) ? selector.matchLabels : {}), [blueGreenHashLabel]: hash}
  spec.selector = selector
  const template: JsonObject = isObject(spec.template) ? spec.template : {}
  const templateMeta: JsonObject = isObject(template.metadata) ? template.metadata : {}
  templateMeta.labels = {...(isObject(templateMeta.labels) ? templateMeta.labels : {}), [blueGreenHashLabel]: hash}
  template.metadata = templateMeta
  spec.template = template
  const labels: JsonObject = {...(isObject(meta.labels) ? cloneJson(meta.labels) : {}), [blueGreenHashLabel]: hash}
  const outMeta: JsonObject = {name: versionName(String(meta.name), hash), labels}
  if (meta.namespace !== undefined) outMeta.namespace = meta.namespace
  if (isObject(meta.annotations)) outMeta.annotations = cloneJson(meta.annotations)
  return {apiVersion: rendered.apiVersion ?? 'apps/v1', kind: 'Deployment', metadata: outMeta, spec}
}

/**
 * The merge patch that points a Service at version `hash`, in one write. A Service selector is a
 * map, so a merge patch touches only the keys it names: the user's keys stay, the version key
 * moves, and the pin on the pre-blue/green ReplicaSet (below) goes. Endpoints then switch in one
 * step from the old Ready pods to the new ones.
 */
export function selectVersionPatch(hash: string): JsonObject {
  return {spec: {selector: {[blueGreenHashLabel]: hash, [podTemplateHashLabel]: null}}}
}

/**
 * The first blue/green change of a Deployment that ran without it: its pods have no version label
 * (adding one would restart them all), and the user's selector would also select the new pods.
 * So before the new version starts, the active Service is pinned to the live ReplicaSet's
 * pod-template-hash, which the new pods never share; abort points it back here too.
 */
export function pinReplicaSetPatch(podTemplateHash: string): JsonObject {
  return {spec: {selector: {[podTemplateHashLabel]: podTemplateHash, [blueGreenHashLabel]: null}}}
}

/** The version a live Service points at, if strata has switched it. */
export function selectedVersion(service: JsonObject): string | undefined {
  return serviceSelectorOf(service)[blueGreenHashLabel]
}

/**
 * A live Service as diff should compare it with `rendered`: the selector keys strata switches
 * (version label, ReplicaSet pin) removed unless the render sets them itself, so strata's own
 * switch is not reported as drift. Other objects are returned as they are. Does not modify `live`.
 */
export function withoutVersionSelector(live: JsonObject, rendered: JsonObject): JsonObject {
  if (live.kind !== 'Service') return live
  const out = cloneJson(live)
  const spec = isObject(out.spec) ? out.spec : undefined
  if (!spec || !isObject(spec.selector)) return out
  const own = serviceSelectorOf(rendered)
  for (const key of [blueGreenHashLabel, podTemplateHashLabel]) if (!(key in own)) delete spec.selector[key]
  return out
}

/**
 * A version Deployment seen as the rendered Deployment `name`: renamed, without strata's version
 * label on metadata, selector and pods. Diff compares the render with this view, so a repeated
 * apply of the same template shows no change. Does not modify `version`.
 */
export function asRenderedDeployment(version: JsonObject, name: string): JsonObject {
  const out = cloneJson(version)
  const meta = isObject(out.metadata) ? out.metadata : (out.metadata = {})
  meta.name = name
  const drop = (labels: unknown) => {
    if (isObject(labels)) delete labels[blueGreenHashLabel]
  }
  drop(meta.labels)
  const spec = isObject(out.spec) ? out.spec : undefined
  if (spec && isObject(spec.selector)) drop(spec.selector.matchLabels)
  if (spec && isObject(spec.template) && isObject(spec.template.metadata)) drop(spec.template.metadata.labels)
  return out
}

/** Whether live Deployment `liveName` is a version (hash `hash`) of the rendered blue/green Deployment `renderedName`. */
export function isVersionOf(liveName: string, hash: string, renderedName: string): boolean {
  return versionName(renderedName, hash) === liveName
}
