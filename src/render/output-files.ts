import type {ResourceSet} from '../model/resource-set.js'
import {isClusterScoped, resIdOf} from '../model/resource.js'
import {emitYaml} from './yaml/emit.js'

/** kustomize's `-o DIR` file name: lower-cased group_version_kind_name.yaml, prefixed by namespace when several. */
export function individualFileNames(set: ResourceSet): {name: string; yaml: string}[] {
  const namespaces = new Set<string>()
  for (const r of set) {
    const id = resIdOf(r.obj)
    if (!isClusterScoped(id.kind)) namespaces.add(id.namespace || 'default')
  }
  return set.toArray().map((r) => {
    const id = resIdOf(r.obj)
    const gvk = [id.group, id.version, id.kind].filter(Boolean).join('_')
    let name = `${gvk}_${id.name}`.toLowerCase() + '.yaml'
    if (!isClusterScoped(id.kind) && namespaces.size > 1) name = `${(id.namespace || 'default').toLowerCase()}_${name}`
    return {name, yaml: emitYaml(r.obj)}
  })
}
