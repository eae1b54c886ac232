import {Args} from '@oclif/core'
import {StrataCommand} from '../../../cli/base-command.js'
import {editFlags, runEdit} from '../../../cli/edit-command.js'
import {addPaths} from '../../../edit/paths.js'
import {diskFileSystem} from '../../../source/filesystem.js'

export default class EditAddResource extends StrataCommand {
  static override summary = 'Add resources (files, directories, globs, remote URLs) to the kustomization (as kustomize edit add resource).'

  static override description = 'Each PATH is a glob over the kustomization directory; every match is appended to resources, one already listed is skipped with a note. A PATH that matches nothing is refused (exit 2) unless it is a remote URL or git address. Exit codes: 0 written (or already listed), 2 no match or no kustomization. Comments, key order and formatting of the file are kept; the file is written atomically.'

  static override examples = [
    {description: 'Add two files', command: '<%= config.bin %> edit add resource deployment.yaml service.yaml'},
    {description: 'Every YAML file of a directory', command: `<%= config.bin %> edit add resource 'manifests/*.yaml'`},
    {description: 'A remote base', command: '<%= config.bin %> edit add resource https://github.com/example/app//deploy?ref=v1.2.0'},
  ]

  static override strict = false

  static override args = {
    paths: Args.string({description: 'file, directory, glob or remote URL', required: true}),
  }

  static override flags = {
    ...editFlags,
  }

  async run(): Promise<void> {
    const {argv, flags} = await this.parse(EditAddResource)
    runEdit(flags, (k) => addPaths(k.doc, 'resources', argv.map(String), k.dir, diskFileSystem))
  }
}
