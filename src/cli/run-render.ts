// What `strata render` does once its arguments are parsed: shared by the oclif command
// (commands/render.ts) and the start-up fast path (fast-path.ts), so both behave alike.
import * as fs from 'node:fs'
import * as path from 'node:path'
import {UserError} from '../model/errors.js'
import {renderKustomization} from '../render/index.js'
import {individualFileNames} from '../render/output-files.js'
import {writeFileAtomic} from '../source/write-file.js'
import {renderOptionsFrom, type RenderFlagValues} from './render-options.js'

export interface RenderCommandFlags extends RenderFlagValues {
  output?: string
  quiet: boolean
}

export async function runRender(dir: string, flags: RenderCommandFlags): Promise<void> {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new UserError(`'${dir}' is not a directory`, {file: dir}, 'Pass the directory that holds kustomization.yaml.')
  }
  const result = await renderKustomization(dir, {
    ...renderOptionsFrom(flags),
    onWarning: flags.quiet ? undefined : (m) => process.stderr.write(`# Warning: ${m}\n`),
  })
  // Everything is rendered before anything is written: a failed render never leaves partial output.
  const out = flags.output
  if (!out) {
    process.stdout.write(result.yaml)
    return
  }
  const isDir = out.endsWith('/') || out.endsWith(path.sep) || (fs.existsSync(out) && fs.statSync(out).isDirectory())
  if (!isDir) {
    writeFileAtomic(out, result.yaml)
    return
  }
  fs.mkdirSync(out, {recursive: true})
  for (const f of individualFileNames(result.resources)) writeFileAtomic(path.join(out, f.name), f.yaml)
}
