// One ref look-up (`git ls-remote`) per repository and ref, however many apps follow it.
//
// Every app's poll and every reconcile ask here for the commit their ref names. A look-up in
// flight is shared; an answer is reused while younger than the asker's limit (its poll interval,
// a little less); a push webhook expires every answer about that repository, so the reconciles it
// wakes share one fresh look-up. When an answer shows the ref moved, `onMoved` tells the caller,
// which wakes every app on that repository and ref at once — they need not wait for their own polls.
import {realTimers, type Timers} from './timers.js'
import {repoKey} from './webhook-match.js'

export type HeadLookup = (repo: string, ref: string) => Promise<string>

interface Entry {
  promise: Promise<string>
  startedAt: number
  settled: boolean
}

export class SharedHeads {
  private readonly entries = new Map<string, Entry>()
  private readonly known = new Map<string, string>()
  private readonly expiredAt = new Map<string, number>()
  private readonly listeners: Array<(repo: string, ref: string, head: string) => void> = []
  private count = 0

  constructor(
    private readonly lookup: HeadLookup,
    private readonly timers: Timers = realTimers,
  ) {}

  /** `listener` hears of every answer that differs from the previous one for its repository and ref. */
  onMoved(listener: (repo: string, ref: string, head: string) => void): void {
    this.listeners.push(listener)
  }

  /** Look-ups made so far (for tests and figures). */
  get lookups(): number {
    return this.count
  }

  /** The commit `ref` of `repo` names, asked at most once per `maxAgeMs` (and once per push). */
  resolve(repo: string, ref: string, maxAgeMs: number): Promise<string> {
    const repoId = repoKey(repo) ?? repo
    const key = headKey(repo, ref)
    const now = this.timers.now()
    const entry = this.entries.get(key)
    const fresh = entry && entry.startedAt >= (this.expiredAt.get(repoId) ?? -Infinity) && (!entry.settled || now - entry.startedAt < maxAgeMs)
    if (entry && fresh) return entry.promise
    this.count++
    const next: Entry = {startedAt: now, settled: false, promise: this.lookup(repo, ref)}
    this.entries.set(key, next)
    next.promise.then(
      (head) => {
        next.settled = true
        const before = this.known.get(key)
        this.known.set(key, head)
        if (before !== undefined && before !== head) for (const l of this.listeners) l(repo, ref, head)
      },
      () => {
        // A failure is not remembered: the next asker tries again.
        if (this.entries.get(key) === next) this.entries.delete(key)
      },
    )
    return next.promise
  }

  /** A push to `repo`: answers given before now are out of date. */
  expire(repo: string): void {
    this.expiredAt.set(repoKey(repo) ?? repo, this.timers.now())
  }
}

/** How old a shared answer may be for an app polling every `intervalMs`: a little less, so each poll asks at most once. */
export const headMaxAge = (intervalMs: number): number => Math.max(0, intervalMs - Math.min(1_000, intervalMs / 10))

/** Apps that spell one repository differently (https/ssh, `.git`, case) share its look-ups. */
export const headKey = (repo: string, ref: string): string => `${repoKey(repo) ?? repo}\u0000${ref}`
