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
import {observed, StepKind, type StepInfo} from './provenance/observer.js'

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
  // Each step observed (strata why/lint) under the field that asked for it; unobserved, just run.
  const step = (kind: StepInfo['kind'], field: string, run: () => unknown, entry?: unknown) => observed(ctx.observer, {kind, file: origin.file, field, entry}, set, run)
  if (k.patchesStrategicMerge?.length) runPatchesStrategicMerge(ctx, target, set, k.patchesStrategicMerge)
  if (k.patches?.length) runPatches(ctx, target, set, k.patches, 'patches')
  if (k.namespace) step(StepKind.namespace, 'namespace', () => namespaceTransformer({namespace: k.namespace!, origin: origin.file, fieldSpecs: specs(defaultNamespaceFieldSpecs, 'namespace')})(set))
  if (k.namePrefix) step(StepKind.namePrefix, 'namePrefix', () => prefixSuffixTransformer({prefix: k.namePrefix, prefixFieldSpecs: specs(defaultNamePrefixFieldSpecs, 'namePrefix')})(set))
  if (k.nameSuffix) step(StepKind.nameSuffix, 'nameSuffix', () => prefixSuffixTransformer({suffix: k.nameSuffix, suffixFieldSpecs: specs(defaultNameSuffixFieldSpecs, 'nameSuffix')})(set))
  const configured = {
    commonLabels: specs(defaultLabelFieldSpecTables.commonLabels, 'commonLabels'),
    templateLabels: specs(defaultLabelFieldSpecTables.templateLabels, 'templateLabels'),
    labels: specs(defaultLabelFieldSpecTables.labels, 'labels'),
  }
  // Without `configurations:` these are the built-in tables: passing the shared object lets the
  // labels transformer reuse the specs it merged from them for every kustomization.
  const d = defaultLabelFieldSpecTables
  const labelTables = configured.commonLabels === d.commonLabels && configured.templateLabels === d.templateLabels && configured.labels === d.labels ? d : configured
  for (const [i, entry] of (k.labels ?? []).entries()) {
    step(StepKind.labels, `labels[${i}]`, () => labelsTransformer({labels: entry.pairs ?? {}, includeSelectors: entry.includeSelectors ?? false, includeTemplates: entry.includeTemplates ?? false, fieldSpecs: entry.fields, tables: labelTables, origin})(set))
  }
  if (k.commonLabels && Object.keys(k.commonLabels).length) step(StepKind.commonLabels, 'commonLabels', () => commonLabelsTransformer(k.commonLabels!, labelTables.commonLabels)(set))
  if (k.commonAnnotations && Object.keys(k.commonAnnotations).length) step(StepKind.commonAnnotations, 'commonAnnotations', () => annotationsTransformer({annotations: k.commonAnnotations!, fieldSpecs: specs(commonAnnotationsFieldSpecs, 'commonAnnotations')})(set))
  if (k.patchesJson6902?.length) runPatches(ctx, target, set, k.patchesJson6902, 'patchesJson6902')
  if (k.replicas?.length) step(StepKind.replicas, 'replicas', () => replicasTransformer(k.replicas!, {origin, fieldSpecs: specs(replicasFieldSpecs, 'replicas')})(set), k.replicas)
  if (k.images?.length) {
    const images = k.images.map((i) => ({...i, name: i.name ?? ''}))
    step(StepKind.images, 'images', () => imagesTransformer(images, {origin, fieldSpecs: specs(imagesFieldSpecs, 'images')})(set), images)
  }
  if (k.replacements?.length) {
    const loaded = loadReplacements(ctx, target)
    // Observed one replacement at a time (they run in order anyway), so each is named on its own.
    if (ctx.observer) {
      for (const r of loaded) {
        const inFile = r.origin.file !== origin.file
        observed(ctx.observer, {kind: StepKind.replacements, file: origin.file, field: inFile ? `replacements ${r.origin.field}` : r.origin.field, path: inFile ? r.origin.file : undefined, entry: r}, set, () => replacementsTransformer([r])(set))
      }
    }
    else replacementsTransformer(loaded)(set)
  }
  step(StepKind.pluginTransformers, 'transformers', () => runPluginTransformers(ctx, target, set))
}
