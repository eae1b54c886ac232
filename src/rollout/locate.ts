// Which namespace an app's rollout lives in when `rollout status|resume|abort NAME` is given no -n.
// kubectl's rule first (the kubeconfig context's namespace); when that has no rollout of NAME,
// one LIST of state Secrets by label across namespaces instead of a GET per namespace. Exactly one
// match is used; several are refused naming each, since acting on the wrong app is worse than asking.
import {ClusterError} from '../cluster/errors.js'
import type {ClusterPort} from '../cluster/port.js'
import {rolloutOfLabel, rolloutStateName} from '../cluster/state-store.js'
import {UserError} from '../model/errors.js'
import {isObject} from '../model/json.js'

export interface LocatedRollout {
  namespace: string
  /** How it was found: named with -n, in the kubeconfig's namespace, or by the cross-namespace LIST. */
  from: 'flag' | 'kubeconfig' | 'search'
}

export async function locateRollout(cluster: ClusterPort, app: string, namespaceFlag: string | undefined): Promise<LocatedRollout> {
  if (namespaceFlag !== undefined) return {namespace: namespaceFlag, from: 'flag'}
  const home = cluster.defaultNamespace
  const name = rolloutStateName(app)
  if (await cluster.get({apiVersion: 'v1', kind: 'Secret', name, namespace: home})) return {namespace: home, from: 'kubeconfig'}
  let found: string[]
  try {
    const secrets = await cluster.list('v1', 'Secret', {labelSelector: `${rolloutOfLabel}=${app}`})
    found = secrets
      .map((s) => (isObject(s.metadata) ? s.metadata : {}))
      .filter((md) => md.name === name && typeof md.namespace === 'string')
      .map((md) => md.namespace as string)
      .sort()
  } catch (err) {
    if (err instanceof ClusterError && (err.status === 403 || err.status === 401)) {
      throw new UserError(
        `no rollout of app '${app}' in namespace ${home} (the kubeconfig's), and listing Secrets across namespaces is forbidden`,
        {field: '-n'},
        `Pass the namespace of its applyset Secret: strata rollout … ${app} -n NAMESPACE.`,
      )
    }
    throw err
  }
  if (found.length === 1) return {namespace: found[0], from: 'search'}
  if (found.length === 0) {
    throw new UserError(`no rollout of app '${app}' in namespace ${home} (the kubeconfig's) nor in any other namespace`, {field: 'NAME'}, 'Check the app name; `strata list` shows every app.')
  }
  throw new UserError(
    `app '${app}' has a rollout in ${found.length} namespaces (${found.join(', ')}) and none in ${home} (the kubeconfig's): say which`,
    {field: '-n'},
    `Pass one of: ${found.map((ns) => `-n ${ns}`).join(', ')}.`,
  )
}
