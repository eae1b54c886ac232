// Rollout state lives in the cluster, next to the inventory, so any process (another terminal, a
// later CI job) can see, resume or abort a rollout. It is a Secret because the plan holds whole
// objects, Secrets included. Every write is a compare-and-swap on resourceVersion: that is what
// makes the state a lock — two applies of one app never interleave.
import {hostname} from 'node:os'
import {gunzipSync, gzipSync} from 'node:zlib'
import {UserError} from '../model/errors.js'
import {rolloutCommand, type ClusterTarget} from '../model/follow-up.js'
import {isObject, type JsonObject} from '../model/json.js'
import type {RolloutHolder, RolloutState} from '../rollout/types.js'
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

export interface AcquireOptions {
  replacePaused: boolean
  resume: boolean
  /** The digest of the render about to be applied: the refusal of an unfinished rollout says whether it is the same. */
  digest?: string
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

  private command(verb: 'resume' | 'abort' | 'status'): string {
    return `\`${rolloutCommand(verb, this.app, this.namespace, this.target)}\``
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
    const staleMs = options.staleMs ?? defaultStaleMs
    const localHost = options.localHost ?? hostname()
    const isAlive = options.isAlive ?? pidAlive
    const current = await this.load()
    if (!current) return undefined
    const {state} = current
    const h = state.holder
    const live =
      h !== undefined &&
      state.phase === 'running' &&
      !(h.pid === holder.pid && h.host === holder.host) &&
      now() - Date.parse(h.heartbeatAt) <= staleMs &&
      !(h.host === localHost && !isAlive(h.pid))
    if (live) {
      throw new UserError(
        `a rollout of ${this.app} is running in process ${h.pid} on ${h.host} (since ${h.startedAt}, last heartbeat ${h.heartbeatAt})`,
        {field: '--name'},
        `Wait for it to finish, or watch it with ${this.command('status')}; two applies of one app never run at once.`,
      )
    }
    const unfinished = state.phase === 'paused' || state.phase === 'failed' || state.phase === 'interrupted'
    if (unfinished && !options.resume && !options.replacePaused) {
      const same = options.digest !== undefined && options.digest === state.plan.digest
      const changed = options.digest !== undefined && !same
      throw new UserError(
        `a rollout of ${this.app} is ${state.phase} at step ${state.step + 1} of ${state.plan.steps.length}${state.reason ? `: ${state.reason}` : ''}` +
          (same ? ' — this is the render it was started from' : changed ? ' — and this render differs from the one it was started from' : ''),
        {field: '--name'},
        same
          ? `Run ${this.command('resume')} to go on with it (or ${this.command('abort')}).`
          : `Run ${this.command('resume')} or ${this.command('abort')} to finish the old one, or pass --replace-paused to start over with this render.`,
      )
    }
    const nowIso = new Date(now()).toISOString()
    const taken: RolloutState = {...state, holder: {...holder, heartbeatAt: nowIso}, updatedAt: nowIso}
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

export interface Heartbeat {
  /** Stops refreshing; resolves once no write is in flight. */
  stop(): Promise<void>
  /** The resourceVersion after the last heartbeat (callers CAS their next save on it). */
  readonly resourceVersion: string
  /** Aborted when a heartbeat finds that someone else wrote the state: the rollout was taken over. */
  readonly lost: AbortSignal
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
  let stored = start
  let chain: Promise<unknown> = Promise.resolve()
  let stopped = false
  const write = (state: RolloutState): Promise<string> => {
    const p = chain.then(async () => {
      const rv = await store.save(state, stored.resourceVersion)
      stored = {state, resourceVersion: rv}
      return rv
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
    current: () => stored,
    update: (state: RolloutState) => write(state),
    async stop() {
      stopped = true
      clearInterval(timer)
      await chain
    },
  }
}
