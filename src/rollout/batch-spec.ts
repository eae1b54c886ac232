// The `strata.dev/rollout` / `--rollout` value: how an existing workload moves to a new pod
// template. Percentages are cumulative shares of the desired replicas ("25%,50%,100%"); a bare
// count "N" means N equal batches. Parsed strictly, because a typo here decides how many pods a
// bad image reaches.
import {UserError} from '../model/errors.js'

const maxBatches = 100

/**
 * "25%,50%,100%" → [0.25, 0.5, 1]; "4" → [0.25, 0.5, 0.75, 1]. Shares must rise strictly; when
 * the last one is below 100% a final 100% batch is added (the workload always ends fully rolled out).
 */
export function parseBatchSpec(spec: string, origin: {file?: string; field: string}): number[] {
  const text = spec.trim()
  const fail = (why: string): never => {
    throw new UserError(`invalid rollout batches ${JSON.stringify(spec)}: ${why}`, origin, 'Write cumulative percentages such as "25%,50%,100%", or a number of equal batches such as "4".')
  }
  if (text === '') fail('it is empty')
  if (/^\d+$/.test(text)) {
    const n = Number(text)
    if (n < 1 || n > maxBatches) fail(`a batch count must be between 1 and ${maxBatches}`)
    const shares: number[] = []
    for (let i = 1; i <= n; i++) shares.push(i / n)
    shares[n - 1] = 1
    return shares
  }
  const shares: number[] = []
  for (const raw of text.split(',')) {
    const part = raw.trim()
    const m = /^(\d+(?:\.\d+)?)%$/.exec(part)
    if (!m) fail(`${JSON.stringify(part)} is not a percentage (e.g. 25%)`)
    const pct = Number(m![1])
    if (pct <= 0 || pct > 100) fail(`${part} is not between 0% (exclusive) and 100%`)
    const share = pct / 100
    if (shares.length > 0 && share <= shares[shares.length - 1]) fail(`${part} does not rise above the batch before it`)
    shares.push(share)
  }
  if (shares[shares.length - 1] < 1) shares.push(1)
  if (shares.length > maxBatches) fail(`more than ${maxBatches} batches`)
  return shares
}

/** Replicas on the new template for a cumulative share: rounded up, at least 1, at most desired. */
export function replicasForShare(desired: number, share: number): number {
  if (desired <= 0) return 0
  // The epsilon keeps 3 × (1/3) from rounding up to 2 through float error.
  const n = Math.ceil(desired * share - 1e-9)
  return Math.min(desired, Math.max(1, n))
}
