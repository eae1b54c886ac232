// The flags that keep an apply inside its lane, shared by every command that writes to a cluster
// (apply, diff --plan, sync, watch) so a tenant's limits read the same everywhere.
import {Flags} from '@oclif/core'
import {UserError} from '../model/errors.js'
import type {ScopePolicy} from '../rollout/scope.js'

export const scopeFlags = {
  'allow-namespaces': Flags.string({description: 'refuse (before any change) objects outside these namespaces, comma-separated; objects without a namespace count as the kubeconfig namespace', delimiter: ',', multiple: true}),
  'allow-cluster-scoped': Flags.boolean({description: 'allow cluster-scoped objects (Namespace, ClusterRole, CRD, ...); --no-allow-cluster-scoped or --allow-cluster-scoped=false refuses them before any change', default: true, allowNo: true}),
}

export interface ScopeFlagValues {
  'allow-namespaces'?: string[]
  'allow-cluster-scoped': boolean
}

// RFC 1123 label, as the API server requires of a namespace name.
const namespaceName = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/

export function scopePolicyFrom(flags: ScopeFlagValues): ScopePolicy {
  const list = flags['allow-namespaces']?.map((n) => n.trim()).filter((n) => n !== '')
  for (const n of list ?? []) {
    if (n.length > 63 || !namespaceName.test(n)) throw new UserError(`'${n}' is not a namespace name`, {field: '--allow-namespaces'}, 'Pass namespace names separated by commas, e.g. --allow-namespaces team-a,team-a-jobs.')
  }
  return {allowNamespaces: flags['allow-namespaces'] === undefined ? undefined : list, allowClusterScoped: flags['allow-cluster-scoped']}
}

/**
 * oclif booleans take no value; `--allow-cluster-scoped=false` is how the flag is spelled in the
 * issue and in Go tools. Pass a command's argv through this before `this.parse(Command, argv)`.
 */
export function scopeArgv(argv: readonly string[]): string[] {
  return argv.map((a) => (a === '--allow-cluster-scoped=false' ? '--no-allow-cluster-scoped' : a === '--allow-cluster-scoped=true' ? '--allow-cluster-scoped' : a))
}
