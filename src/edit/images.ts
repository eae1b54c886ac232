// `edit set image NAME[=NEWNAME][:TAG|@DIGEST]...`, as kustomize edit parses it: an argument
// replaces the whole entry of that name (fields it does not give are dropped), except that `*` as
// new name, tag or digest keeps the value the file has. Entries stay where they are; new ones
// are appended (kustomize sorts the list; order does not change what renders).
import {isMap, type Document, type YAMLMap} from 'yaml'
import {UserError} from '../model/errors.js'
import {seqAt} from './document.js'

export interface ImageEdit {
  name: string
  newName?: string
  newTag?: string
  digest?: string
}

const keep = '*'
const tagPattern = /^(.*):([a-zA-Z0-9._-]*|\*)$/
const formats = 'use NAME=NEWNAME:TAG, NAME=NEWNAME@DIGEST, NAME=NEWNAME, NAME:TAG or NAME@DIGEST'

export function parseImageArg(arg: string): ImageEdit {
  const parts = arg.split('=')
  if (parts.length === 2) {
    const o = overwrite(parts[1], true, arg)
    return {name: parts[0], newName: o.name, newTag: o.tag, digest: o.digest}
  }
  if (parts.length > 2) throw invalid(arg)
  const o = overwrite(arg, false, arg)
  return {name: o.name!, newTag: o.tag, digest: o.digest}
}

function overwrite(text: string, nameAlone: boolean, arg: string): {name?: string; tag?: string; digest?: string} {
  const at = text.indexOf('@')
  if (at >= 0) return {name: text.slice(0, at), digest: text.slice(at + 1)}
  const t = tagPattern.exec(text)
  if (t) return {name: t[1], tag: t[2]}
  if (text.length > 0 && nameAlone) return {name: text}
  throw invalid(arg)
}

function invalid(arg: string): UserError {
  return new UserError(`invalid image ${JSON.stringify(arg)}`, {field: 'IMAGE'}, `Image arguments: ${formats}.`)
}

export function setImages(doc: Document, edits: ImageEdit[]): string[] {
  if (edits.length === 0) throw new UserError('no image given', {field: 'IMAGE'}, `Image arguments: ${formats}.`)
  const seq = seqAt(doc, 'images')
  const byName = new Map<string, ImageEdit>()
  for (const e of edits) byName.set(e.name, e)
  const done: string[] = []
  for (const item of seq.items) {
    if (!isMap(item)) continue
    const name = String(item.get('name'))
    const e = byName.get(name)
    if (!e) continue
    byName.delete(name)
    const existing = {newName: str(item, 'newName'), newTag: str(item, 'newTag'), digest: str(item, 'digest')}
    for (const field of ['newName', 'newTag', 'digest'] as const) {
      const v = e[field] === keep ? existing[field] : e[field]
      if (v) item.set(field, v)
      else item.delete(field)
    }
    done.push(name)
  }
  for (const e of byName.values()) {
    const entry: Record<string, string> = {name: e.name}
    for (const field of ['newName', 'newTag', 'digest'] as const) if (e[field] && e[field] !== keep) entry[field] = e[field]!
    seq.add(doc.createNode(entry))
    done.push(e.name)
  }
  return done.map((n) => `image ${n} set`)
}

function str(map: YAMLMap, key: string): string | undefined {
  const v = map.get(key)
  return v === undefined || v === null ? undefined : String(v)
}
