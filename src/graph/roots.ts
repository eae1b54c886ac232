// Which kustomizations are roots: those the user names, else the apps of strata.yaml, else every
// kustomization in the repository that no other kustomization includes (a base, a component or an
// overlay listed by an umbrella is not a root of its own).
import {createHash} from 'node:crypto'
import {posix} from 'node:path'
import {isObject} from '../model/json.js'
import {goDecode, type FieldType} from '../render/go-decode.js'
import {parseYamlDocuments} from '../render/yaml/parse.js'
import {tryParseGitUrl} from '../source/remote-url.js'
import type {TreeIndex} from '../source/tree-index.js'
import type {GraphCache} from './cache.js'

export const kustomizationNames = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'] as const

// Fields whose entries may name another kustomization directory.
const includingFields = ['resources', 'bases', 'components', 'generators', 'transformers', 'validators']
const includingSchema: FieldType = {object: Object.fromEntries(includingFields.map((f) => [f, 'any' as const]))}

/** The kustomization file of a directory in a revision (the first of kustomize's names present). */
export function kustomizationFileOf(index: TreeIndex, dir: string): string | undefined {
  for (const n of kustomizationNames) {
    const rel = dir === '' ? n : `${dir}/${n}`
    const k = index.kind(rel)
    if (k === 'file' || k === 'link') return rel
  }
  return undefined
}

/** One digest of a revision's kustomization files (paths and blobs): equal digests, equal top-level sets. */
export function kustomizationsDigest(index: TreeIndex): string {
  const h = createHash('sha256')
  for (const dir of index.kustomizationDirs()) {
    const file = kustomizationFileOf(index, dir)
    h.update(`${file}\0${file ? index.entry(file)?.oid : ''}\n`)
  }
  return h.digest('hex')
}

/** Kustomization files whose included entries are not cached yet (their blobs must be read). */
export function unparsedKustomizations(index: TreeIndex, cache: GraphCache): string[] {
  const out: string[] = []
  for (const dir of index.kustomizationDirs()) {
    const file = kustomizationFileOf(index, dir)
    const e = file ? index.entry(file) : undefined
    if (e && cache.includes(e.oid) === undefined) out.push(e.oid)
  }
  return out
}

/** Every kustomization that no other includes, given the text of those not cached (by blob id). */
export function topLevelKustomizations(index: TreeIndex, cache: GraphCache, texts: Map<string, Buffer>): string[] {
  const dirs = index.kustomizationDirs()
  const included = new Set<string>()
  for (const dir of dirs) {
    const file = kustomizationFileOf(index, dir)
    const e = file ? index.entry(file) : undefined
    if (!file || !e) continue
    let entries = cache.includes(e.oid)
    if (entries === undefined) {
      const text = texts.get(e.oid)
      if (!text) continue
      entries = includedEntries(text.toString('utf8'), file)
      cache.rememberIncludes(e.oid, entries)
    }
    for (const entry of entries) {
      const target = posix.normalize(posix.join(dir, entry)).replace(/\/$/, '')
      if (target === '..' || target.startsWith('../') || target === dir) continue
      included.add(target === '.' ? '' : target)
    }
  }
  return dirs.filter((d) => !included.has(d))
}

/** The local entries of a kustomization's including fields; a file that does not parse includes nothing. */
export function includedEntries(text: string, file: string): string[] {
  let doc
  try {
    // Read as render reads it: a repeated key keeps its last value, keys match their field in any case.
    const parsed = parseYamlDocuments(text, file, '1.1', {duplicateKeys: 'last-wins'}).find((d) => d !== null)
    doc = isObject(parsed) ? goDecode(parsed, includingSchema, '', {file, what: 'kustomization', strict: false}) : parsed
  } catch {
    return []
  }
  if (!isObject(doc)) return []
  const out: string[] = []
  for (const f of includingFields) {
    const list = doc[f]
    if (!Array.isArray(list)) continue
    for (const entry of list) {
      if (typeof entry !== 'string' || entry.includes('\n') || posix.isAbsolute(entry)) continue
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(entry) || looksRemote(entry)) continue
      out.push(entry)
    }
  }
  return out
}

function looksRemote(entry: string): boolean {
  try {
    return tryParseGitUrl(entry) !== undefined
  } catch {
    return true
  }
}

/**
 * Directories a root's render can read under kustomize's load restrictor (rootOnly): its own and
 * those of every directory its kustomizations include, transitively (each kustomization reads only
 * inside its own directory). Entries must be parsed already (see unparsedKustomizations).
 */
export function closureDirs(index: TreeIndex, cache: GraphCache, root: string): Set<string> {
  const seen = new Set<string>([root])
  const queue = [root]
  while (queue.length) {
    const dir = queue.pop()!
    const file = kustomizationFileOf(index, dir)
    const e = file ? index.entry(file) : undefined
    const entries = e ? cache.includes(e.oid) : undefined
    for (const entry of entries ?? []) {
      let target = posix.normalize(posix.join(dir, entry)).replace(/\/$/, '')
      if (target === '.') target = ''
      if (target === '..' || target.startsWith('../') || seen.has(target) || index.kind(target) === 'file') continue
      seen.add(target)
      queue.push(target)
    }
  }
  return seen
}

/** Whether a path lies in (or below) one of the directories. */
export function underAny(file: string, dirs: ReadonlySet<string>): boolean {
  if (dirs.has('')) return true
  for (let d = file.lastIndexOf('/'); d > 0; d = file.lastIndexOf('/', d - 1)) if (dirs.has(file.slice(0, d))) return true
  return false
}
