import * as fs from 'node:fs'
import * as path from 'node:path'
import {Args, Flags} from '@oclif/core'
import {StrataCommand} from '../cli/base-command.js'
import {kubeCluster} from '../cluster/kube.js'
import {formatDiffJson} from '../diff/format-json.js'
import {formatDiffText, formatResourceDiff, formatSummary} from '../diff/format-text.js'
import {externalDiffCommand, externalDiffFiles} from '../diff/external-files.js'
import {runExternalDiff} from '../ui/external-diff.js'
import {checkIgnoreKinds, parseIgnoreFlags} from '../diff/ignore.js'
import {nearest} from '../cli/suggest.js'
import {appNamespace, defaultConcurrency, diffResources, type DiffModeOption} from '../diff/run.js'
import {UserError} from '../model/errors.js'
import {ExitCode} from '../model/exit-codes.js'
import {renderKustomization} from '../render/index.js'
import {renderFlags, renderOptionsFrom} from '../cli/render-flags.js'
import {rateFlags, rateLimitFrom} from '../cli/rate-flags.js'
import {scopeArgv, scopeFlags, scopePolicyFrom} from '../cli/scope-flags.js'
import {checkScope, isUnrestricted, kindScopes} from '../rollout/scope.js'
import {buildPlan, planInputFromDiff} from '../rollout/plan.js'
import {formatPlanText, planToJson} from '../rollout/plan-format.js'
import {makeTheme, wantsColor} from '../ui/theme.js'
import {kubeconfigFlags} from '../cli/cluster-flags.js'

export default class Diff extends StrataCommand {
  static override summary = 'Show what `strata apply` would change in the cluster: noise-free, Secret values masked.'

  static override description =
    "Renders DIR, then compares each object with the cluster: the live object against what a server-side apply dry-run (field manager 'strata') says the server would store, or a dry-run create for new objects. " +
    "Server-owned fields (status, managedFields, resourceVersion, ...) are left out and lists are matched by their keys, so only real changes show. Objects in the app's inventory (the ApplySet whose parent is Secret applyset-NAME) that the render no longer has show as deletions. " +
    'Secret data values are never printed: changed keys show as <changed (before)>/<changed (after)>, others as <unchanged>, unless --show-secrets. ' +
    'When the credentials may not patch (dry-run forbidden), objects are compared read-only (GET only) and the output says so. ' +
    'STRATA_EXTERNAL_DIFF (else KUBECTL_EXTERNAL_DIFF) names a diff program to run instead on two directories, LIVE and MERGED, of masked YAML files named group.version.kind.namespace.name, as kubectl diff does; its words after the program are passed after the directories. ' +
    'Exit codes: 0 no changes, 1 changes found, 2 error (like kubectl diff; with an external program, its 0 or 1, and 2 when it fails).'

  static override examples = [
    {description: 'Diff an overlay against the current kubeconfig context', command: '<%= config.bin %> diff overlays/prod'},
    {description: 'Another cluster, a structured report for a CI bot', command: '<%= config.bin %> diff overlays/prod --context prod --json'},
    {description: 'Leave out replicas that an HPA owns', command: '<%= config.bin %> diff overlays/prod --ignore-field Deployment:/spec/replicas'},
    {description: 'With read-only credentials', command: '<%= config.bin %> diff overlays/prod --mode read-only'},
    {description: 'The rollout plan `strata apply` would follow (steps, waves, batches, prune)', command: '<%= config.bin %> diff overlays/prod --plan'},
    {description: 'Your own diff tool on directories of masked YAML, as with kubectl', command: 'STRATA_EXTERNAL_DIFF="colordiff -u -N" <%= config.bin %> diff overlays/prod'},
  ]

  static override args = {
    dir: Args.string({description: 'directory holding kustomization.yaml', default: '.'}),
  }

