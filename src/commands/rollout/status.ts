import {Args, Flags} from '@oclif/core'
import {StrataCommand} from '../../cli/base-command.js'
import {rateFlags, rateLimitFrom} from '../../cli/rate-flags.js'
import {kubeCluster} from '../../cluster/kube.js'
import {rolloutNamespace} from '../../cli/rollout-namespace.js'
import {holderCondition, RolloutStateStore} from '../../cluster/state-store.js'
import {UserError} from '../../model/errors.js'
import {clusterTarget, rolloutCommand, shellQuote, type ClusterTarget} from '../../model/follow-up.js'
import {percent} from '../../rollout/plan-format.js'
import type {RolloutState, WorkloadRecord} from '../../rollout/types.js'
import type {BlueGreenPhase, BlueGreenRecord} from '../../rollout/strategies/blue-green/phases.js'
import {watchRolloutStatus} from '../../cli/follow-rollout.js'
import {parseDuration} from '../../rollout/run-apply.js'
import {statusExitCode} from '../../rollout/follow-status.js'
import {kubeconfigFlags} from '../../cli/cluster-flags.js'
import {readSourceRecord} from '../../reconcile/source-commit.js'

export default class RolloutStatus extends StrataCommand {
  static override summary = "Show where an app's rollout stands: phase, current step, batches, why it stopped."

  static override description =
    'Reads the saved rollout state (Secret strata-rollout-NAME in the namespace of the app inventory) from any machine; the directory the apply ran from is not needed. ' +
    'Shows the phase (running, paused, failed, interrupted, aborted, done), the step the rollout is at, the batches each workload has completed, the reason it stopped and the process that holds it. ' +
    'With --watch it follows the rollout until it stops, as `kubectl rollout status` does: a live line on a terminal, a line per change otherwise, JSON lines with --json. ' +
    'Exit codes: 0 done or running (without --watch), 3 paused, 2 failed, aborted or interrupted, or running with the process that ran it gone (and, with --watch, a stalled rollout or --timeout).'

  static override examples = [
    {description: 'Where the rollout of app shop stands', command: '<%= config.bin %> rollout status shop -n shop'},
    {description: "Without -n: the kubeconfig's namespace, else the one namespace that has a rollout of shop", command: '<%= config.bin %> rollout status shop'},
    {description: 'As JSON for a script', command: '<%= config.bin %> rollout status shop -n shop --json'},
    {description: 'Follow a running rollout until it ends (exit 0 done, 3 paused, 2 failed or aborted)', command: '<%= config.bin %> rollout status shop -n shop --watch'},
    {description: 'Follow it from CI as JSON lines, giving up after 10 minutes', command: '<%= config.bin %> rollout status shop -n shop --watch --json --timeout 10m'},
  ]

  static override args = {
    name: Args.string({description: 'app name (as given to strata apply --name, by default the directory name)', required: true}),
  }

  static override flags = {
    ...kubeconfigFlags,
    namespace: Flags.string({char: 'n', description: "namespace of the app's inventory and rollout state (default: the kubeconfig context's namespace, else the one namespace that has a rollout of NAME)"}),
    json: Flags.boolean({description: 'print the state (plan without object content) as one JSON document; with --watch, one JSON object per line', default: false}),
    watch: Flags.boolean({char: 'w', description: 'follow the rollout until it is done, paused, failed or aborted (exit 0, 3, 2, 2)', default: false}),
    timeout: Flags.string({description: 'with --watch: stop following after this long (exit 2), e.g. 10m', dependsOn: ['watch']}),
    color: Flags.boolean({description: 'color the output (default: when stdout is a terminal)', allowNo: true}),
    ...rateFlags,
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(RolloutStatus)
    const cluster = await kubeCluster({kubeconfig: flags.kubeconfig, context: flags.context, rateLimit: rateLimitFrom(flags), probe: true})
    const namespace = await rolloutNamespace(cluster, args.name, flags.namespace)
    if (flags.watch) {
      const timeoutMs = flags.timeout === undefined ? undefined : parseDuration(flags.timeout, '--timeout')
      process.exitCode = await watchRolloutStatus(cluster, args.name, namespace, {json: flags.json, color: flags.color, timeoutMs, target: clusterTarget(flags)})
      return
    }
    const stored = await new RolloutStateStore(cluster, args.name, namespace).load()
    if (!stored) {
      throw new UserError(`no rollout of app '${args.name}' in namespace ${namespace}`, {field: 'NAME'}, 'Check the app name and pass its namespace with -n (the namespace of its applyset Secret).')
    }
    const s = stored.state
    // A rollback pin (strata rollback --to) holds watch on one commit: part of where the app stands.
    const pinned = (await readSourceRecord(cluster, args.name, namespace))?.pinned
    if (flags.json) process.stdout.write(`${JSON.stringify({...statusJson(s), pinned: pinned ?? null}, null, 2)}\n`)
    else process.stdout.write(statusText(s, clusterTarget(flags)) + (pinned ? pinText(s.app, pinned) : ''))
    process.exitCode = statusExitCode(s.phase, ['dead', 'none'].includes(holderCondition(s, {pid: -1, host: ''}).kind))
  }
}

