import {Args, loadHelpClass} from '@oclif/core'
import {StrataCommand} from '../cli/base-command.js'

export default class Help extends StrataCommand {
  static override summary = 'Show help for strata or for one of its commands (as --help does).'

  static override examples = [
    {description: 'Every command', command: '<%= config.bin %> help'},
    {description: 'One command', command: '<%= config.bin %> help apply'},
    {description: 'A command of a topic', command: '<%= config.bin %> help rollout status'},
  ]

  static override strict = false

  static override args = {
    command: Args.string({description: 'the command (or topic) to explain, e.g. apply or rollout status', required: false}),
  }

  async run(): Promise<void> {
    const {argv} = await this.parse(Help)
    const HelpClass = await loadHelpClass(this.config)
    await new HelpClass(this.config, this.config.pjson.oclif.helpOptions ?? {}).showHelp(argv as string[])
  }
}
