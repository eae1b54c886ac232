// What a Service serves, read the way kube-proxy would: its EndpointSlices' Ready endpoints, each
// named by the image of the pod behind it. The blue/green tests watch the active Service with it.
import type {ClusterPort} from '../../../src/cluster/port.js'
import type {JsonObject} from '../../../src/model/json.js'
import {waitFor} from './cluster.js'

/** Ready endpoints of Service `svc`, by the image of the pod behind each ('unknown' when that pod is gone). */
export async function endpointImages(port: ClusterPort, ns: string, svc: string): Promise<Record<string, number>> {
  const slices = await port.list('discovery.k8s.io/v1', 'EndpointSlice', {namespace: ns, labelSelector: `kubernetes.io/service-name=${svc}`})
  const pods = new Map((await port.list('v1', 'Pod', {namespace: ns})).map((p) => [String((p.metadata as JsonObject).name), p]))
  const out: Record<string, number> = {}
  for (const s of slices) {
    for (const e of (s.endpoints ?? []) as JsonObject[]) {
      if ((e.conditions as JsonObject | undefined)?.ready === false) continue
      const pod = pods.get(String((e.targetRef as JsonObject | undefined)?.name))
      const image = pod ? String(((pod.spec as JsonObject).containers as JsonObject[])[0].image) : 'unknown'
      out[image] = (out[image] ?? 0) + 1
    }
  }
  return out
}

/** Waits until `svc` serves exactly `want` (image → Ready endpoints); the error says what it served last. */
export async function waitForEndpoints(port: ClusterPort, ns: string, svc: string, want: Record<string, number>): Promise<void> {
  let last: Record<string, number> = {}
  await waitFor(`${svc} endpoints ${JSON.stringify(want)}`, async () => {
    last = await endpointImages(port, ns, svc)
    return JSON.stringify(Object.entries(last).sort()) === JSON.stringify(Object.entries(want).sort())
  }, {timeoutMs: 60_000, intervalMs: 300}).catch((err) => {
    throw new Error(`${(err as Error).message}; last: ${JSON.stringify(last)}`)
  })
}

/** The names of the Deployments in `ns`, sorted. */
export async function deploymentNames(port: ClusterPort, ns: string): Promise<string[]> {
  return (await port.list('apps/v1', 'Deployment', {namespace: ns})).map((d) => String((d.metadata as JsonObject).name)).sort()
}
