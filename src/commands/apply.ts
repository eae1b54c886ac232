import * as fs from 'node:fs'
import * as os from 'node:os'
import {setTimeout as delay} from 'node:timers/promises'
import {Args, Flags} from '@oclif/core'
import {StrataCommand, writeJsonError} from '../cli/base-command.js'
import {renderFlags, renderOptionsFrom, type RenderFlagValues} from '../cli/render-flags.js'
import {rateFlags, rateLimitFrom} from '../cli/rate-flags.js'
import {scopeArgv, scopeFlags, scopePolicyFrom, type ScopeFlagValues} from '../cli/scope-flags.js'
import {ClusterError} from '../cluster/errors.js'
import {kubeCluster} from '../cluster/kube.js'
import {httpMetrics} from '../metrics/http.js'
import {defaultConcurrency} from '../diff/run.js'
import {UserError} from '../model/errors.js'
import {ExitCode} from '../model/exit-codes.js'
import {clusterTarget, rolloutCommand, type ClusterTarget} from '../model/follow-up.js'
import {planChanges} from '../rollout/plan-changes.js'
import {formatPlanText, planToJson} from '../rollout/plan-format.js'
import {describeSource} from '../rollout/app-source.js'
import {defaultKeepGenerated} from '../rollout/retention.js'
import {parseDuration, prepareApply, processHolder, runApply, type ApplyRequest, type PreparedApply, type RunDeps, type RunOptions} from '../rollout/run-apply.js'
import {phasePredicate} from '../rollout/phase-wording.js'
import type {RolloutEvent, RolloutState} from '../rollout/types.js'
import {choosePrinterKind, makePrinter} from '../ui/printers/index.js'
import {makeTheme, wantsColor} from '../ui/theme.js'
import {kubeconfigFlags} from '../cli/cluster-flags.js'

/** Flags that steer execution; `strata rollout resume` takes them too. */
export const executionFlags = {
  ...kubeconfigFlags,
  'force-conflicts': Flags.boolean({description: 'take over fields another field manager owns instead of failing the object', default: false}),
  concurrency: Flags.integer({description: 'requests in flight at once within a step', default: defaultConcurrency, min: 1, max: 256}),
  timeout: Flags.string({description: 'how long one step may take to become healthy (30s, 5m, 1h)', default: '5m'}),
  'batch-timeout': Flags.string({description: "how long a workload batch's new pods may take to become Ready before the breaker trips", default: '5m'}),
  'max-failed-pods': Flags.integer({description: 'crashed new pods in a batch that trip the breaker', default: 0, min: 0}),
  'auto-abort': Flags.boolean({description: 'when the breaker trips, roll that workload back at once (--no-auto-abort leaves it for `rollout abort`)', default: true, allowNo: true}),
  json: Flags.boolean({description: 'print one JSON event per line (step started, object applied, health changed, paused, done)', default: false}),
  color: Flags.boolean({description: 'color the output (default: when stdout is a terminal)', allowNo: true}),
  ...rateFlags,
}

export function runOptionsFrom(flags: {'force-conflicts': boolean; concurrency: number; timeout: string; 'batch-timeout': string; 'max-failed-pods': number; 'auto-abort': boolean}): RunOptions {
  return {
    forceConflicts: flags['force-conflicts'],
    concurrency: flags.concurrency,
    stepTimeoutMs: parseDuration(flags.timeout, '--timeout'),
    batchTimeoutMs: parseDuration(flags['batch-timeout'], '--batch-timeout'),
    maxFailedPods: flags['max-failed-pods'],
    autoAbort: flags['auto-abort'],
  }
}

/** The app a rollout command acts on and the cluster flags the user gave: what its printed hints name. */
export interface RolloutTarget {
  app: string
  namespace: string
  target: ClusterTarget
}

/**
 * Runs a rollout's events into a printer with Ctrl-C wired to an AbortController (the executor
 * finishes in-flight requests and saves `interrupted`) and sets the exit code from the final phase.
 */
