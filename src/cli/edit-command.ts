// What every `strata edit …` command shares: --dir (the kustomization directory, default the
// current one), --json, and printing what the edit did.
import {Flags} from '@oclif/core'
import * as path from 'node:path'
import {editKustomization, type EditResult} from '../edit/run-edit.js'
import type {KustomizationDocument} from '../edit/document.js'

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
