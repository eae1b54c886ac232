import type {ResId, Resource} from '../../model/resource.js'
import {splitApiVersion} from '../../model/resource.js'

type Gvk = Pick<ResId, 'group' | 'version' | 'kind'>

// kustomize rebuilds previous ids from its build annotations with the *current* apiVersion and
// the previous kind, so a previous id never differs from the current one in group or version.
function currentGroupVersion(r: Resource): {group: string; version: string} {
  return splitApiVersion(typeof r.obj.apiVersion === 'string' ? r.obj.apiVersion : '')
}

function currentKind(r: Resource): string {
  return typeof r.obj.kind === 'string' ? r.obj.kind : ''
}

/** kustomize's OrgId gvk: the first previous id's kind, or the current one. */
export function originalGvk(r: Resource): Gvk {
  const first = r.meta.previousIds[0]
  const gv = currentGroupVersion(r)
  return {group: gv.group, version: gv.version, kind: first ? first.kind : currentKind(r)}
}

/** The gvk of each previous id, oldest first (kustomize's PrevIds; the current id is not included). */
/** kustomize's Gvk.IsSelected: empty selector fields match anything. */
export function gvkSelected(x: Gvk, selector: Gvk): boolean {
  return (!selector.kind || selector.kind === x.kind) && (!selector.group || selector.group === x.group) && (!selector.version || selector.version === x.version)
}

export function previousGvks(r: Resource): Gvk[] {
  const gv = currentGroupVersion(r)
  return r.meta.previousIds.map((id) => ({group: gv.group, version: gv.version, kind: id.kind}))
}
