// The flags that steer a render, shared by every command that renders a tree (render, diff,
// apply, sync, watch), so a tree renders the same whichever command reads it.
import {Flags} from '@oclif/core'
import {defaultMaxInputBytes} from '../source/counting-fs.js'

export const renderFlags = {
  'load-restrictor': Flags.string({description: 'rootOnly: files must live under the kustomization directory; none: no restriction', options: ['rootOnly', 'none'], default: 'rootOnly'}),
  'max-input-bytes': Flags.integer({description: 'most bytes the render may read, summed over its files (a guard against hostile trees)', default: defaultMaxInputBytes, min: 1}),
  offline: Flags.boolean({description: 'take remote (git, HTTP) resources from the cache only; fail when one is not cached', default: false}),
  'cache-dir': Flags.string({description: 'cache of remote resources (default: $STRATA_CACHE_DIR, else $XDG_CACHE_HOME/strata/git, else ~/.cache/strata/git)'}),
  'enable-helm': Flags.boolean({description: 'inflate helmCharts by running `helm template` (as kustomize build --enable-helm)', default: false}),
  'helm-command': Flags.string({description: 'the helm v3 binary for --enable-helm', default: 'helm'}),
  'helm-kube-version': Flags.string({description: "with --enable-helm: Kubernetes version for the charts' Capabilities.KubeVersion (overrides the charts' kubeVersion)"}),
  'helm-api-versions': Flags.string({description: "with --enable-helm: an API version for Capabilities.APIVersions (overrides the charts' apiVersions); repeatable", multiple: true}),
}

export {renderOptionsFrom, type RenderFlagValues} from './render-options.js'
