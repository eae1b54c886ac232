import {Args, Flags} from '@oclif/core'
import {StrataCommand} from '../../../cli/base-command.js'
import {editFlags, runEdit} from '../../../cli/edit-command.js'
import {removeLabels} from '../../../edit/metadata.js'

export default class EditRemoveLabel extends StrataCommand {
  static override summary = 'Remove commonLabels from the kustomization (as kustomize edit remove label).'

  static override description = 'KEYs are separated by commas or given as several arguments. A key that is not set is refused unless --ignore-non-existence. Exit codes: 0 written, 2 key missing or no kustomization. Comments, key order and formatting of the file are kept; the file is written atomically.'

  static override examples = [
    {description: 'Remove two labels', command: '<%= config.bin %> edit remove label team,tier'},
  ]

  static override strict = false

  static override args = {
    keys: Args.string({description: 'KEY[,KEY...]', required: true}),
  }

  static override flags = {
    ...editFlags,
    'ignore-non-existence': Flags.boolean({description: 'skip keys that are not set instead of failing', default: false}),
  }

  async run(): Promise<void> {
    const {argv, flags} = await this.parse(EditRemoveLabel)
    runEdit(flags, (k) => removeLabels(k.doc, argv.map(String).flatMap((a) => a.split(',')).filter(Boolean), {ignoreNonExistence: flags['ignore-non-existence']}))
  }
}
