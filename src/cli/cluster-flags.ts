// Which cluster a command talks to, spelled as kubectl spells it; one definition for every
// command that reaches a cluster so the help and the defaults cannot drift apart.
import {Flags} from '@oclif/core'

export const kubeconfigFlags = {
  kubeconfig: Flags.string({description: 'kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)'}),
  context: Flags.string({description: 'kubeconfig context to use instead of the current one'}),
}
