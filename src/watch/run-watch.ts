// The running `strata watch`: a Scheduler over the apps, the optional HTTP server (webhook, health,
// metrics) and the optional leader election loop, wired together with one log line per event.
// Everything it touches is passed in (reconcile, ref lookup, elector, timers), so the wiring is
// unit-tested with fakes and the command only builds the real parts.
//
// Leader election: the first election round completes before the scheduler starts, so a replica
// that wins it reconciles every app at once; a standby skips every tick (`mayReconcile`) and,
// when it takes the Lease later, reconciles every app (`triggerAll('startup')`) — a new leader
// does not know what the old one left half done.
//
// Event-driven drift (driftWatch): every reconcile that planned hands the app's objects to the
// drift watcher, whose streams report drift back as `driftDetected`; a replica that stops leading
// closes its streams (the next leader opens its own).
//
// Shutdown (stop): no new runs, the in-flight ones get the abort signal and `deadlineMs` to finish
// their current request, the server stops accepting, and the Lease is handed back so a standby
// takes over at once instead of after the lease time.
import type {WatchedApp} from './config.js'
import {readinessOf, WatchServer, type ListenAddress, type Readiness} from './http-server.js'
import type {Logger} from './log.js'
import type {MetricsRegistry} from './metrics.js'
import type {OwnedObject} from './drift-watch.js'
import {Scheduler, type Reconcile} from './scheduler.js'
import {headKey, type SharedHeads} from './shared-heads.js'
import {realTimers, type Timers} from './timers.js'

/** The part of LeaderElector the loop uses (a fake in tests). */
export interface Elector {
  tryAcquireOrRenew(): Promise<boolean>
  stillLeading(): boolean
  release(): Promise<void>
  readonly holder: string | undefined
}

export interface WatchRuntimeOptions {
  apps: readonly WatchedApp[]
  reconcile: Reconcile
  /** The commit an app's ref names now (ls-remote); a poll that finds it unchanged skips the run. */
  headOf?: (app: WatchedApp) => Promise<string>
  logger: Logger
  metrics: MetricsRegistry
  listen?: ListenAddress
  webhookSecret?: string
  election?: {elector: Elector; identity: string; retryPeriodMs: number}
  maxConcurrent?: number
  timers?: Timers
  /**
   * Shared ref look-ups (one per repository and ref): a push webhook expires its repository's
   * answers; a look-up that finds a ref moved wakes every app on it (wired here).
   */
  heads?: Pick<SharedHeads, 'expire' | 'onMoved'>
  /** Builds the drift watcher (watch streams), told where to report drift; absent: --drift-watch=false. */
  driftWatch?: (onDrift: (app: string, changes: string[]) => void) => DriftWatch
}

/** The part of DriftWatcher the loop uses (a fake in tests). */
export interface DriftWatch {
  setInventory(app: string, objects: readonly OwnedObject[]): void
  clear(): void
  stop(): Promise<void>
}

export interface RunningWatch {
  readonly scheduler: Scheduler
  /** The bound address of the HTTP server (the ephemeral port when asked for port 0). */
  readonly address?: ListenAddress
  readiness(): Readiness
  leading(): boolean
  /** Graceful stop; resolves with the apps whose reconcile was still running at the deadline. */
  stop(deadlineMs?: number): Promise<string[]>
}

export const leaderMetricName = 'strata_watch_leader'
const releaseDeadlineMs = 1_000

