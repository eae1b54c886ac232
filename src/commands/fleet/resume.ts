import {StrataCommand} from '../../cli/base-command.js'
import {fleetArgs, fleetRun, fleetRunFlags, loadFleet, printFleet} from '../../cli/fleet-command.js'
import {scopeArgv} from '../../cli/scope-flags.js'
import {resumeFleet} from '../../fleet/run-fleet.js'

export default class FleetResume extends StrataCommand {
  static override summary = 'Continue a paused or halted fleet run from its first unfinished wave, from any machine.'

  static override description =
    "Reads every cluster's rollout state to find where the fleet's current run stands, checks that FILE still renders what the run was started with (a changed tree or wave is refused, as `rollout resume --dir` refuses), then goes on: " +
    "in the first unfinished wave, clusters already done are skipped, a cluster whose own rollout paused, failed or was interrupted is resumed (`rollout resume`), the others are applied; later waves run as `fleet apply` runs them. " +
    'A run that was aborted or is done is not resumed: `strata fleet apply` starts a new one. ' +
    'Exit codes: 0 done in every cluster, 2 halted, failed or refused, 3 paused again, 130 interrupted.'

  static override examples = [
    {description: 'The canary looks good: roll out the next waves', command: '<%= config.bin %> fleet resume fleet.yaml'},
    {description: 'From CI, with JSON events', command: '<%= config.bin %> fleet resume fleet.yaml --json'},
  ]

  static override args = fleetArgs
  static override flags = fleetRunFlags

  async run(): Promise<void> {
    const {args, flags} = await this.parse(FleetResume, scopeArgv(this.argv))
    const fleet = loadFleet(args.file, flags.namespace)
    await printFleet(flags.json, flags.color, async (signal) => {
      const {deps, options} = await fleetRun(fleet, args.file, flags, signal)
      return resumeFleet(fleet, deps, options)
    })
  }
}
