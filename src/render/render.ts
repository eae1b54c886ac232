import * as path from 'node:path'
import type {ResourceSet} from '../model/resource-set.js'
import {diskFileSystem, type FileSystem} from '../source/filesystem.js'
import type {LoadRestrictor} from '../source/restrictor.js'

export interface RenderOptions {
  fs?: FileSystem
  loadRestrictor?: LoadRestrictor
  /** Deprecation and other warnings, worded as kustomize prints them (without the `# Warning: ` prefix). */
  onWarning?: (message: string) => void
}

export interface RenderResult {
  resources: ResourceSet
  /** The rendered stream, byte-identical to `kubectl kustomize`. */
  yaml: string
  warnings: string[]
}

/** Renders the kustomization in `dir` (absolute or relative to cwd). Throws UserError on bad input. */
export async function renderKustomization(dir: string, options: RenderOptions = {}): Promise<RenderResult> {
  const fsys = options.fs ?? diskFileSystem
  void fsys
  void path
  throw new Error('not implemented yet')
}
