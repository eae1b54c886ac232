import {memoryFileSystem} from '../../../src/source/filesystem.js'
import type {GeneratorContext} from '../../../src/render/generators/types.js'

/** A kustomization at /k with the given files (paths relative to /k). */
export function ctxWith(files: Record<string, string | Buffer> = {}): GeneratorContext {
  const abs: Record<string, string | Buffer> = {'/k/kustomization.yaml': ''}
  for (const [p, c] of Object.entries(files)) abs[p.startsWith('/') ? p : `/k/${p}`] = c
  return {fs: memoryFileSystem(abs), dir: '/k', root: '/k', restrictor: 'rootOnly', file: 'k/kustomization.yaml'}
}