export async function runRollout(json: boolean, color: boolean | undefined, start: (deps: RunDeps) => AsyncGenerator<RolloutEvent, RolloutState>, cluster: RunDeps['cluster'], success: RolloutState['phase'] | ((state: RolloutState) => boolean), where: RolloutTarget): Promise<RolloutState> {
  const controller = new AbortController()
  const onSigint = () => controller.abort()
  process.on('SIGINT', onSigint)
  const printer = makePrinter(choosePrinterKind(json, process.stdout), process.stdout, makeTheme(wantsColor(color, process.stdout)))
  const deps: RunDeps = {
    cluster,
    now: Date.now,
    sleep: (ms) => delay(ms, undefined, {signal: controller.signal}).catch(() => undefined),
    signal: controller.signal,
    holder: processHolder(Date.now(), os.hostname(), process.pid),
    target: where.target,
    metrics: httpMetrics(),
  }
  try {
    const gen = start(deps)
    let last: RolloutEvent['type'] | undefined
    let r = await gen.next()
    while (!r.done) {
      printer.event(r.value)
      last = r.value.type
      r = await gen.next()
    }
    // A failed gate or object is not the end of the story for a script: close with the outcome.
    if (json && (last === undefined || !closingEvents.has(last))) {
      writeJsonError(r.value.reason ?? `the rollout of ${r.value.app} ${phasePredicate[r.value.phase]}`, {}, `${rolloutCommand('resume', where.app, where.namespace, where.target)} goes on; ${rolloutCommand('abort', where.app, where.namespace, where.target)} rolls back`, {phase: r.value.phase, app: r.value.app, namespace: r.value.namespace, step: r.value.step + 1})
    }
    const succeeded = typeof success === 'function' ? success(r.value) : r.value.phase === success
    process.exitCode = succeeded ? ExitCode.ok : exitCodeOf(r.value)
    return r.value
  } catch (e) {
    // The server went away (or refused a write of the state itself) part way: an answer about the
    // cluster, not a strata bug; the saved state still says where the rollout stands.
    if (e instanceof ClusterError) {
      const command = (verb: 'status' | 'resume') => `\`${rolloutCommand(verb, where.app, where.namespace, where.target)}\``
      throw new UserError(e.message, {}, `Once the API server answers again, ${command('status')} shows where the rollout stopped and ${command('resume')} finishes it.`)
    }
    throw e
  } finally {
    printer.close()
    process.off('SIGINT', onSigint)
  }
}

/** Events that end a run's JSON stream by themselves. */
const closingEvents = new Set<RolloutEvent['type']>(['done', 'paused', 'interrupted', 'aborted', 'nothing-to-abort'])

/** 0 done, 3 paused, 130 interrupted, 2 anything else (failed, aborted; a fleet halted). */
export function exitCodeOf(state: {phase: string}): number {
  switch (state.phase) {
    case 'done':
      return ExitCode.ok
    case 'paused':
      return ExitCode.paused
    case 'interrupted':
      return ExitCode.interrupted
    default:
      return ExitCode.error
  }
}

/** What shapes the plan and guards prune and the lane; `strata sync` takes them too. */
export const planFlags = {
  'batch-size': Flags.integer({description: 'split a step with more objects than this into several steps', min: 1}),
  'pause-after': Flags.string({description: 'pause after this step (name or 1-based number), or `each`; repeatable', multiple: true}),
  rollout: Flags.string({description: 'batch spec for every Deployment/StatefulSet without its own strata.dev/rollout annotation, e.g. 25%,50%,100%'}),
  analysis: Flags.string({description: 'Analysis (kind: Analysis in the render) judging each batch of every Deployment/StatefulSet without its own strata.dev/analysis annotation; repeatable or comma-separated', multiple: true}),
  'max-deletions': Flags.integer({description: "most objects prune may delete (default: 25% of the inventory's members, at least 1)", min: 0}),
  'allow-mass-delete': Flags.boolean({description: 'prune even past --max-deletions', default: false}),
  'keep-generated': Flags.integer({description: 'previous versions of each generated (hash-suffixed) ConfigMap/Secret prune keeps while a ReplicaSet or ControllerRevision of the app still uses them; 0 prunes them at once', default: defaultKeepGenerated, min: 0}),
  'replace-paused': Flags.boolean({description: 'start a new rollout although one of this app is paused, failed or interrupted', default: false}),
  adopt: Flags.boolean({description: 'take the app over although its inventory was last applied from another source (directory, or repository and path); without it such an apply is refused before any change', default: false}),
  ...renderFlags,
  ...scopeFlags,
}

