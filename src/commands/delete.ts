import * as os from 'node:os'
import {createInterface} from 'node:readline/promises'
import {setTimeout as delay} from 'node:timers/promises'
import {Args, Flags} from '@oclif/core'
import {deleteApp, planAppDeletion, refuseProtected, type AppDeletion, type DeleteAppEvent, type DeleteAppResult} from '../apps/delete-app.js'
import {StrataCommand} from '../cli/base-command.js'
import {rateFlags, rateLimitFrom} from '../cli/rate-flags.js'
import {kubeCluster} from '../cluster/kube.js'
import {UserError} from '../model/errors.js'
import {describeId} from '../rollout/plan.js'
import {parseDuration, processHolder} from '../rollout/run-apply.js'
import {kubeconfigFlags} from '../cli/cluster-flags.js'

export default class Delete extends StrataCommand {
  static override summary = 'Delete an app: every object it owns, then its rollout state and inventory.'

  static override description =
    'Reads the app inventory (Secret applyset-NAME in -n NAMESPACE) and deletes its members in the reverse order of an apply plan (as prune does: workloads before their config, Namespaces and CRDs last), ' +
    'waiting for each group to be gone (finalizers) before the next, up to --timeout in all; then the rollout state (Secret strata-rollout-NAME) and the inventory itself. ' +
    'Only objects that still carry the app\'s applyset.kubernetes.io/part-of label are deleted. The list is printed first; on a terminal it asks before deleting, elsewhere --yes is required. ' +
    'An object marked strata.dev/prune: disabled refuses the whole delete (exit 2, nothing deleted) unless --force, which deletes the rest and leaves it in place. ' +
    'A delete cut short (timeout, a refused delete, Ctrl-C) keeps the inventory: run it again to finish. Exit codes: 0 deleted, 2 refused or failed.'

  static override examples = [
    {description: 'Delete app shop (asks first on a terminal)', command: '<%= config.bin %> delete shop -n shop'},
    {description: 'From a script or CI job', command: '<%= config.bin %> delete shop -n shop --yes'},
    {description: 'Delete all but the objects marked strata.dev/prune: disabled, waiting up to 10 minutes for finalizers', command: '<%= config.bin %> delete shop -n shop --yes --force --timeout 10m'},
    {description: 'JSON lines for a script', command: '<%= config.bin %> delete shop -n shop --yes --json'},
  ]

  static override args = {
    name: Args.string({description: 'app name (as given to strata apply --name, by default the directory name; see strata list)', required: true}),
  }

  static override flags = {
    ...kubeconfigFlags,
    namespace: Flags.string({char: 'n', description: "namespace of the app's inventory and rollout state (default: the kubeconfig context's namespace)"}),
    yes: Flags.boolean({char: 'y', description: 'delete without asking (required when stdin is not a terminal)', default: false}),
    force: Flags.boolean({description: 'delete although some objects are marked strata.dev/prune: disabled (those stay in place)', default: false}),
    timeout: Flags.string({description: 'how long to wait in all for deleted objects to be gone (finalizers): 30s, 5m, 1h', default: '5m'}),
    json: Flags.boolean({description: 'print one JSON object per line (the list, each object deleted, done)', default: false}),
    ...rateFlags,
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Delete)
    const timeoutMs = parseDuration(flags.timeout, '--timeout')
    const cluster = await kubeCluster({kubeconfig: flags.kubeconfig, context: flags.context, rateLimit: rateLimitFrom(flags), probe: true})
    const namespace = flags.namespace ?? cluster.defaultNamespace
    const deletion = await planAppDeletion(cluster, args.name, namespace)
    const out = (text: string, json: object) => process.stdout.write(flags.json ? `${JSON.stringify(json)}\n` : `${text}\n`)
    out(deletionText(deletion), {type: 'plan', app: deletion.app, namespace, delete: deletion.items.map((i) => i.id), protected: deletion.protected})
    refuseProtected(deletion, flags.force)
    if (!flags.yes) await confirm(deletion)

    const controller = new AbortController()
    const onSigint = () => controller.abort()
    process.on('SIGINT', onSigint)
    try {
      const gen = deleteApp(deletion, {cluster, holder: processHolder(Date.now(), os.hostname(), process.pid), now: Date.now, sleep: (ms) => delay(ms, undefined, {signal: controller.signal}).catch(() => undefined), signal: controller.signal}, {force: flags.force, timeoutMs})
      let waited = false
      let r = await gen.next()
      while (!r.done) {
        if (r.value.type === 'waiting') waited = true
        if (flags.json) out('', r.value)
        else if (r.value.type !== 'gone' || waited) out(eventText(r.value), {})
        r = await gen.next()
      }
      out(doneText(deletion, r.value), {type: 'done', app: deletion.app, namespace, ...r.value})
    } finally {
      process.off('SIGINT', onSigint)
    }
  }
}

function deletionText(d: AppDeletion): string {
  const lines = [`app ${d.app} (namespace ${d.namespace}): ${d.items.length} objects to delete, in this order:`]
  for (const item of d.items) lines.push(`  ${describeId(item.id)}`)
  if (d.protected.length > 0) {
    lines.push(`protected by strata.dev/prune: disabled (deleted only with --force, then left in place):`)
    for (const id of d.protected) lines.push(`  ${describeId(id)}`)
  }
  if (d.retained.length > 0) {
    lines.push(`left in place (no longer managed):`)
    for (const r of d.retained) lines.push(`  ${describeId(r.id)} (${r.by})`)
  }
  const after = [d.stateFound && `rollout state (Secret strata-rollout-${d.app})`, d.inventoryFound && `inventory (Secret applyset-${d.app})`].filter(Boolean)
  if (after.length > 0) lines.push(`then its ${after.join(' and ')}`)
  return lines.join('\n')
}

async function confirm(d: AppDeletion): Promise<void> {
  if (process.stdin.isTTY !== true) {
    throw new UserError(`refusing to delete ${d.app} without confirmation: stdin is not a terminal`, {field: '--yes'}, `Nothing was deleted. Pass --yes to delete without asking: strata delete ${d.app} -n ${d.namespace} --yes`)
  }
  const rl = createInterface({input: process.stdin, output: process.stderr})
  try {
    const answer = await rl.question(`Delete app ${d.app} and its ${d.items.length} objects? Type the app name to confirm: `)
    if (answer.trim() !== d.app) throw new UserError(`not confirmed: nothing was deleted`, {field: '--yes'}, `Type the app name (${d.app}) to confirm, or pass --yes.`)
  } finally {
    rl.close()
  }
}

function eventText(e: DeleteAppEvent): string {
  switch (e.type) {
    case 'deleted':
      return e.result === 'deleted' ? `deleted ${describeId(e.id)}` : `${e.result} ${describeId(e.id)}${e.reason ? ` (${e.reason})` : ''}`
    case 'waiting':
      return `waiting for ${e.ids.length} objects to be gone${e.finalizers.length ? ` (finalizers: ${e.finalizers.join(', ')})` : ''}`
    case 'gone':
      return `gone ${describeId(e.id)}`
    case 'inventory-deleted':
      return `deleted the rollout state and inventory of ${e.app}`
  }
}

function doneText(d: AppDeletion, r: DeleteAppResult): string {
  const extra = [r.kept && `${r.kept} already gone or not the app's`, r.protected && `${r.protected} protected left in place`, r.retained && `${r.retained} left in place by Delete=false`].filter(Boolean)
  return `app ${d.app} deleted: ${r.deleted} objects${extra.length ? ` (${extra.join(', ')})` : ''}`
}
