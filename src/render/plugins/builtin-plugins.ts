import * as path from 'node:path'
import {UserError, type ErrorOrigin} from '../../model/errors.js'
import {isObject, type JsonObject} from '../../model/json.js'
import {goDecode, type FieldType} from '../go-decode.js'
import {fieldSpecSchema, generatorArgsSchema, patchSchema, replacementSchema, selectorSchema} from '../kustomization-schema.js'
import {metadataOf, type Resource} from '../../model/resource.js'
import type {ResourceSet} from '../../model/resource-set.js'
import type {KustTarget, RenderContext} from '../accumulate.js'
import type {PatchEntry, Selector} from '../kustomization.js'
import {generateConfigMap} from '../generators/configmap.js'
import {generateIamPolicy} from '../generators/iam-policy.js'
import {addHashSuffixes} from '../generators/hash.js'
import {generateSecret} from '../generators/secret.js'
import type {GeneratorArgs, GeneratorContext, GeneratorOptions, SecretArgs} from '../generators/types.js'
import {runPatches, runPatchesStrategicMerge} from '../patches.js'
import {runHelmPluginConfig} from '../run-helm.js'
import {annotationsTransformer} from '../transformers/annotations.js'
import {imagesTransformer} from '../transformers/images.js'
import {mapEntriesTransformer} from '../transformers/labels.js'
import {namespaceTransformer} from '../transformers/namespace.js'
import type {RoleBindingSubjectMode} from '../transformers/namespace-config.js'
import {prefixSuffixTransformer} from '../transformers/prefix-suffix.js'
import {replacementsTransformer} from '../transformers/replacements.js'
import {loadReplacements} from '../transformers/replacements-load.js'
import type {ReplacementEntry} from '../transformers/replacements.js'
import {replicasTransformer} from '../transformers/replicas.js'
import {valueAddTransformer} from '../transformers/value-add.js'
import {restrictPath} from '../../source/restrictor.js'
import {parseYamlDocument} from '../yaml/parse.js'
import {ConfigFields} from './config-fields.js'
import type {PluginConfig} from './plugin-configs.js'

/** kustomize's builtin plugins (builtinhelpers/builtins.go, v5.5), by role. */
export const builtinGeneratorKinds = ['ConfigMapGenerator', 'SecretGenerator', 'HelmChartInflationGenerator', 'IAMPolicyGenerator'] as const
export const builtinTransformerKinds = [
  'AnnotationsTransformer',
  'HashTransformer',
  'ImageTagTransformer',
  'LabelTransformer',
  'NamespaceTransformer',
  'PatchJson6902Transformer',
  'PatchStrategicMergeTransformer',
  'PatchTransformer',
  'PrefixSuffixTransformer',
  'PrefixTransformer',
  'SuffixTransformer',
  'ReplacementTransformer',
  'ReplicaCountTransformer',
  'ValueAddTransformer',
] as const
// SortOrderTransformer is deliberately not a builtin plugin in kustomize (issue 3913): sortOptions
// belongs to the top-level kustomization, so a config of that kind fails as an unknown builtin.

// Builtins strata does not run as plugin configs, with why.
const fieldSpecs: FieldType = {list: fieldSpecSchema}
const valueAddTargets: FieldType = {list: {object: {selector: selectorSchema, fieldPath: 'string', filePathPosition: 'int'}}}
const generatorConfig = {metadata: 'any', ...generatorArgsSchema} as const satisfies Record<string, FieldType>

/**
 * The plugin structs of the builtins that kustomize configures with sigs.k8s.io/yaml (Go's JSON
 * decoding: keys match case-insensitively, unknown ones are ignored). Prefix, Suffix and
 * PrefixSuffix use go-yaml v3 instead, where keys are exact: they are read as written.
 */
