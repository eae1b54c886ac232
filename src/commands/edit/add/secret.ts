import {Args, Flags} from '@oclif/core'
import {StrataCommand} from '../../../cli/base-command.js'
import {editFlags, generatorFlags, generatorSourcesFrom, runEdit} from '../../../cli/edit-command.js'
import {addGenerator} from '../../../edit/generators.js'
import {diskFileSystem} from '../../../source/filesystem.js'

export default class EditAddSecret extends StrataCommand {
  static override summary = 'Add a secretGenerator, or sources to the one of that name (as kustomize edit add secret).'

  static override description = 'Sources are appended to the generator named NAME (created when absent); files and env files must exist, a key may appear once. --type sets the Secret type. Exit codes: 0 written, 2 bad source or no kustomization. Comments, key order and formatting of the file are kept; the file is written atomically.'

  static override examples = [
    {description: 'A TLS secret from files', command: '<%= config.bin %> edit add secret web-tls --type=kubernetes.io/tls --from-file=tls.crt --from-file=tls.key'},
    {description: 'A literal', command: '<%= config.bin %> edit add secret db --from-literal=user=app'},
  ]

  static override args = {
    name: Args.string({description: 'generator name', required: true}),
  }

  static override flags = {
    ...editFlags,
    ...generatorFlags,
    type: Flags.string({description: 'Secret type, e.g. kubernetes.io/tls (default Opaque)'}),
    namespace: Flags.string({description: 'namespace of the generated Secret'}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(EditAddSecret)
    runEdit(flags, (k) => addGenerator(k.doc, 'secret', args.name, {...generatorSourcesFrom(flags), type: flags.type, namespace: flags.namespace}, k.dir, diskFileSystem))
  }
}
