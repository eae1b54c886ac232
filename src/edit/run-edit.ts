// One `strata edit` call: open the kustomization in `dir`, apply one edit to its document, and
// write the file back atomically only when its text changed. An edit that throws writes nothing.
import {writeFileAtomic} from '../source/write-file.js'
import {diskFileSystem, type FileSystem} from '../source/filesystem.js'
import {openKustomization, serialize, type KustomizationDocument} from './document.js'

export interface EditResult {
  file: string
  changed: boolean
  /** What was done, one line per change or skip (`image web set`, `a.yaml already in resources`). */
  messages: string[]
}

export function editKustomization(dir: string, edit: (k: KustomizationDocument) => string[], fsys: FileSystem = diskFileSystem, write: (file: string, text: string) => void = writeFileAtomic): EditResult {
  const k = openKustomization(dir, fsys)
  const messages = edit(k)
  const text = serialize(k)
  const changed = text !== k.text
  if (changed) write(k.file, text)
  return {file: k.file, changed, messages}
}