type PlanFlagValues = RenderFlagValues & ScopeFlagValues & {
  name?: string
  namespace?: string
  concurrency: number
  'batch-size'?: number
  'pause-after'?: string[]
  rollout?: string
  analysis?: string[]
  'max-deletions'?: number
  'allow-mass-delete': boolean
  'keep-generated': number
  adopt: boolean
}

/** The ApplyRequest of DIR under apply's (or sync's) flags. */
export function applyRequestFrom(dir: string, flags: PlanFlagValues): ApplyRequest {
  const pauseAfter = flags['pause-after']
  return {
    dir,
    name: flags.name,
    namespace: flags.namespace,
    loadRestrictor: flags['load-restrictor'] as 'rootOnly' | 'none',
    concurrency: flags.concurrency,
    plan: {batchSize: flags['batch-size'], pauseAfter: pauseAfter?.includes('each') ? 'each' : pauseAfter, rollout: flags.rollout, analysis: flags.analysis?.flatMap((a) => a.split(',').map((s) => s.trim()).filter(Boolean))},
    maxDeletions: flags['max-deletions'],
    allowMassDelete: flags['allow-mass-delete'],
    keepGenerated: flags['keep-generated'],
    onWarning: (m) => process.stderr.write(`# Warning: ${m}\n`),
    render: renderOptionsFrom(flags),
    scope: scopePolicyFrom(flags),
    adopt: flags.adopt,
  }
}

/**
 * What the user should know about whose inventory the apply takes, on stderr: the name chosen for
 * a new app when none was given (and how to pin it), or the source an --adopt took it from.
 */
export function ownershipNotice(prepared: PreparedApply): string | undefined {
  const parent = `Secret ${prepared.namespace}/applyset-${prepared.app}`
  switch (prepared.ownership.verdict) {
    case 'new':
      return prepared.defaultName ? `# app name '${prepared.app}' (the directory's name; inventory ${parent}): pin it with --name ${prepared.app}, or pick another with --name NAME` : undefined
    case 'unrecorded':
      return `# the inventory ${parent} records no source yet: recording ${describeSource(prepared.source)}`
    case 'adopted':
      return `# adopting app '${prepared.app}': its inventory ${parent} was last applied from ${prepared.ownership.previous}`
    default:
      return undefined
  }
}

export default class Apply extends StrataCommand {
  static override summary = 'Apply a kustomize tree as an ordered rollout plan: dependencies first, batches, health gates, pause/resume, safe prune.'

  static override description =
    'Renders DIR, diffs it against the cluster and turns the changes into a plan of steps: Namespaces and CRDs, cluster RBAC, ServiceAccounts/Roles, ConfigMaps/Secrets/PVCs, Services, workloads, then the rest; ' +
    'within that, waves (strata.dev/wave: "N") and explicit dependencies (strata.dev/depends-on: KIND/NAMESPACE/NAME,...). ' +
    "Each step is applied by server-side apply (field manager 'strata') and must become healthy before the next one starts. " +
    'A Deployment or StatefulSet whose pod template changes and that carries strata.dev/rollout: "25%,50%,100%" (or --rollout) is moved in those batches, pausing after each but the last. ' +
    'At a pause the state is saved in the cluster (Secret strata-rollout-NAME) and the command exits 3; `strata rollout resume|abort NAME` continue from any machine. ' +
    'Members of the app inventory (ApplySet parent Secret applyset-NAME) that the render no longer has are pruned last; more than --max-deletions refuses the whole apply before anything changes. ' +
    'The inventory records the source it was applied from (annotation strata.dev/source: the directory, and the git repository and path when there is one); an apply from another source under the same app name is refused before any change unless --adopt. ' +
    '-n is the namespace of every namespaced object that names none, as with kubectl apply -n. ' +
    'Argo CD and Flux annotations are honoured (sync-wave, Prune=false, Delete=false, IgnoreExtraneous, ssa: IfNotPresent, reconcile: disabled; Replace=true is refused); strata.dev/ ones win when both are set, and --plan names the annotation that decided. ' +
    'Exit codes: 0 done, 2 failed or refused, 3 paused, 130 interrupted (Ctrl-C; resumable); with --plan 0 nothing to change, 1 changes.'

