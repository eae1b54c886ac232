import {StrataCommand} from '../../../cli/base-command.js'
import {editFlags, patchFlags, patchSpecFrom, runEdit} from '../../../cli/edit-command.js'
import {addPatch} from '../../../edit/patches.js'
import {diskFileSystem} from '../../../source/filesystem.js'

export default class EditAddPatch extends StrataCommand {
  static override summary = 'Add a patch (file or inline) with an optional target to the kustomization (as kustomize edit add patch).'

  static override description = 'Exactly one of --path (must exist) and --patch; the target flags select the objects it applies to. An identical entry is not added twice. Exit codes: 0 written (or already there), 2 bad flags, missing file or no kustomization. Comments, key order and formatting of the file are kept; the file is written atomically.'

  static override examples = [
    {description: 'A patch file for one Deployment', command: '<%= config.bin %> edit add patch --path replicas.yaml --kind Deployment --name web'},
    {description: 'Inline JSON 6902', command: `<%= config.bin %> edit add patch --kind Deployment --patch '[{"op": "replace", "path": "/spec/replicas", "value": 3}]'`},
  ]

  static override flags = {
    ...editFlags,
    ...patchFlags,
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(EditAddPatch)
    runEdit(flags, (k) => addPatch(k.doc, patchSpecFrom(flags), k.dir, diskFileSystem))
  }
}
