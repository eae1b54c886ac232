import {Args} from '@oclif/core'
import {StrataCommand} from '../../../cli/base-command.js'
import {editFlags, runEdit} from '../../../cli/edit-command.js'
import {setNamespace} from '../../../edit/scalars.js'

export default class EditSetNamespace extends StrataCommand {
  static override summary = "Set the kustomization's namespace (as kustomize edit set namespace)."

  static override description = 'Replaces the namespace field (or adds it), keeping the rest of the file as it is. Exit codes: 0 written, 2 invalid namespace or no kustomization. Comments, key order and formatting of the file are kept; the file is written atomically.'

  static override examples = [
    {description: 'Deploy the overlay to another namespace', command: '<%= config.bin %> edit set namespace shop-staging'},
  ]

  static override args = {
    namespace: Args.string({description: 'namespace (an RFC 1123 label)', required: true}),
  }

  static override flags = {
    ...editFlags,
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(EditSetNamespace)
    runEdit(flags, (k) => setNamespace(k.doc, args.namespace))
  }
}
