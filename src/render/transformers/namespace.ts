import {UserError} from '../../model/errors.js'
import {isObject, type JsonObject} from '../../model/json.js'
import type {ResourceSet} from '../../model/resource-set.js'
import {isClusterScoped, resIdOf, type Resource} from '../../model/resource.js'
import {fieldSpecMatches, visitFieldPath, type FieldSpec} from '../fieldspec.js'
import {defaultNamespaceFieldSpecs, RoleBindingSubjectMode} from './namespace-config.js'

export interface NamespaceOptions {
  namespace: string
  /** Where else the namespace goes; defaults to kustomize's table. Pass `[]` for a NamespaceTransformer plugin config without fieldSpecs. */
  fieldSpecs?: readonly FieldSpec[]
  /** Only fill namespace fields that are missing or empty. */
  unsetOnly?: boolean
  setRoleBindingSubjects?: RoleBindingSubjectMode
  /** File the options came from, for error messages. */
  origin?: string
}

const modes = new Set<string>(Object.values(RoleBindingSubjectMode))

/**
 * kustomize's NamespaceTransformer, in place. Every resource gets its current id recorded as a
 * previous id, renamed or not, as kustomize does: name references then also resolve through
 * unchanged names, which is how RoleBinding subjects pick up the new namespace.
 */
export function namespaceTransformer(options: NamespaceOptions): (set: ResourceSet) => ResourceSet {
  const mode = options.setRoleBindingSubjects ?? RoleBindingSubjectMode.defaultOnly
  if (!modes.has(mode)) {
    throw new UserError(
      `invalid value "${mode}" for setRoleBindingSubjects`,
      {file: options.origin, field: 'setRoleBindingSubjects'},
      `Use one of "defaultOnly", "none" or "allServiceAccounts".`,
    )
  }
  const specs = (options.fieldSpecs ?? defaultNamespaceFieldSpecs).filter((fs) => fs.path !== 'metadata/namespace')
  // Only v1 Namespaces may be renamed by a metadata/name spec; other kinds called Namespace stay.
  const specsForOtherApiVersions = specs.filter((fs) => fs.path !== 'metadata/name')
  const rbSpecs = specs.filter((fs) => !(isRoleBindingKind(fs.kind) && fs.path === 'subjects/namespace'))
  const rbSpecsForOtherApiVersions = specsForOtherApiVersions.filter((fs) => !(isRoleBindingKind(fs.kind) && fs.path === 'subjects/namespace'))

  return (set) => {
    if (!options.namespace) return set
    const setValue = (holder: JsonObject, key: string, r: Resource, field: string) => {
      const cur = holder[key]
      if (isObject(cur) || Array.isArray(cur)) {
        throw new UserError(`namespace field specs must target scalar nodes: ${field} is not a scalar`, {file: r.origin.file, field}, 'Fix the field spec path in your namespace configuration.')
      }
      if (options.unsetOnly && cur !== undefined && cur !== null && cur !== '') return
      holder[key] = options.namespace
    }
    for (const r of set) {
      const obj = r.obj
      if (Object.keys(obj).length === 0) continue
      r.meta.previousIds.push(resIdOf(obj))
      const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : ''
      const kind = typeof obj.kind === 'string' ? obj.kind : ''
      if (!isClusterScoped(kind, apiVersion)) visitFieldPath(obj, 'metadata/namespace', true, (h, k) => setValue(h, k, r, 'metadata.namespace'))
      let list = apiVersion === 'v1' ? specs : specsForOtherApiVersions
      if (isRoleBindingKind(kind)) {
        list = apiVersion === 'v1' ? rbSpecs : rbSpecsForOtherApiVersions
        setSubjectNamespaces(obj, mode, (h, k) => setValue(h, k, r, 'subjects.namespace'))
      }
      const id = resIdOf(obj)
      for (const fs of list) {
        if (fieldSpecMatches(fs, id)) visitFieldPath(obj, fs.path, fs.create === true, (h, k) => setValue(h, k, r, fs.path))
      }
    }
    set.reindex()
    return set
  }
}

function isRoleBindingKind(kind: string | undefined): boolean {
  return kind === 'RoleBinding' || kind === 'ClusterRoleBinding'
}

function setSubjectNamespaces(obj: JsonObject, mode: RoleBindingSubjectMode, set: (holder: JsonObject, key: string) => void): void {
  if (mode === RoleBindingSubjectMode.none || !Array.isArray(obj.subjects)) return
  for (const subject of obj.subjects) {
    if (!isObject(subject)) continue
    const selected = mode === RoleBindingSubjectMode.allServiceAccounts ? subject.kind === 'ServiceAccount' : subject.name === 'default'
    if (selected) set(subject, 'namespace')
  }
}
