import {Flags} from '@oclif/core'
import {StrataCommand} from '../cli/base-command.js'
import {renderFlags, renderOptionsFrom} from '../cli/render-flags.js'
import {revisionFlags, rootsArgs} from '../cli/revision-flags.js'
import {jsonText} from '../diff/format-json.js'
import {defaultCacheDir} from '../source/git-cache.js'
import {runAffected} from '../preview/run.js'

export default class Affected extends StrataCommand {
  static override summary = 'List the kustomization roots whose inputs changed between the merge base of --base and the head.'

  static override description =
    'Compares the merge base of --base and HEAD (or --head) with the head: the work tree, uncommitted changes included, unless --head is given. ' +
    'A root is listed when a file its render reads changed: resources, bases, components, patches, generator files and env files, replacement sources, configurations/crds/openapi files, helm values and charts, or a remote base\'s URL or ref. ' +
    'Roots are those given, else the apps of strata.yaml at the top of the repository, else every kustomization that no other kustomization includes. ' +
    'Paths are printed one per line, relative to the repository top; a root new on the head side is printed as `PATH (new)`, a deleted one as `PATH (deleted)`. ' +
    'Which files each root reads is remembered under the cache directory by content hash, so most runs render nothing; roots nobody remembers are rendered once (in parallel) to learn it. ' +
    'The base side is read from git objects: the work tree is never touched. Exit codes: 0 answered (whether or not roots are listed), 2 error.'

  static override examples = [
    {description: 'Roots a pull request touches (in its work tree)', command: '<%= config.bin %> affected --base origin/main'},
    {description: 'Between two commits, as a JSON document for a CI matrix', command: '<%= config.bin %> affected --base origin/main --head HEAD --json'},
    {description: 'Only among some roots', command: '<%= config.bin %> affected --base origin/main clusters/prod clusters/staging'},
  ]

  static override strict = false

  static override args = rootsArgs

  static override flags = {
    ...revisionFlags,
    json: Flags.boolean({description: 'print one JSON document: base, head, and per root its path, status (changed, added, deleted) and the changed inputs', default: false}),
    ...renderFlags,
  }

  async run(): Promise<void> {
    const {argv, flags} = await this.parse(Affected)
    const report = await runAffected({
      cwd: process.cwd(),
      base: flags.base,
      head: flags.head,
      roots: argv as string[],
      render: renderOptionsFrom(flags),
      cacheDir: flags['cache-dir'] ?? defaultCacheDir(),
    })
    if (flags.json) {
      process.stdout.write(jsonText({...report, paths: report.roots.map((r) => r.path)}))
      return
    }
    for (const r of report.roots) process.stdout.write(`${r.path}${r.status === 'added' ? ' (new)' : r.status === 'deleted' ? ' (deleted)' : ''}\n`)
  }
}
