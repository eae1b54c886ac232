// Rollout state lives in the cluster, next to the inventory, so any process (another terminal, a
// later CI job) can see, resume or abort a rollout. It is a Secret because the plan holds whole
// objects, Secrets included. Every write is a compare-and-swap on resourceVersion: that is what
// makes the state a lock — two applies of one app never interleave.
import {hostname} from 'node:os'
import {gunzipSync, gzipSync} from 'node:zlib'
import {UserError} from '../model/errors.js'
import {rolloutCommand, shellQuote, type ClusterTarget} from '../model/follow-up.js'
import {isObject, type JsonObject} from '../model/json.js'
import {phasePredicate} from '../rollout/phase-wording.js'
import type {RolloutHolder, RolloutState, StopRequest} from '../rollout/types.js'
import {ClusterError} from './errors.js'
import type {ClusterPort, ObjectRef} from './port.js'

export const rolloutStateType = 'strata.dev/rollout-state'
export const rolloutOfLabel = 'strata.dev/rollout-of'
const dataKey = 'state.json.gz'
/** Secrets are limited to 1 MiB in total; chunks keep each key and the whole object below it with room to spare. */
const chunkBytes = 512 * 1024
const maxBytes = 900 * 1024
/** A holder whose heartbeat is older than this is gone (crashed host, SIGKILL on another machine). */
export const defaultStaleMs = 30_000

export function rolloutStateName(app: string): string {
  return `strata-rollout-${app}`
}

export interface StoredState {
  state: RolloutState
  resourceVersion: string
}

/** Someone else wrote the state since we read it: they took the rollout over, or raced us. */
export class StateConflictError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'StateConflictError'
  }
}

// Secret data is base64 of bytes: each key holds raw gzip bytes (a chunk of them when large).
function encode(state: RolloutState): Record<string, string> {
  const packed = gzipSync(Buffer.from(JSON.stringify(state), 'utf8'))
  const encodedSize = Math.ceil(packed.length / 3) * 4
  if (encodedSize > maxBytes) {
    throw new UserError(
      `the rollout state of ${state.app} is ${Math.ceil(encodedSize / 1024)} KiB compressed; a Secret holds at most 1 MiB`,
      {field: 'plan'},
      'Split the app into smaller apps (separate directories and --name), or shrink large ConfigMaps/Secrets in the render.',
    )
  }
  if (packed.length <= chunkBytes) return {[dataKey]: packed.toString('base64')}
  const out: Record<string, string> = {}
  for (let i = 0, n = 0; i < packed.length; i += chunkBytes, n++) out[`${dataKey}.${n}`] = packed.subarray(i, i + chunkBytes).toString('base64')
  return out
}

function decode(data: JsonObject, where: string): RolloutState {
  const parts: Buffer[] = []
  if (typeof data[dataKey] === 'string') parts.push(Buffer.from(data[dataKey] as string, 'base64'))
  else for (let n = 0; typeof data[`${dataKey}.${n}`] === 'string'; n++) parts.push(Buffer.from(data[`${dataKey}.${n}`] as string, 'base64'))
  let state: unknown
  try {
    state = JSON.parse(gunzipSync(Buffer.concat(parts)).toString('utf8'))
  } catch {
    state = undefined
  }
  if (!isObject(state) || state.version !== 1 || !isObject(state.plan)) {
    // No content in the message: the state holds Secret data.
    const [ns, name] = where.split('/')
    throw new UserError(`the rollout state in Secret ${where} is unreadable (written by another strata version, or edited)`, {field: dataKey}, `Check the app, then delete it with \`kubectl delete secret ${name} -n ${ns}\` and apply again.`)
  }
  return state as unknown as RolloutState
}

function isConflict(e: unknown): boolean {
  return e instanceof ClusterError && e.status === 409
}

/** True when the process is alive on this host (EPERM: alive but not ours). */
function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export interface HolderProbe {
  staleMs?: number
  /** For tests; defaults to Date.now. */
  now?: () => number
  /** For tests; defaults to os.hostname() and a process.kill(pid, 0) probe. */
  localHost?: string
  isAlive?: (pid: number) => boolean
}

