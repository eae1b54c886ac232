// Retry delays after a failed reconcile: exponential in the number of consecutive failures of the
// same commit, capped, with "equal jitter" (half fixed, half random) so that many apps failing on
// the same broken dependency do not retry in lockstep, yet never retry sooner than half the step.

export interface BackoffPolicy {
  initialMs: number
  maxMs: number
}

export const defaultBackoff: BackoffPolicy = {initialMs: 10_000, maxMs: 10 * 60_000}

/** Delay before retry number `failures` (1 = after the first failure). `random` returns [0, 1). */
export function backoffDelay(failures: number, policy: BackoffPolicy = defaultBackoff, random: () => number = Math.random): number {
  const exp = Math.min(Math.max(failures, 1) - 1, 30)
  const step = Math.min(policy.maxMs, policy.initialMs * 2 ** exp)
  return Math.round(step / 2 + random() * (step / 2))
}
