// The values of the render flags (see render-flags.ts) turned into render options. Apart from the
// flag definitions so the start-up fast path (fast-path.ts) reaches it without loading oclif.
import type {RenderOptions} from '../render/index.js'

export interface RenderFlagValues {
  'load-restrictor': string
  'max-input-bytes': number
  offline: boolean
  'cache-dir'?: string
  'enable-helm': boolean
  'helm-command': string
  'helm-kube-version'?: string
  'helm-api-versions'?: string[]
}

export function renderOptionsFrom(flags: RenderFlagValues): RenderOptions {
  return {
    loadRestrictor: flags['load-restrictor'] as 'rootOnly' | 'none',
    maxInputBytes: flags['max-input-bytes'],
    offline: flags.offline,
    cacheDir: flags['cache-dir'],
    helm: flags['enable-helm'] ? {command: flags['helm-command'], kubeVersion: flags['helm-kube-version'], apiVersions: flags['helm-api-versions']} : undefined,
  }
}
