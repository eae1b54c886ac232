import {Flags} from '@oclif/core'
import {listApps} from '../apps/list-apps.js'
import {StrataCommand} from '../cli/base-command.js'
import {rateFlags, rateLimitFrom} from '../cli/rate-flags.js'
import {kubeCluster} from '../cluster/kube.js'
import {appsJson, formatAppTable} from '../ui/app-list.js'
import {kubeconfigFlags} from '../cli/cluster-flags.js'

export default class List extends StrataCommand {
  static override summary = 'List every app strata manages in the cluster: source, objects, last apply, rollout phase.'

  static override description =
    'Finds the apps from what strata keeps in the cluster: the inventory (ApplySet parent Secret applyset-NAME written by strata) and the rollout state (Secret strata-rollout-NAME). ' +
    'All namespaces by default; -n narrows to one. SOURCE is repository@commit:path for an app that `strata sync` or `strata watch` applied, the directory when one is recorded, else -. ' +
    'OBJECTS counts the inventory members in the cluster now; LAST APPLY is how long ago the last rollout last moved; ROLLOUT its phase (and step while unfinished; a running rollout whose process is gone or silent says so). ' +
    'Exit codes: 0 listed (also when there are none), 2 error.'

  // `ls` works but is not listed twice in `strata help`.
  static override hiddenAliases = ['ls']

  static override examples = [
    {description: 'Every app in every namespace', command: '<%= config.bin %> list'},
    {description: 'The apps whose inventory lives in namespace shop', command: '<%= config.bin %> ls -n shop'},
    {description: 'As one JSON document, in another cluster', command: '<%= config.bin %> list --json --context prod'},
  ]

  static override flags = {
    ...kubeconfigFlags,
    namespace: Flags.string({char: 'n', description: 'only the apps whose inventory lives in this namespace (default: all namespaces)'}),
    json: Flags.boolean({description: 'print one JSON document {"apps": [...]}', default: false}),
    ...rateFlags,
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(List)
    const cluster = await kubeCluster({kubeconfig: flags.kubeconfig, context: flags.context, rateLimit: rateLimitFrom(flags), probe: true})
    const apps = await listApps(cluster, {namespace: flags.namespace})
    if (flags.json) {
      process.stdout.write(`${JSON.stringify(appsJson(apps), null, 2)}\n`)
      return
    }
    if (apps.length === 0) {
      process.stderr.write(flags.namespace ? `No apps found in namespace ${flags.namespace}.\n` : 'No apps found.\n')
      return
    }
    process.stdout.write(formatAppTable(apps, Date.now()))
  }
}