function statusJson(s: RolloutState) {
  return {
    app: s.app,
    namespace: s.namespace,
    phase: s.phase,
    // The step it is at, 1-based as the text and `--watch` say it (the last one once done).
    step: Math.min(s.step + 1, s.plan.steps.length),
    steps: s.plan.steps.map((st) => ({step: st.index + 1, name: st.name, items: st.items.length, pauseAfter: st.pauseAfter})),
    workloads: Object.values(s.workloads).map((w) => ({kind: w.id.kind, namespace: w.id.namespace, name: w.id.name, strategy: w.strategy, batchesDone: w.batchesDone, batches: w.shares.length, analysis: w.analysis ?? null, blueGreen: w.blueGreen ? blueGreenJson(w.blueGreen) : null})),
    reason: s.reason ?? null,
    holder: s.holder ?? null,
    stopRequested: s.stopRequested ?? null,
    startedAt: s.startedAt,
    updatedAt: s.updatedAt,
  }
}

function blueGreenJson(bg: BlueGreenRecord) {
  const removeAt = bg.promotedAt === undefined ? null : new Date(bg.promotedAt + bg.spec.scaleDownDelayMs).toISOString()
  return {phase: bg.phase, activeService: bg.spec.activeService, previewService: bg.spec.previewService ?? null, previous: bg.previous, next: bg.next, promotedAt: bg.promotedAt === undefined ? null : new Date(bg.promotedAt).toISOString(), previousRemovedAt: removeAt, scaleDownDelayMs: bg.spec.scaleDownDelayMs}
}

const blueGreenPhaseText: Record<BlueGreenPhase, string> = {
  pin: 'keeping traffic on the old pods',
  start: 'starting the new version',
  preview: 'pointing the preview Service at the new version',
  verify: 'waiting for the new version to be Ready (and its analyses)',
  ready: 'new version Ready, not yet promoted',
  promoted: 'promoted; old version kept for the scale-down delay',
  done: 'promoted; old version removed',
}

/** A blue/green workload: phase, the two versions, which one the active Service serves, when the old one goes. */
export function blueGreenLines(bg: BlueGreenRecord): string[] {
  const serving = bg.phase === 'promoted' || bg.phase === 'done' ? bg.next.deployment : bg.previous.deployment
  const lines = [`  Deployment ${bg.id.namespace}/${bg.id.name}: blue-green ${bg.phase} (${blueGreenPhaseText[bg.phase]})`]
  lines.push(`    ${bg.previous.deployment} → ${bg.next.deployment}; ${bg.spec.activeService} serves ${serving}${bg.spec.previewService ? `, ${bg.spec.previewService} previews ${bg.next.deployment}` : ''}`)
  if (bg.phase === 'promoted' && bg.promotedAt !== undefined) lines.push(`    promoted ${new Date(bg.promotedAt).toISOString()}; ${bg.previous.deployment} removed after ${new Date(bg.promotedAt + bg.spec.scaleDownDelayMs).toISOString()}`)
  return lines
}

/**
 * The last measurements of each analysis of a workload's latest analysed batch, oldest first.
 * `subject`: what was analysed when it is not a batch (blue/green's new version).
 */
