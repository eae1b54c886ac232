// Sharding for `strata watch --shard`: every replica keeps a membership Lease of its own (renewed
// with the leader Lease's timings), and each app belongs to the live member with the highest
// rendezvous (highest-random-weight) score of hash(member, app). A member joining or leaving moves
// only the apps it wins or held; a replica whose Lease lapses loses its apps to the others within
// the lease duration, and one that cannot renew stops reconciling within its renew deadline, before
// the others can count it gone. Two replicas briefly disagreeing on the members (a join seen by one
// before the other) is harmless: the per-app rollout lock still lets only one of them apply an app.
//
// Liveness is judged as client-go judges a leader Lease: by when this replica last saw the Lease's
// renewTime change, on its own clock, so clock skew between nodes does not shorten or stretch a
// lease. Only a Lease seen for the first time is judged by its renewTime (a Lease left behind by a
// replica killed an hour ago must not count as a member for a whole lease duration).
import {createHash} from 'node:crypto'
import type {ClusterPort, ObjectRef} from '../cluster/port.js'
import {isObject, type JsonObject} from '../model/json.js'
import {LeaderElector, leaseRecordOf, microTime, type LeaderElectionConfig} from './leader.js'

export const shardGroupLabel = 'strata.dev/watch-shard-group'
/**
 * A webhook that reaches a replica not owning the pushed app is passed on as an annotation
 * `wake.strata.dev/<app>` on the owner's membership Lease (one key per app, so two senders never
 * overwrite each other). The owner lists its Lease every round anyway; its renewal PUT writes the
 * Lease without them, which consumes them — and a wake written between its read and its PUT makes
 * that PUT fail its compare-and-swap, so it reads the Lease again (and the wake with it): none is lost.
 */
export const wakeAnnotationPrefix = 'wake.strata.dev/'

/** The rendezvous score of `app` on `member` (the first 8 bytes of a SHA-256). */
export function rendezvousScore(member: string, app: string): bigint {
  return createHash('sha256').update(member).update('\u0000').update(app).digest().readBigUInt64BE(0)
}

/** The member that owns `app` among `members` (undefined when there is none). */
export function rendezvousOwner(app: string, members: readonly string[]): string | undefined {
  let best: string | undefined
  let bestScore = -1n
  for (const m of members) {
    const score = rendezvousScore(m, app)
    // Ties (never in practice) go to the smaller name, so every replica picks the same one.
    if (score > bestScore || (score === bestScore && best !== undefined && m < best)) {
      best = m
      bestScore = score
    }
  }
  return best
}

/** Every member's apps (members owning none included, with an empty list). */
export function assignApps(apps: readonly string[], members: readonly string[]): Map<string, string[]> {
  const out = new Map<string, string[]>(members.map((m) => [m, []]))
  for (const app of apps) {
    const owner = rendezvousOwner(app, members)
    if (owner !== undefined) out.get(owner)!.push(app)
  }
  return out
}

/** The Lease name of a member: DNS-safe and stable for its identity. */
export function memberLeaseName(group: string, identity: string): string {
  return `${group}-member-${createHash('sha256').update(identity).digest('hex').slice(0, 12)}`
}

/** What this replica remembers of one member Lease between rounds. */
export interface MemberSighting {
  holder: string
  renewTime: number
  durationMs: number
  /** Local time at which this replica saw the current renewTime first. */
  seenAt: number
  resourceVersion?: string
}

/** The apps the wake annotations on a member's own Lease name. */
export function wakesOf(lease: JsonObject | undefined): string[] {
  const md = lease && isObject(lease.metadata) ? lease.metadata : {}
  const annotations = isObject(md.annotations) ? md.annotations : {}
  return Object.keys(annotations)
    .filter((k) => k.startsWith(wakeAnnotationPrefix))
    .map((k) => k.slice(wakeAnnotationPrefix.length))
    .sort()
}

export interface MemberView {
  /** The members whose Lease was renewed within its duration, sorted. */
  live: string[]
  /** By Lease name: the memory for the next round. */
  sightings: Map<string, MemberSighting>
  /** Leases released (no holder) or lapsed for `gcAfterMs`: safe to delete (a member that comes back creates its Lease again). */
  stale: Array<{name: string; resourceVersion?: string}>
}

/**
 * The live members in a list of member Leases (pure: the clock and the previous round's sightings
 * are passed in). A Lease whose renewTime this replica saw change less than its duration ago is
 * live; one seen for the first time counts from its renewTime (never from the future).
 */
export function observeMembers(leases: readonly JsonObject[], previous: ReadonlyMap<string, MemberSighting>, now: number, gcAfterMs: number): MemberView {
  const sightings = new Map<string, MemberSighting>()
  const live = new Set<string>()
  const stale: MemberView['stale'] = []
  for (const lease of leases) {
    const md = isObject(lease.metadata) ? lease.metadata : {}
    if (typeof md.name !== 'string') continue
    const r = leaseRecordOf(lease)
    const before = previous.get(md.name)
    const unchanged = before !== undefined && before.holder === r.holder && before.renewTime === r.renewTime
    const seenAt = unchanged ? before.seenAt : before === undefined ? Math.min(now, r.renewTime) : now
    const sighting: MemberSighting = {holder: r.holder, renewTime: r.renewTime, durationMs: r.durationSeconds * 1000, seenAt, resourceVersion: r.resourceVersion}
    sightings.set(md.name, sighting)
    const age = now - seenAt
    if (r.holder !== '' && age < sighting.durationMs) live.add(r.holder)
    else if (r.holder === '' || age >= sighting.durationMs + gcAfterMs) stale.push({name: md.name, resourceVersion: r.resourceVersion})
  }
  return {live: [...live].sort(), sightings, stale}
}

