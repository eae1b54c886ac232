import type {JsonObject} from '../model/json.js'

/** What applying the render would do to one object. */
export const DiffAction = {
  add: 'add',
  change: 'change',
  delete: 'delete',
  unchanged: 'unchanged',
  /** The object could not be compared (forbidden, unknown kind, invalid); the others still are. */
  error: 'error',
} as const
export type DiffAction = (typeof DiffAction)[keyof typeof DiffAction]

/**
 * How the "after" side was obtained: `server` — server-side apply dry-run (or dry-run create),
 * exact; `matched` — unchanged without a dry-run: the live object already holds every rendered
 * field with its value and nothing strata owns was dropped, so apply would be a no-op;
 * `read-only` — GET only, the render compared with the live fields it sets or strata owns;
 * `rendered` — the server cannot compute it yet (a custom resource whose CRD is in the same render).
 */
export type DiffMode = 'server' | 'matched' | 'read-only' | 'rendered'

export interface DiffId {
  group: string
  version: string
  kind: string
  namespace: string
  name: string
}

export interface ResourceDiff {
  id: DiffId
  action: DiffAction
  mode?: DiffMode
  /** Why `mode` is not `server` (e.g. `dry-run forbidden`, `--mode read-only`). */
  modeReason?: string
  /** Changed fields in the path syntax of changes.ts, e.g. `spec.template.spec.containers[name=web].image`. */
  changedPaths: string[]
  /** Normalized live object (Secret values masked unless asked otherwise); absent for additions. */
  before?: JsonObject
  /** Normalized object after apply (masked likewise); absent for deletions. */
  after?: JsonObject
  /** Extra context, e.g. the CRD a custom resource depends on. */
  note?: string
  /** Set when action is `error`: what went wrong, never containing Secret values. */
  error?: string
  /** Render file the object came from (absent for deletions). */
  file?: string
  /** A deletion prune leaves for now: generated config still used (its strata.dev/retained-by). Not a change. */
  retainedBy?: string
}

export interface DiffSummary {
  add: number
  change: number
  delete: number
  unchanged: number
  error: number
  /** Members prune keeps while in use (retainedBy); not counted in `delete`. */
  retained: number
}

export interface DiffReport {
  /** Rendered objects in render order, then deletions. */
  resources: ResourceDiff[]
  summary: DiffSummary
  /** How many objects were compared in each mode. */
  modes: Record<DiffMode, number>
  /** The ApplySet the deletions come from. */
  inventory: {name: string; namespace: string; id: string; found: boolean}
}
