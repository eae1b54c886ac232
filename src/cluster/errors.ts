// API-server failures as one type the core can branch on (status code, reason) without parsing
// text. Messages can echo what was sent — including Secret values — so they are built from the
// server's Status with the message dropped for Secrets (only reason and field names are kept).

export interface ApiStatus {
  code?: number
  reason?: string
  message?: string
  details?: {causes?: {field?: string; reason?: string; message?: string}[]; retryAfterSeconds?: number}
}

export class ClusterError extends Error {
  /** HTTP status; 0 when the request never got an answer (connection refused, TLS, timeout). */
  readonly status: number
  /** Kubernetes StatusReason (`Forbidden`, `NotFound`, `Conflict`, `Invalid`, ...) or a network error code. */
  readonly reason: string
  /** Seconds the server asked to wait (Retry-After), when it did. */
  readonly retryAfterSeconds?: number
  constructor(status: number, reason: string, message: string, retryAfterSeconds?: number) {
    super(message)
    this.name = 'ClusterError'
    this.status = status
    this.reason = reason
    this.retryAfterSeconds = retryAfterSeconds
  }

  get forbidden(): boolean {
    return this.status === 403
  }
  get notFound(): boolean {
    return this.status === 404
  }
  /** Worth another attempt: throttled, server-side trouble, or no answer at all. */
  get transient(): boolean {
    return this.status === 0 || this.status === 429 || this.status === 500 || this.status === 502 || this.status === 503 || this.status === 504
  }
}

/**
 * A ClusterError from the server's Status body. With `sensitive` (the object is a Secret) the
 * server's wording is not kept at all: it may quote the submitted value.
 */
export function clusterErrorFromStatus(httpStatus: number, body: ApiStatus | undefined, what: string, sensitive: boolean, retryAfterSeconds?: number): ClusterError {
  const reason = body?.reason || httpReason(httpStatus)
  const fields = (body?.details?.causes ?? []).map((c) => c.field).filter((f): f is string => typeof f === 'string' && f !== '')
  let message: string
  if (sensitive) {
    message = `${what}: ${reason} (HTTP ${httpStatus})${fields.length ? `; fields: ${[...new Set(fields)].join(', ')}` : ''}`
  } else {
    message = `${what}: ${body?.message || reason} (HTTP ${httpStatus})`
  }
  return new ClusterError(httpStatus, reason, message, retryAfterSeconds ?? body?.details?.retryAfterSeconds)
}

function httpReason(status: number): string {
  switch (status) {
    case 400:
      return 'BadRequest'
    case 401:
      return 'Unauthorized'
    case 403:
      return 'Forbidden'
    case 404:
      return 'NotFound'
    case 405:
      return 'MethodNotAllowed'
    case 409:
      return 'Conflict'
    case 415:
      return 'UnsupportedMediaType'
    case 422:
      return 'Invalid'
    case 429:
      return 'TooManyRequests'
    case 500:
      return 'InternalError'
    case 503:
      return 'ServiceUnavailable'
    case 504:
      return 'Timeout'
    default:
      return `HTTP${status}`
  }
}