/** The state a rollout-state Secret holds (as read by a get or a list), with its resourceVersion. */
export function storedStateOf(obj: JsonObject): StoredState {
  const md = isObject(obj.metadata) ? obj.metadata : {}
  const data = isObject(obj.data) ? obj.data : {}
  return {state: decode(data, `${String(md.namespace ?? '')}/${String(md.name ?? '')}`), resourceVersion: String(md.resourceVersion ?? '')}
}

/**
 * Who runs a `running` rollout, as seen by process `me`: `live` (a fresh heartbeat: never taken
 * over), `stale` (no heartbeat for staleMs: hung, cut off from the API server, or gone — nobody
 * can tell from here), `dead` (same host and its pid is gone: proven), `self`, or `none` (not
 * running, or no holder recorded).
 */
export function holderCondition(state: RolloutState, me: Pick<RolloutHolder, 'pid' | 'host'>, probe: HolderProbe = {}): {kind: 'none' | 'self' | 'live' | 'stale' | 'dead'; heartbeatAgeMs: number} {
  const h = state.holder
  if (state.phase !== 'running' || !h) return {kind: 'none', heartbeatAgeMs: 0}
  const heartbeatAgeMs = (probe.now ?? Date.now)() - Date.parse(h.heartbeatAt)
  if (h.pid === me.pid && h.host === me.host) return {kind: 'self', heartbeatAgeMs}
  if (h.host === (probe.localHost ?? hostname()) && !(probe.isAlive ?? pidAlive)(h.pid)) return {kind: 'dead', heartbeatAgeMs}
  return {kind: heartbeatAgeMs > (probe.staleMs ?? defaultStaleMs) ? 'stale' : 'live', heartbeatAgeMs}
}

/** The same process run (heartbeats differ). */
export function sameHolder(a: RolloutHolder | undefined, b: RolloutHolder | undefined): boolean {
  return a !== undefined && b !== undefined && a.pid === b.pid && a.host === b.host && a.startedAt === b.startedAt
}

export interface AcquireOptions extends HolderProbe {
  replacePaused: boolean
  resume: boolean
  /** The digest of the render about to be applied: the refusal of an unfinished rollout says whether it is the same. */
  digest?: string
  /**
   * `rollout resume|abort`: a stale holder (silent, not proven gone) is taken over only with
   * `force`. Without a verb (apply, sync, watch) a stale holder is taken over as before.
   */
  verb?: 'resume' | 'abort'
  force?: boolean
}

export class RolloutStateStore {
  readonly name: string
  constructor(
    private readonly cluster: ClusterPort,
    readonly app: string,
    readonly namespace: string,
    /** The --kubeconfig/--context of this run: every command a refusal suggests carries them. */
    private readonly target: ClusterTarget = {},
  ) {
    this.name = rolloutStateName(app)
  }

  /** A follow-up command for this app and cluster, in backquotes, ready to paste. */
  command(verb: 'resume' | 'abort' | 'status', extra: readonly string[] = []): string {
    return `\`${[rolloutCommand(verb, this.app, this.namespace, this.target), ...extra.map(shellQuote)].join(' ')}\``
  }

  private ref(): ObjectRef {
    return {apiVersion: 'v1', kind: 'Secret', name: this.name, namespace: this.namespace}
  }

  async load(): Promise<StoredState | undefined> {
    const obj = await this.cluster.get(this.ref())
    if (!obj) return undefined
    return storedStateOf(obj)
  }