export async function startWatch(options: WatchRuntimeOptions): Promise<RunningWatch> {
  const {logger, metrics, election} = options
  const timers = options.timers ?? realTimers
  let leading = !election
  let roundDone = !election
  let stopping = false
  let electionTimer: unknown

  let drift: DriftWatch | undefined
  const reconcile: Reconcile = !options.driftWatch
    ? options.reconcile
    : async (app, reason, signal) => {
        const result = await options.reconcile(app, reason, signal)
        if (result.objects && !stopping && leading) drift?.setInventory(app.name, result.objects)
        return result
      }
  const scheduler = new Scheduler(options.apps, {
    reconcile,
    headOf: options.headOf,
    mayReconcile: election ? () => leading && election.elector.stillLeading() : undefined,
    maxConcurrent: options.maxConcurrent,
    timers,
    metrics,
    onEvent: (e) => logger.event(e),
  })
  const appsByName = new Map(options.apps.map((a) => [a.name, a]))
  const appsOnRef = new Map<string, string[]>()
  for (const a of options.apps) appsOnRef.set(headKey(a.repo, a.ref), [...(appsOnRef.get(headKey(a.repo, a.ref)) ?? []), a.name])
  options.heads?.onMoved((repo, ref, head) => {
    for (const name of appsOnRef.get(headKey(repo, ref)) ?? []) scheduler.headMoved(name, head)
  })
  drift = options.driftWatch?.((app, changes) => {
    const outcome = scheduler.driftDetected(app)
    logger.log('info', 'drift-seen', {app, changes: changes.slice(0, 5).join('; '), reconcile: outcome})
  })
  if (election) metrics.gauge(leaderMetricName, 'Whether this replica holds the leader Lease (1) or stands by (0).')

  const readiness = (): Readiness => readinessOf({allAttempted: scheduler.allAttempted(), election: election ? {leading, roundDone} : undefined})

  let server: WatchServer | undefined
  let address: ListenAddress | undefined
  if (options.listen) {
    server = new WatchServer({
      apps: options.apps,
      // On a standby the run is skipped (not-leading); the leader sees the commit on its next poll.
      trigger: (app) => {
        // The reconciles a push wakes share one fresh look-up of the pushed repository.
        const repo = appsByName.get(app)?.repo
        if (repo !== undefined) options.heads?.expire(repo)
        return scheduler.trigger(app, 'webhook')
      },
      metrics,
      readiness,
      webhookSecret: options.webhookSecret,
      onEvent: (e) => logger.log(e.status >= 400 ? 'warn' : 'info', 'webhook', {status: e.status, apps: e.apps, detail: e.detail}),
    })
    address = await server.listen(options.listen)
    logger.log('info', 'listening', {address: `${address.host}:${address.port}`, webhook: options.webhookSecret !== undefined})
  }

  const electionRound = async (): Promise<void> => {
    if (!election || stopping) return
    let won: boolean
    try {
      won = await election.elector.tryAcquireOrRenew()
    } catch (err) {
      logger.log('error', 'leader-election-error', {error: err instanceof Error ? err.message : String(err)})
      won = false
    }
    if (stopping) return
    // A leader that could not renew keeps leading until its renew deadline passes (client-go's rule).
    const nowLeading = won || (leading && election.elector.stillLeading())
    const firstRound = !roundDone
    roundDone = true
    if (nowLeading !== leading) {
      leading = nowLeading
      metrics.set(leaderMetricName, {}, leading ? 1 : 0)
      if (leading) {
        logger.log('info', 'leader-acquired', {identity: election.identity})
        if (!firstRound) scheduler.triggerAll('startup')
      } else {
        logger.log('warn', 'leader-lost', {identity: election.identity, holder: election.elector.holder})
        drift?.clear()
      }
    } else if (firstRound) {
      metrics.set(leaderMetricName, {}, leading ? 1 : 0)
      if (!leading) logger.log('info', 'standby', {identity: election.identity, holder: election.elector.holder})
    }
  }
  const armElection = (): void => {
    if (!election || stopping) return
    electionTimer = timers.setTimeout(() => {
      electionTimer = undefined
      void electionRound().finally(armElection)
    }, election.retryPeriodMs)
  }

  if (election) {
    await electionRound()
    armElection()
  }
  logger.log('info', 'started', {apps: options.apps.map((a) => a.name), leaderElection: election !== undefined})
  scheduler.start()

  let stopped: Promise<string[]> | undefined
  const stop = (deadlineMs = 8_000): Promise<string[]> => {
    stopped ??= (async () => {
      stopping = true
      if (electionTimer !== undefined) timers.clearTimeout(electionTimer)
      logger.log('info', 'stopping', {deadlineMs})
      const [abandoned] = await Promise.all([scheduler.stop(deadlineMs), server?.close(Math.min(deadlineMs, 1_000)), drift?.stop()])
      if (election && leading) {
        leading = false
        // Bounded: an unreachable API server must not hold the exit past the pod's grace period.
        let timer: unknown
        const released = await Promise.race([
          election.elector.release().then(() => true),
          new Promise<false>((resolve) => (timer = timers.setTimeout(() => resolve(false), releaseDeadlineMs))),
        ])
        timers.clearTimeout(timer)
        logger.log(released ? 'info' : 'warn', released ? 'leader-released' : 'leader-release-timeout', {identity: election.identity})
      }
      logger.log('info', 'shutdown-complete', {abandoned})
      return abandoned
    })()
    return stopped
  }

  return {
    scheduler,
    address,
    readiness,
    leading: () => leading,
    stop,
  }
}
