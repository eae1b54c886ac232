import {randomUUID} from 'node:crypto'
import * as os from 'node:os'
import {Flags} from '@oclif/core'
import {StrataCommand} from '../cli/base-command.js'
import {rateLimitFrom} from '../cli/rate-flags.js'
import {renderFlags} from '../cli/render-flags.js'
import {kubeCluster} from '../cluster/kube.js'
import {UserError} from '../model/errors.js'
import {parseDuration as parseFlagDuration} from '../rollout/run-apply.js'
import {GitCache} from '../source/git-cache.js'
import {parseListenAddress} from '../watch/http-server.js'
import {defaultLeaseTimings, LeaderElector} from '../watch/leader.js'
import {createLogger, logFormats, type LogFields, type LogFormat, type LogLevel} from '../watch/log.js'
import {MetricsRegistry} from '../watch/metrics.js'
import {ShardMembership} from '../watch/shard.js'
import {DriftWatcher} from '../watch/drift-watch.js'
import {gitRefOf} from '../reconcile/app-config.js'
import {createReconciler} from '../watch/reconcile.js'
import {headMaxAge, SharedHeads} from '../watch/shared-heads.js'
import {startWatch, type RunningWatch} from '../watch/run-watch.js'
import {normalizeSelfHealArgv, watchAppsFrom} from '../watch/run-watch-apps.js'
import {loadWebhookSecret} from '../watch/webhook-secret.js'
import {executionFlags, runOptionsFrom} from './apply.js'

// --json and --color steer apply's printers; watch writes log lines (--log-format) instead.
const {json: _json, color: _color, ...watchExecutionFlags} = executionFlags

/** Hard cap on a graceful stop: Kubernetes' default grace period is 30 s, the promise to users 10 s. */
const exitDeadlineMs = 9_500

export default class Watch extends StrataCommand {
  static override summary = 'Follow git repositories and keep the cluster on their commits: apply new commits, heal drift, serve a webhook, health and metrics.'

  static override description =
    'Reconciles one app (--repo, --ref, --path, --name) or every app of a config file (--config strata.yaml): fetch the ref, render the path, diff against the cluster and apply, as `strata apply` does (ordered steps, health gates, ApplySet prune). ' +
    'The ref is polled every --interval (a `git ls-remote`; a commit is applied once it appears); the applied objects are watched (Kubernetes watch streams) so that a change to a field strata applied (kubectl scale, kubectl edit, a deletion) is corrected (--self-heal, the default) or only reported (--no-self-heal) within seconds, and the whole live state is compared every --drift-interval as a safety net. ' +
    'Each commit gets one automatic attempt; a commit that fails to render, validate or become healthy leaves the cluster as it was and is retried with capped, jittered backoff until a new commit arrives. A rollout paused at a pause point is never resumed by watch: it waits for `strata rollout resume`. ' +
    'With --listen, an HTTP server answers /healthz, /readyz, /metrics (Prometheus) and POST /webhook (GitHub, Gitea, GitLab push events, signed with the secret from $STRATA_WEBHOOK_SECRET or --webhook-secret-file), which reconciles the pushed apps at once. ' +
    'With --leader-elect, replicas compete for a coordination.k8s.io Lease and only the holder reconciles; a new leader reconciles every app. ' +
    'With --shard, every replica reconciles a share of the apps instead: each keeps a membership Lease (named after --leader-name, in --leader-namespace), and each app belongs to one live member by rendezvous hashing, so a replica joining or leaving moves only its share and the apps of a replica whose Lease lapses are taken over within the lease duration; /metrics shows the apps per member. ' +
    'One log line per event on stdout (--log-format json|text). SIGTERM or SIGINT: stop scheduling, let the current request finish, hand the Lease back and exit 0 within 10 s.'

  static override examples = [
    {description: 'Follow the main branch of a repository, applying overlays/prod as app "web"', command: '<%= config.bin %> watch --repo https://git.example.com/org/deploy.git --ref main --path overlays/prod --name web'},
    {description: 'Several apps from a config file, with the webhook and metrics on port 8080', command: 'STRATA_WEBHOOK_SECRET=... <%= config.bin %> watch --config strata.yaml --listen :8080'},
    {description: 'Report drift without correcting it, polling every 10 s', command: '<%= config.bin %> watch --config strata.yaml --interval 10s --drift-interval 1m --no-self-heal'},
    {description: 'Inside a cluster with two replicas (see deploy/): only the Lease holder reconciles', command: '<%= config.bin %> watch --config /etc/strata/strata.yaml --listen :8080 --leader-elect --log-format json'},
    {description: 'Inside a cluster with N replicas sharing the apps (deploy/overlays/sharded): each reconciles its share', command: '<%= config.bin %> watch --config /etc/strata/strata.yaml --listen :8080 --shard --log-format json'},
  ]

