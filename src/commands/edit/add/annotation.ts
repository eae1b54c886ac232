import {Args, Flags} from '@oclif/core'
import {StrataCommand} from '../../../cli/base-command.js'
import {editFlags, runEdit} from '../../../cli/edit-command.js'
import {addMetadata, parsePairs} from '../../../edit/metadata.js'

export default class EditAddAnnotation extends StrataCommand {
  static override summary = 'Add commonAnnotations to the kustomization (as kustomize edit add annotation).'

  static override description = 'One KEY:VALUE pair per argument, as kustomize edit takes them (a comma belongs to the value; one pair of double quotes around a value is dropped). A key already set is refused unless --force. Exit codes: 0 written, 2 invalid key, key present, or no kustomization. Comments, key order and formatting of the file are kept; the file is written atomically.'

  static override examples = [
    {description: 'Annotate everything', command: '<%= config.bin %> edit add annotation owner:payments-team'},
    {description: 'Overwrite', command: '<%= config.bin %> edit add annotation owner:platform --force'},
  ]

  static override strict = false

  static override args = {
    annotations: Args.string({description: 'KEY:VALUE (one pair per argument)', required: true}),
  }

  static override flags = {
    ...editFlags,
    force: Flags.boolean({char: 'f', description: 'overwrite an annotation that is already set', default: false}),
  }

  async run(): Promise<void> {
    const {argv, flags} = await this.parse(EditAddAnnotation)
    runEdit(flags, (k) => addMetadata(k.doc, 'annotation', parsePairs(argv.map(String), 'annotation'), {force: flags.force}))
  }
}
