import {Args} from '@oclif/core'
import {StrataCommand} from '../cli/base-command.js'
import {completionScript, completionShells, type CompletionCommand, type CompletionShell} from '../cli/completion-script.js'

export default class Completion extends StrataCommand {
  static override summary = 'Print the shell completion script for bash, zsh or fish (commands, topics, flags, flag values).'

  static override description =
    'Completes command names, topics and their commands (`strata rollout st<TAB>`), every flag of the command typed so far, fixed flag values (`-o yaml|json`) and paths for directories. ' +
    'The script is static (a TAB never starts node): regenerate it after upgrading strata. Exit codes: 0 printed, 2 unknown shell.'

  static override examples = [
    {description: 'bash: load it in every new shell', command: "echo 'source <(<%= config.bin %> completion bash)' >> ~/.bashrc"},
    {description: 'zsh: write it once into a directory of $fpath', command: '<%= config.bin %> completion zsh > "${fpath[1]}/_<%= config.bin %>"'},
    {description: 'fish', command: '<%= config.bin %> completion fish > ~/.config/fish/completions/<%= config.bin %>.fish'},
  ]

  static override args = {
    shell: Args.string({description: 'the shell to complete for', required: true, options: [...completionShells]}),
  }

  async run(): Promise<void> {
    const {args} = await this.parse(Completion)
    const commands: CompletionCommand[] = this.config.commands
      .filter((c) => !c.hidden)
      .map((c) => ({
        id: c.id.replaceAll(':', ' '),
        summary: c.summary ?? c.description,
        argOptions: Object.values(c.args)[0]?.options,
        flags: Object.values(c.flags)
          .filter((f) => !f.hidden)
          .map((f) => ({name: f.name, char: f.char, takesValue: f.type === 'option', options: f.type === 'option' ? f.options : undefined, summary: f.summary ?? f.description}))
          // oclif answers --help on every command without declaring it.
          .concat(c.flags.help ? [] : [{name: 'help', char: undefined, takesValue: false, options: undefined, summary: 'show this command\'s help'}]),
      }))
    const topics = Object.fromEntries(this.config.topics.filter((t) => !t.hidden).map((t) => [t.name.replaceAll(':', ' '), t.description ?? '']))
    process.stdout.write(completionScript(args.shell as CompletionShell, {bin: this.config.bin, commands, topics}))
  }
}