const jsonDecodedConfigs: Partial<Record<string, FieldType>> = {
  ConfigMapGenerator: {object: generatorConfig},
  SecretGenerator: {object: {...generatorConfig, type: 'string'}},
  AnnotationsTransformer: {object: {annotations: 'stringMap', fieldSpecs}},
  LabelTransformer: {object: {labels: 'stringMap', fieldSpecs}},
  NamespaceTransformer: {object: {metadata: 'any', fieldSpecs, unsetOnly: 'bool', setRoleBindingSubjects: 'string'}},
  ImageTagTransformer: {object: {imageTag: {object: {name: 'string', newName: 'string', tagSuffix: 'string', newTag: 'string', digest: 'string'}}, fieldSpecs}},
  ReplicaCountTransformer: {object: {replica: {object: {name: 'string', count: 'int'}}, fieldSpecs}},
  PatchTransformer: patchSchema,
  PatchJson6902Transformer: {object: {target: selectorSchema, path: 'string', jsonOp: 'string'}},
  PatchStrategicMergeTransformer: {object: {paths: 'stringList', patches: 'string'}},
  ReplacementTransformer: {object: {replacements: {list: {object: {...replacementSchema, path: 'string'}}}}},
  ValueAddTransformer: {object: {value: 'string', targets: valueAddTargets, targetFilePath: 'string'}},
  HelmChartInflationGenerator: {
    object: {
      ...Object.fromEntries(['chartHome', 'configHome', 'name', 'version', 'repo', 'releaseName', 'namespace', 'valuesFile', 'valuesMerge', 'kubeVersion', 'nameTemplate'].map((k) => [k, 'string' as const])),
      ...Object.fromEntries(['includeCRDs', 'skipHooks', 'skipTests', 'debug'].map((k) => [k, 'bool' as const])),
      additionalValuesFiles: 'stringList',
      apiVersions: 'stringList',
      valuesInline: 'any',
    },
  },
}

/** The config's fields as the plugin's Config method sees them. */
function decodedConfig(kind: string, plugin: PluginConfig): JsonObject {
  const schema = jsonDecodedConfigs[kind]
  if (!schema) return plugin.config.obj
  return goDecode(plugin.config.obj, schema, '', {file: plugin.origin.file ?? plugin.config.origin.file, what: `${kind} ${plugin.config.origin.file}`, strict: false, scalarsToStrings: true}) as JsonObject
}

const generatorKinds = new Set<string>(builtinGeneratorKinds)
const transformerKinds = new Set<string>(builtinTransformerKinds)

export type PluginRole = 'generator' | 'transformer'

/**
 * The kind of a builtin plugin config, after kustomize's checks: apiVersion `builtin` (no group),
 * a builtin kind of the right role. Anything else would be an exec, container or Go plugin.
 */
export function builtinKindOf(config: Resource, role: PluginRole, origin: ErrorOrigin): string {
  const apiVersion = typeof config.obj.apiVersion === 'string' ? config.obj.apiVersion : ''
  const kind = typeof config.obj.kind === 'string' ? config.obj.kind : ''
  const md = isObject(config.obj.metadata) ? config.obj.metadata : {}
  const annotations = isObject(md.annotations) ? md.annotations : {}
  const isFunction = 'config.kubernetes.io/function' in annotations || 'config.k8s.io/function' in annotations
  if (apiVersion !== 'builtin' || isFunction) {
    throw new UserError(
      `plugin ${apiVersion}/${kind} from ${config.origin.file}: exec/container KRM functions and Go plugins are not supported by strata (out of scope)`,
      origin,
      'Only builtin plugin configs (apiVersion: builtin) can be listed here; run the function in a step of its own before strata, or use the equivalent kustomization field.',
    )
  }
  if (!generatorKinds.has(kind) && !transformerKinds.has(kind)) {
    throw new UserError(`unable to load builtin ${kind} (from ${config.origin.file}): not a builtin plugin kind`, origin, `Builtin kinds: ${[...builtinGeneratorKinds, ...builtinTransformerKinds].join(', ')}.`)
  }
  if ((role === 'generator') !== generatorKinds.has(kind)) {
    throw new UserError(`plugin ${kind} (from ${config.origin.file}) is not a ${role}`, origin, role === 'generator' ? 'List transformer configs under transformers:.' : 'List generator configs under generators:.')
  }
  return kind
}

/** The objects a generator config makes: kustomize's Config (metadata.name/namespace as defaults) then Generate. */
export function runBuiltinGenerator(ctx: RenderContext, target: KustTarget, plugin: PluginConfig, index: number): Resource[] {
  const {config, origin} = plugin
  const kind = builtinKindOf(config, 'generator', origin)
  if (kind === 'HelmChartInflationGenerator') return runHelmPluginConfig(ctx, target, decodedConfig(kind, plugin), origin.file ?? target.loaded.displayFile, `generators[${index}] (${config.origin.file})`)
  return [runSingleGenerator(ctx, target, plugin, kind, index)]
}

