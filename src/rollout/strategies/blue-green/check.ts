// The blue/green Services checked against the cluster before anything changes: each Service a
// blue/green Deployment names must be rendered with it or exist live, and must select the
// Deployment's pods. A rendered Service wins over the live one: it is what the apply will leave.
import type {ClusterPort} from '../../../cluster/port.js'
import {isObject, type JsonObject} from '../../../model/json.js'
import {resIdOf, type Resource} from '../../../model/resource.js'
import {checkServices, readBlueGreenSpec} from './spec.js'

/** `defaultNamespace`: where objects that name no namespace land (-n, else the context's). Throws UserError. */
export async function checkBlueGreenServices(cluster: ClusterPort, resources: readonly Resource[], defaultNamespace: string): Promise<void> {
  const nsOf = (obj: JsonObject) => (isObject(obj.metadata) && typeof obj.metadata.namespace === 'string' && obj.metadata.namespace) || defaultNamespace
  const rendered = new Map<string, JsonObject>()
  for (const r of resources) if (r.obj.kind === 'Service' && r.obj.apiVersion === 'v1') rendered.set(`${nsOf(r.obj)}/${resIdOf(r.obj).name}`, r.obj)
  for (const r of resources) {
    const rid = resIdOf(r.obj)
    if (rid.kind !== 'Deployment' || rid.group !== 'apps') continue
    const ns = nsOf(r.obj)
    const origin = {file: r.origin.file, describe: `Deployment ${ns}/${rid.name}`}
    const spec = readBlueGreenSpec(r.obj, origin)
    if (!spec) continue
    const found = new Map<string, JsonObject | undefined>()
    for (const name of [spec.activeService, spec.previewService]) {
      if (name === undefined) continue
      found.set(name, rendered.get(`${ns}/${name}`) ?? (await cluster.get({apiVersion: 'v1', kind: 'Service', namespace: ns, name})))
    }
    checkServices(spec, r.obj, origin, (name) => found.get(name))
  }
}
