import * as os from 'node:os'
import {Flags} from '@oclif/core'
import {StrataCommand} from '../../cli/base-command.js'
import {abortOptionsFrom, connectFleetCluster, fleetArgs, fleetNamespaceFlag, loadFleet, printFleet} from '../../cli/fleet-command.js'
import {executionFlags} from '../apply.js'
import {abortFleet} from '../../fleet/run-fleet.js'
import {processHolder} from '../../rollout/run-apply.js'
import {setTimeout as delay} from 'node:timers/promises'

export default class FleetAbort extends StrataCommand {
  static override summary = "Roll back the clusters of the fleet's current wave."

  static override description =
    "Finds the current wave from every cluster's rollout state (the wave running, paused or halted; when the fleet paused between waves, the wave just done) and rolls back each of its clusters as `strata rollout abort` does: " +
    'workloads back to their previous templates, canaries removed; a rollout another process is running is asked to stop and roll back, and waited for (--wait-timeout). ' +
    'Clusters of earlier waves stay as they are. The run is then aborted: `strata fleet apply` starts a new one. ' +
    'Exit codes: 0 every cluster of the wave rolled back, 2 a cluster could not be rolled back, or nothing to abort.'

  static override examples = [
    {description: 'The canary looks bad: roll it back', command: '<%= config.bin %> fleet abort fleet.yaml'},
    {description: 'As JSON events', command: '<%= config.bin %> fleet abort fleet.yaml --json'},
  ]

  static override args = fleetArgs
  static override flags = {
    ...fleetNamespaceFlag,
    'force-conflicts': executionFlags['force-conflicts'],
    'batch-timeout': executionFlags['batch-timeout'],
    force: Flags.boolean({description: 'take over a rollout whose holder has sent no heartbeat for 30 s (a live holder is asked to stop instead)', default: false}),
    'wait-timeout': Flags.string({description: 'how long to wait for a running holder to roll back (30s, 5m)', default: '5m'}),
    json: executionFlags.json,
    color: executionFlags.color,
    qps: executionFlags.qps,
    burst: executionFlags.burst,
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(FleetAbort)
    const fleet = loadFleet(args.file, flags.namespace)
    const abort = abortOptionsFrom(flags)
    const holder = processHolder(Date.now(), os.hostname(), process.pid)
    await printFleet(flags.json, flags.color, async (signal) =>
      abortFleet(
        fleet,
        {
          connect: connectFleetCluster(flags),
          runDeps: (c, port) => ({cluster: port, now: Date.now, sleep: (ms) => delay(ms, undefined, {signal}).catch(() => undefined), signal, holder, target: {...(c.kubeconfig ? {kubeconfig: c.kubeconfig} : {}), ...(c.context ? {context: c.context} : {})}}),
          now: Date.now,
          signal,
        },
        {abort},
      ),
      'aborted',
    )
  }
}
