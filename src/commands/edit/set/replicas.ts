import {Args} from '@oclif/core'
import {StrataCommand} from '../../../cli/base-command.js'
import {editFlags, runEdit} from '../../../cli/edit-command.js'
import {parseReplicasArg, setReplicas} from '../../../edit/replicas.js'

export default class EditSetReplicas extends StrataCommand {
  static override summary = 'Set replica counts of workloads by name (as kustomize edit set replicas).'

  static override description = 'Each NAME=COUNT updates the replicas entry of that workload name or adds one. Exit codes: 0 written, 2 bad argument or no kustomization. Comments, key order and formatting of the file are kept; the file is written atomically.'

  static override examples = [
    {description: 'Three web pods, one worker', command: '<%= config.bin %> edit set replicas web=3 worker=1'},
  ]

  static override strict = false

  static override args = {
    replicas: Args.string({description: 'NAME=COUNT', required: true}),
  }

  static override flags = {
    ...editFlags,
  }

  async run(): Promise<void> {
    const {argv, flags} = await this.parse(EditSetReplicas)
    runEdit(flags, (k) => setReplicas(k.doc, argv.map(String).map(parseReplicasArg)))
  }
}
