// What every `strata edit …` command shares: --dir (the kustomization directory, default the
// current one), --json, and printing what the edit did.
import {Flags} from '@oclif/core'
import * as path from 'node:path'
import {editKustomization, type EditResult} from '../edit/run-edit.js'
import type {KustomizationDocument} from '../edit/document.js'
import type {GeneratorSources} from '../edit/generators.js'
import type {PatchSpec} from '../edit/patches.js'

export const editFlags = {
  dir: Flags.string({description: 'directory of the kustomization to edit (default: the current directory, as kustomize edit)', default: '.'}),
  json: Flags.boolean({description: 'print {"file", "changed", "messages"} as one JSON document', default: false}),
}

export function runEdit(flags: {dir: string; json: boolean}, edit: (k: KustomizationDocument) => string[]): EditResult {
  const result = editKustomization(flags.dir, edit)
  const rel = path.relative(process.cwd(), result.file)
  const file = rel && !rel.startsWith('..') ? rel : result.file
  if (flags.json) process.stdout.write(`${JSON.stringify({file, changed: result.changed, messages: result.messages}, null, 2)}\n`)
  else process.stdout.write(`${[...result.messages, result.changed ? `wrote ${file}` : `${file} unchanged`].join('\n')}\n`)
  return result
}

/** `edit add|remove patch`: the patch and its target, as kustomize edit names the flags. */
export const patchFlags = {
  path: Flags.string({description: 'patch file, relative to the kustomization'}),
  patch: Flags.string({description: 'patch text (strategic merge or JSON 6902)'}),
  group: Flags.string({description: 'target group'}),
  version: Flags.string({description: 'target version'}),
  kind: Flags.string({description: 'target kind'}),
  name: Flags.string({description: 'target name (a regular expression)'}),
  namespace: Flags.string({description: 'target namespace'}),
  'label-selector': Flags.string({description: 'target label selector'}),
  'annotation-selector': Flags.string({description: 'target annotation selector'}),
}

type PatchFlagValues = {[K in keyof typeof patchFlags]?: string}

export function patchSpecFrom(f: PatchFlagValues): PatchSpec {
  const target = {group: f.group, version: f.version, kind: f.kind, name: f.name, namespace: f.namespace, labelSelector: f['label-selector'], annotationSelector: f['annotation-selector']}
  return {path: f.path, patch: f.patch, target}
}

/** `edit add configmap|secret`: the sources of a generator. */
export const generatorFlags = {
  'from-literal': Flags.string({description: 'KEY=VALUE; repeatable', multiple: true, default: []}),
  'from-file': Flags.string({description: '[KEY=]FILE (relative to the kustomization); repeatable, or comma-separated', multiple: true, default: []}),
  'from-env-file': Flags.string({description: 'file of KEY=VALUE lines; repeatable', multiple: true, default: []}),
  behavior: Flags.string({description: 'create, merge or replace (merge/replace override a generator of a base)'}),
  disableNameSuffixHash: Flags.boolean({description: 'no content hash suffix on the generated name', default: false}),
}

export function generatorSourcesFrom(f: {'from-literal': string[]; 'from-file': string[]; 'from-env-file': string[]; behavior?: string; disableNameSuffixHash: boolean}): GeneratorSources {
  return {literals: f['from-literal'], files: f['from-file'].flatMap((x) => x.split(',')), envFiles: f['from-env-file'], behavior: f.behavior, disableNameSuffixHash: f.disableNameSuffixHash}
}