function runSingleGenerator(ctx: RenderContext, target: KustTarget, plugin: PluginConfig, kind: string, index: number): Resource {
  const {config, origin} = plugin
  const f = new ConfigFields(decodedConfig(kind, plugin), `${kind} ${config.origin.file}`, origin)
  if (kind === 'IAMPolicyGenerator') return generateIamPolicy(f, origin, config.origin.file)
  const md = metadataOf(config.obj)
  const options = f.object('options')
  const args: SecretArgs = {
    name: f.string('name') || (typeof md.name === 'string' ? md.name : undefined),
    namespace: f.string('namespace') || (typeof md.namespace === 'string' ? md.namespace : undefined),
    behavior: f.string('behavior'),
    literals: f.stringList('literals'),
    files: f.stringList('files'),
    envs: [...(f.stringList('envs') ?? []), ...(f.string('env') ? [f.string('env')!] : [])],
    options: options ? generatorOptions(new ConfigFields(options, `${kind} ${config.origin.file} options`, origin)) : undefined,
  }
  const type = f.string('type')
  if (type) args.type = type
  // The generator's own files are read relative to the kustomization that lists it, as kustomize's plugin helpers do.
  const gctx: GeneratorContext = {fs: ctx.fs, dir: target.dir, root: target.dir, restrictor: ctx.restrictor, file: origin.file ?? ''}
  return kind === 'ConfigMapGenerator' ? generateConfigMap(args as GeneratorArgs, args.options, gctx, index) : generateSecret(args, args.options, gctx, index)
}

function generatorOptions(f: ConfigFields): GeneratorOptions {
  const out: GeneratorOptions = {}
  const labels = f.stringMap('labels')
  const annotations = f.stringMap('annotations')
  if (labels) out.labels = labels
  if (annotations) out.annotations = annotations
  if (f.bool('disableNameSuffixHash')) out.disableNameSuffixHash = true
  if (f.bool('immutable')) out.immutable = true
  return out
}

