import {Args} from '@oclif/core'
import {StrataCommand} from '../../../cli/base-command.js'
import {editFlags, runEdit} from '../../../cli/edit-command.js'
import {addPaths} from '../../../edit/paths.js'
import {diskFileSystem} from '../../../source/filesystem.js'

export default class EditAddComponent extends StrataCommand {
  static override summary = 'Add components to the kustomization (as kustomize edit add component).'

  static override description = 'Each PATH is a glob over the kustomization directory; every match is appended to components, one already listed is skipped with a note. Exit codes: 0 written (or already listed), 2 no match or no kustomization. Comments, key order and formatting of the file are kept; the file is written atomically.'

  static override examples = [
    {description: 'Add a component', command: '<%= config.bin %> edit add component ../../components/tracing'},
  ]

  static override strict = false

  static override args = {
    paths: Args.string({description: 'component directory, glob or remote URL', required: true}),
  }

  static override flags = {
    ...editFlags,
  }

  async run(): Promise<void> {
    const {argv, flags} = await this.parse(EditAddComponent)
    runEdit(flags, (k) => addPaths(k.doc, 'components', argv.map(String), k.dir, diskFileSystem))
  }
}
