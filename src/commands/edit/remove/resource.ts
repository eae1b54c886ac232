import {Args} from '@oclif/core'
import {StrataCommand} from '../../../cli/base-command.js'
import {editFlags, runEdit} from '../../../cli/edit-command.js'
import {removePaths} from '../../../edit/paths.js'

export default class EditRemoveResource extends StrataCommand {
  static override summary = 'Remove resources from the kustomization (as kustomize edit remove resource).'

  static override description = 'Each PATH is matched as a glob against the resources entries; every matching entry is removed. A PATH that matches none is reported, not an error. Exit codes: 0 written (or nothing to remove), 2 no kustomization. Comments, key order and formatting of the file are kept; the file is written atomically.'

  static override examples = [
    {description: 'Remove one file', command: '<%= config.bin %> edit remove resource old-job.yaml'},
    {description: 'Remove every entry under legacy/', command: `<%= config.bin %> edit remove resource 'legacy/*'`},
  ]

  static override strict = false

  static override args = {
    paths: Args.string({description: 'entry or glob', required: true}),
  }

  static override flags = {
    ...editFlags,
  }

  async run(): Promise<void> {
    const {argv, flags} = await this.parse(EditRemoveResource)
    runEdit(flags, (k) => removePaths(k.doc, 'resources', argv.map(String)))
  }
}
