import {Args, Flags} from '@oclif/core'
import {StrataCommand} from '../cli/base-command.js'
import {renderFlags} from '../cli/render-flags.js'
import {holdYoungGeneration} from '../cli/render-heap.js'
import {runRender} from '../cli/run-render.js'

export default class Render extends StrataCommand {
  static override summary = 'Render a kustomize tree into final YAML, byte-identical to `kustomize build`.'

  static override description =
    "Reads DIR's kustomization (resources, bases, overlays, components, generators, patches, replacements, ...) and prints the rendered resources. " +
    'The output is identical to `kubectl kustomize DIR` for every supported field; a field strata does not support yet stops the render with an error instead of rendering differently. ' +
    'Deprecation warnings go to stderr, worded as kustomize prints them. Exit codes: 0 rendered, 2 error (nothing is written to -o on error). ' +
    'A slow render to stdout leaves a render server behind (not in CI) that answers the next calls without Node\'s warm-up; every call still renders the files as they are then. STRATA_RENDER_SERVER=off: never.'

  static override examples = [
    {description: 'Render an overlay to stdout', command: '<%= config.bin %> render examples/shop/overlays/prod'},
    {description: 'Write one file', command: '<%= config.bin %> render overlays/prod -o prod.yaml'},
    {description: 'As JSON (one List), for jq', command: '<%= config.bin %> render overlays/prod -o json'},
    {description: 'Write one file per resource (kustomize naming: group_version_kind_name.yaml)', command: '<%= config.bin %> render overlays/prod -o out/'},
    {description: 'Allow files outside the kustomization root', command: '<%= config.bin %> render overlays/prod --load-restrictor none'},
    {description: 'Render remote bases from the cache only (no git or network)', command: '<%= config.bin %> render overlays/prod --offline'},
    {description: 'Inflate helmCharts with a helm v3 binary of your choice', command: '<%= config.bin %> render overlays/prod --enable-helm --helm-command /usr/local/bin/helm'},
    {description: 'Render in this process only (no render server)', command: 'STRATA_RENDER_SERVER=off <%= config.bin %> render overlays/prod'},
  ]

  static override args = {
    dir: Args.string({description: 'directory holding kustomization.yaml', default: '.'}),
  }

  static override flags = {
    output: Flags.string({char: 'o', description: 'yaml (the default) or json (one List, as kubectl -o json) to stdout; or write to FILE (a path with a / or an extension, e.g. prod.yaml), or one file per resource into DIR/ (a path ending in /, or an existing directory)'}),
    ...renderFlags,
    quiet: Flags.boolean({char: 'q', description: 'do not print warnings', default: false}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Render)
    holdYoungGeneration()
    await runRender(args.dir, flags)
  }
}
