import {ClusterError} from './errors.js'

export interface RetryPolicy {
  /** Total attempts, the first included. */
  attempts: number
  /** Delay before the second attempt; doubles each time, with jitter, capped at `maxDelayMs`. */
  baseDelayMs: number
  maxDelayMs: number
  sleep: (ms: number) => Promise<void>
  /** 0..1; injected so tests are deterministic. */
  random: () => number
  /** Longest wait a server's Retry-After may impose (a hostile or confused proxy could ask for hours); default 30 s. */
  maxRetryAfterMs?: number
}

export const defaultRetryPolicy: RetryPolicy = {
  attempts: 5,
  baseDelayMs: 200,
  maxDelayMs: 5_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
  maxRetryAfterMs: 30_000,
}

/**
 * Seconds to wait from a Retry-After header: delta-seconds or an HTTP-date (RFC 9110 §10.2.3),
 * relative to `nowMs`. Anything else (absent, negative, garbage) is undefined.
 */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim()
  if (!text) return undefined
  if (/^\d+$/.test(text)) return Number(text)
  // Date.parse accepts far more than IMF-fixdate; requiring a weekday-and-GMT shape keeps '5s' or '1e3' out.
  if (!/^[A-Za-z]{3},? .*GMT$/.test(text)) return undefined
  const at = Date.parse(text)
  if (!Number.isFinite(at)) return undefined
  return Math.max(0, Math.ceil((at - nowMs) / 1000))
}

/**
 * Runs `op` again after throttling (429) or transient failures (5xx, no answer), with
 * exponential backoff; a server's Retry-After wins over the computed delay. Other errors
 * (forbidden, not found, invalid, conflict) are answers and are thrown at once.
 */
export async function withRetry<T>(op: () => Promise<T>, policy: RetryPolicy = defaultRetryPolicy): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await op()
    } catch (err) {
      if (!(err instanceof ClusterError) || !err.transient || attempt >= policy.attempts) throw err
      const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1))
      // Full jitter between half and all of the backoff keeps concurrent retries from lining up.
      const delay = err.retryAfterSeconds !== undefined ? Math.min(err.retryAfterSeconds * 1000, policy.maxRetryAfterMs ?? 30_000) : backoff / 2 + (policy.random() * backoff) / 2
      await policy.sleep(delay)
    }
  }
}
