import {Args, Flags} from '@oclif/core'
import {StrataCommand} from '../../cli/base-command.js'
import {renderFlags, renderOptionsFrom} from '../../cli/render-flags.js'
import {rateLimitFrom} from '../../cli/rate-flags.js'
import {kubeCluster} from '../../cluster/kube.js'
import {rolloutNamespace} from '../../cli/rollout-namespace.js'
import {clusterTarget} from '../../model/follow-up.js'
import {resumeRollout, treeDigest} from '../../rollout/run-apply.js'
import {executionFlags, runOptionsFrom, runRollout} from '../apply.js'

export default class RolloutResume extends StrataCommand {
  static override summary = 'Continue a paused, failed or interrupted rollout from where it stopped, from any machine.'

  static override description =
    'Reads the saved rollout state (Secret strata-rollout-NAME) and runs the rest of its plan; the directory the apply ran from is not needed, but with --dir it is rendered and must still match the saved plan. ' +
    'The current step is re-applied (server-side apply is idempotent) and its health re-checked before the plan goes on; a batched workload continues with its next batch. ' +
    'Exit codes: 0 done, 2 failed, 3 paused again (at the next pause point), 130 interrupted.'

  static override examples = [
    {description: 'Next batch of the paused rollout of app shop', command: '<%= config.bin %> rollout resume shop -n shop'},
    {description: 'From CI, with JSON events', command: '<%= config.bin %> rollout resume shop -n shop --context prod --json'},
    {description: 'Take over from a holder that stopped sending heartbeats (its CI runner is gone)', command: '<%= config.bin %> rollout resume shop -n shop --force'},
    {description: 'Only if overlays/prod still renders what the paused plan was made from', command: '<%= config.bin %> rollout resume shop -n shop --dir overlays/prod'},
  ]

  static override args = {
    name: Args.string({description: 'app name (as given to strata apply --name, by default the directory name)', required: true}),
  }

  static override flags = {
    ...executionFlags,
    namespace: Flags.string({char: 'n', description: "namespace of the app's inventory and rollout state (default: the kubeconfig context's namespace, else the one namespace that has a rollout of NAME)"}),
    force: Flags.boolean({description: 'take over a rollout whose holder has sent no heartbeat for 30 s (hung, cut off, or its machine gone); a live holder is never taken over', default: false}),
    dir: Flags.string({description: 'the kustomize tree the rollout came from: refuse (exit 2) if it now renders something else than the saved plan'}),
    ...renderFlags,
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(RolloutResume)
    const options = runOptionsFrom(flags)
    const cluster = await kubeCluster({kubeconfig: flags.kubeconfig, context: flags.context, maxSockets: flags.concurrency, rateLimit: rateLimitFrom(flags), probe: true})
    const namespace = await rolloutNamespace(cluster, args.name, flags.namespace)
    const expectDigest = flags.dir === undefined ? undefined : await treeDigest(flags.dir, renderOptionsFrom(flags))
    await runRollout(flags.json, flags.color, (deps) => resumeRollout(args.name, namespace, deps, {...options, expectDigest, dir: flags.dir, force: flags.force}), cluster, 'done', {app: args.name, namespace, target: clusterTarget(flags)})
  }
}