  /** CAS write: fails with StateConflictError when someone else wrote since `resourceVersion` (undefined = create). */
  async save(state: RolloutState, resourceVersion: string | undefined): Promise<string> {
    const obj: JsonObject = {
      apiVersion: 'v1',
      kind: 'Secret',
      type: rolloutStateType,
      metadata: {name: this.name, namespace: this.namespace, labels: {[rolloutOfLabel]: this.app}, ...(resourceVersion !== undefined ? {resourceVersion} : {})},
      data: encode(state),
    }
    try {
      const stored = resourceVersion === undefined ? await this.cluster.create(obj, {dryRun: false}) : await this.cluster.update(obj)
      const md = isObject(stored.metadata) ? stored.metadata : {}
      return String(md.resourceVersion ?? '')
    } catch (e) {
      if (isConflict(e) || (e instanceof ClusterError && e.status === 404 && resourceVersion !== undefined)) {
        throw new StateConflictError(`the rollout state of ${this.app} (${this.namespace}/${this.name}) changed since it was read: another strata process wrote it`)
      }
      throw e
    }
  }

  async clear(): Promise<void> {
    await this.cluster.delete(this.ref())
  }

  /**
   * Take the rollout for this process: refuses (UserError) a live holder; a paused/failed/interrupted
   * state only with `replacePaused` (or `resume`); a stale holder (heartbeat older than staleMs, or same
   * host and its pid is gone) is taken over. Returns undefined when there is no state (save with
   * resourceVersion undefined), else the state now held with this holder and its resourceVersion —
   * a done/aborted/replaced one included, so the caller's fresh state CAS-replaces it.
   */
  async acquire(holder: RolloutHolder, options: AcquireOptions): Promise<StoredState | undefined> {
    const now = options.now ?? Date.now
    const current = await this.load()
    if (!current) return undefined
    const {state} = current
    const h = state.holder
    const held = holderCondition(state, holder, options)
    if (held.kind === 'live' && h) {
      throw new UserError(
        `a rollout of ${this.app} is running in process ${h.pid} on ${h.host} (since ${h.startedAt}, last heartbeat ${h.heartbeatAt})`,
        {field: '--name'},
        `Wait for it to finish (watch it with ${this.command('status')}), or ask it to stop and roll back with ${this.command('abort')}; two applies of one app never run at once.`,
      )
    }
    if (held.kind === 'stale' && h && options.verb && !options.force) {
      throw new UserError(
        `a rollout of ${this.app} is held by process ${h.pid} on ${h.host}, silent for ${Math.round(held.heartbeatAgeMs / 1000)} s (last heartbeat ${h.heartbeatAt}): it may be hung, cut off from the API server, or gone`,
        {field: '--force'},
        `If that process is gone, take the rollout over with ${this.command(options.verb, ['--force'])} (a process that comes back then stops at its next heartbeat).`,
      )
    }
    const unfinished = state.phase === 'paused' || state.phase === 'failed' || state.phase === 'interrupted'
    if (unfinished && !options.resume && !options.replacePaused) {
      const same = options.digest !== undefined && options.digest === state.plan.digest
      const changed = options.digest !== undefined && !same
      throw new UserError(
        `a rollout of ${this.app} ${phasePredicate[state.phase]} at step ${state.step + 1} of ${state.plan.steps.length}${state.reason ? `: ${state.reason}` : ''}` +
          (same ? ' — this is the render it was started from' : changed ? ' — and this render differs from the one it was started from' : ''),
        {field: '--name'},
        same
          ? `Run ${this.command('resume')} to go on with it (or ${this.command('abort')}).`
          : `Run ${this.command('resume')} or ${this.command('abort')} to finish the old one, or pass --replace-paused to start over with this render.`,
      )
    }
    const nowIso = new Date(now()).toISOString()
    // A stop request was meant for the holder being replaced, not for this process.
    const taken: RolloutState = {...state, holder: {...holder, heartbeatAt: nowIso}, stopRequested: undefined, updatedAt: nowIso}
    // The CAS write is the lock: of two processes taking over at once, one gets a conflict.
    const resourceVersion = await this.save(taken, current.resourceVersion).catch((e: unknown) => {
      if (e instanceof StateConflictError) {
        throw new UserError(`another strata process took the rollout of ${this.app} at the same moment`, {field: '--name'}, `Check it with ${this.command('status')}.`)
      }
      throw e
    })
    return {state: taken, resourceVersion}
  }
}