export function analysisLines(a: NonNullable<WorkloadRecord['analysis']>, last = 10, subject = `batch ${a.batch}`): string[] {
  const lines = [`    analysis of ${subject} (started ${a.startedAt})${a.verdict ? `: ${a.verdict}` : ''}${a.reason ? ` — ${a.reason}` : ''}`]
  for (const [name, ms] of Object.entries(a.measurements)) {
    if (ms.length > last) lines.push(`      ${name}: ${ms.length - last} earlier measurement(s) not shown`)
    for (const m of ms.slice(-last)) lines.push(`      ${name} ${m.metric} ${m.at} ${m.phase}: ${m.phase === 'Error' ? m.message : JSON.stringify(m.value)}`)
  }
  return lines
}

export function statusText(s: RolloutState, target: ClusterTarget): string {
  const next = [`continue: ${rolloutCommand('resume', s.app, s.namespace, target)}`, `roll back: ${rolloutCommand('abort', s.app, s.namespace, target)}`]
  const total = s.plan.steps.length
  const current = s.plan.steps[s.step]
  const lines = [`rollout ${s.app} (namespace ${s.namespace}): ${s.phase}`]
  lines.push(current ? `step ${s.step + 1}/${total}: ${current.name}` : `all ${total} steps done`)
  for (const w of Object.values(s.workloads)) {
    if (w.blueGreen) lines.push(...blueGreenLines(w.blueGreen))
    else lines.push(`  ${w.id.kind} ${w.id.namespace}/${w.id.name}: batch ${w.batchesDone}/${w.shares.length} (${w.shares.map(percent).join(',')}, ${w.strategy})`)
    if (w.analysis) lines.push(...analysisLines(w.analysis, 10, w.blueGreen ? `the new version ${w.blueGreen.next.deployment}` : undefined))
  }
  if (s.reason) lines.push(`reason: ${s.reason}`)
  // Not this process: any pid/host that is not ours.
  const held = holderCondition(s, {pid: -1, host: ''})
  // "Held by" only while the holder may still be running it; a gone or silent one is said below.
  if (s.holder && held.kind === 'live') lines.push(`held by pid ${s.holder.pid} on ${s.holder.host} (heartbeat ${s.holder.heartbeatAt})`)
  else if (s.holder && held.kind === 'none') lines.push(`last run by pid ${s.holder.pid} on ${s.holder.host} (last heartbeat ${s.holder.heartbeatAt})`)
  else if (s.holder && held.kind === 'stale') lines.push(`held by pid ${s.holder.pid} on ${s.holder.host}, silent since ${s.holder.heartbeatAt}`)
  if (s.stopRequested && (s.phase === 'running' || s.phase === 'aborted')) {
    lines.push(`stop requested by ${s.stopRequested.by} at ${s.stopRequested.at}${s.stopRequested.reason ? ` (${s.stopRequested.reason})` : ''}`)
  }
  const command = (verb: 'resume' | 'abort', ...extra: string[]) => [rolloutCommand(verb, s.app, s.namespace, target), ...extra.map(shellQuote)].join(' ')
  if (held.kind === 'none' && s.phase === 'running') {
    lines.push('no holder recorded: the apply stopped part way', ...next)
  } else if (held.kind === 'dead') {
    lines.push(`the process that ran it is gone (pid ${s.holder?.pid} is not running on ${s.holder?.host}, last heartbeat ${s.holder?.heartbeatAt}): the apply stopped part way`, ...next)
  } else if (held.kind === 'stale') {
    lines.push(
      `no heartbeat for ${Math.round(held.heartbeatAgeMs / 1000)} s: the process that ran it is hung, cut off from the API server, or gone`,
      `if it is gone, continue: ${command('resume', '--force')}`,
      `or roll back: ${command('abort', '--force')}`,
    )
  } else if (held.kind === 'live' && !s.stopRequested) {
    lines.push(`stop it and roll back: ${command('abort')}`)
  }
  lines.push(`started ${s.startedAt}, updated ${s.updatedAt}`)
  if (s.phase === 'paused' || s.phase === 'failed' || s.phase === 'interrupted') {
    lines.push(...next)
  }
  return lines.join('\n') + '\n'
}

export function pinText(app: string, commit: string): string {
  return `pinned at ${commit} by strata rollback: watch keeps this commit and holds newer ones (unpin: strata rollback ${app} --unpin)\n`
}
