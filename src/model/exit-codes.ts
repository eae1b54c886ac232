// The one table of exit codes; README's table is checked against it by a test.
export const ExitCode = {
  ok: 0,
  diff: 1,
  error: 2,
  paused: 3,
  interrupted: 130,
} as const
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode]

export const exitCodeMeaning: Record<ExitCode, string> = {
  0: 'success; for diff and preview: no changes',
  1: 'changes found: diff, diff --plan, apply --plan, sync --dry-run and preview (like kubectl diff); findings: lint',
  2: 'error: bad input, render failure, cluster error, refused; a rollout that failed, or was aborted (breaker, or a stop request from `strata rollout abort`); for rollout status: failed, aborted or interrupted; a fleet that halted (more failed clusters than maxFailures) or left a cluster not done',
  3: 'rollout paused at a pause point or on an inconclusive analysis (a canary batch, or a blue/green new version before its switch) (apply, sync, rollout resume, rollout status); resumable with `strata rollout resume`; a fleet paused after a wave or at a cluster\'s pause (fleet apply, fleet resume, fleet status); resumable with `strata fleet resume`',
  130: 'interrupted (Ctrl-C): in-flight requests finished, state saved; resumable with `strata rollout resume`',
}
