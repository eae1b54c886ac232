import {StrataCommand} from '../../cli/base-command.js'
import {fleetArgs, fleetRun, fleetRunFlags, loadFleet, printFleet} from '../../cli/fleet-command.js'
import {scopeArgv} from '../../cli/scope-flags.js'
import {applyFleet} from '../../fleet/run-fleet.js'

export default class FleetApply extends StrataCommand {
  static override summary = 'Roll an app out across a fleet of clusters, wave by wave: canary first, a gate between waves, the power to stop everything.'

  static override description =
    'Reads FILE (kind: Fleet), renders every cluster\'s tree (spec.path, {cluster} = its name) before touching any cluster, then runs the waves in order. ' +
    'Within a wave up to maxParallel clusters are applied at once, each exactly as `strata apply` (steps, batches, analyses, prune with its cap) with every apply flag given here. ' +
    'A cluster that cannot be reached, whose credentials are refused or whose apply fails is that cluster\'s failure, reported in one line; more than the wave\'s maxFailures halts the fleet: the failed clusters are rolled back, clusters already done stay, later waves are untouched. ' +
    "A wave with pause: true, or a cluster's own rollout pausing, pauses the fleet (exit 3): `strata fleet resume FILE` goes on from any machine with the fleet file and the credentials. " +
    "Each cluster's rollout state records the fleet, the run, the wave and the fleet render's digest, so `strata fleet status` rebuilds the fleet's progress from the clusters. " +
    'Exit codes: 0 done in every cluster, 2 halted, failed or refused, 3 paused, 130 interrupted.'

  static override examples = [
    {description: 'Roll the fleet out (canary wave first, as the fleet file says)', command: '<%= config.bin %> fleet apply fleet.yaml'},
    {description: 'Every Deployment in batches in every cluster, JSON events (each names its cluster) for CI', command: '<%= config.bin %> fleet apply fleet.yaml --rollout 25%,50%,100% --json'},
    {description: 'Start a new run although a cluster holds a paused rollout of the app', command: '<%= config.bin %> fleet apply fleet.yaml --replace-paused'},
  ]

  static override args = fleetArgs
  static override flags = fleetRunFlags

  async run(): Promise<void> {
    const {args, flags} = await this.parse(FleetApply, scopeArgv(this.argv))
    const fleet = loadFleet(args.file, flags.namespace)
    await printFleet(flags.json, flags.color, async (signal) => {
      const {deps, options} = await fleetRun(fleet, args.file, flags, signal)
      return applyFleet(fleet, deps, options)
    })
  }
}