  static override examples = [
    {description: 'Apply an overlay to the current kubeconfig context', command: '<%= config.bin %> apply overlays/prod'},
    {description: 'Show the plan only (reads the cluster, changes nothing)', command: '<%= config.bin %> apply overlays/prod --plan'},
    {description: 'Every Deployment/StatefulSet in three batches, a pause after each step, JSON events for CI', command: '<%= config.bin %> apply overlays/prod --rollout 25%,50%,100% --pause-after each --json'},
    {description: 'Canary in batches, each judged by the Analysis named error-rate in the render (Failed aborts, Inconclusive pauses)', command: '<%= config.bin %> apply overlays/prod --rollout 20%,50%,100% --analysis error-rate'},
    {description: 'Start over although a rollout of this app is paused', command: '<%= config.bin %> apply overlays/prod --replace-paused'},
    {description: 'Allow a large prune', command: '<%= config.bin %> apply overlays/prod --max-deletions 40'},
    {description: 'Keep one previous version of each generated ConfigMap/Secret while old ReplicaSets use it (default 3)', command: '<%= config.bin %> apply overlays/prod --keep-generated 1'},
    {description: 'Two trees with the same directory name into one namespace: name each app', command: '<%= config.bin %> apply teams/billing/overlays/prod --name billing -n shop'},
    {description: 'The overlay moved to a new directory: take its app over from the old one', command: '<%= config.bin %> apply deploy/overlays/prod --name shop --adopt'},
  ]

  static override args = {
    dir: Args.string({description: 'directory holding kustomization.yaml', default: '.'}),
  }

  static override flags = {
    ...executionFlags,
    name: Flags.string({description: "app name: inventory Secret applyset-NAME, state Secret strata-rollout-NAME (default: DIR's base name)"}),
    namespace: Flags.string({char: 'n', description: "namespace of every namespaced object that names none (as kubectl apply -n; default: the kubeconfig's) and of the app's inventory and rollout state (default: the one namespace the render uses, else the kubeconfig's)"}),
    plan: Flags.boolean({description: 'print the plan (text, or JSON with --json) and change nothing; exit 1 when it would change something', default: false}),
    ...planFlags,
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Apply, scopeArgv(this.argv))
    const dir = args.dir
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
      throw new UserError(`'${dir}' is not a directory`, {file: dir}, 'Pass the directory that holds kustomization.yaml.')
    }
    const options = runOptionsFrom(flags)
    const cluster = await kubeCluster({kubeconfig: flags.kubeconfig, context: flags.context, maxSockets: flags.concurrency, rateLimit: rateLimitFrom(flags), probe: true})
    const prepared = await prepareApply(cluster, applyRequestFrom(dir, flags))
    const notice = ownershipNotice(prepared)
    if (notice) process.stderr.write(`${notice}\n`)
    if (flags.plan) {
      if (flags.json) process.stdout.write(`${JSON.stringify(planToJson(prepared.plan), null, 2)}\n`)
      else process.stdout.write(formatPlanText(prepared.plan, makeTheme(wantsColor(flags.color, process.stdout))))
      // As `diff` and `sync --dry-run`: 1 means "applying would change something".
      process.exitCode = planChanges(prepared) > 0 ? ExitCode.diff : ExitCode.ok
      return
    }
    // The diff's port serves the rollout too: discovery caches only kinds it found, so the kinds
    // of CRDs that step 1 creates are looked up again.
    await runRollout(flags.json, flags.color, (deps) => runApply(prepared, deps, {...options, replacePaused: flags['replace-paused']}), cluster, 'done', {app: prepared.app, namespace: prepared.namespace, target: clusterTarget(flags)})
  }
}
