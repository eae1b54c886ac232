import {UserError, type ErrorOrigin} from '../../model/errors.js'
import {resIdOf, type Resource} from '../../model/resource.js'
import type {ResourceSet} from '../../model/resource-set.js'
import {applyFieldSpecs, gvkSelectedBy, type FieldSpec} from '../fieldspec.js'
import {sortFieldSpecs} from './labels-config.js'

/** One `replicas:` entry (kustomize's types.Replica; a missing count is 0). */
export interface ReplicaSpec {
  name: string
  count: number
}

// kustomize's replicas table (builtinpluginconsts/replicas.go), in its loaded (sorted) order,
// which is also the order the no-match error lists the kinds in.
export const replicasFieldSpecs: readonly FieldSpec[] = sortFieldSpecs([
  {path: 'spec/replicas', create: true, kind: 'Deployment'},
  {path: 'spec/replicas', create: true, kind: 'ReplicationController'},
  {path: 'spec/replicas', create: true, kind: 'ReplicaSet'},
  {path: 'spec/replicas', create: true, kind: 'StatefulSet'},
])

export interface ReplicasOptions {
  /** The configured replicas table (after `configurations:`); kustomize's by default. */
  fieldSpecs?: readonly FieldSpec[]
  /** Where the `replicas:` list was written; entry errors add `replicas[i]`. */
  origin?: ErrorOrigin
}

/**
 * `replicas:`. An entry selects every resource whose current or any previous name equals `name`
 * and whose kind a spec covers (so the name before a prefix/suffix still works), and sets
 * `spec/replicas`, creating it. An entry that selects nothing is an error, as in kustomize.
 * Mutates in place and returns the same set.
 */
export function replicasTransformer(replicas: readonly ReplicaSpec[], options: ReplicasOptions = {}): (set: ResourceSet) => ResourceSet {
  const specs = options.fieldSpecs ?? replicasFieldSpecs
  return (set) => {
    if (replicas.length === 0) return set
    const byName = indexByAnyName(set)
    replicas.forEach((rep, i) => {
      const candidates = byName.get(rep.name) ?? []
      let found = false
      for (const spec of specs) {
        const selected = candidates.filter((c) => c.gvks.some((g) => gvkSelectedBy(g, spec)))
        if (selected.length === 0) continue
        found = true
        // The filter re-checks the current GVK (kustomize's "redundant checks"): a match through
        // an earlier kind only counts toward `found`.
        for (const c of selected) applyFieldSpecs(c.r, [spec], (holder, key) => void (holder[key] = rep.count))
      }
      if (!found) {
        const gvks = specs.map((s) => `${s.kind || '[noKind]'}.${s.version || '[noVer]'}.${s.group || '[noGrp]'}`)
        throw new UserError(
          `resource with name ${rep.name} does not match a config with the following GVK [${gvks.join(' ')}]`,
          {...options.origin, field: `replicas[${i}]`},
          `Use the name of a ${[...new Set(specs.map((s) => s.kind).filter(Boolean))].join('/')} in this kustomization (before or after any namePrefix/nameSuffix).`,
        )
      }
    })
    return set
  }
}

interface Candidate {
  r: Resource
  /** Current and previous group/version/kind. */
  gvks: {group: string; version: string; kind: string}[]
}

/** Resources by every name they have had, so each entry is a lookup rather than a scan. */
function indexByAnyName(set: ResourceSet): Map<string, Candidate[]> {
  const byName = new Map<string, Candidate[]>()
  for (const r of set) {
    const ids = [...r.meta.previousIds, resIdOf(r.obj)]
    const perName = new Map<string, Candidate>()
    for (const id of ids) {
      let c = perName.get(id.name)
      if (!c) {
        c = {r, gvks: []}
        perName.set(id.name, c)
        const list = byName.get(id.name)
        if (list) list.push(c)
        else byName.set(id.name, [c])
      }
      c.gvks.push({group: id.group, version: id.version, kind: id.kind})
    }
  }
  return byName
}
