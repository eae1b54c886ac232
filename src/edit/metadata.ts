// `edit add label|annotation K:V...` and `edit remove label K,...`, with kustomize edit's rules:
// labels go to commonLabels (selectors too) or, with --without-selector, to a `labels` entry that
// leaves selectors alone; annotations to commonAnnotations; a key already there is refused unless
// --force; removing a key that is not there is refused unless --ignore-non-existence.
import {isMap, type Document, type YAMLMap} from 'yaml'
import {UserError} from '../model/errors.js'
import {mapAt, seqAt} from './document.js'

export type MetadataKind = 'label' | 'annotation'

/**
 * `k:v k2:"v 2"`, one pair per argument as kustomize edit (v5) takes them: a comma is part of the
 * value (`owner:a,b` is one annotation), a missing `:` means an empty value, and one pair of double
 * quotes around a value is dropped.
 */
export function parsePairs(args: string[], kind: MetadataKind): Map<string, string> {
  const out = new Map<string, string>()
  for (const part of args) {
    if (part === '') continue
    const c = part.indexOf(':')
    if (c === 0) throw new UserError(`invalid ${kind} ${JSON.stringify(part)}: no key before ':'`, {field: 'KEY:VALUE'}, `Write ${kind}s as key:value, e.g. app:web.`)
    const key = c < 0 ? part : part.slice(0, c)
    const raw = c < 0 ? '' : part.slice(c + 1)
    const value = raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw
    validate(kind, key, value)
    out.set(key, value)
  }
  if (out.size === 0) throw new UserError(`must specify ${kind}`, {field: 'KEY:VALUE'}, `Write e.g. strata edit add ${kind} app:web.`)
  return out
}

const namePart = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/
const dnsSubdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/

function validate(kind: MetadataKind, key: string, value: string): void {
  const slash = key.lastIndexOf('/')
  const prefix = slash < 0 ? undefined : key.slice(0, slash)
  const name = slash < 0 ? key : key.slice(slash + 1)
  if (!namePart.test(name) || (prefix !== undefined && (prefix.length > 253 || !dnsSubdomain.test(prefix)))) {
    throw new UserError(`invalid ${kind} key ${JSON.stringify(key)}: a name of at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit, with an optional DNS prefix and '/'`, {field: 'KEY:VALUE'})
  }
  if (kind === 'label' && value !== '' && !namePart.test(value)) {
    throw new UserError(`invalid label value ${JSON.stringify(value)} for ${key}: at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit`, {field: 'KEY:VALUE'})
  }
}

export interface AddMetadataOptions {
  force: boolean
  /** Labels only: a `labels` entry without includeSelectors instead of commonLabels. */
  withoutSelector?: boolean
  /** With withoutSelector: the labels go on pod templates too (includeTemplates). */
  includeTemplates?: boolean
}

export function addMetadata(doc: Document, kind: MetadataKind, pairs: Map<string, string>, options: AddMetadataOptions): string[] {
  const target = kind === 'annotation' ? mapAt(doc, 'commonAnnotations') : options.withoutSelector ? labelsEntry(doc, options.includeTemplates === true) : mapAt(doc, 'commonLabels')
  for (const [k] of pairs) {
    if (target.has(k) && !options.force) throw new UserError(`${kind} ${k} already in kustomization file`, {field: 'KEY:VALUE'}, 'Pass --force to overwrite it.')
  }
  for (const [k, v] of pairs) target.set(k, v)
  return [...pairs.keys()].map((k) => `${kind} ${k} set`)
}

/** The `pairs` of the `labels` entry that leaves selectors alone (created when there is none). */
function labelsEntry(doc: Document, includeTemplates: boolean): YAMLMap {
  const seq = seqAt(doc, 'labels')
  for (const item of seq.items) {
    if (!isMap(item) || item.get('includeSelectors') === true || (item.get('includeTemplates') === true) !== includeTemplates) continue
    const pairs = item.get('pairs', true)
    if (isMap(pairs)) return pairs
  }
  const entry = doc.createNode(includeTemplates ? {pairs: {}, includeTemplates: true} : {pairs: {}}) as YAMLMap
  seq.add(entry)
  return entry.get('pairs', true) as unknown as YAMLMap
}

export function removeLabels(doc: Document, keys: string[], options: {ignoreNonExistence: boolean}): string[] {
  if (keys.length === 0) throw new UserError('must specify label', {field: 'KEY'}, 'Write e.g. strata edit remove label app,tier.')
  const common = doc.get('commonLabels', true)
  const out: string[] = []
  for (const k of keys) {
    if (isMap(common) && common.has(k)) {
      common.delete(k)
      out.push(`label ${k} removed`)
    } else if (!options.ignoreNonExistence) {
      throw new UserError(`label ${k} not in kustomization file`, {field: 'KEY'}, 'Pass --ignore-non-existence to skip keys that are not there.')
    }
  }
  // kustomize omits an empty commonLabels when it writes the file.
  if (isMap(common) && common.items.length === 0) doc.delete('commonLabels')
  return out
}
