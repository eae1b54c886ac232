import {Args, Flags} from '@oclif/core'
import {StrataCommand} from '../cli/base-command.js'
import {rateLimitFrom} from '../cli/rate-flags.js'
import {rolloutNamespace} from '../cli/rollout-namespace.js'
import {kubeCluster} from '../cluster/kube.js'
import {clusterTarget} from '../model/follow-up.js'
import {planChanges} from '../rollout/plan-changes.js'
import {runApply} from '../rollout/run-apply.js'
import {prepareRollback, unpin} from '../rollback/prepare-rollback.js'
import {GitCache} from '../source/git-cache.js'
import {redactUrls} from '../source/git-safety.js'
import {writeSourceRecord} from '../reconcile/source-commit.js'
import {applyRequestFrom, executionFlags, planFlags, runOptionsFrom, runRollout} from './apply.js'

export default class Rollback extends StrataCommand {
  static override summary = 'Put an app back on an earlier commit of its repository and pin it there, so that watch does not roll it forward again.'

  static override description =
    "Applies the render of commit --to of the app's own source (the repository and path `strata sync` or `strata watch` recorded on the app's inventory Secret applyset-NAME) as `strata apply` does (ordered steps, health gates, prune), " +
    'and pins the app to that commit (annotation strata.dev/pinned-commit on the inventory): a `strata watch` following the app keeps it on the pinned commit, heals drift back to it and logs newer commits as pending, but does not apply them. ' +
    '`--unpin` removes the pin; watch then applies the head of its ref at the next poll (or webhook). `strata rollout status NAME` shows the pin. ' +
    'Exit codes as apply: 0 rolled back (or unpinned), 2 failed or refused (an app with no recorded source, a commit not in the repository), 3 paused.'

  static override examples = [
    {description: 'Roll app shop back to an earlier commit and keep it there', command: '<%= config.bin %> rollback shop -n shop --to 3f2c1e9b0d4a7c6e5f8a9b0c1d2e3f4a5b6c7d8e'},
    {description: 'An abbreviated commit works too', command: '<%= config.bin %> rollback shop -n shop --to 3f2c1e9'},
    {description: 'Let watch move the app to the head of its branch again', command: '<%= config.bin %> rollback shop -n shop --unpin'},
  ]

  static override args = {
    name: Args.string({description: 'app name (the --name given to strata sync or watch)', required: true}),
  }

  static override flags = {
    to: Flags.string({description: 'commit to go back to (full or abbreviated SHA, or a tag)', exactlyOne: ['to', 'unpin']}),
    unpin: Flags.boolean({description: 'remove the pin: watch applies the head of its ref again', exactlyOne: ['to', 'unpin']}),
    namespace: Flags.string({char: 'n', description: "namespace of the app's inventory (default: the kubeconfig's namespace, else the one namespace that has a rollout of NAME)"}),
    ...executionFlags,
    ...planFlags,
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Rollback)
    const cluster = await kubeCluster({kubeconfig: flags.kubeconfig, context: flags.context, maxSockets: flags.concurrency, rateLimit: rateLimitFrom(flags), probe: true})
    const namespace = await rolloutNamespace(cluster, args.name, flags.namespace)
    const say = (text: string, json: object) => process.stdout.write(flags.json ? `${JSON.stringify(json)}\n` : `${text}\n`)
    if (flags.unpin) {
      const was = await unpin(cluster, args.name, namespace)
      if (was === undefined) say(`${args.name} is not pinned`, {type: 'unpinned', app: args.name, was: null})
      else say(`unpinned ${args.name} (was pinned at ${was}); watch applies the head of its ref at its next poll`, {type: 'unpinned', app: args.name, was})
      return
    }
    const cache = new GitCache({dir: flags['cache-dir'], offline: flags.offline})
    const request = applyRequestFrom('', {...flags, name: args.name, namespace: undefined, 'cache-dir': flags['cache-dir'] ?? cache.root})
    const {prepared, record, commit} = await prepareRollback(cluster, cache, args.name, namespace, flags.to!, request)
    say(`rolling ${args.name} back from ${record.commit} to ${commit} (${redactUrls(record.repo)} ${record.path}); pinned`, {type: 'pinned', app: args.name, from: record.commit, commit, repo: redactUrls(record.repo), path: record.path})
    const where = {app: prepared.app, namespace: prepared.namespace, target: clusterTarget(flags)}
    const state = await runRollout(flags.json, flags.color, (deps) => runApply(prepared, deps, {...runOptionsFrom(flags), replacePaused: flags['replace-paused']}), cluster, 'done', where)
    if (state.phase !== 'done') return
    await writeSourceRecord(cluster, args.name, prepared.namespace, {commit, repo: record.repo, path: record.path})
    say(`rolled back ${args.name} to ${commit} (${planChanges(prepared)} changes); pinned until \`strata rollback ${args.name} --unpin\``, {type: 'rolled-back', app: args.name, commit, changes: planChanges(prepared), pinned: true})
  }
}
