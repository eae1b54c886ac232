import {Flags} from '@oclif/core'
import {StrataCommand} from '../cli/base-command.js'
import {renderFlags, renderOptionsFrom} from '../cli/render-flags.js'
import {revisionFlags, rootsArgs} from '../cli/revision-flags.js'
import {formatPreviewJson, formatPreviewMarkdown, formatPreviewText, githubCommentLimit, type PreviewFormat} from '../preview/format.js'
import {previewExitCode, runPreview} from '../preview/run.js'
import {defaultCacheDir} from '../source/git-cache.js'
import {writeFileAtomic} from '../source/write-file.js'
import {makeTheme, wantsColor} from '../ui/theme.js'

export default class Preview extends StrataCommand {
  static override summary = 'Show what a change does to the rendered output of every root it touches, object by object.'

  static override description =
    'For each root `strata affected` lists, renders the merge base of --base and the head (the work tree unless --head is given) and compares them: objects added, removed, and changed (a unified diff of the YAML), with a summary table (root, +, ~, −). ' +
    'Secret data is masked exactly as `strata diff` masks it, in every format, unless --show-secrets. ' +
    '--format markdown is ready to post as a pull-request comment: a summary first, one collapsible section per root, cut at GitHub\'s 65 536-character limit with a pointer to the full report that --output FILE writes. ' +
    'The base side is read from git objects (the work tree is never touched); renders run in parallel on every core and share the remote-base cache. ' +
    'Exit codes: 0 no change, 1 changes, 2 error (a root that fails to render on the head side is an error naming it and the file; one that failed on the base side and renders on the head side is a change).'

  static override examples = [
    {description: 'What a pull request changes, in the terminal', command: '<%= config.bin %> preview --base origin/main'},
    {description: 'A pull-request comment, with the full report kept as a file', command: '<%= config.bin %> preview --base origin/main --head HEAD --format markdown --output preview-full.md > comment.md'},
    {description: 'One root, as JSON for a bot', command: '<%= config.bin %> preview --base origin/main clusters/prod --format json'},
  ]

  static override strict = false

  static override args = rootsArgs

  static override flags = {
    ...revisionFlags,
    format: Flags.string({description: 'text (terminal), markdown (pull-request comment) or json', options: ['text', 'markdown', 'json'], default: 'text'}),
    json: Flags.boolean({description: 'the same as --format json', default: false}),
    output: Flags.string({char: 'o', description: 'also write the full report (never cut) to FILE, in the chosen format'}),
    'show-secrets': Flags.boolean({description: 'print Secret data values instead of masking them', default: false}),
    color: Flags.boolean({description: 'color the text output (default: when stdout is a terminal)', allowNo: true}),
    ...renderFlags,
  }

  async run(): Promise<void> {
    const {argv, flags} = await this.parse(Preview)
    const format = (flags.json ? 'json' : flags.format) as PreviewFormat
    const report = await runPreview({
      cwd: process.cwd(),
      base: flags.base,
      head: flags.head,
      roots: argv as string[],
      render: renderOptionsFrom(flags),
      cacheDir: flags['cache-dir'] ?? defaultCacheDir(),
      showSecrets: flags['show-secrets'],
    })
    const print = (full: boolean): string => {
      if (format === 'json') return formatPreviewJson(report)
      if (format === 'markdown') return formatPreviewMarkdown(report, full ? {} : {limit: githubCommentLimit, fullReport: flags.output})
      return formatPreviewText(report, makeTheme(!full && wantsColor(flags.color, process.stdout)))
    }
    if (flags.output) writeFileAtomic(flags.output, print(true))
    process.stdout.write(print(false))
    process.exitCode = previewExitCode(report)
  }
}
