// The blue/green annotations on a Deployment, read and checked before anything is changed:
//   strata.dev/strategy: blue-green
//   strata.dev/active-service: SVC        (required: the Service users reach; switched on promotion)
//   strata.dev/preview-service: SVC       (optional: selects the new pods before promotion)
//   strata.dev/scale-down-delay: 30s      (optional: how long the old pods stay after promotion)
//   strata.dev/auto-promote: "false"      (optional: pause before the switch until `rollout resume`)
// A wrong Service here sends traffic to the wrong pods, so every mistake is refused up front
// (exit 2) naming the Deployment, the annotation and the fix.
import {UserError} from '../../../model/errors.js'
import {isObject, type JsonObject} from '../../../model/json.js'
import {annotationsOf} from '../../../model/object-policy.js'
import {formatDuration, parseDuration} from '../../../model/duration.js'

export const strategyAnnotation = 'strata.dev/strategy'
export const activeServiceAnnotation = 'strata.dev/active-service'
export const previewServiceAnnotation = 'strata.dev/preview-service'
export const scaleDownDelayAnnotation = 'strata.dev/scale-down-delay'
export const autoPromoteAnnotation = 'strata.dev/auto-promote'

/** Argo Rollouts' default scaleDownDelaySeconds. */
export const defaultScaleDownDelayMs = 30_000
/** Longer than this is almost certainly a unit mistake (`30` meant as minutes, `30h`). */
const maxScaleDownDelayMs = 24 * 3_600_000

export interface BlueGreenSpec {
  activeService: string
  previewService?: string
  scaleDownDelayMs: number
  /** false: pause before promotion (Argo Rollouts' autoPromotionEnabled: false); absent means true. */
  autoPromote?: boolean
}

export interface SpecOrigin {
  /** The file the Deployment was rendered from, when known. */
  file?: string
  /** `Deployment shop/web`, for messages. */
  describe: string
}

const knownStrategies = ['blue-green', 'canary'] as const

/**
 * The Deployment's blue/green spec, or undefined when it does not ask for blue/green. Checks the
 * annotations only; checkServices (below) checks them against the Services.
 */
export function readBlueGreenSpec(obj: JsonObject, origin: SpecOrigin): BlueGreenSpec | undefined {
  const ann = annotationsOf(obj)
  const field = (name: string) => ({file: origin.file, field: `metadata.annotations.${name}`})
  const strategy = ann[strategyAnnotation]
  const bgOnly = [activeServiceAnnotation, previewServiceAnnotation, scaleDownDelayAnnotation, autoPromoteAnnotation].filter((a) => ann[a] !== undefined)
  if (strategy === undefined) {
    if (bgOnly.length > 0) {
      throw new UserError(`${origin.describe}: ${bgOnly.join(', ')} set without ${strategyAnnotation}: blue-green`, field(bgOnly[0]), `Add ${strategyAnnotation}: blue-green, or remove ${bgOnly.join(', ')}.`)
    }
    return undefined
  }
  if (typeof strategy !== 'string' || !(knownStrategies as readonly string[]).includes(strategy)) {
    throw new UserError(`${origin.describe}: unknown ${strategyAnnotation} ${JSON.stringify(strategy)}`, field(strategyAnnotation), `Use one of: ${knownStrategies.join(', ')}.`)
  }
  if (strategy !== 'blue-green') {
    if (bgOnly.length > 0) throw new UserError(`${origin.describe}: ${bgOnly.join(', ')} only apply to ${strategyAnnotation}: blue-green`, field(bgOnly[0]), `Remove ${bgOnly.join(', ')}, or set ${strategyAnnotation}: blue-green.`)
    return undefined
  }
  if (obj.kind !== 'Deployment') {
    throw new UserError(`${origin.describe}: ${strategyAnnotation}: blue-green applies to Deployments only`, field(strategyAnnotation), 'Remove the annotation, or use strata.dev/rollout batches for a StatefulSet.')
  }
  const serviceName = (name: string, required: boolean): string | undefined => {
    const v = ann[name]
    if (v === undefined) {
      if (required) throw new UserError(`${origin.describe}: blue-green needs ${name}`, field(name), `Add ${name}: <the Service users reach>.`)
      return undefined
    }
    if (typeof v !== 'string' || !/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/.test(v)) {
      throw new UserError(`${origin.describe}: ${name} ${JSON.stringify(v)} is not a Service name`, field(name), 'Write the name of a Service in the Deployment’s namespace (lowercase DNS label).')
    }
    return v
  }
  const activeService = serviceName(activeServiceAnnotation, true)!
  const previewService = serviceName(previewServiceAnnotation, false)
  if (previewService === activeService) {
    throw new UserError(`${origin.describe}: ${previewServiceAnnotation} and ${activeServiceAnnotation} are the same Service (${activeService})`, field(previewServiceAnnotation), 'The preview Service must be a second Service; remove it or name another one.')
  }
  let scaleDownDelayMs = defaultScaleDownDelayMs
  const rawDelay = ann[scaleDownDelayAnnotation]
  if (rawDelay !== undefined) {
    const ms = typeof rawDelay === 'string' || typeof rawDelay === 'number' ? parseDuration(rawDelay) : undefined
    if (ms === undefined || ms > maxScaleDownDelayMs) {
      throw new UserError(
        `${origin.describe}: ${scaleDownDelayAnnotation} ${JSON.stringify(rawDelay)} is ${ms === undefined ? 'not a duration' : `longer than ${formatDuration(maxScaleDownDelayMs)}`}`,
        field(scaleDownDelayAnnotation),
        'Write a duration such as 30s, 5m or 1h (0s removes the old pods right after promotion).',
      )
    }
    scaleDownDelayMs = ms
  }
  const spec: BlueGreenSpec = {activeService, scaleDownDelayMs}
  if (previewService !== undefined) spec.previewService = previewService
  const autoPromote = ann[autoPromoteAnnotation]
  if (autoPromote !== undefined) {
    if (autoPromote !== 'true' && autoPromote !== 'false' && autoPromote !== true && autoPromote !== false) {
      throw new UserError(`${origin.describe}: ${autoPromoteAnnotation} ${JSON.stringify(autoPromote)} is neither "true" nor "false"`, field(autoPromoteAnnotation), 'Write "false" to pause before the switch (resume promotes), or remove the annotation.')
    }
    if (String(autoPromote) === 'false') spec.autoPromote = false
  }
  return spec
}

