import {Args, Flags} from '@oclif/core'
import {StrataCommand} from '../cli/base-command.js'
import {renderFlags, renderOptionsFrom} from '../cli/render-flags.js'
import {jsonText} from '../diff/format-json.js'
import {runLint} from '../lint/run-lint.js'
import {ExitCode} from '../model/exit-codes.js'
import {defaultCacheDir} from '../source/git-cache.js'
import {formatLintText} from '../ui/lint-text.js'

export default class Lint extends StrataCommand {
  static override summary = 'Find overlay entries that went stale: patches that match or change nothing, patches that fight, dead images:/replicas:, resources listed twice.'

  static override description =
    'Renders DIR while watching every step, and reports: patches (strategic merge, JSON 6902) and replacement targets whose selector matches no object (kustomize builds anyway); ' +
    'patches that change nothing because the object already has every value they set (dead after a base changed), and patch fields that only repeat what is already there; ' +
    'two patches of one kustomization that set the same field to different values (the later wins); images: entries that match no container image or change nothing; ' +
    'replicas: entries whose count is already there; a file or directory listed twice in one build. ' +
    'Each finding names the kustomization file, the entry (patches[1], images[0], ...) and what to do. ' +
    'With --base REF only findings the change introduced are reported (the merge base of REF and HEAD against the work tree; a root none of whose inputs changed has none). ' +
    'Exit codes: 0 no findings, 1 findings, 2 error (a render error no finding explains, bad flags).'

  static override examples = [
    {description: 'Lint an overlay', command: '<%= config.bin %> lint overlays/prod'},
    {description: 'Only what this branch introduced, for a pull-request check', command: '<%= config.bin %> lint overlays/prod --base origin/main'},
    {description: 'As JSON (findings with rule, file, field, message, fix)', command: '<%= config.bin %> lint overlays/prod --json'},
  ]

  static override args = {
    dir: Args.string({description: 'directory holding kustomization.yaml', default: '.'}),
  }

  static override flags = {
    base: Flags.string({description: 'report only findings not already present at the merge base of this git ref and HEAD'}),
    json: Flags.boolean({description: 'print one JSON document: dir, base, findings (rule, file, field, message, fix, object, paths), count', default: false}),
    ...renderFlags,
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Lint)
    const report = await runLint({dir: args.dir, cwd: process.cwd(), render: renderOptionsFrom(flags), base: flags.base, cacheDir: flags['cache-dir'] ?? defaultCacheDir()})
    // Every finding with the same keys, absent ones null, so a script can read them without checks.
    const findings = report.findings.map((f) => ({...f, object: f.object ?? null, paths: f.paths ?? null}))
    if (flags.json) process.stdout.write(jsonText({...report, findings, count: findings.length}))
    else process.stdout.write(formatLintText(report))
    // Set rather than this.exit() (which throws): 1 is an answer here, not an error.
    process.exitCode = report.findings.length ? ExitCode.diff : ExitCode.ok
  }
}
