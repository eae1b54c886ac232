import type {FieldSpec} from '../fieldspec.js'
import {sortFieldSpecs} from './labels-config.js'

// Where kustomize substitutes $(VAR) (builtinpluginconsts/varreference.go, v5.5.0), in its loaded
// (sorted) order. The CronJob nfs path lacks `spec/` before `template` in kustomize too.

const podPaths = (prefix: string, volumes: string): string[] => [
  ...['containers', 'initContainers'].flatMap((c) => ['args', 'command', 'env/value', 'volumeMounts/mountPath'].map((f) => `${prefix}/${c}/${f}`)),
  volumes,
]

const table: [kind: string | undefined, paths: string[]][] = [
  ['CronJob', podPaths('spec/jobTemplate/spec/template/spec', 'spec/jobTemplate/spec/template/volumes/nfs/server')],
  ['DaemonSet', podPaths('spec/template/spec', 'spec/template/spec/volumes/nfs/server')],
  ['Deployment', [...podPaths('spec/template/spec', 'spec/template/spec/volumes/nfs/server'), 'spec/template/metadata/annotations']],
  ['Ingress', ['spec/rules/host', 'spec/tls/hosts', 'spec/tls/secretName']],
  ['Job', podPaths('spec/template/spec', 'spec/template/spec/volumes/nfs/server')],
  ['Pod', podPaths('spec', 'spec/volumes/nfs/server')],
  ['ReplicaSet', podPaths('spec/template/spec', 'spec/template/spec/volumes/nfs/server')],
  ['Service', ['spec/ports/port', 'spec/ports/targetPort']],
  ['StatefulSet', [...podPaths('spec/template/spec', 'spec/volumeClaimTemplates/spec/nfs/server')]],
  ['PersistentVolume', ['spec/nfs/server']],
  [undefined, ['metadata/labels', 'metadata/annotations']],
]

export const varReferenceFieldSpecs: readonly FieldSpec[] = sortFieldSpecs(table.flatMap(([kind, paths]) => paths.map((path) => (kind ? {path, kind} : {path}))))
