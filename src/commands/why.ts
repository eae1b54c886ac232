import {Args, Flags} from '@oclif/core'
import {StrataCommand} from '../cli/base-command.js'
import {renderFlags, renderOptionsFrom} from '../cli/render-flags.js'
import {jsonText} from '../diff/format-json.js'
import {UserError} from '../model/errors.js'
import {runWhy} from '../render/provenance/why.js'
import {formatWhyText} from '../ui/why-text.js'
import * as fs from 'node:fs'

export default class Why extends StrataCommand {
  static override summary = 'Show where each field of a rendered object came from: the resource line, then every patch, generator and transformer that changed it.'

  static override description =
    'Renders DIR while recording, step by step, what each layer changed; then, for every field of the rendered object (or those at FIELD), prints the chain of layers that set or changed it, last first: ' +
    'the resource file and line it was read from (or the generator that made it), then each patch (file and index in patches:), transformer (namespace, namePrefix/nameSuffix, labels, commonAnnotations, images, replicas, replacements) ' +
    'and build step (hash suffix of generated names, name references rewritten after a rename) with the value before and after. ' +
    'OBJECT is KIND/NAME or KIND/NAMESPACE/NAME as rendered (after prefixes and hash suffixes). FIELD is written spec.template.spec.containers[name=web].image, spec.ports[0] or metadata.labels["app.kubernetes.io/name"]; a map or list shows every field under it. ' +
    'Recording costs a snapshot per step and is only done here: `strata render` does not pay for it. Exit codes: 0 shown, 2 error (no such object or field, render error).'

  static override examples = [
    {description: 'Every field of a Deployment', command: '<%= config.bin %> why overlays/prod Deployment/prod-web'},
    {description: 'Who set the image of one container', command: "<%= config.bin %> why overlays/prod Deployment/shop/prod-web 'spec.template.spec.containers[name=web].image'"},
    {description: 'A generated ConfigMap: its hashed name and data', command: '<%= config.bin %> why overlays/prod ConfigMap/prod-app-config-5g4b2kkf8h metadata.name'},
    {description: 'As JSON', command: '<%= config.bin %> why overlays/prod Deployment/prod-web spec.replicas --json'},
  ]

  static override args = {
    dir: Args.string({description: 'directory holding kustomization.yaml', required: true}),
    object: Args.string({description: 'KIND/NAME or KIND/NAMESPACE/NAME of a rendered object', required: true}),
    field: Args.string({description: 'a field path (default: every field)'}),
  }

  static override flags = {
    json: Flags.boolean({description: 'print one JSON document: object, field, fields [{path, value, layers [{by, change, file, line, entry, entryFile, entryLine, before, after, note}]}]', default: false}),
    ...renderFlags,
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Why)
    if (!fs.existsSync(args.dir) || !fs.statSync(args.dir).isDirectory()) {
      throw new UserError(`'${args.dir}' is not a directory`, {file: args.dir}, 'Pass the directory that holds kustomization.yaml.')
    }
    const report = await runWhy({dir: args.dir, target: args.object, field: args.field, cwd: process.cwd(), render: renderOptionsFrom(flags)})
    process.stdout.write(flags.json ? jsonText(report) : formatWhyText(report))
  }
}
