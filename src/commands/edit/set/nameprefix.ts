import {Args} from '@oclif/core'
import {StrataCommand} from '../../../cli/base-command.js'
import {editFlags, runEdit} from '../../../cli/edit-command.js'
import {setNamePrefix} from '../../../edit/scalars.js'

export default class EditSetNamePrefix extends StrataCommand {
  static override summary = "Set the kustomization's namePrefix (as kustomize edit set nameprefix)."

  static override description = 'Replaces namePrefix (or adds it), keeping the rest of the file as it is. Exit codes: 0 written, 2 no kustomization. Comments, key order and formatting of the file are kept; the file is written atomically.'

  static override examples = [
    {description: 'Prefix every name', command: '<%= config.bin %> edit set nameprefix staging-'},
  ]

  static override args = {
    prefix: Args.string({description: 'prefix', required: true}),
  }

  static override flags = {
    ...editFlags,
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(EditSetNamePrefix)
    runEdit(flags, (k) => setNamePrefix(k.doc, args.prefix))
  }
}
