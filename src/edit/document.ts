// A kustomization file opened for editing with the `yaml` package's Document API, so an edit keeps
// the file's comments, key order, quoting and layout, and writes back only what changed.
import * as path from 'node:path'
import {isMap, isSeq, parseDocument, type Document, type ToStringOptions, YAMLMap, YAMLSeq} from 'yaml'
import {UserError} from '../model/errors.js'
import {diskFileSystem, type FileSystem} from '../source/filesystem.js'
import {findKustomizationFile} from '../render/kustomization.js'

export interface KustomizationDocument {
  /** Absolute path of kustomization.yaml (or .yml, or Kustomization). */
  file: string
  dir: string
  doc: Document
  text: string
}

export function openKustomization(dir: string, fsys: FileSystem = diskFileSystem): KustomizationDocument {
  const abs = path.resolve(dir)
  if (!fsys.exists(abs) || !fsys.isDirectory(abs)) throw new UserError(`${dir} is not a directory`, {file: dir}, 'Run strata edit in (or with --dir pointing at) a directory holding a kustomization.yaml.')
  const file = findKustomizationFile(fsys, abs, () => dir)
  const text = fsys.readFile(file).toString('utf8')
  const doc: Document = parseDocument(text)
  if (doc.errors.length > 0) {
    const e = doc.errors[0]
    const at = e.linePos?.[0]
    throw new UserError(`${path.relative(process.cwd(), file) || file}${at ? `:${at.line}:${at.col}` : ''}: not valid YAML: ${e.message.split('\n')[0]}`, {file}, 'Fix the file so kustomize can read it, then run the edit again.')
  }
  if (doc.contents === null) doc.contents = new YAMLMap()
  if (!isMap(doc.contents)) throw new UserError(`${file}: a kustomization must be a mapping of fields`, {file}, 'Start the file with fields such as resources:.')
  return {file, dir: abs, doc, text}
}

/**
 * Output options read off the file itself, so untouched parts come out as they went in: whether
 * block sequences are indented under their key (kustomize writes them flush, many people do not),
 * the indent width, and whether flow collections are padded (`{ a: 1 }` or `{a: 1}`).
 */
export function layoutOf(text: string): ToStringOptions {
  const flush = /^( *)[^\s#-][^\n]*:[ \t]*\n\1- /m.test(text)
  const nested = /^( *)[^\s#-][^\n]*:[ \t]*\n\1( +)- /m.exec(text)
  const indent = /^[^\s#-][^\n]*:[ \t]*\n( +)[^\s#-]/m.exec(text)?.[1].length ?? nested?.[2].length ?? 2
  return {
    // kustomize itself writes flush sequences: the default for a file that shows neither.
    indentSeq: nested !== null && !flush,
    indent: indent >= 2 && indent <= 8 ? indent : 2,
    flowCollectionPadding: /\{ \S|\[ \S/.test(text),
    // Long values (a patch written inline, a digest) stay on one line, as the user wrote them.
    lineWidth: 0,
  }
}

export function serialize(k: KustomizationDocument): string {
  return k.doc.toString(layoutOf(k.text))
}

/** The sequence at `key`, created (block style, at the end of the file) when absent. */
export function seqAt(doc: Document, key: string): YAMLSeq {
  const node = doc.get(key, true)
  if (isSeq(node)) return node
  if (node !== undefined && node !== null && !(isScalarNull(node))) throw new UserError(`${key} must be a list`, {field: key}, `Make ${key} a YAML list (- item lines) and run the edit again.`)
  const seq = new YAMLSeq()
  doc.set(key, seq)
  return seq
}

/** The mapping at `key`, created when absent. */
export function mapAt(doc: Document, key: string): YAMLMap {
  const node = doc.get(key, true)
  if (isMap(node)) return node
  if (node !== undefined && node !== null && !isScalarNull(node)) throw new UserError(`${key} must be a mapping`, {field: key}, `Make ${key} a YAML mapping (key: value lines) and run the edit again.`)
  const map = new YAMLMap()
  doc.set(key, map)
  return map
}

function isScalarNull(node: unknown): boolean {
  return typeof node === 'object' && node !== null && 'value' in node && (node as {value: unknown}).value === null
}

/** Plain JS values of a sequence's items (strings for a list of paths, objects for images…). */
export function itemsOf(seq: YAMLSeq): unknown[] {
  return seq.items.map((i) => (i && typeof i === 'object' && 'toJSON' in i ? (i as {toJSON(): unknown}).toJSON() : i))
}