/** Pod-template labels of a Deployment. */
export function podLabelsOf(deployment: JsonObject): Record<string, string> {
  const spec = isObject(deployment.spec) ? deployment.spec : {}
  const template = isObject(spec.template) ? spec.template : {}
  const meta = isObject(template.metadata) ? template.metadata : {}
  const out: Record<string, string> = {}
  if (isObject(meta.labels)) for (const [k, v] of Object.entries(meta.labels)) out[k] = String(v)
  return out
}

/** A Service's spec.selector (equality only, as Services have). */
export function serviceSelectorOf(service: JsonObject): Record<string, string> {
  const spec = isObject(service.spec) ? service.spec : {}
  const out: Record<string, string> = {}
  if (isObject(spec.selector)) for (const [k, v] of Object.entries(spec.selector)) out[k] = String(v)
  return out
}

/**
 * The Services named by the spec exist (rendered in this apply, or live) and select the
 * Deployment's pods. `lookup` returns the rendered Service first, else the live one.
 */
export function checkServices(spec: BlueGreenSpec, deployment: JsonObject, origin: SpecOrigin, lookup: (name: string) => JsonObject | undefined): void {
  const pods = podLabelsOf(deployment)
  const check = (annotation: string, name: string) => {
    const where = {file: origin.file, field: `metadata.annotations.${annotation}`}
    const svc = lookup(name)
    if (!svc) throw new UserError(`${origin.describe}: ${annotation} names Service ${name}, which is neither rendered nor in the cluster`, where, `Render a Service ${name} in the Deployment’s namespace, or fix the name.`)
    const selector = serviceSelectorOf(svc)
    // The keys strata switches are strata's; the user's selector is what must match the pods.
    delete selector[blueGreenHashLabel]
    delete selector[podTemplateHashLabel]
    const keys = Object.keys(selector)
    if (keys.length === 0) throw new UserError(`${origin.describe}: Service ${name} (${annotation}) has no spec.selector`, where, 'Give the Service a selector that matches the Deployment’s pod labels; strata switches it between versions.')
    const misses = keys.filter((k) => pods[k] !== selector[k])
    if (misses.length > 0) {
      throw new UserError(
        `${origin.describe}: Service ${name} (${annotation}) does not select the Deployment's pods: ${misses.map((k) => `${k}=${selector[k]} (pods have ${pods[k] === undefined ? 'no such label' : `${k}=${pods[k]}`})`).join(', ')}`,
        where,
        'Make the Service selector a subset of spec.template.metadata.labels.',
      )
    }
  }
  check(activeServiceAnnotation, spec.activeService)
  if (spec.previewService) check(previewServiceAnnotation, spec.previewService)
}

/** On the pods of each blue/green version, its selector, and the Services' selectors: which template hash. */
export const blueGreenHashLabel = 'strata.dev/bg-hash'

/** Set on every pod by the Deployment controller: the pod's ReplicaSet. */
export const podTemplateHashLabel = 'pod-template-hash'