  static override flags = {
    config: Flags.string({description: 'strata.yaml listing the apps to watch (instead of --repo/--ref/--path/--name)', exclusive: ['repo']}),
    repo: Flags.string({description: 'git repository: https, ssh, git@host:org/repo, file:// or a local path'}),
    ref: Flags.string({description: 'branch, tag or commit to follow (default: the default branch)'}),
    path: Flags.string({description: 'kustomization directory inside the repository', default: '.'}),
    name: Flags.string({description: 'app name: ApplySet applyset-NAME, rollout state strata-rollout-NAME (required with --repo)'}),
    namespace: Flags.string({char: 'n', description: "namespace of namespaced objects that name none (as kubectl apply -n) and of the app's inventory and rollout state (with --repo)"}),
    interval: Flags.string({description: "how often the ref is polled (default 30s; with --config, overrides every app's interval)"}),
    'drift-interval': Flags.string({description: "how often the live state is compared with the last commit (default 5m; 0 turns drift checks off; with --config, overrides every app's)"}),
    'self-heal': Flags.boolean({description: 'correct drift; --no-self-heal (or --self-heal=false) only reports it', default: true, allowNo: true}),
    'drift-watch': Flags.boolean({description: 'watch the applied objects (Kubernetes watch streams) and react to drift within seconds; --no-drift-watch (or --drift-watch=false) leaves only the --drift-interval check', default: true, allowNo: true}),
    'dry-run': Flags.boolean({description: 'diff and report, never change the cluster', default: false}),
    listen: Flags.string({description: 'serve /healthz, /readyz, /metrics and POST /webhook on this address (host:port or :port)'}),
    'webhook-secret-file': Flags.string({description: `file holding the webhook's shared secret (default: $STRATA_WEBHOOK_SECRET); without a secret the webhook answers 404`}),
    'leader-elect': Flags.boolean({description: 'compete for a Lease so that only one of several replicas reconciles', default: false, exclusive: ['shard']}),
    shard: Flags.boolean({description: 'share the apps among the replicas: each keeps a membership Lease and reconciles the apps rendezvous hashing gives it among the live members', default: false}),
    'leader-namespace': Flags.string({description: "the Lease's namespace, membership Leases' with --shard (default: $POD_NAMESPACE, else the kubeconfig's namespace)"}),
    'leader-name': Flags.string({description: "the Lease's name; with --shard, the group the replicas' membership Leases share (Leases NAME-member-HASH)", default: 'strata-watch'}),
    identity: Flags.string({description: 'this replica in the Lease (default: $POD_NAME or the host name, plus a random suffix)'}),
    'leader-lease-duration': Flags.string({description: 'how long a Lease that is not renewed blocks the other replicas', default: '15s'}),
    'leader-renew-deadline': Flags.string({description: 'how long the leader keeps acting without a successful renewal', default: '10s'}),
    'leader-retry-period': Flags.string({description: 'how often the Lease is renewed or tried', default: '2s'}),
    'max-concurrent': Flags.integer({description: 'apps reconciled at the same time', default: 4, min: 1, max: 64}),
    'log-format': Flags.string({description: 'log lines as JSON objects or as text', options: [...logFormats], default: 'text'}),
    'log-level': Flags.string({description: 'lowest level logged (debug adds skipped polls and the steps of each reconcile)', options: ['debug', 'info', 'warn', 'error'], default: 'info'}),
    ...watchExecutionFlags,
    'cache-dir': renderFlags['cache-dir'],
    'max-input-bytes': renderFlags['max-input-bytes'],
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Watch, normalizeSelfHealArgv(this.argv))

    const apps = watchAppsFrom(flags)
    const run = runOptionsFrom(flags)
    const durationOf = (flag: string, value: string): number => parseFlagDuration(value, flag)
    const leaseDurationMs = durationOf('--leader-lease-duration', flags['leader-lease-duration'])
    const renewDeadlineMs = durationOf('--leader-renew-deadline', flags['leader-renew-deadline'])
    const retryPeriodMs = durationOf('--leader-retry-period', flags['leader-retry-period'])
    if ((flags['leader-elect'] || flags.shard) && !(retryPeriodMs < renewDeadlineMs && renewDeadlineMs < leaseDurationMs)) {
      throw new UserError('the leader timings must satisfy retry period < renew deadline < lease duration', {field: '--leader-lease-duration'}, `Got ${flags['leader-retry-period']} < ${flags['leader-renew-deadline']} < ${flags['leader-lease-duration']}; the defaults are 2s < 10s < 15s.`)
    }
    const listen = flags.listen === undefined ? undefined : parseListenAddress(flags.listen)
    const webhookSecret = loadWebhookSecret({env: process.env, file: flags['webhook-secret-file']})

