import {Flags} from '@oclif/core'
import {StrataCommand} from '../cli/base-command.js'
import {rateLimitFrom} from '../cli/rate-flags.js'
import {scopeArgv} from '../cli/scope-flags.js'
import {kubeCluster} from '../cluster/kube.js'
import {ExitCode} from '../model/exit-codes.js'
import {clusterTarget} from '../model/follow-up.js'
import {formatPlanText, planToJson} from '../rollout/plan-format.js'
import {runApply} from '../rollout/run-apply.js'
import {prepareFromRepo} from '../rollout/prepare-from-repo.js'
import {GitCache} from '../source/git-cache.js'
import {redactUrls} from '../source/git-safety.js'
import {localRepoUrl} from '../source/local-repo.js'
import {makeTheme, wantsColor} from '../ui/theme.js'
import {appFromFlags, gitRefOf} from '../reconcile/app-config.js'
import {planChanges} from '../rollout/plan-changes.js'
import {writeSourceRecord} from '../reconcile/source-commit.js'
import {applyRequestFrom, executionFlags, ownershipNotice, planFlags, runOptionsFrom, runRollout} from './apply.js'

export default class Sync extends StrataCommand {
  static override summary = 'One GitOps reconcile for CI: fetch a git ref, render a path of it, diff and apply it as `strata apply` does.'

  static override description =
    'Fetches REF of REPO into the shared cache (only what is missing: a mirror per repository, a read-only tree per commit), renders PATH, diffs it against the cluster and runs the plan ' +
    '(ordered steps, health gates, batches and pauses, ApplySet prune under the deletion cap). The commit synced is printed and recorded on the app inventory (annotation strata.dev/source-commit). ' +
    'REPO may be https, ssh, scp-style (git@host:org/repo), file:// or a local path; credentials come from the environment or git credential helpers and are never printed. ' +
    'A URL or ref that tries to smuggle git options (leading "-", ext::, --upload-pack) is refused. ' +
    'The repository and path are recorded as the app\'s source (strata.dev/source): an app last applied from another source is refused before any change unless --adopt. ' +
    'Exit codes as apply: 0 synced, 2 failed or refused (the cluster is left as it was when the render or plan fails), 3 paused, 130 interrupted; with --dry-run: 0 nothing to change, 1 changes (the plan is printed).'

  static override examples = [
    {description: 'Sync the prod overlay of main', command: '<%= config.bin %> sync --repo https://git.example.com/shop/deploy.git --ref main --path overlays/prod --name shop'},
    {description: 'A release tag, from a CI job, as JSON events', command: '<%= config.bin %> sync --repo git@git.example.com:shop/deploy.git --ref v1.4.2 --path overlays/prod --name shop --json'},
    {description: 'What a sync would do (exit 1 when it would change something)', command: '<%= config.bin %> sync --repo ./deploy --ref main --path overlays/prod --name shop --dry-run'},
    {description: 'Hand an app applied from another repository or path over to this one', command: '<%= config.bin %> sync --repo https://git.example.com/shop/deploy.git --path apps/shop --name shop --adopt'},
    {description: 'A pinned commit with batched Deployments', command: '<%= config.bin %> sync --repo file:///srv/git/deploy.git --ref 3f2c1e9b0d4a7c6e5f8a9b0c1d2e3f4a5b6c7d8e --path apps/web --name web --rollout 25%,50%,100%'},
  ]

  static override flags = {
    repo: Flags.string({description: 'git repository: https, ssh, git@host:org/repo, file:// or a local path', required: true}),
    ref: Flags.string({description: "branch, tag or commit; HEAD is the repository's default branch", default: 'HEAD'}),
    path: Flags.string({description: 'directory of the kustomization inside the repository', default: '.'}),
    name: Flags.string({description: 'app name: inventory Secret applyset-NAME, state Secret strata-rollout-NAME', required: true}),
    namespace: Flags.string({char: 'n', description: "namespace of every namespaced object that names none (as kubectl apply -n; default: the kubeconfig's) and of the app's inventory and rollout state (default: the one namespace the render uses, else the kubeconfig's)"}),
    'dry-run': Flags.boolean({description: 'fetch, render and plan, print the plan and change nothing (exit 1 when it would change something)', default: false}),
    ...executionFlags,
    ...planFlags,
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Sync, scopeArgv(this.argv))
    const app = appFromFlags({name: flags.name, repo: localRepoUrl(flags.repo), ref: flags.ref, path: flags.path, namespace: flags.namespace})
    const cache = new GitCache({dir: flags['cache-dir'], offline: flags.offline})
    const tree = await cache.checkoutTree(app.repo, gitRefOf(app.ref))
    const say = (text: string, json: object) => process.stdout.write(flags.json ? `${JSON.stringify(json)}\n` : `${text}\n`)
    say(`fetched ${redactUrls(app.repo)} ${app.ref} at ${tree.commit}`, {type: 'fetched', repo: redactUrls(app.repo), ref: app.ref, commit: tree.commit})

    const cluster = await kubeCluster({kubeconfig: flags.kubeconfig, context: flags.context, maxSockets: flags.concurrency, rateLimit: rateLimitFrom(flags), probe: true})
    const {dir: _dir, ...request} = applyRequestFrom(tree.dir, {...flags, 'cache-dir': flags['cache-dir'] ?? cache.root})
    const prepared = await prepareFromRepo(cluster, tree, {repo: app.repo, path: app.path, label: flags.repo}, {...request, name: app.name})
    const notice = ownershipNotice(prepared)
    if (notice) process.stderr.write(`${notice}\n`)
    if (flags['dry-run']) {
      // One JSON object per line, as every other line of `sync --json`: the plan is an event too.
      if (flags.json) process.stdout.write(`${JSON.stringify({type: 'plan', changes: planChanges(prepared), ...planToJson(prepared.plan)})}\n`)
      else process.stdout.write(formatPlanText(prepared.plan, makeTheme(wantsColor(flags.color, process.stdout))))
      process.exitCode = planChanges(prepared) > 0 ? ExitCode.diff : ExitCode.ok
      return
    }
    const where = {app: prepared.app, namespace: prepared.namespace, target: clusterTarget(flags)}
    const state = await runRollout(flags.json, flags.color, (deps) => runApply(prepared, deps, {...runOptionsFrom(flags), replacePaused: flags['replace-paused']}), cluster, 'done', where)
    if (state.phase !== 'done') return
    await writeSourceRecord(cluster, app.name, prepared.namespace, {commit: tree.commit, repo: app.repo, path: app.path})
    say(`synced ${app.name} at ${tree.commit} (${planChanges(prepared)} changes)`, {type: 'synced', app: app.name, commit: tree.commit, changes: planChanges(prepared)})
  }
}
