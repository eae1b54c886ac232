import {Args, Flags} from '@oclif/core'
import {StrataCommand} from '../../cli/base-command.js'
import {rateLimitFrom} from '../../cli/rate-flags.js'
import {kubeCluster} from '../../cluster/kube.js'
import {clusterTarget} from '../../model/follow-up.js'
import {abortRollout} from '../../rollout/run-apply.js'
import {executionFlags, runOptionsFrom, runRollout} from '../apply.js'

export default class RolloutAbort extends StrataCommand {
  static override summary = 'Roll back a paused, failed or interrupted rollout: every workload it touched goes back to its previous template.'

  static override description =
    'Reads the saved rollout state (Secret strata-rollout-NAME) from any machine. Batched Deployments get their previous template and replicas back and their canary removed; ' +
    'StatefulSets their previous template and partition; workloads the plan changed without batches their previous pod template. Other objects the plan applied stay as they are. ' +
    'The state is left as aborted. Exit codes: 0 aborted, 2 error.'

  static override examples = [
    {description: 'Roll back the paused rollout of app shop', command: '<%= config.bin %> rollout abort shop -n shop'},
    {description: 'In another cluster', command: '<%= config.bin %> rollout abort shop -n shop --context prod'},
  ]

  static override args = {
    name: Args.string({description: 'app name (as given to strata apply --name, by default the directory name)', required: true}),
  }

  static override flags = {
    kubeconfig: executionFlags.kubeconfig,
    context: executionFlags.context,
    namespace: Flags.string({char: 'n', description: "namespace of the app's inventory and rollout state (default: the kubeconfig context's namespace)"}),
    'force-conflicts': executionFlags['force-conflicts'],
    'batch-timeout': executionFlags['batch-timeout'],
    json: executionFlags.json,
    color: executionFlags.color,
    qps: executionFlags.qps,
    burst: executionFlags.burst,
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(RolloutAbort)
    const cluster = await kubeCluster({kubeconfig: flags.kubeconfig, context: flags.context, rateLimit: rateLimitFrom(flags), probe: true})
    const namespace = flags.namespace ?? cluster.defaultNamespace
    const options = runOptionsFrom({'force-conflicts': flags['force-conflicts'], concurrency: 1, timeout: '5m', 'batch-timeout': flags['batch-timeout'], 'max-failed-pods': 0, 'auto-abort': true})
    await runRollout(flags.json, flags.color, (deps) => abortRollout(args.name, namespace, deps, options), cluster, 'aborted', {app: args.name, namespace, target: clusterTarget(flags)})
  }
}
