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
// Sharding (shard): every retry period the membership round renews this replica's Lease and lists
// the live members; the apps rendezvous hashing gives this replica are its own (`mayReconcile`), the
// ones gained from a departed member are reconciled at once, the ones handed to a newcomer lose their
// drift streams. The scheduler starts after a second round one retry period after joining, so
// replicas started together begin on disjoint shares.
//
// Event-driven drift (driftWatch): every reconcile that planned hands the app's objects to the
// drift watcher, whose streams report drift back as `driftDetected`; a replica that stops leading
// closes its streams (the next leader opens its own).
//
// Shutdown (stop): no new runs, the in-flight ones get the abort signal and `deadlineMs` to finish
// their current request, the server stops accepting, and the Lease is handed back so a standby
// takes over at once instead of after the lease time.
import type {WatchedApp} from '../reconcile/app-config.js'
import {readinessOf, WatchServer, type ListenAddress, type Readiness} from './http-server.js'
import type {Logger} from './log.js'
import type {MetricsRegistry} from './metrics.js'
import type {OwnedObject} from './drift-watch.js'
import {Scheduler, type Reconcile} from './scheduler.js'
import {headKey, type SharedHeads} from './shared-heads.js'
import {assignApps, type Membership} from './shard.js'
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
  /** --shard: this replica reconciles the apps rendezvous hashing gives it among the live members. */
  shard?: {membership: Membership; retryPeriodMs: number}
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
export const shardAppsMetricName = 'strata_watch_shard_apps'
export const shardMembersMetricName = 'strata_watch_shard_members'
export const shardOwnedMetricName = 'strata_watch_shard_owned_apps'
const releaseDeadlineMs = 1_000

