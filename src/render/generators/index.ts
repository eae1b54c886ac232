// configMapGenerator / secretGenerator: kustomize's generated objects, merge behaviors and
// content-hash name suffixes.
export type {GeneratorArgs, GeneratorContext, GeneratorOptions, SecretArgs} from './types.js'
export {mergeGeneratorOptions} from './options.js'
export {generateConfigMap} from './configmap.js'
export {generateSecret} from './secret.js'
export {mergeAllGenerated, mergeGenerated} from './behavior.js'
export {addHashSuffixes, contentHash} from './hash.js'