    const logger = createLogger({format: flags['log-format'] as LogFormat, write: (line) => process.stdout.write(line), secrets: webhookSecret ? [webhookSecret] : [], level: flags['log-level'] as LogLevel})
    const metrics = new MetricsRegistry()
    const cluster = await kubeCluster({kubeconfig: flags.kubeconfig, context: flags.context, maxSockets: flags.concurrency, rateLimit: rateLimitFrom(flags)})
    const gitCache = new GitCache({dir: flags['cache-dir']})

    // One ls-remote per repository and ref per interval, shared by polls and reconciles of every app on it.
    const heads = new SharedHeads((repo, ref) => new GitCache({dir: flags['cache-dir']}).resolveRef(repo, gitRefOf(ref)))
    const reconcile = createReconciler({
      cluster,
      gitCache,
      headOf: (app) => heads.resolve(app.repo, app.ref, headMaxAge(app.intervalMs)),
      selfHeal: flags['self-heal'],
      dryRun: flags['dry-run'],
      run,
      render: {cacheDir: flags['cache-dir'], maxInputBytes: flags['max-input-bytes']},
      onEvent: (app, event) => logger.log('debug', 'reconcile-event', {app, ...eventFields(event)}),
    })

    const watchStreams = cluster.watch?.bind(cluster)
    const driftWatch =
      flags['drift-watch'] && watchStreams
        ? (onDrift: (app: string, changes: string[]) => void) =>
            new DriftWatcher({
              cluster: {watch: watchStreams},
              onDrift,
              onEvent: ({kind, ...fields}) => logger.log(kind === 'stream-error' ? 'warn' : 'debug', `drift-watch-${kind}`, fields),
            })
        : undefined

    let election: Parameters<typeof startWatch>[0]['election']
    let shard: Parameters<typeof startWatch>[0]['shard']
    const identity = flags.identity ?? `${process.env.POD_NAME || os.hostname()}_${randomUUID().slice(0, 8)}`
    const leaseNamespace = flags['leader-namespace'] ?? (process.env.POD_NAMESPACE || cluster.defaultNamespace)
    const timings = {leaseDurationMs, renewDeadlineMs, retryPeriodMs}
    if (flags['leader-elect']) {
      const elector = new LeaderElector(cluster, {name: flags['leader-name'], namespace: leaseNamespace, identity, ...timings})
      election = {elector, identity, retryPeriodMs}
    }
    if (flags.shard) {
      shard = {membership: new ShardMembership(cluster, {group: flags['leader-name'], namespace: leaseNamespace, identity, ...timings}), retryPeriodMs}
    }

    // Handlers first: a SIGTERM during the first election round or the bind still exits 0.
    let watch: RunningWatch | undefined
    let stopRequested: (() => void) | undefined
    const stopped = new Promise<void>((resolve) => {
      let signalled = false
      const onSignal = (signal: NodeJS.Signals): void => {
        if (signalled) {
          // A second Ctrl-C: the user does not want to wait for the current request.
          process.exit(130)
        }
        signalled = true
        logger.log('info', 'signal', {signal})
        setTimeout(() => process.exit(0), exitDeadlineMs).unref()
        stopRequested = () => void watch!.stop(8_000).finally(resolve)
        if (watch) stopRequested()
      }
      process.on('SIGTERM', onSignal)
      process.on('SIGINT', onSignal)
    })

    watch = await startWatch({
      apps,
      reconcile,
      headOf: (app) => heads.resolve(app.repo, app.ref, headMaxAge(app.intervalMs)),
      heads,
      logger,
      metrics,
      listen,
      webhookSecret,
      election,
      shard,
      maxConcurrent: flags['max-concurrent'],
      driftWatch,
    })
    if (stopRequested) stopRequested()
    await stopped
    // Keep-alive sockets to the API server would hold the process open for their idle timeout.
    process.stdout.write('', () => process.exit(0))
  }
}

/** The scalar fields of a reconcile event, for a log line (nested objects stay out: they may hold object data). */
function eventFields(event: unknown): LogFields {
  const fields: LogFields = {}
  if (typeof event !== 'object' || event === null) return fields
  for (const [k, v] of Object.entries(event)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') fields[k === 'kind' || k === 'type' ? 'event' : k] = v
  }
  return fields
}