export interface ShardMembershipConfig extends Omit<LeaderElectionConfig, 'name' | 'labels'> {
  /** The group every replica of one installation shares (--leader-name). */
  group: string
}

/** The part of ShardMembership the watch loop uses (a fake in tests). */
export interface Membership {
  readonly identity: string
  /** Renews this replica's Lease and returns the live members (sorted), or undefined when the list failed. */
  round(): Promise<string[] | undefined>
  /** Whether this replica may still act as a member (its last renewal is within the renew deadline). */
  stillMember(): boolean
  release(): Promise<void>
  /** The apps other members asked this one to reconcile (webhooks they received), since the last call. */
  takeWakes(): string[]
  /** Asks `owner` to reconcile `apps` at its next round (a webhook this replica received for them). */
  wake(owner: string, apps: readonly string[]): Promise<void>
}

/** This replica's membership Lease and the live members it sees: one list and one write per round. */
export class ShardMembership implements Membership {
  private readonly lease: LeaderElector
  private readonly leaseName: string
  private sightings = new Map<string, MemberSighting>()
  private wakes = new Set<string>()

  constructor(
    private readonly cluster: ClusterPort,
    private readonly config: ShardMembershipConfig,
    private readonly now: () => number = Date.now,
  ) {
    this.leaseName = memberLeaseName(config.group, config.identity)
    this.lease = new LeaderElector(cluster, {...config, name: this.leaseName, labels: {[shardGroupLabel]: config.group}}, now)
  }

  get identity(): string {
    return this.config.identity
  }

  async round(): Promise<string[] | undefined> {
    let leases: JsonObject[] | undefined
    try {
      leases = await this.cluster.list('coordination.k8s.io/v1', 'Lease', {namespace: this.config.namespace, labelSelector: `${shardGroupLabel}=${this.config.group}`})
    } catch {
      // Without a list this round still renews (from a GET), so the others keep counting this replica.
    }
    const own = leases ? (leases.find((l) => isObject(l.metadata) && l.metadata.name === this.leaseName) ?? null) : await this.ownLease()
    // A wake written after this read fails the renewal's compare-and-swap (the renewal never
    // consumes a wake it has not read); one retry from a fresh read keeps a burst of forwarded
    // webhooks from costing this replica its renewals.
    if (!(await this.renew(own))) await this.renew(await this.ownLease())
    if (!leases) return undefined
    const view = observeMembers(leases, this.sightings, this.now(), this.config.leaseDurationMs * 4)
    this.sightings = view.sightings
    for (const s of view.stale) if (s.name !== this.leaseName) void this.deleteLease(s.name, s.resourceVersion)
    // This replica counts while its own renewals keep it a member, whatever the list said.
    const live = new Set(view.live)
    if (this.stillMember()) live.add(this.config.identity)
    else live.delete(this.config.identity)
    return [...live].sort()
  }

  stillMember(): boolean {
    return this.lease.stillLeading()
  }

  /** Renews from `own` as read (null: absent; undefined: unreadable), keeping the wakes it carries. */
  private async renew(own: JsonObject | null | undefined): Promise<boolean> {
    for (const app of wakesOf(own ?? undefined)) this.wakes.add(app)
    // Unreadable: no renewal, as a write without reading would consume wakes unseen.
    if (own === undefined) return false
    return this.lease.tryAcquireOrRenew(own)
  }

  /** This replica's own Lease (null: absent; undefined: the GET failed). */
  private async ownLease(): Promise<JsonObject | null | undefined> {
    try {
      return (await this.cluster.get({apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', name: this.leaseName, namespace: this.config.namespace})) ?? null
    } catch {
      return undefined
    }
  }

  takeWakes(): string[] {
    const out = [...this.wakes]
    this.wakes.clear()
    return out
  }

  async wake(owner: string, apps: readonly string[]): Promise<void> {
    const at = microTime(this.now())
    const annotations = Object.fromEntries(apps.map((a) => [`${wakeAnnotationPrefix}${a}`, at]))
    const ref: ObjectRef = {apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', name: memberLeaseName(this.config.group, owner), namespace: this.config.namespace}
    await this.cluster.patch(ref, {metadata: {annotations}}, {type: 'merge'})
  }

  /** Deletes this replica's Lease on shutdown: the others take its apps at their next round. */
  async release(): Promise<void> {
    await this.deleteLease(this.leaseName)
  }

  private async deleteLease(name: string, resourceVersion?: string): Promise<void> {
    const ref: ObjectRef = {apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', name, namespace: this.config.namespace}
    try {
      // The precondition keeps a Lease renewed since it was listed (a member that came back).
      await this.cluster.delete(ref, resourceVersion ? {preconditions: {resourceVersion}} : {})
    } catch {
      // Best effort: a lapsed Lease counts for nothing, and the next round tries again.
    }
  }
}
