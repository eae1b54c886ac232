import * as fs from 'node:fs'
import * as path from 'node:path'
import {Args, Flags} from '@oclif/core'
import {StrataCommand} from '../cli/base-command.js'
import {UserError} from '../model/errors.js'
import {renderKustomization} from '../render/index.js'
import {renderFlags, renderOptionsFrom} from '../cli/render-flags.js'
import {individualFileNames} from '../render/output-files.js'
import {writeFileAtomic} from '../source/write-file.js'

export default class Render extends StrataCommand {
  static override summary = 'Render a kustomize tree into final YAML, byte-identical to `kustomize build`.'

  static override description =
    "Reads DIR's kustomization (resources, bases, overlays, components, generators, patches, replacements, ...) and prints the rendered resources. " +
    'The output is identical to `kubectl kustomize DIR` for every supported field; a field strata does not support yet stops the render with an error instead of rendering differently. ' +
    'Deprecation warnings go to stderr, worded as kustomize prints them. Exit codes: 0 rendered, 2 error (nothing is written to -o on error).'

  static override examples = [
    {description: 'Render an overlay to stdout', command: '<%= config.bin %> render examples/shop/overlays/prod'},
    {description: 'Write one file', command: '<%= config.bin %> render overlays/prod -o prod.yaml'},
    {description: 'Write one file per resource (kustomize naming: group_version_kind_name.yaml)', command: '<%= config.bin %> render overlays/prod -o out/'},
    {description: 'Allow files outside the kustomization root', command: '<%= config.bin %> render overlays/prod --load-restrictor none'},
    {description: 'Render remote bases from the cache only (no git or network)', command: '<%= config.bin %> render overlays/prod --offline'},
    {description: 'Inflate helmCharts with a helm v3 binary of your choice', command: '<%= config.bin %> render overlays/prod --enable-helm --helm-command /usr/local/bin/helm'},
  ]

  static override args = {
    dir: Args.string({description: 'directory holding kustomization.yaml', default: '.'}),
  }

  static override flags = {
    output: Flags.string({char: 'o', description: 'write to FILE, or one file per resource into DIR/ (an existing directory or a path ending in /)'}),
    ...renderFlags,
    quiet: Flags.boolean({char: 'q', description: 'do not print warnings', default: false}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Render)
    const dir = args.dir
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
      throw new UserError(`'${dir}' is not a directory`, {file: dir}, 'Pass the directory that holds kustomization.yaml.')
    }
    const result = await renderKustomization(dir, {
      ...renderOptionsFrom(flags),
      onWarning: flags.quiet ? undefined : (m) => process.stderr.write(`# Warning: ${m}\n`),
    })
    // Everything is rendered before anything is written: a failed render never leaves partial output.
    const out = flags.output
    if (!out) {
      process.stdout.write(result.yaml)
      return
    }
    const isDir = out.endsWith('/') || out.endsWith(path.sep) || (fs.existsSync(out) && fs.statSync(out).isDirectory())
    if (!isDir) {
      writeFileAtomic(out, result.yaml)
      return
    }
    fs.mkdirSync(out, {recursive: true})
    for (const f of individualFileNames(result.resources)) writeFileAtomic(path.join(out, f.name), f.yaml)
  }
}
