import {Args} from '@oclif/core'
import {StrataCommand} from '../../../cli/base-command.js'
import {editFlags, runEdit} from '../../../cli/edit-command.js'
import {setNameSuffix} from '../../../edit/scalars.js'

export default class EditSetNameSuffix extends StrataCommand {
  static override summary = "Set the kustomization's nameSuffix (as kustomize edit set namesuffix)."

  static override description = "Replaces nameSuffix (or adds it), keeping the rest of the file as it is. A suffix starting with '-' follows '--'. Exit codes: 0 written, 2 no kustomization. Comments, key order and formatting of the file are kept; the file is written atomically."

  static override examples = [
    {description: 'Suffix every name', command: '<%= config.bin %> edit set namesuffix -- -v2'},
  ]

  static override args = {
    suffix: Args.string({description: 'suffix', required: true}),
  }

  static override flags = {
    ...editFlags,
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(EditSetNameSuffix)
    runEdit(flags, (k) => setNameSuffix(k.doc, args.suffix))
  }
}
