// The optional hook a render takes to say, step by step, what it did: `strata why` and
// `strata lint` pass one; a plain render passes none and pays one property check per step.
import type {JsonObject} from '../../model/json.js'
import type {ResourceSet} from '../../model/resource-set.js'
import type {Resource} from '../../model/resource.js'

/** What a step is, in the words of the kustomization field that asked for it. */
export const StepKind = {
  patches: 'patches',
  patchesStrategicMerge: 'patchesStrategicMerge',
  patchesJson6902: 'patchesJson6902',
  namespace: 'namespace',
  namePrefix: 'namePrefix',
  nameSuffix: 'nameSuffix',
  labels: 'labels',
  commonLabels: 'commonLabels',
  commonAnnotations: 'commonAnnotations',
  replicas: 'replicas',
  images: 'images',
  replacements: 'replacements',
  generators: 'configMapGenerator/secretGenerator',
  helmCharts: 'helmCharts',
  pluginGenerators: 'generators',
  pluginTransformers: 'transformers',
  hashSuffix: 'hash suffix',
  nameReference: 'name reference',
  vars: 'vars',
  buildOutput: 'build output',
} as const
export type StepKind = (typeof StepKind)[keyof typeof StepKind]

export interface StepInfo {
  kind: StepKind
  /** The kustomization file that holds the field (display path); absent for the build-wide steps. */
  file?: string
  /** The entry, e.g. `patches[1]` or `replacements[0]`; the whole field when the step is the field. */
  field?: string
  /** A file the entry names (a patch's path:, a replacement's path:). */
  path?: string
  /** The entry's data as written, for observers that check it against the set before it runs. */
  entry?: unknown
}

export interface RenderObserver {
  /** A resource read from a resource file, before any step touched it. */
  loaded(r: Resource): void
  /** Runs one step over `set`, observing what it changes. */
  step<T>(info: StepInfo, set: ResourceSet, run: () => T): T
  /** Inside a patch step: the resources it applies to, with the strategic-merge patch each gets. */
  matched(resources: readonly Resource[], patch?: JsonObject): void
  /** A render starts over (a new pass after remote bases were fetched): forget what was seen. */
  restart(): void
}

/** Runs `run` as an observed step when an observer is there, else just runs it. */
export function observed<T>(observer: RenderObserver | undefined, info: StepInfo, set: ResourceSet, run: () => T): T {
  return observer ? observer.step(info, set, run) : run()
}
