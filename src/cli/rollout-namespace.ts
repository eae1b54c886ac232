// The namespace `rollout status|resume|abort` act in (locateRollout), saying so on stderr when it
// was found by searching: the user typed no namespace and should see which one was used.
import type {ClusterPort} from '../cluster/port.js'
import {locateRollout} from '../rollout/locate.js'

export async function rolloutNamespace(cluster: ClusterPort, app: string, flag: string | undefined): Promise<string> {
  const located = await locateRollout(cluster, app, flag)
  if (located.from === 'search') process.stderr.write(`rollout of ${app} found in namespace ${located.namespace} (none in ${cluster.defaultNamespace}, the kubeconfig's)\n`)
  return located.namespace
}
