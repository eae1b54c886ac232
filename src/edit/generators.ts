// `edit add configmap|secret NAME`: a configMapGenerator/secretGenerator entry, or more sources
// merged into the entry of that name, as kustomize edit does (literals, files and env files are
// appended; --behavior and --disableNameSuffixHash set). Sources are checked before anything is
// written: a literal needs KEY=VALUE, a file or env file must exist, a key may not appear twice.
import * as path from 'node:path'
import {isMap, isSeq, YAMLSeq, type Document, type YAMLMap} from 'yaml'
import {UserError} from '../model/errors.js'
import type {FileSystem} from '../source/filesystem.js'
import {seqAt} from './document.js'

export interface GeneratorSources {
  literals: string[]
  files: string[]
  envFiles: string[]
  behavior?: string
  disableNameSuffixHash?: boolean
  /** Secrets only. */
  type?: string
  namespace?: string
}

const behaviors = ['create', 'merge', 'replace']

export function addGenerator(doc: Document, kind: 'configmap' | 'secret', name: string, sources: GeneratorSources, dir: string, fsys: FileSystem): string[] {
  if (!name) throw new UserError(`a ${kind} needs a NAME`, {field: 'NAME'}, `Write e.g. strata edit add ${kind} app-config --from-literal=KEY=VALUE.`)
  if (sources.behavior !== undefined && !behaviors.includes(sources.behavior)) {
    throw new UserError(`--behavior must be one of ${behaviors.join(', ')}, got ${JSON.stringify(sources.behavior)}`, {field: '--behavior'})
  }
  if (sources.literals.length + sources.files.length + sources.envFiles.length === 0 && sources.behavior === undefined) {
    throw new UserError(`${kind} ${name}: give at least one of --from-literal, --from-file, --from-env-file`, {field: '--from-literal'})
  }
  for (const l of sources.literals) {
    if (l.indexOf('=') <= 0) throw new UserError(`invalid --from-literal ${JSON.stringify(l)}: need KEY=VALUE`, {field: '--from-literal'})
  }
  for (const f of sources.files) {
    const eq = f.indexOf('=')
    const file = eq < 0 ? f : f.slice(eq + 1)
    if (eq === 0 || !file || !fsys.exists(path.resolve(dir, file))) throw new UserError(`--from-file ${f}: ${file || 'no file'} does not exist in ${dir}`, {field: '--from-file'}, 'Paths are relative to the kustomization; write [KEY=]FILE.')
  }
  for (const f of sources.envFiles) {
    if (!fsys.exists(path.resolve(dir, f))) throw new UserError(`--from-env-file ${f} does not exist in ${dir}`, {field: '--from-env-file'})
  }
  const field = kind === 'configmap' ? 'configMapGenerator' : 'secretGenerator'
  const seq = seqAt(doc, field)
  let entry = seq.items.find((i) => isMap(i) && String(i.get('name')) === name) as YAMLMap | undefined
  const created = entry === undefined
  if (!entry) {
    entry = doc.createNode({name}) as YAMLMap
    if (kind === 'secret' && sources.namespace) entry.set('namespace', sources.namespace)
    seq.add(entry)
  }
  checkDuplicateKeys(entry, sources, kind, name)
  append(doc, entry, 'literals', sources.literals)
  append(doc, entry, 'files', sources.files)
  append(doc, entry, 'envs', sources.envFiles)
  if (kind === 'secret' && sources.type) entry.set('type', sources.type)
  if (sources.behavior) entry.set('behavior', sources.behavior)
  if (sources.disableNameSuffixHash) entry.set('options', doc.createNode({disableNameSuffixHash: true}))
  return [`${kind} ${name} ${created ? 'added' : 'updated'}`]
}

function append(doc: Document, entry: YAMLMap, key: string, values: string[]): void {
  if (values.length === 0) return
  const existing: unknown = entry.get(key, true)
  const seq = isSeq(existing) ? existing : new YAMLSeq()
  if (seq !== existing) entry.set(key, seq)
  for (const v of values) seq.add(doc.createNode(v))
}

/** Literal and file keys (a file's key is its KEY= or its base name) must be unique in the generator. */
function checkDuplicateKeys(entry: YAMLMap, sources: GeneratorSources, kind: string, name: string): void {
  const keys = new Set<string>()
  const listed = (key: string) => {
    const s = entry.get(key, true)
    return isSeq(s) ? s.items.map((i) => String((i as {value?: unknown}).value ?? i)) : []
  }
  const literalKey = (l: string) => l.slice(0, l.indexOf('='))
  const fileKey = (f: string) => (f.includes('=') ? f.slice(0, f.indexOf('=')) : path.basename(f))
  const all = [...listed('literals').map(literalKey), ...listed('files').map(fileKey)]
  for (const k of all) keys.add(k)
  for (const k of [...sources.literals.map(literalKey), ...sources.files.map(fileKey)]) {
    if (keys.has(k)) throw new UserError(`${kind} ${name} already has key ${k}`, {field: '--from-literal'}, 'Each key may appear once in a generator; remove the old source first or pick another key.')
    keys.add(k)
  }
}
