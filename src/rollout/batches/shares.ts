// Replicas on the new template for a batch's share. Module P's batch-spec.ts owns the rule;
// this is the same rule (ceil, at least 1, at most desired) until that file lands.
export function replicasForShare(desired: number, share: number): number {
  if (desired <= 0) return 0
  // The epsilon keeps 3 × (1/3) from rounding up to 2 through float error.
  return Math.min(desired, Math.max(1, Math.ceil(desired * share - 1e-9)))
}
