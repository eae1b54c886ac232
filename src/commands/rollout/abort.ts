import * as os from 'node:os'
import {Args, Flags} from '@oclif/core'
import {StrataCommand} from '../../cli/base-command.js'
import {rateLimitFrom} from '../../cli/rate-flags.js'
import {kubeCluster} from '../../cluster/kube.js'
import {rolloutNamespace} from '../../cli/rollout-namespace.js'
import {clusterTarget} from '../../model/follow-up.js'
import {abortRollout} from '../../rollout/abort.js'
import {parseDuration} from '../../rollout/run-apply.js'
import type {RolloutState} from '../../rollout/types.js'
import {executionFlags, runOptionsFrom, runRollout} from '../apply.js'

export default class RolloutAbort extends StrataCommand {
  static override summary = 'Roll back a rollout: every workload it touched goes back to its previous template; a running one is asked to stop and roll back.'

  static override description =
    'Reads the saved rollout state (Secret strata-rollout-NAME) from any machine. Batched Deployments get their previous template and replicas back and their canary removed; ' +
    'StatefulSets their previous template and partition; workloads the plan changed without batches their previous pod template. Other objects the plan applied stay as they are. ' +
    'The state is left as aborted. ' +
    'A rollout another process is running (a CI apply, on any machine) is never taken over: abort records a stop request in the state, that process rolls back at its next check (within its 5 s heartbeat) and exits 2, and abort waits for it (--wait-timeout; --no-wait returns once the request is recorded). ' +
    'A holder that has sent no heartbeat for 30 s may be hung or cut off; --force takes such a rollout over and rolls back here. ' +
    'Exit codes: 0 aborted, already aborted or done (nothing to roll back: safe to run twice from CI), or with --no-wait stop requested; 2 error.'

  static override examples = [
    {description: 'Roll back the paused rollout of app shop', command: '<%= config.bin %> rollout abort shop -n shop'},
    {description: 'In another cluster', command: '<%= config.bin %> rollout abort shop -n shop --context prod'},
    {description: 'Stop an apply running in CI elsewhere, saying why, without waiting for it', command: '<%= config.bin %> rollout abort shop -n shop --reason "bad build 412" --no-wait'},
    {description: 'Take over from a holder that stopped sending heartbeats (its machine is gone)', command: '<%= config.bin %> rollout abort shop -n shop --force'},
  ]

  static override args = {
    name: Args.string({description: 'app name (as given to strata apply --name, by default the directory name)', required: true}),
  }

  static override flags = {
    kubeconfig: executionFlags.kubeconfig,
    context: executionFlags.context,
    namespace: Flags.string({char: 'n', description: "namespace of the app's inventory and rollout state (default: the kubeconfig context's namespace, else the one namespace that has a rollout of NAME)"}),
    'force-conflicts': executionFlags['force-conflicts'],
    'batch-timeout': executionFlags['batch-timeout'],
    force: Flags.boolean({description: 'take over a rollout whose holder has sent no heartbeat for 30 s (a live holder is asked to stop instead, never taken over)', default: false}),
    wait: Flags.boolean({description: 'wait for a running holder to roll back (--no-wait: return once the stop request is recorded)', default: true, allowNo: true}),
    'wait-timeout': Flags.string({description: 'how long to wait for a running holder to roll back (30s, 5m)', default: '5m'}),
    reason: Flags.string({description: 'why, recorded with the stop request and printed by the process that stops'}),
    json: executionFlags.json,
    color: executionFlags.color,
    qps: executionFlags.qps,
    burst: executionFlags.burst,
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(RolloutAbort)
    const cluster = await kubeCluster({kubeconfig: flags.kubeconfig, context: flags.context, rateLimit: rateLimitFrom(flags), probe: true})
    const namespace = await rolloutNamespace(cluster, args.name, flags.namespace)
    const options = runOptionsFrom({'force-conflicts': flags['force-conflicts'], concurrency: 1, timeout: '5m', 'batch-timeout': flags['batch-timeout'], 'max-failed-pods': 0, 'auto-abort': true})
    const abort = {
      ...options,
      force: flags.force,
      wait: flags.wait,
      waitTimeoutMs: parseDuration(flags['wait-timeout'], '--wait-timeout'),
      requestedBy: requester(),
      reason: flags.reason,
    }
    // --no-wait ends with the request recorded and the rollout still running: that is its success.
    // A rollout already over (done, aborted) is left as it is: nothing to do is not a failure.
    const succeeded = (s: RolloutState) => s.phase === 'aborted' || s.phase === 'done' || (!flags.wait && s.phase === 'running' && s.stopRequested !== undefined)
    await runRollout(flags.json, flags.color, (deps) => abortRollout(args.name, namespace, deps, abort), cluster, succeeded, {app: args.name, namespace, target: clusterTarget(flags)})
  }
}

/** `user@host (pid N)`, as the stopped process will name who asked. */
function requester(): string {
  let user = process.env.USER ?? 'someone'
  try {
    user = os.userInfo().username
  } catch {
    // no passwd entry (a container): keep $USER
  }
  return `${user}@${os.hostname()} (pid ${process.pid})`
}
