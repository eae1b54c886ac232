// What `strata render` does once its arguments are parsed: shared by the oclif command
// (commands/render.ts) and the start-up fast path (fast-path.ts), so both behave alike.
import * as fs from 'node:fs'
import * as path from 'node:path'
import {UserError} from '../model/errors.js'
import {renderKustomization} from '../render/index.js'
import {individualFileNames} from '../render/output-files.js'
import type {FileSystem} from '../source/filesystem.js'
import type {RemoteResolver} from '../source/remote-resolver.js'
import {writeFileAtomic} from '../source/write-file.js'
import {renderOptionsFrom, type RenderFlagValues} from './render-options.js'

export interface RenderCommandFlags extends RenderFlagValues {
  output?: string
  quiet: boolean
}

/** Formats `-o` takes as kubectl does; any other `-o` value is a path. */
export const outputFormats = ['yaml', 'json'] as const

/**
 * `-o yaml|json` is a format, as in kubectl; a path must look like one (a `/`, or a name with an
 * extension such as prod.yaml), so a mistyped format is never silently written to a file.
 */
export function checkOutputFlag(out: string | undefined): void {
  if (out === undefined || (outputFormats as readonly string[]).includes(out) || out.includes('/') || out.includes(path.sep) || /\.[^.]+$/.test(out)) return
  throw new UserError(
    `-o '${out}' is neither an output format nor a path`,
    {field: '--output'},
    `Formats: ${outputFormats.join(', ')}. To write a file, name it with its extension or a directory (-o ${out}.yaml, -o ./${out}); a directory ends in / (-o ${out}/).`,
  )
}

/** Where a render's text goes: the process's own streams, or a render server's reply (render-server/). */
export interface RenderOutput {
  stdout(text: string): void
  stderr(text: string): void
}

const processOutput: RenderOutput = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
}

/** How the render reaches outside: by default the disk and remote entries fetched; the render server's refuse what only its caller may do. */
export interface RenderEdges {
  remote?: RemoteResolver
  fs?: FileSystem
}

export async function runRender(dir: string, flags: RenderCommandFlags, output: RenderOutput = processOutput, edges: RenderEdges = {}): Promise<void> {
  checkOutputFlag(flags.output)
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new UserError(`'${dir}' is not a directory`, {file: dir}, 'Pass the directory that holds kustomization.yaml.')
  }
  const result = await renderKustomization(dir, {
    ...renderOptionsFrom(flags),
    ...edges,
    onWarning: flags.quiet ? undefined : (m) => output.stderr(`# Warning: ${m}\n`),
  })
  // Everything is rendered before anything is written: a failed render never leaves partial output.
  const out = flags.output
  if (!out || out === 'yaml') {
    output.stdout(result.yaml)
    return
  }
  if (out === 'json') {
    // kubectl's `-o json` of several objects: one List, four-space indent.
    output.stdout(`${JSON.stringify({apiVersion: 'v1', kind: 'List', items: [...result.resources].map((r) => r.obj)}, null, 4)}\n`)
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
