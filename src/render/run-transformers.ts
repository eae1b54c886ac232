import type {ResourceSet} from '../model/resource-set.js'
import type {KustTarget, RenderContext} from './accumulate.js'
import {runPatches, runPatchesStrategicMerge} from './patches.js'
import {runPluginTransformers} from './plugins/run-plugins.js'
import type {FieldSpec} from './fieldspec.js'
import {effectiveSpecs, type FieldSpecListName, type TransformerConfig} from './transformer-config.js'
import {annotationsTransformer, commonAnnotationsFieldSpecs} from './transformers/annotations.js'
import {imagesFieldSpecs, imagesTransformer} from './transformers/images.js'
import {defaultLabelFieldSpecTables} from './transformers/labels-config.js'
import {commonLabelsTransformer, labelsTransformer} from './transformers/labels.js'
import {defaultNamespaceFieldSpecs} from './transformers/namespace-config.js'
import {namespaceTransformer} from './transformers/namespace.js'
import {defaultNamePrefixFieldSpecs, defaultNameSuffixFieldSpecs, prefixSuffixTransformer} from './transformers/prefix-suffix.js'
import {replicasFieldSpecs, replicasTransformer} from './transformers/replicas.js'
import {replacementsTransformer} from './transformers/replacements.js'
import {varReferenceFieldSpecs} from './transformers/vars-config.js'
import {loadReplacements} from './transformers/replacements-load.js'

const builtinTables: Array<[FieldSpecListName, readonly FieldSpec[]]> = [
  ['namespace', defaultNamespaceFieldSpecs],
  ['namePrefix', defaultNamePrefixFieldSpecs],
  ['nameSuffix', defaultNameSuffixFieldSpecs],
  ['commonLabels', defaultLabelFieldSpecTables.commonLabels],
  ['templateLabels', defaultLabelFieldSpecTables.templateLabels],
  ['labels', defaultLabelFieldSpecTables.labels],
  ['commonAnnotations', commonAnnotationsFieldSpecs],
  ['varReference', varReferenceFieldSpecs],
  ['replicas', replicasFieldSpecs],
  ['images', imagesFieldSpecs],
]

/**
 * The builtin transformers of one kustomization, in kustomize v5's fixed order:
 * patchesStrategicMerge, patches, namespace, prefix, suffix, labels, annotations,
 * patchesJson6902, replicas, images, replacements.
 */
export function runTransformers(ctx: RenderContext, target: KustTarget, set: ResourceSet, config: TransformerConfig = {}): void {
  const k = target.kustomization
  const origin = {file: target.loaded.displayFile}
  const specs = (builtin: readonly FieldSpec[], name: FieldSpecListName) => effectiveSpecs(builtin, config, name, origin.file)
  // kustomize merges the whole configuration into the accumulator at every level, so a conflicting
  // custom spec fails there even when its transformer is not used.
  if (Object.keys(config).length) for (const [name, builtin] of builtinTables) specs(builtin, name)
  if (k.patchesStrategicMerge?.length) runPatchesStrategicMerge(ctx, target, set, k.patchesStrategicMerge)
  if (k.patches?.length) runPatches(ctx, target, set, k.patches, 'patches')
  if (k.namespace) namespaceTransformer({namespace: k.namespace, origin: origin.file, fieldSpecs: specs(defaultNamespaceFieldSpecs, 'namespace')})(set)
  if (k.namePrefix) prefixSuffixTransformer({prefix: k.namePrefix, prefixFieldSpecs: specs(defaultNamePrefixFieldSpecs, 'namePrefix')})(set)
  if (k.nameSuffix) prefixSuffixTransformer({suffix: k.nameSuffix, suffixFieldSpecs: specs(defaultNameSuffixFieldSpecs, 'nameSuffix')})(set)
  const labelTables = {
    commonLabels: specs(defaultLabelFieldSpecTables.commonLabels, 'commonLabels'),
    templateLabels: specs(defaultLabelFieldSpecTables.templateLabels, 'templateLabels'),
    labels: specs(defaultLabelFieldSpecTables.labels, 'labels'),
  }
  for (const entry of k.labels ?? []) {
    labelsTransformer({labels: entry.pairs ?? {}, includeSelectors: entry.includeSelectors ?? false, includeTemplates: entry.includeTemplates ?? false, fieldSpecs: entry.fields, tables: labelTables, origin})(set)
  }
  if (k.commonLabels && Object.keys(k.commonLabels).length) commonLabelsTransformer(k.commonLabels, labelTables.commonLabels)(set)
  if (k.commonAnnotations && Object.keys(k.commonAnnotations).length) annotationsTransformer({annotations: k.commonAnnotations, fieldSpecs: specs(commonAnnotationsFieldSpecs, 'commonAnnotations')})(set)
  if (k.patchesJson6902?.length) runPatches(ctx, target, set, k.patchesJson6902, 'patchesJson6902')
  if (k.replicas?.length) replicasTransformer(k.replicas, {origin, fieldSpecs: specs(replicasFieldSpecs, 'replicas')})(set)
  if (k.images?.length) imagesTransformer(k.images.map((i) => ({...i, name: i.name ?? ''})), {origin, fieldSpecs: specs(imagesFieldSpecs, 'images')})(set)
  if (k.replacements?.length) replacementsTransformer(loadReplacements(ctx, target))(set)
  runPluginTransformers(ctx, target, set)
}