/**
 * Records `request` on a rollout that `seen.state.holder` runs, by CAS; the holder's heartbeat
 * finds it (its next write conflicts) and the holder aborts. Re-reads and retries when the
 * holder's heartbeat wrote in between. Returns the state as written, or undefined when the
 * rollout is no longer running under that holder (it finished, paused, or was taken over).
 */
export async function requestStop(store: RolloutStateStore, seen: StoredState, request: StopRequest): Promise<StoredState | undefined> {
  let current: StoredState | undefined = seen
  for (let attempt = 0; attempt < 10 && current; attempt++) {
    if (current.state.phase !== 'running' || !sameHolder(current.state.holder, seen.state.holder)) return undefined
    const state: RolloutState = {...current.state, stopRequested: request}
    try {
      return {state, resourceVersion: await store.save(state, current.resourceVersion)}
    } catch (e) {
      if (!(e instanceof StateConflictError)) throw e
      current = await store.load()
    }
  }
  if (!current) return undefined
  throw new UserError(`the rollout state of ${store.app} kept changing while the stop request was written`, {field: 'NAME'}, `Run ${store.command('abort')} again.`)
}

export interface Heartbeat {
  /** Stops refreshing; resolves once no write is in flight. */
  stop(): Promise<void>
  /** The resourceVersion after the last heartbeat (callers CAS their next save on it). */
  readonly resourceVersion: string
  /** Aborted when a heartbeat finds that someone else wrote the state: the rollout was taken over. */
  readonly lost: AbortSignal
  /** Aborted, with the StopRequest as reason, when another process asked this holder to stop. */
  readonly stopRequested: AbortSignal
}

/**
 * Refreshes `holder.heartbeatAt` every `intervalMs` by CAS. The executor's own saves must go
 * through `current()` / `update()` so the two writers share one resourceVersion.
 */
export function startHeartbeat(
  store: RolloutStateStore,
  start: StoredState,
  options: {intervalMs?: number; now?: () => number; onError?: (e: unknown) => void} = {},
): Heartbeat & {current(): StoredState; update(state: RolloutState): Promise<string>} {
  const now = options.now ?? Date.now
  const controller = new AbortController()
  const stopController = new AbortController()
  const me = start.state.holder
  let stored = start
  let request: StopRequest | undefined
  let chain: Promise<unknown> = Promise.resolve()
  let stopped = false
  // A conflict is a takeover, except when the only news is a stop request for this very holder:
  // then it is kept in every later write (so the record shows who asked) and signalled.
  const write = (state: RolloutState): Promise<string> => {
    const p = chain.then(async () => {
      for (let attempt = 0; ; attempt++) {
        const next = request ? {...state, stopRequested: request} : state
        try {
          const rv = await store.save(next, stored.resourceVersion)
          stored = {state: next, resourceVersion: rv}
          return rv
        } catch (e) {
          if (!(e instanceof StateConflictError) || attempt >= 3) throw e
          const seen = await store.load()
          if (!seen?.state.stopRequested || !sameHolder(seen.state.holder, me)) throw e
          request = seen.state.stopRequested
          stored = seen
          if (!stopController.signal.aborted) stopController.abort(request)
        }
      }
    })
    chain = p.catch(() => undefined)
    return p
  }
  const beat = (): void => {
    if (stopped || !stored.state.holder) return
    const at = new Date(now()).toISOString()
    write({...stored.state, holder: {...stored.state.holder, heartbeatAt: at}}).catch((e: unknown) => {
      if (e instanceof StateConflictError) {
        controller.abort(e)
        stopped = true
        clearInterval(timer)
      } else options.onError?.(e)
    })
  }
  const timer = setInterval(beat, options.intervalMs ?? 5_000)
  timer.unref?.()
  return {
    get resourceVersion() {
      return stored.resourceVersion
    },
    lost: controller.signal,
    stopRequested: stopController.signal,
    current: () => stored,
    update: (state: RolloutState) => write(state),
    async stop() {
      stopped = true
      clearInterval(timer)
      await chain
    },
  }
}
