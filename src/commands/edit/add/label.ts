import {Args, Flags} from '@oclif/core'
import {StrataCommand} from '../../../cli/base-command.js'
import {editFlags, runEdit} from '../../../cli/edit-command.js'
import {addMetadata, parsePairs} from '../../../edit/metadata.js'

export default class EditAddLabel extends StrataCommand {
  static override summary = 'Add labels to the kustomization: commonLabels, or labels without selectors (as kustomize edit add label).'

  static override description = 'One KEY:VALUE pair per argument, as kustomize edit takes them (a comma belongs to the value; one pair of double quotes around a value is dropped). They go to commonLabels (which also sets selectors), or with --without-selector to a labels entry that leaves selectors alone (--include-templates: pod templates too). A key already set is refused unless --force. Exit codes: 0 written, 2 invalid label, key present, or no kustomization. Comments, key order and formatting of the file are kept; the file is written atomically.'

  static override examples = [
    {description: 'Label everything', command: '<%= config.bin %> edit add label team:payments tier:backend'},
    {description: 'Without touching selectors', command: '<%= config.bin %> edit add label release:2026-12 --without-selector'},
  ]

  static override strict = false

  static override args = {
    labels: Args.string({description: 'KEY:VALUE (one pair per argument)', required: true}),
  }

  static override flags = {
    ...editFlags,
    force: Flags.boolean({char: 'f', description: 'overwrite a label that is already set', default: false}),
    'without-selector': Flags.boolean({description: 'add to labels (selectors untouched) instead of commonLabels', default: false}),
    'include-templates': Flags.boolean({description: 'with --without-selector: label pod templates too', default: false, dependsOn: ['without-selector']}),
  }

  async run(): Promise<void> {
    const {argv, flags} = await this.parse(EditAddLabel)
    runEdit(flags, (k) => addMetadata(k.doc, 'label', parsePairs(argv.map(String), 'label'), {force: flags.force, withoutSelector: flags['without-selector'], includeTemplates: flags['include-templates']}))
  }
}
