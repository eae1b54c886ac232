// The one seam between strata's core and an API server. Diff (and later apply, rollout, watch)
// talk to a cluster only through this interface; `kube.ts` implements it over HTTPS with
// @kubernetes/client-node's kubeconfig handling, unit tests use fakes of it.
import type {JsonObject, JsonValue} from '../model/json.js'

/** How the server serves a kind: the REST resource name and whether objects live in a namespace. */
export interface ResourceMapping {
  group: string
  version: string
  kind: string
  /** Plural REST name, e.g. `deployments`. */
  resource: string
  namespaced: boolean
}

/** Enough to address one object; `namespace` is ignored for cluster-scoped kinds. */
export interface ObjectRef {
  apiVersion: string
  kind: string
  name: string
  namespace?: string
}

export interface ApplyOptions {
  dryRun: boolean
  /** Take over fields other managers own instead of failing with a conflict (409). */
  force: boolean
  /** Defaults to `strata`. */
  fieldManager?: string
}

export interface ListOptions {
  /** Omit for cluster-scoped kinds, or to list across all namespaces. */
  namespace?: string
  labelSelector?: string
  /** e.g. `involvedObject.name=web-1` for Events. */
  fieldSelector?: string
}

export interface DeleteOptions {
  dryRun?: boolean
  propagationPolicy?: 'Foreground' | 'Background' | 'Orphan'
  /** The server refuses (409 Conflict) when the object is no longer this one: a delete never hits a replacement. */
  preconditions?: {uid?: string; resourceVersion?: string}
}

export type PatchType = 'merge' | 'json' | 'strategic'

export interface PatchOptions {
  type: PatchType
  fieldManager?: string
  /** e.g. `scale` or `status`. */
  subresource?: string
  dryRun?: boolean
}

/** One event of a watch stream, as the server sends it (BOOKMARK carries only metadata.resourceVersion). */
export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR'
  object: JsonObject
}

export interface WatchRequest extends ListOptions {
  /** Resume after this version; omitted: the server first sends every current object as ADDED. */
  resourceVersion?: string
  /** The server ends the stream after this long (the caller reconnects with the last version). */
  timeoutSeconds?: number
  /** Aborting ends the stream; the promise then resolves. */
  signal?: AbortSignal
}

export interface ClusterPort {
  /** The namespace of the kubeconfig context (`default` when it names none). */
  readonly defaultNamespace: string
  /**
   * REST mapping of apiVersion + kind, from discovery cached for the port's lifetime (one request
   * per group-version); undefined when the server does not serve that kind.
   */
  mapping(apiVersion: string, kind: string): Promise<ResourceMapping | undefined>
  /** The mapping at the group's preferred version (for inventories, which record group and kind only). */
  mappingForGroupKind(group: string, kind: string): Promise<ResourceMapping | undefined>
  /** The live object, or undefined when it does not exist (404). */
  get(ref: ObjectRef): Promise<JsonObject | undefined>
  list(apiVersion: string, kind: string, options?: ListOptions): Promise<JsonObject[]>
  /** Server-side apply (PATCH application/apply-patch+yaml); returns the object the server stores (or would, on dry-run). */
  apply(obj: JsonObject, options: ApplyOptions): Promise<JsonObject>
  /** POST of a new object; on dry-run, returns it as the server would store it (defaults filled). */
  create(obj: JsonObject, options: {dryRun: boolean; fieldManager?: string}): Promise<JsonObject>
  /**
   * PUT of a whole object. With `metadata.resourceVersion` set it is a compare-and-swap: a stale
   * version fails with a 409 Conflict ClusterError (how rollout state and locks stay consistent).
   */
  update(obj: JsonObject, options?: {dryRun?: boolean; fieldManager?: string}): Promise<JsonObject>
  /** PATCH with a JSON merge patch (RFC 7386), a JSON patch (RFC 6902, an array) or a strategic merge patch. */
  patch(ref: ObjectRef, body: JsonValue, options: PatchOptions): Promise<JsonObject>
  /** Deletes the object; a missing object is not an error. */
  delete(ref: ObjectRef, options?: DeleteOptions): Promise<void>
  /**
   * A watch stream of one kind (in one namespace, or cluster-wide), with bookmarks. Resolves when
   * the server ends the stream or `signal` aborts; rejects with a ClusterError for an HTTP error
   * (410 Gone: the version is too old, start again without one) or a broken connection.
   * Optional: ports that cannot stream (test fakes) leave it out, and watch falls back to polling.
   */
  watch?(apiVersion: string, kind: string, request: WatchRequest, onEvent: (e: WatchEvent) => void): Promise<void>
}

export const defaultFieldManager = 'strata'