export async function startWatch(options: WatchRuntimeOptions): Promise<RunningWatch> {
  const {logger, metrics, election} = options
  const timers = options.timers ?? realTimers
  let leading = !election
  let roundDone = !election
  let stopping = false
  let electionTimer: unknown

  let drift: DriftWatch | undefined
  const shard = options.shard
  // The apps this replica's shard owns (all of them without --shard).
  let owned = new Set<string>()
  let members: string[] = []
  let ownerOf = new Map<string, string>()
  let shardTimer: unknown
  const mine = (app: string): boolean => !shard || (owned.has(app) && shard.membership.stillMember())
  const reconcile: Reconcile = !options.driftWatch
    ? options.reconcile
    : async (app, reason, signal) => {
        const result = await options.reconcile(app, reason, signal)
        if (result.objects && !stopping && leading && mine(app.name)) drift?.setInventory(app.name, result.objects)
        return result
      }
  const scheduler = new Scheduler(options.apps, {
    reconcile,
    headOf: options.headOf,
    mayReconcile: election ? () => leading && election.elector.stillLeading() : shard ? mine : undefined,
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

  // The reconciles a push wakes share one fresh look-up of the pushed repository.
  const webhook = (app: string): ReturnType<Scheduler['trigger']> => {
    const repo = appsByName.get(app)?.repo
    if (repo !== undefined) options.heads?.expire(repo)
    return scheduler.trigger(app, 'webhook')
  }
  // --shard: a push for another member's app is passed on to it (a wake annotation on its Lease).
  const forwardWebhook = (app: string): 'queued' => {
    const owner = ownerOf.get(app)
    if (owner !== undefined && shard) {
      shard.membership.wake(owner, [app]).then(
        () => logger.log('info', 'webhook-forwarded', {app, owner}),
        (err: unknown) => logger.log('warn', 'webhook-forward-error', {app, owner, error: err instanceof Error ? err.message : String(err)}),
      )
    }
    return 'queued'
  }

  const readiness = (): Readiness => readinessOf({allAttempted: scheduler.allAttempted(mine), election: election ? {leading, roundDone} : undefined})

  let server: WatchServer | undefined
  let address: ListenAddress | undefined
  if (options.listen) {
    server = new WatchServer({
      apps: options.apps,
      // On a standby the run is skipped (not-leading); the leader sees the commit on its next poll.
      trigger: (app) => {
        if (shard && appsByName.has(app) && !mine(app) && !stopping) return forwardWebhook(app)
        return webhook(app)
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

  // One membership round: renew, list, and recompute this replica's apps when the members changed.
  let shownMembers: string[] = []
  let wasMember = false
  // `initial`: before the scheduler starts (it queues every app then; nothing to trigger, nothing to skip).
  const shardRound = async (initial: boolean): Promise<void> => {
    if (!shard || stopping) return
    let view: string[] | undefined
    try {
      view = await shard.membership.round()
    } catch (err) {
      logger.log('error', 'shard-membership-error', {error: err instanceof Error ? err.message : String(err)})
    }
    if (stopping) return
    if (view) members = view
    const me = shard.membership.identity
    const member = shard.membership.stillMember()
    const seen = member ? members : members.filter((m) => m !== me)
    if (!initial) {
      for (const app of shard.membership.takeWakes()) {
        if (!mine(app)) continue
        logger.log('info', 'webhook-woken', {app})
        webhook(app)
      }
    }
    if (!initial && sameList(seen, shownMembers) && member === wasMember) return
    wasMember = member
    const assignment = assignApps(options.apps.map((a) => a.name), seen)
    ownerOf = new Map([...assignment].flatMap(([m, apps]) => apps.map((a) => [a, m] as [string, string])))
    const next = new Set(member ? (assignment.get(me) ?? []) : [])
    const gained = [...next].filter((a) => !owned.has(a))
    const lost = [...owned].filter((a) => !next.has(a))
    owned = next
    for (const m of shownMembers) if (!assignment.has(m)) metrics.remove({member: m})
    shownMembers = [...seen]
    for (const [m, apps] of assignment) metrics.set(shardAppsMetricName, {member: m}, apps.length)
    metrics.set(shardMembersMetricName, {}, seen.length)
    metrics.set(shardOwnedMetricName, {}, owned.size)
    logger.log(member ? 'info' : 'warn', member ? 'shard-members' : 'shard-membership-lost', {identity: me, members: seen, owned: owned.size, gained: gained.length, lost: lost.length})
    for (const a of lost) drift?.setInventory(a, [])
    // Apps taken over from a member that left: reconciled at once (it may have left them half done).
    if (!initial) for (const a of gained) scheduler.trigger(a, 'startup')
  }
  const armShard = (): void => {
    if (!shard || stopping) return
    shardTimer = timers.setTimeout(() => {
      shardTimer = undefined
      void shardRound(false).finally(armShard)
    }, shard.retryPeriodMs)
  }

  if (election) {
    await electionRound()
    armElection()
  }
  if (shard) {
    metrics.gauge(shardAppsMetricName, 'Apps per live shard member, as this replica assigns them (rendezvous hashing).')
    metrics.gauge(shardMembersMetricName, 'Live shard members this replica sees.')
    metrics.gauge(shardOwnedMetricName, 'Apps this replica reconciles.')
    // Join, then look again one retry period later before reconciling anything: replicas started
    // together (a Deployment's pods) then see each other and start on disjoint apps.
    await shardRound(true)
    await new Promise<void>((resolve) => timers.setTimeout(resolve, shard.retryPeriodMs))
    await shardRound(true)
    armShard()
  }
  logger.log('info', 'started', {apps: options.apps.map((a) => a.name), leaderElection: election !== undefined, shard: shard !== undefined})
  scheduler.start()

  let stopped: Promise<string[]> | undefined
  const stop = (deadlineMs = 8_000): Promise<string[]> => {
    stopped ??= (async () => {
      stopping = true
      if (electionTimer !== undefined) timers.clearTimeout(electionTimer)
      if (shardTimer !== undefined) timers.clearTimeout(shardTimer)
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
      if (shard) {
        // Bounded like the leader release; the others take this replica's apps at their next round.
        let timer: unknown
        await Promise.race([shard.membership.release(), new Promise<void>((resolve) => (timer = timers.setTimeout(resolve, releaseDeadlineMs)))])
        timers.clearTimeout(timer)
        logger.log('info', 'shard-left', {identity: shard.membership.identity})
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

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}
