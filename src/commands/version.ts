import {Flags} from '@oclif/core'
import {StrataCommand} from '../cli/base-command.js'
import {UserError} from '../model/errors.js'
import {kubeconfigFlags} from '../cli/cluster-flags.js'

export default class Version extends StrataCommand {
  static override summary = "Print strata's version and, when the cluster answers, the API server's."

  static override description =
    'Client: strata, Node.js and platform (as --version). Server: the gitVersion the API server of the kubeconfig context reports (GET /version), or why it could not be asked; ' +
    'an unreachable server is not an error here. Exit codes: 0 printed, 2 bad flags.'

  static override examples = [
    {description: 'Client and server', command: '<%= config.bin %> version'},
    {description: 'Client only (no request to a cluster)', command: '<%= config.bin %> version --client'},
    {description: 'As JSON, for another context', command: '<%= config.bin %> version --json --context prod'},
  ]

  static override flags = {
    ...kubeconfigFlags,
    client: Flags.boolean({description: "the client's version only; ask no server", default: false}),
    json: Flags.boolean({description: 'print one JSON document {"clientVersion": …, "serverVersion": …}', default: false}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Version)
    const client = {strata: this.config.version, node: process.version, platform: `${process.platform}/${process.arch}`}
    let server: {gitVersion: string; platform: string | null; address: string} | null = null
    let serverError: string | null = null
    if (!flags.client) {
      try {
        const {kubeCluster, serverVersionOf} = await import('../cluster/kube.js')
        const {defaultRetryPolicy} = await import('../cluster/retry.js')
        const answer = await serverVersionOf(await kubeCluster({kubeconfig: flags.kubeconfig, context: flags.context, retry: {...defaultRetryPolicy, attempts: 1}, timeoutMs: 5_000}))
        if (answer?.version) server = {gitVersion: String(answer.version.gitVersion ?? ''), platform: answer.version.platform ? String(answer.version.platform) : null, address: answer.server}
        else serverError = 'the API server did not say its version'
      } catch (e) {
        serverError = e instanceof UserError ? e.message : e instanceof Error ? e.message : String(e)
      }
    }
    if (flags.json) {
      process.stdout.write(`${JSON.stringify({clientVersion: client, serverVersion: server, ...(serverError ? {serverError} : {})}, null, 2)}\n`)
      return
    }
    const lines = [`Client Version: strata ${client.strata} (node ${client.node}, ${client.platform})`]
    if (server) lines.push(`Server Version: ${server.gitVersion}${server.platform ? ` (${server.platform})` : ''} at ${server.address}`)
    else if (serverError) lines.push(`Server Version: unknown (${serverError})`)
    process.stdout.write(`${lines.join('\n')}\n`)
  }
}
