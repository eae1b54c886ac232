// What an object's annotations ask of strata: its wave, whether prune or app deletion may remove
// it, whether diff counts it as drift when it is extra, whether apply may update it once it
// exists. strata's own `strata.dev/` annotations come first; Argo CD's and Flux's are honoured so
// a repository written for either works unchanged, and when both name the same thing strata's
// wins. Every decision carries the annotation that made it (`apply --plan` prints it). Pure.
import {UserError} from './errors.js'
import {isObject, type JsonObject} from './json.js'

export const policyAnnotations = {
  wave: 'strata.dev/wave',
  prune: 'strata.dev/prune',
  /** Written by prune on generated config it keeps while in use (rollout/retention.ts); diff reads it. */
  retainedBy: 'strata.dev/retained-by',
  argoWave: 'argocd.argoproj.io/sync-wave',
  argoSyncOptions: 'argocd.argoproj.io/sync-options',
  argoCompareOptions: 'argocd.argoproj.io/compare-options',
  fluxPrune: 'kustomize.toolkit.fluxcd.io/prune',
  fluxSsa: 'kustomize.toolkit.fluxcd.io/ssa',
  fluxReconcile: 'kustomize.toolkit.fluxcd.io/reconcile',
} as const

/** One decision and the annotation (`name: value`) that made it. */
export interface Decided<T> {
  value: T
  by: string
}

export interface ObjectPolicy {
  /** Absent: wave 0, no annotation. */
  wave?: Decided<number>
  /** Set when prune must leave the object in place once it leaves the render. */
  keepOnPrune?: Decided<true>
  /** Set when `strata delete` of the app leaves the object in place (Argo CD `Delete=false`). */
  keepOnDelete?: Decided<true>
  /** Set when an extra (inventory but not rendered) object is not drift (Argo CD `IgnoreExtraneous`). */
  ignoreExtraneous?: Decided<true>
  /** Set when apply creates the object but never updates an existing one. */
  createOnly?: Decided<true>
}

export function annotationsOf(obj: JsonObject): JsonObject {
  const md = isObject(obj.metadata) ? obj.metadata : {}
  return isObject(md.annotations) ? md.annotations : {}
}

/** Argo CD's comma-separated `Key=Value` lists (sync-options, compare-options), keys as written. */
function options(raw: unknown): Map<string, string> {
  const out = new Map<string, string>()
  if (typeof raw !== 'string') return out
  for (const part of raw.split(',')) {
    const text = part.trim()
    if (text === '') continue
    const eq = text.indexOf('=')
    out.set(eq < 0 ? text : text.slice(0, eq).trim(), eq < 0 ? '' : text.slice(eq + 1).trim())
  }
  return out
}

function text(raw: unknown): string {
  return typeof raw === 'string' ? raw.trim() : String(raw)
}

function wave(annotations: JsonObject, name: string, where: string, source: PolicySource): Decided<number> | undefined {
  const raw = annotations[name]
  if (raw === undefined) return undefined
  const value = text(raw)
  if (!/^[+-]?\d{1,9}$/.test(value)) {
    if (source === 'live') return undefined
    throw new UserError(`${where}: ${name} must be a whole number, got ${JSON.stringify(raw)}`, {field: `metadata.annotations.${name}`}, `Use e.g. ${name}: "-1" to go earlier or "2" to go later (default 0).`)
  }
  return {value: Number(value), by: `${name}: ${JSON.stringify(value)}`}
}

/**
 * `rendered`: an object about to be applied, whose bad values are the user's to fix now.
 * `live`: an object read back from the cluster to prune or delete, decided as well as it can be
 * (an unreadable wave counts as 0) since refusing would leave the user no way forward.
 */
export type PolicySource = 'rendered' | 'live'

/**
 * The policy of one object. `where` names it in errors (`Deployment shop/web`). A rendered object
 * asking what strata cannot do is refused: Argo CD's `Replace=true` (kubectl replace, not apply).
 */
export function objectPolicy(obj: JsonObject, where: string, source: PolicySource): ObjectPolicy {
  const a = annotationsOf(obj)
  const p = policyAnnotations
  const policy: ObjectPolicy = {}
  const sync = options(a[p.argoSyncOptions])

  if (source === 'rendered' && sync.get('Replace')?.toLowerCase() === 'true') {
    throw new UserError(
      `${where}: ${p.argoSyncOptions}: Replace=true is not supported: strata applies every object server-side and never replaces one`,
      {field: `metadata.annotations.${p.argoSyncOptions}`},
      'Remove Replace=true (server-side apply handles objects too large for client-side apply); to recreate an object, delete it and apply again.',
    )
  }

  const w = wave(a, p.wave, where, source) ?? wave(a, p.argoWave, where, source)
  if (w) policy.wave = w

  if (a[p.prune] !== undefined) {
    // strata's own annotation decides both ways: `strata.dev/prune: enabled` overrides Prune=false.
    if (text(a[p.prune]).toLowerCase() === 'disabled') policy.keepOnPrune = {value: true, by: `${p.prune}: disabled`}
  } else if (sync.get('Prune')?.toLowerCase() === 'false') {
    policy.keepOnPrune = {value: true, by: `${p.argoSyncOptions}: Prune=false`}
  } else if (text(a[p.fluxPrune] ?? '').toLowerCase() === 'disabled') {
    policy.keepOnPrune = {value: true, by: `${p.fluxPrune}: disabled`}
  } else if (text(a[p.fluxReconcile] ?? '').toLowerCase() === 'disabled') {
    // Flux leaves an object it does not reconcile out of garbage collection too.
    policy.keepOnPrune = {value: true, by: `${p.fluxReconcile}: disabled`}
  }

  if (sync.get('Delete')?.toLowerCase() === 'false') {
    const by = `${p.argoSyncOptions}: Delete=false`
    policy.keepOnDelete = {value: true, by}
    if (!policy.keepOnPrune && a[p.prune] === undefined) policy.keepOnPrune = {value: true, by}
  }

  for (const [key] of options(a[p.argoCompareOptions])) {
    if (key === 'IgnoreExtraneous') policy.ignoreExtraneous = {value: true, by: `${p.argoCompareOptions}: IgnoreExtraneous`}
  }

  if (text(a[p.fluxReconcile] ?? '').toLowerCase() === 'disabled') policy.createOnly = {value: true, by: `${p.fluxReconcile}: disabled`}
  else if (text(a[p.fluxSsa] ?? '').toLowerCase() === 'ifnotpresent') policy.createOnly = {value: true, by: `${p.fluxSsa}: IfNotPresent`}
  return policy
}

/** The annotations a pruned or deleted object keeps in its plan item: enough to decide its policy. */
export function policyAnnotationsOf(obj: JsonObject): JsonObject {
  const a = annotationsOf(obj)
  const kept: JsonObject = {}
  const names = new Set<string>(Object.values(policyAnnotations))
  for (const k of Object.keys(a)) if (k.startsWith('strata.dev/') || names.has(k)) kept[k] = a[k]
  return kept
}