/** Runs one transformer config on `set` (in place), as the builtin plugin of its kind does. */
export function runBuiltinTransformer(ctx: RenderContext, target: KustTarget, plugin: PluginConfig, set: ResourceSet): void {
  const {config, origin} = plugin
  const kind = builtinKindOf(config, 'transformer', origin)
  const f = new ConfigFields(decodedConfig(kind, plugin), `${kind} ${config.origin.file}`, origin)
  // Builtin plugins touch only the fields their config lists (the kustomization fields pass kustomize's tables).
  const specs = f.fieldSpecs() ?? []
  switch (kind) {
    case 'LabelTransformer':
      mapEntriesTransformer(f.stringMap('labels') ?? {}, specs)(set)
      return
    case 'AnnotationsTransformer':
      annotationsTransformer({annotations: f.stringMap('annotations') ?? {}, fieldSpecs: specs})(set)
      return
    case 'NamespaceTransformer': {
      const md = metadataOf(config.obj)
      const namespace = typeof md.namespace === 'string' ? md.namespace : ''
      const mode = f.string('setRoleBindingSubjects')
      namespaceTransformer({namespace, fieldSpecs: specs, unsetOnly: f.bool('unsetOnly') ?? false, setRoleBindingSubjects: (mode || undefined) as RoleBindingSubjectMode | undefined, origin: origin.file})(set)
      return
    }
    case 'PrefixSuffixTransformer':
    case 'PrefixTransformer':
    case 'SuffixTransformer': {
      if (f.fieldSpecs() === undefined) f.fail('fieldSpecs', 'set (kustomize: fieldSpecs is not expected to be nil)')
      // These configs are read with go-yaml v3, which decodes any scalar into a string field as written.
      const text = (key: string) => {
        const v = config.obj[key]
        return typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint' ? String(v) : f.string(key)
      }
      const prefix = kind === 'SuffixTransformer' ? undefined : text('prefix')
      const suffix = kind === 'PrefixTransformer' ? undefined : text('suffix')
      prefixSuffixTransformer({prefix, suffix, fieldSpecs: specs})(set)
      return
    }
    case 'ImageTagTransformer': {
      const tag = new ConfigFields(f.object('imageTag') ?? {}, `${kind} ${config.origin.file} imageTag`, origin)
      const image = {
        name: tag.string('name') ?? '',
        newName: tag.string('newName'),
        newTag: tag.string('newTag'),
        digest: tag.string('digest'),
        tagSuffix: tag.string('tagSuffix'),
      }
      imagesTransformer([image], {fieldSpecs: specs, origin})(set)
      return
    }
    case 'ReplicaCountTransformer': {
      const replica = f.object('replica') ?? {}
      const count = replica.count ?? 0
      if (typeof count !== 'number' || !Number.isInteger(count)) f.fail('replica.count', 'an integer')
      replicasTransformer([{name: typeof replica.name === 'string' ? replica.name : '', count: count as number}], {fieldSpecs: specs, origin})(set)
      return
    }
    case 'PatchTransformer': {
      const entry: PatchEntry = {path: f.string('path'), patch: f.string('patch'), target: (f.object('target') as Selector | undefined) ?? undefined}
      const options = f.object('options')
      if (options) entry.options = options as Record<string, boolean>
      runPatches(ctx, withOrigin(target, origin), set, [entry], 'patches')
      return
    }
    case 'PatchJson6902Transformer': {
      const entry: PatchEntry = {path: f.string('path'), patch: f.string('jsonOp'), target: (f.object('target') as Selector | undefined) ?? {}}
      if (!entry.target?.name) throw new UserError(`${kind} ${config.origin.file}: must specify the target name`, origin, 'Add target.name to the config.')
      if (!entry.path && !entry.patch) throw new UserError(`${kind} ${config.origin.file}: empty file path and empty jsonOp`, origin, 'Set path: or jsonOp:.')
      runPatches(ctx, withOrigin(target, origin), set, [entry], 'patchesJson6902')
      return
    }
    case 'PatchStrategicMergeTransformer': {
      const paths = f.stringList('paths') ?? []
      const patches = f.string('patches')
      if (paths.length === 0 && !patches) throw new UserError(`${kind} ${config.origin.file}: empty file path and empty patch content`, origin, 'Set paths: or patches:.')
      runPatchesStrategicMerge(ctx, withOrigin(target, origin), set, patches ? [...paths, patches] : paths)
      return
    }
    case 'HashTransformer':
      // Hashes what needs a hash now; the mark stays, so the top-level hash appends a second suffix, as in kustomize.
      addHashSuffixes(set)
      return
    case 'ValueAddTransformer': {
      // The value defaults to the name of the directory of the kustomization that lists the config.
      const value = (f.string('value') ?? '').trim() || path.basename(target.dir)
      const targets = [...(f.list('targets') ?? [])]
      const targetFile = f.string('targetFilePath')
      if (targetFile) {
        const abs = path.resolve(target.dir, targetFile)
        if (!ctx.fs.exists(abs) || ctx.fs.isDirectory(abs)) throw new UserError(`${kind} ${config.origin.file}: targetFilePath '${targetFile}' not found`, origin, 'Fix the path (relative to the kustomization).')
        const text = ctx.fs.readFile(restrictPath(ctx.fs, ctx.restrictor, target.dir, abs, origin.file ?? '')).toString('utf8')
        const doc = parseYamlDocument(text, ctx.display(abs))
        const decoded = goDecode(isObject(doc) ? doc : {}, {object: {targets: valueAddTargets}}, '', {file: ctx.display(abs), what: `${kind} targets file`, strict: false}) as JsonObject
        if (Array.isArray(decoded.targets)) targets.push(...(decoded.targets as JsonObject[]))
      }
      if (targets.length === 0) throw new UserError(`${kind} ${config.origin.file}: must specify at least one target`, origin, 'Add targets: (each a fieldPath and an optional selector).')
      const parsed = targets.map((t, i) => {
        const fieldPath = typeof t.fieldPath === 'string' ? t.fieldPath : ''
        const position = typeof t.filePathPosition === 'number' ? t.filePathPosition : 0
        if (!fieldPath) throw new UserError(`${kind} ${config.origin.file}: fieldPath cannot be empty`, {...origin, field: `targets[${i}].fieldPath`}, 'Set fieldPath on every target.')
        if (position < 0) throw new UserError(`${kind} ${config.origin.file}: value of FilePathPosition (${position}) cannot be negative`, {...origin, field: `targets[${i}].filePathPosition`}, 'Use 0 to replace the value, or n > 0 to insert it as the n-th path segment.')
        return {selector: isObject(t.selector) ? (t.selector as Selector) : undefined, fieldPath, filePathPosition: position}
      })
      valueAddTransformer(value, parsed, origin)(set)
      return
    }
    case 'ReplacementTransformer': {
      const replacements = (f.list('replacements') ?? []) as unknown as ReplacementEntry[]
      const replacementTarget = withOrigin(target, origin)
      replacementTarget.kustomization = {...target.kustomization, replacements}
      replacementsTransformer(loadReplacements(ctx, replacementTarget))(set)
      return
    }
  }
}

/** The same target with its messages naming where the plugin config was listed. */
function withOrigin(target: KustTarget, origin: ErrorOrigin): KustTarget {
  return {...target, loaded: {...target.loaded, displayFile: origin.file ?? target.loaded.displayFile}}
}
