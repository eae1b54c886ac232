import {Flags} from '@oclif/core'
import {StrataCommand} from '../../../cli/base-command.js'
import {editFlags, runEdit} from '../../../cli/edit-command.js'
import {removePatch} from '../../../edit/patches.js'

export default class EditRemovePatch extends StrataCommand {
  static override summary = 'Remove a patch from the kustomization (as kustomize edit remove patch).'

  static override description = 'Removes every patches entry with the same --path or --patch and the same target. None matching is reported, not an error. Exit codes: 0 written (or nothing to remove), 2 bad flags or no kustomization. Comments, key order and formatting of the file are kept; the file is written atomically.'

  static override examples = [
    {description: "Remove a patch file's entry", command: '<%= config.bin %> edit remove patch --path replicas.yaml --kind Deployment --name web'},
  ]

  static override flags = {
    ...editFlags,
    path: Flags.string({description: 'patch file, relative to the kustomization'}),
    patch: Flags.string({description: 'patch text (strategic merge or JSON 6902)'}),
    group: Flags.string({description: 'target group'}),
    version: Flags.string({description: 'target version'}),
    kind: Flags.string({description: 'target kind'}),
    name: Flags.string({description: 'target name (a regular expression)'}),
    namespace: Flags.string({description: 'target namespace'}),
    'label-selector': Flags.string({description: 'target label selector'}),
    'annotation-selector': Flags.string({description: 'target annotation selector'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(EditRemovePatch)
    runEdit(flags, (k) => removePatch(k.doc, {path: flags.path, patch: flags.patch, target: {group: flags.group, version: flags.version, kind: flags.kind, name: flags.name, namespace: flags.namespace, labelSelector: flags['label-selector'], annotationSelector: flags['annotation-selector']}}))
  }
}
