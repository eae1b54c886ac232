import {Args} from '@oclif/core'
import {StrataCommand} from '../../../cli/base-command.js'
import {editFlags, generatorFlags, generatorSourcesFrom, runEdit} from '../../../cli/edit-command.js'
import {addGenerator} from '../../../edit/generators.js'
import {diskFileSystem} from '../../../source/filesystem.js'

export default class EditAddConfigMap extends StrataCommand {
  static override summary = 'Add a configMapGenerator, or sources to the one of that name (as kustomize edit add configmap).'

  static override description = 'Sources are appended to the generator named NAME (created when absent); files and env files must exist, a key may appear once. Exit codes: 0 written, 2 bad source or no kustomization. Comments, key order and formatting of the file are kept; the file is written atomically.'

  static override examples = [
    {description: 'Literals and a file', command: '<%= config.bin %> edit add configmap app-config --from-literal=LOG_LEVEL=info --from-file=config.json'},
    {description: "An env file, merged into a base's generator", command: '<%= config.bin %> edit add configmap app-config --from-env-file=prod.env --behavior=merge'},
  ]

  static override args = {
    name: Args.string({description: 'generator name', required: true}),
  }

  static override flags = {
    ...editFlags,
    ...generatorFlags,
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(EditAddConfigMap)
    runEdit(flags, (k) => addGenerator(k.doc, 'configmap', args.name, generatorSourcesFrom(flags), k.dir, diskFileSystem))
  }
}
