import {StrataCommand} from '../../../cli/base-command.js'
import {editFlags, patchFlags, patchSpecFrom, runEdit} from '../../../cli/edit-command.js'
import {removePatch} from '../../../edit/patches.js'

export default class EditRemovePatch extends StrataCommand {
  static override summary = 'Remove a patch from the kustomization (as kustomize edit remove patch).'

  static override description = 'Removes every patches entry with the same --path or --patch and the same target. None matching is reported, not an error. Exit codes: 0 written (or nothing to remove), 2 bad flags or no kustomization. Comments, key order and formatting of the file are kept; the file is written atomically.'

  static override examples = [
    {description: "Remove a patch file's entry", command: '<%= config.bin %> edit remove patch --path replicas.yaml --kind Deployment --name web'},
  ]

  static override flags = {
    ...editFlags,
    ...patchFlags,
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(EditRemovePatch)
    runEdit(flags, (k) => removePatch(k.doc, patchSpecFrom(flags)))
  }
}