  static override flags = {
    ...kubeconfigFlags,
    name: Flags.string({description: "app name: the inventory is Secret applyset-NAME (default: DIR's base name)"}),
    namespace: Flags.string({char: 'n', description: "namespace of every namespaced object that names none (as kubectl apply -n; default: the kubeconfig's) and of the app's inventory (default: the one namespace the render uses, else the kubeconfig's)"}),
    mode: Flags.string({description: 'auto: server-side dry-run, read-only where it is forbidden; server: dry-run only; read-only: GET only', options: ['auto', 'server', 'read-only'], default: 'auto'}),
    concurrency: Flags.integer({description: 'requests in flight at once', default: defaultConcurrency, min: 1, max: 256}),
    'ignore-field': Flags.string({description: 'leave a field out of the comparison: KIND:/json/pointer (KIND is Kind, Kind.group or *); repeatable', multiple: true, default: []}),
    'show-secrets': Flags.boolean({description: 'print Secret data values instead of masking them', default: false}),
    json: Flags.boolean({description: 'print one JSON document (per object: id, action, changed paths, before/after) instead of text', default: false}),
    color: Flags.boolean({description: 'color the text output (default: when stdout is a terminal)', allowNo: true}),
    plan: Flags.boolean({description: 'print the rollout plan strata apply would follow (steps, batches, prune) instead of the per-object diff; with --json, the plan as JSON', default: false}),
    ...renderFlags,
    ...scopeFlags,
    ...rateFlags,
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Diff, scopeArgv(this.argv))
    const dir = args.dir
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
      throw new UserError(`'${dir}' is not a directory`, {file: dir}, 'Pass the directory that holds kustomization.yaml.')
    }
    const ignore = parseIgnoreFlags(flags['ignore-field'])
    const external = flags.json || flags.plan ? undefined : externalDiffCommand(process.env)
    const rendered = await renderKustomization(dir, {
      ...renderOptionsFrom(flags),
      onWarning: (m) => process.stderr.write(`# Warning: ${m}\n`),
    })
    for (const w of checkIgnoreKinds(ignore, [...rendered.resources].map((r) => r.obj), nearest)) process.stderr.write(`# Warning: ${w}\n`)
    const cluster = await kubeCluster({kubeconfig: flags.kubeconfig, context: flags.context, maxSockets: flags.concurrency, rateLimit: rateLimitFrom(flags), probe: true})
    const scope = scopePolicyFrom(flags)
    if (!isUnrestricted(scope)) {
      const resources = [...rendered.resources]
      const appNs = flags.namespace ?? appNamespace(resources, cluster.defaultNamespace)
      checkScope(resources, scope, {defaultNamespace: flags.namespace ?? cluster.defaultNamespace, appNamespace: appNs, kindScope: await kindScopes(resources, cluster)})
    }
    const report = await diffResources(rendered.resources, cluster, {
      name: flags.name ?? path.basename(path.resolve(dir)),
      namespace: flags.namespace,
      targetNamespace: flags.namespace,
      mode: flags.mode as DiffModeOption,
      concurrency: flags.concurrency,
      ignore,
      showSecrets: flags['show-secrets'],
    })
    if (flags.plan) {
      const app = flags.name ?? path.basename(path.resolve(dir))
      const namespace = flags.namespace ?? appNamespace([...rendered.resources], cluster.defaultNamespace)
      const plan = buildPlan(planInputFromDiff(app, namespace, report, [...rendered.resources].map((r) => r.obj)))
      if (flags.json) process.stdout.write(`${JSON.stringify(planToJson(plan), null, 2)}\n`)
      else process.stdout.write(formatPlanText(plan, makeTheme(wantsColor(flags.color, process.stdout))))
    } else if (flags.json) process.stdout.write(formatDiffJson(report))
    else if (external) {
      // The program owns stdout, as with kubectl; failed comparisons and the summary go to stderr.
      const theme = makeTheme(wantsColor(flags.color, process.stderr))
      if (external.dropped.length) process.stderr.write(`# Warning: ${external.variable}: ignoring ${external.dropped.map((w) => `'${w}'`).join(', ')} (only letters, digits, '-' and '=' are passed on, as kubectl does)\n`)
      for (const r of report.resources) if (r.action === 'error') process.stderr.write(formatResourceDiff(r, theme))
      const outcome = await runExternalDiff(external, externalDiffFiles(report))
      process.stderr.write(formatSummary(report, theme))
      process.exitCode = report.summary.error > 0 ? ExitCode.error : outcome === 'different' ? ExitCode.diff : ExitCode.ok
      return
    } else process.stdout.write(formatDiffText(report, makeTheme(wantsColor(flags.color, process.stdout))))
    const s = report.summary
    // Set rather than this.exit(): oclif's exit throws, and 1 is an answer here, not an error.
    process.exitCode = s.error > 0 ? ExitCode.error : s.add + s.change + s.delete > 0 ? ExitCode.diff : ExitCode.ok
  }
}
