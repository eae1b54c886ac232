import {StrataCommand} from '../../cli/base-command.js'
import {connectFleetCluster, fleetArgs, fleetRunFlags, loadFleet} from '../../cli/fleet-command.js'
import {scopeArgv} from '../../cli/scope-flags.js'
import {planFleet} from '../../fleet/plan-fleet.js'
import {portCache} from '../../fleet/run-fleet.js'
import {ExitCode} from '../../model/exit-codes.js'
import {fleetPlanJson, formatFleetPlan} from '../../ui/fleet/report.js'
import {makeTheme, wantsColor} from '../../ui/theme.js'
import {applyRequestFrom} from '../apply.js'

export default class FleetPlan extends StrataCommand {
  static override summary = 'Show what `fleet apply` would change, per wave and cluster, changing nothing anywhere.'

  static override description =
    "Renders every cluster's tree, diffs it against that cluster (server-side dry-run) and prints the plan `strata apply --plan` would print, wave by wave. " +
    'A cluster that cannot be reached, or whose plan is refused (a prune over its cap, another source\'s app), is reported in one line and the others are still planned. ' +
    'Exit codes: 0 nothing to change, 1 changes, 2 a cluster could not be planned (or bad input).'

  static override examples = [
    {description: 'What the fleet file would change in every cluster', command: '<%= config.bin %> fleet plan fleet.yaml'},
    {description: 'As JSON (plans by object identity, per wave and cluster)', command: '<%= config.bin %> fleet plan fleet.yaml --json'},
  ]

  static override args = fleetArgs
  static override flags = fleetRunFlags

  async run(): Promise<void> {
    const {args, flags} = await this.parse(FleetPlan, scopeArgv(this.argv))
    const fleet = loadFleet(args.file, flags.namespace)
    const request = (c: (typeof fleet.clusters)[number]) => ({...applyRequestFrom(c.dir, {...flags, name: fleet.app, namespace: fleet.namespace}), onWarning: (m: string) => process.stderr.write(`# Warning: [${c.name}] ${m}\n`)})
    const plans = await planFleet(fleet, portCache({connect: connectFleetCluster(flags)}), request)
    if (flags.json) process.stdout.write(`${JSON.stringify(fleetPlanJson(fleet, plans), null, 2)}\n`)
    else process.stdout.write(formatFleetPlan(fleet, plans, makeTheme(wantsColor(flags.color, process.stdout))))
    process.exitCode = plans.some((p) => p.error) ? ExitCode.error : plans.some((p) => p.changes > 0) ? ExitCode.diff : ExitCode.ok
  }
}
