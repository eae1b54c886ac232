import {Flags} from '@oclif/core'
import {StrataCommand} from '../../cli/base-command.js'
import {connectFleetCluster, fleetArgs, fleetCommand, fleetExitCode, fleetNamespaceFlag, loadFleet} from '../../cli/fleet-command.js'
import {rateFlags} from '../../cli/rate-flags.js'
import {renderFlags, renderOptionsFrom} from '../../cli/render-flags.js'
import type {FleetStatus as Status} from '../../fleet/fleet-status.js'
import {fleetRenderDigest, portCache, readFleet} from '../../fleet/run-fleet.js'
import {formatFleetStatus} from '../../ui/fleet/report.js'
import {makeTheme, wantsColor} from '../../ui/theme.js'

export default class FleetStatus extends StrataCommand {
  static override summary = "Show where a fleet stands, wave by wave and cluster by cluster, rebuilt from the clusters' own rollout state."

  static override description =
    "Reads the app's rollout state in every cluster of FILE (the fleet's mark there says which run, wave and fleet render applied it), from any machine with the fleet file and the credentials. " +
    'Shows the fleet phase (not-started, running, paused, halted, interrupted, aborted, done) and why, each cluster\'s phase and step, unreachable clusters with the reason, and whether FILE still renders what the run was started with. ' +
    'Exit codes: 0 done, running or not started, 3 paused, 2 halted, interrupted or aborted (or an error).'

  static override examples = [
    {description: 'Where the fleet stands', command: '<%= config.bin %> fleet status fleet.yaml'},
    {description: 'As JSON for a script', command: '<%= config.bin %> fleet status fleet.yaml --json'},
  ]

  static override args = fleetArgs
  static override flags = {
    ...fleetNamespaceFlag,
    json: Flags.boolean({description: 'print the status as one JSON document', default: false}),
    color: Flags.boolean({description: 'color the output (default: when stdout is a terminal)', allowNo: true}),
    ...rateFlags,
    ...renderFlags,
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(FleetStatus)
    const fleet = loadFleet(args.file, flags.namespace)
    const {status} = await readFleet(fleet, portCache({connect: connectFleetCluster(flags)}))
    // Whether the file still renders the run's digest: a tree that no longer renders is shown, not fatal.
    const digest = status.digest === undefined ? undefined : await fleetRenderDigest(fleet, renderOptionsFrom(flags)).catch(() => undefined)
    const renders = status.digest === undefined || digest === undefined ? undefined : digest === status.digest
    if (flags.json) process.stdout.write(`${JSON.stringify(statusJson(status, renders), null, 2)}\n`)
    else process.stdout.write(formatFleetStatus(status, renders, {resume: fleetCommand('resume', args.file), abort: fleetCommand('abort', args.file), apply: fleetCommand('apply', args.file)}, makeTheme(wantsColor(flags.color, process.stdout))))
    process.exitCode = fleetExitCode(status.phase)
  }
}

/** The phase first, then the run, then the waves: what a script reads first. */
function statusJson(s: Status, renders: boolean | undefined) {
  return {fleet: s.fleet, app: s.app, phase: s.phase, reason: s.reason, run: s.run ?? null, digest: s.digest ?? null, fileRendersRun: renders ?? null, resumeWave: s.resumeWave ?? null, abortWave: s.abortWave ?? null, waves: s.waves}
}
