// What the `strata fleet` commands share: the flags (apply's, less --kubeconfig/--context/--name,
// which the fleet file gives per cluster), reading the fleet file, the port to each cluster, and
// running the fleet driver's events into a printer with Ctrl-C wired as `apply` wires it.
import * as fs from 'node:fs'
import * as os from 'node:os'
import {setTimeout as delay} from 'node:timers/promises'
import {Args, Flags} from '@oclif/core'
import {kubeCluster} from '../cluster/kube.js'
import type {ClusterPort} from '../cluster/port.js'
import {parseFleet} from '../fleet/fleet-file.js'
import {fleetRenderDigest, type FleetDeps, type FleetOptions} from '../fleet/run-fleet.js'
import type {Fleet, FleetCluster, FleetEvent, FleetPhase} from '../fleet/types.js'
import {httpMetrics} from '../metrics/http.js'
import {UserError} from '../model/errors.js'
import {ExitCode} from '../model/exit-codes.js'
import {commandLine} from '../model/follow-up.js'
import {parseDuration, processHolder} from '../rollout/run-apply.js'
import {choosePrinterKind} from '../ui/printers/index.js'
import {makeFleetPrinter} from '../ui/fleet/printers.js'
import {makeTheme, wantsColor} from '../ui/theme.js'
import {applyRequestFrom, executionFlags, exitCodeOf, planFlags, runOptionsFrom} from '../commands/apply.js'
import {rateLimitFrom} from './rate-flags.js'
import {renderOptionsFrom} from './render-flags.js'

export const fleetArgs = {
  file: Args.string({description: 'the fleet file (kind: Fleet)', required: true}),
}

const {kubeconfig: _kubeconfig, context: _context, ...clusterlessExecution} = executionFlags
const {name: _name, ...fleetPlanFlags} = planFlags as typeof planFlags & {name?: unknown}

export const fleetNamespaceFlag = {
  namespace: Flags.string({char: 'n', description: "as apply -n in every cluster: namespace of namespaced objects that name none and of the app's inventory and state (default: spec.namespace, else as apply picks it)"}),
}

/** apply's flags, less those the fleet file gives per cluster (--kubeconfig, --context, --name). */
export const fleetRunFlags = {
  ...clusterlessExecution,
  ...fleetNamespaceFlag,
  ...fleetPlanFlags,
}

/** Reads and validates FILE; a missing or unreadable file is a UserError naming it. */
export function loadFleet(file: string, namespace?: string): Fleet {
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    throw new UserError(code === 'ENOENT' ? `no fleet file at '${file}'` : code === 'EISDIR' ? `'${file}' is a directory, not a fleet file` : `cannot read the fleet file: ${(e as Error).message}`, {file}, 'Pass the path of a YAML file with kind: Fleet.')
  }
  const fleet = parseFleet(text, file)
  return namespace === undefined ? fleet : {...fleet, namespace}
}

type RunFlags = Parameters<typeof runOptionsFrom>[0] & Parameters<typeof applyRequestFrom>[1] & {json: boolean; color?: boolean; qps: number; burst: number; 'replace-paused': boolean}

/** A port to one cluster, checked once (GET /version) so that an unreachable cluster or refused credentials fail it in one line. */
export function connectFleetCluster(flags: {concurrency?: number; qps: number; burst: number}): (c: FleetCluster) => Promise<ClusterPort> {
  return (c) => kubeCluster({kubeconfig: c.kubeconfig, context: c.context, maxSockets: flags.concurrency, rateLimit: rateLimitFrom(flags), probe: true})
}

/** `strata fleet VERB FILE`, as the user typed FILE. */
export function fleetCommand(verb: 'resume' | 'abort' | 'status' | 'apply', file: string): string {
  return commandLine(['strata', 'fleet', verb, file])
}

export interface FleetRun {
  deps: FleetDeps
  options: FleetOptions
}

/** The driver's deps and options under apply's flags; renders every cluster's tree first (the fleet digest). */
export async function fleetRun(fleet: Fleet, file: string, flags: RunFlags, signal: AbortSignal): Promise<FleetRun> {
  const run = runOptionsFrom(flags)
  const holder = processHolder(Date.now(), os.hostname(), process.pid)
  const metrics = httpMetrics()
  const deps: FleetDeps = {
    connect: connectFleetCluster(flags),
    runDeps: (c, port) => ({
      cluster: port,
      now: Date.now,
      sleep: (ms) => delay(ms, undefined, {signal}).catch(() => undefined),
      signal,
      holder,
      target: {...(c.kubeconfig ? {kubeconfig: c.kubeconfig} : {}), ...(c.context ? {context: c.context} : {})},
      metrics,
    }),
    now: Date.now,
    signal,
  }
  const digest = await fleetRenderDigest(fleet, renderOptionsFrom(flags))
  const options: FleetOptions = {
    request: (c) => ({...applyRequestFrom(c.dir, {...flags, name: fleet.app, namespace: fleet.namespace}), onWarning: (m) => process.stderr.write(`# Warning: [${c.name}] ${m}\n`)}),
    run: {...run, replacePaused: flags['replace-paused']},
    abort: abortOptionsFrom(flags),
    digest,
    commands: {resume: fleetCommand('resume', file), abort: fleetCommand('abort', file)},
  }
  return {deps, options}
}

export function abortOptionsFrom(flags: {'force-conflicts': boolean; 'batch-timeout': string; force?: boolean; 'wait-timeout'?: string}): FleetOptions['abort'] {
  const run = runOptionsFrom({'force-conflicts': flags['force-conflicts'], concurrency: 1, timeout: '5m', 'batch-timeout': flags['batch-timeout'], 'max-failed-pods': 0, 'auto-abort': true})
  return {...run, force: flags.force ?? false, wait: true, waitTimeoutMs: parseDuration(flags['wait-timeout'] ?? '5m', '--wait-timeout'), requestedBy: `${userName()}@${os.hostname()} (pid ${process.pid}, strata fleet)`}
}

function userName(): string {
  try {
    return os.userInfo().username
  } catch {
    // no passwd entry (a container): $USER
    return process.env.USER ?? 'someone'
  }
}

/** Runs the fleet's events into the printer `--json`/TTY/CI picks and sets the exit code from the phase. */
export async function printFleet(json: boolean, color: boolean | undefined, start: (signal: AbortSignal) => Promise<AsyncGenerator<FleetEvent, FleetPhase>>, success: FleetPhase = 'done'): Promise<FleetPhase> {
  const controller = new AbortController()
  const onSigint = () => controller.abort()
  process.on('SIGINT', onSigint)
  const printer = makeFleetPrinter(choosePrinterKind(json, process.stdout), process.stdout, makeTheme(wantsColor(color, process.stdout)))
  try {
    const gen = await start(controller.signal)
    let r = await gen.next()
    while (!r.done) {
      printer.event(r.value)
      r = await gen.next()
    }
    process.exitCode = r.value === success ? ExitCode.ok : fleetExitCode(r.value)
    return r.value
  } finally {
    printer.close()
    process.off('SIGINT', onSigint)
  }
}

/** As apply's exit codes; status adds a running or not yet started fleet as 0. */
export function fleetExitCode(phase: FleetPhase): number {
  return phase === 'not-started' || phase === 'running' ? ExitCode.ok : exitCodeOf({phase})
}
