import type {FileSystem} from '../../source/filesystem.js'
import type {LoadRestrictor} from '../../source/restrictor.js'

// Field names mirror kustomize's YAML (api/types/generatorargs.go, kvpairsources.go,
// generatoroptions.go, secretargs.go), so a parsed kustomization maps onto these unchanged.

export interface GeneratorOptions {
  labels?: Record<string, string>
  annotations?: Record<string, string>
  disableNameSuffixHash?: boolean
  immutable?: boolean
}

export interface GeneratorArgs {
  name?: string
  namespace?: string
  /** 'create' (default) | 'merge' | 'replace'; kustomize treats any other value as create. */
  behavior?: string
  /** `key=value`; the value may contain `=`, and one pair of matching surrounding quotes is removed. */
  literals?: string[]
  /** `path` (key = basename) or `key=path`, relative to the kustomization directory. */
  files?: string[]
  /** `.env`-style files, one `KEY=value` per line. */
  envs?: string[]
  /** Deprecated singular form; kustomize appends it after `envs`. */
  env?: string
  options?: GeneratorOptions
}

export interface SecretArgs extends GeneratorArgs {
  /** Secret `type`; defaults to `Opaque`. */
  type?: string
}

export interface GeneratorContext {
  fs: FileSystem
  /** Absolute directory of the kustomization; relative sources resolve against it. */
  dir: string
  /** Root the restrictor confines reads to; kustomize uses the kustomization's own directory. */
  root: string
  restrictor: LoadRestrictor
  /** Path of the kustomization file for error messages, relative to the render root. */
  file: string
}
