import type {ResourceSet} from '../../model/resource-set.js'
import type {FieldSpec} from '../fieldspec.js'
import {sortFieldSpecs} from './labels-config.js'
import {mapEntriesTransformer} from './labels.js'

// kustomize's commonAnnotations table (builtinpluginconsts/commonannotations.go): metadata of
// every object plus pod/job templates. Unlike labels, no selectors, and StatefulSet PVC templates
// are not included.
export const commonAnnotationsFieldSpecs: readonly FieldSpec[] = sortFieldSpecs([
  {path: 'metadata/annotations', create: true},
  {path: 'spec/template/metadata/annotations', create: true, version: 'v1', kind: 'ReplicationController'},
  {path: 'spec/template/metadata/annotations', create: true, kind: 'Deployment'},
  {path: 'spec/template/metadata/annotations', create: true, kind: 'ReplicaSet'},
  {path: 'spec/template/metadata/annotations', create: true, kind: 'DaemonSet'},
  {path: 'spec/template/metadata/annotations', create: true, kind: 'StatefulSet'},
  {path: 'spec/template/metadata/annotations', create: true, group: 'batch', kind: 'Job'},
  {path: 'spec/jobTemplate/metadata/annotations', create: true, group: 'batch', kind: 'CronJob'},
  {path: 'spec/jobTemplate/spec/template/metadata/annotations', create: true, group: 'batch', kind: 'CronJob'},
])

export interface AnnotationsOptions {
  annotations: Readonly<Record<string, string>>
  /** The configured commonAnnotations table (after `configurations:`); kustomize's by default. */
  fieldSpecs?: readonly FieldSpec[]
}

/** `commonAnnotations`. Mutates the resources in place and returns the same set. */
export function annotationsTransformer(options: AnnotationsOptions): (set: ResourceSet) => ResourceSet {
  return mapEntriesTransformer(options.annotations, options.fieldSpecs ?? commonAnnotationsFieldSpecs)
}
