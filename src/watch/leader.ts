// Leader election over a coordination.k8s.io/v1 Lease, with client-go's rules so that several
// watch replicas (or a strata next to other tools that read the Lease) agree: the holder renews
// `renewTime` every `retryPeriod`; another candidate takes the Lease only once
// renewTime + leaseDurationSeconds has passed; every write is a compare-and-swap on
// resourceVersion, so two candidates can never both win a round. A leader that cannot renew
// within `renewDeadline` stops acting as leader before its Lease can expire elsewhere.
import {ClusterError} from '../cluster/errors.js'
import type {ClusterPort, ObjectRef} from '../cluster/port.js'
import {isObject, type JsonObject} from '../model/json.js'

export interface LeaderElectionConfig {
  name: string
  namespace: string
  identity: string
  leaseDurationMs: number
  renewDeadlineMs: number
  retryPeriodMs: number
  /** Labels on the Lease (shard membership Leases carry their group, to be listed together). */
  labels?: Record<string, string>
}

export const defaultLeaseTimings = {leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000} as const

export interface LeaseRecord {
  holder: string
  durationSeconds: number
  renewTime: number
  acquireTime: number
  transitions: number
  resourceVersion?: string
}

/** Kubernetes MicroTime: RFC 3339 with six fractional digits. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z')
}

export function leaseRecordOf(obj: JsonObject): LeaseRecord {
  const spec = isObject(obj.spec) ? obj.spec : {}
  const md = isObject(obj.metadata) ? obj.metadata : {}
  const time = (v: unknown): number => (typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? Date.parse(v) : 0)
  return {
    holder: typeof spec.holderIdentity === 'string' ? spec.holderIdentity : '',
    durationSeconds: typeof spec.leaseDurationSeconds === 'number' ? spec.leaseDurationSeconds : 0,
    renewTime: time(spec.renewTime),
    acquireTime: time(spec.acquireTime),
    transitions: typeof spec.leaseTransitions === 'number' ? spec.leaseTransitions : 0,
    resourceVersion: typeof md.resourceVersion === 'string' ? md.resourceVersion : undefined,
  }
}

/** Whether `identity` may take or keep the Lease at `now` (pure: the rule the election applies). */
export function mayHold(record: LeaseRecord | undefined, identity: string, now: number): boolean {
  if (!record || record.holder === '' || record.holder === identity) return true
  return record.renewTime + record.durationSeconds * 1000 <= now
}

export class LeaderElector {
  private observed?: LeaseRecord
  private lastRenew = 0

  constructor(
    private readonly cluster: ClusterPort,
    private readonly config: LeaderElectionConfig,
    private readonly now: () => number = Date.now,
  ) {}

  get ref(): ObjectRef {
    return {apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', name: this.config.name, namespace: this.config.namespace}
  }

  /** The holder last seen (for /readyz and logs). */
  get holder(): string | undefined {
    return this.observed?.holder || undefined
  }

  /**
   * One round: true when this candidate holds the Lease afterwards. Lost CAS races and API errors
   * count as not holding. `seen` is the Lease as the caller just read it (null: it does not exist),
   * which saves the GET (shard membership lists every member's Lease anyway).
   */
  async tryAcquireOrRenew(seen?: JsonObject | null): Promise<boolean> {
    const now = this.now()
    const {identity} = this.config
    const durationSeconds = Math.max(1, Math.ceil(this.config.leaseDurationMs / 1000))
    try {
      const live = seen === undefined ? await this.cluster.get(this.ref) : (seen ?? undefined)
      if (!live) {
        const created = await this.cluster.create(this.leaseObject({holder: identity, durationSeconds, renewTime: now, acquireTime: now, transitions: 0}), {dryRun: false})
        this.observed = leaseRecordOf(created)
        this.lastRenew = now
        return true
      }
      const record = leaseRecordOf(live)
      this.observed = record
      if (!mayHold(record, identity, now)) return false
      const changed = record.holder !== identity
      const next: LeaseRecord = {
        holder: identity,
        durationSeconds,
        renewTime: now,
        acquireTime: changed ? now : record.acquireTime || now,
        transitions: record.transitions + (changed && record.holder !== '' ? 1 : 0),
        resourceVersion: record.resourceVersion,
      }
      this.observed = leaseRecordOf(await this.cluster.update(this.leaseObject(next), {}))
      this.lastRenew = now
      return true
    } catch (err) {
      if (err instanceof ClusterError) return false
      throw err
    }
  }

  /** Whether a leader may still act: its last successful renewal is within the renew deadline. */
  stillLeading(): boolean {
    return this.observed?.holder === this.config.identity && this.now() - this.lastRenew < this.config.renewDeadlineMs
  }

  /** Hands the Lease back on shutdown so a standby takes over at once instead of after the lease time. */
  async release(): Promise<void> {
    if (this.observed?.holder !== this.config.identity) return
    try {
      await this.cluster.update(this.leaseObject({...this.observed, holder: '', durationSeconds: 1, renewTime: this.now()}), {})
    } catch {
      // Best effort: the Lease expires on its own.
    }
    this.observed = undefined
  }

  private leaseObject(r: LeaseRecord): JsonObject {
    const metadata: JsonObject = {name: this.config.name, namespace: this.config.namespace, ...(this.config.labels && {labels: {...this.config.labels}})}
    if (r.resourceVersion) metadata.resourceVersion = r.resourceVersion
    return {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata,
      spec: {
        holderIdentity: r.holder,
        leaseDurationSeconds: r.durationSeconds,
        acquireTime: microTime(r.acquireTime),
        renewTime: microTime(r.renewTime),
        leaseTransitions: r.transitions,
      },
    }
  }
}
