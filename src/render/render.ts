import * as path from 'node:path'
import {isObject, type JsonObject} from '../model/json.js'
import type {ResourceSet} from '../model/resource-set.js'
import type {Resource} from '../model/resource.js'
import {isAnalysisDocument} from '../model/strata-documents.js'
import {countingFileSystem, defaultMaxInputBytes} from '../source/counting-fs.js'
import {diskFileSystem, memoizedFileSystem, type FileSystem} from '../source/filesystem.js'
import {GitCache} from '../source/git-cache.js'
import {RemoteResolver} from '../source/remote-resolver.js'
import type {LoadRestrictor} from '../source/restrictor.js'
import {accumulateTarget, type RenderContext} from './accumulate.js'
import {addHashSuffixes} from './generators/hash.js'
import {sortByOptions} from './order.js'
import {addManagedByLabel, dropUnwantedTracking, wantsManagedByLabel} from './build-metadata.js'
import {effectiveSpecs} from './transformer-config.js'
import {defaultNameReferenceConfig, mergeNameReferenceConfigs} from './transformers/name-reference-config.js'
import {fixNameReferences} from './transformers/name-reference.js'
import {varReferenceFieldSpecs} from './transformers/vars-config.js'
import {resolveVars} from './transformers/vars.js'
import {emitYamlStream} from './yaml/emit.js'
import {observed, StepKind, type RenderObserver} from './provenance/observer.js'

export interface RenderOptions {
  fs?: FileSystem
  loadRestrictor?: LoadRestrictor
  /** Base for paths in messages; defaults to the working directory. */
  displayBase?: string
  /** How a path is named in messages, when relative to displayBase is not right (a synced repository's tree). */
  display?: (absPath: string) => string
  /** Called for each warning as it happens (worded as kustomize prints them, without `# Warning: `). */
  onWarning?: (message: string) => void
  /** Fetches remote (git, HTTP) entries; defaults to one over the shared cache (`cacheDir`, `offline`). */
  remote?: RemoteResolver
  /** Root of the git/HTTP cache (default: defaultCacheDir()). */
  cacheDir?: string
  /** Render remote entries from the cache only. */
  offline?: boolean
  /** Cap on the bytes read, summed over distinct files (default defaultMaxInputBytes, 256 MiB). */
  maxInputBytes?: number
  /** --enable-helm: inflate helmCharts with this helm binary (`command`, default `helm`). */
  helm?: {command?: string; kubeVersion?: string; apiVersions?: string[]; debug?: boolean}
  /**
   * Called with each directory that a program outside the render reads whole (a helm chart): the
   * file system port does not see those reads, and a caller that records a render's inputs
   * (src/graph) must count the directory's files too.
   */
  onReadTree?: (absDir: string) => void
  /** Told of every resource read and every step, to trace fields (`strata why`, `strata lint`); off by default. */
  observer?: RenderObserver
}

export interface RenderResult {
  resources: ResourceSet
  /** The rendered stream, byte-identical to `kubectl kustomize`. */
  yaml: string
  warnings: string[]
  /**
   * Objects marked config.kubernetes.io/local-config (dropped from `resources` and `yaml`, as
   * kustomize does): tools read them, the cluster never sees them (e.g. strata's `kind: Analysis`).
   */
  localConfig: Resource[]
}

const localConfigAnnotation = 'config.kubernetes.io/local-config'

/**
 * kustomize rewrites every object's annotations through a map[string]string at the end of a
 * build (RemoveBuildAnnotations), so a number, boolean or null written there by the input, a
 * replacement or a var is printed as a string (its YAML text; a map or list becomes "").
 */
function stringifyAnnotations(obj: JsonObject): void {
  const md = obj.metadata
  const annotations = isObject(md) ? md.annotations : undefined
  // The rewrite leaves no annotations field when there is nothing in it (null or an empty map).
  if (isObject(md) && (annotations === null || (isObject(annotations) && Object.keys(annotations).length === 0))) {
    delete md.annotations
    return
  }
  if (!isObject(annotations)) return
  for (const k of Object.keys(annotations)) {
    const v = annotations[k]
    if (typeof v === 'string') continue
    annotations[k] = v === null ? 'null' : typeof v === 'object' ? '' : String(v)
  }
}

/**
 * Accumulates in passes: a pass that meets remote entries not fetched yet skips them, then they are
 * fetched (all at once) and the pass runs again, until a pass needs nothing new. Only the last
 * pass counts — its result, its error and its warnings (held back until then).
 */
async function accumulateWithRemotes(ctx: RenderContext, root: string): Promise<ReturnType<typeof accumulateTarget>> {
  for (;;) {
    const held: string[] = []
    let result: ReturnType<typeof accumulateTarget> | undefined
    let error: unknown
    ctx.observer?.restart()
    try {
      result = accumulateTarget({...ctx, openapi: {set: false}, warn: (m) => held.push(m)}, root, [], undefined, false)
    } catch (e) {
      error = e
    }
    if (ctx.remote?.hasPending) {
      await ctx.remote.resolvePending()
      continue
    }
    for (const m of held) ctx.warn(m)
    if (!result) throw error
    return result
  }
}

/**
 * kustomize's build: accumulate the tree, then (once, at the top) hash generated names, fix back
 * references to renamed objects, drop local-config objects and sort. Throws UserError on bad input.
 */
export async function renderKustomization(dir: string, options: RenderOptions = {}): Promise<RenderResult> {
  const base = options.displayBase ?? process.cwd()
  const display = options.display ?? ((p: string) => path.relative(base, p) || '.')
  const fsys = memoizedFileSystem(countingFileSystem(options.fs ?? diskFileSystem, {maxBytes: options.maxInputBytes ?? defaultMaxInputBytes, display}))
  const warnings: string[] = []
  const ctx: RenderContext = {
    fs: fsys,
    restrictor: options.loadRestrictor ?? 'rootOnly',
    warn: (message) => {
      warnings.push(message)
      options.onWarning?.(message)
    },
    display,
    observer: options.observer,
  }
  const root = path.resolve(dir)
  const remote = options.remote ?? new RemoteResolver({cache: new GitCache({dir: options.cacheDir, offline: options.offline})})
  // Loaded only with --enable-helm: a render that inflates no chart never loads helm code.
  const helmRunner = options.helm ? (await import('../source/helm-runner.js')).processHelmRunner(options.helm.command || 'helm') : undefined
  const helm = helmRunner && options.helm ? {runner: helmRunner, kubeVersion: options.helm.kubeVersion, apiVersions: options.helm.apiVersions, debug: options.helm.debug, onReadTree: options.onReadTree} : undefined
  let accumulated: Awaited<ReturnType<typeof accumulateWithRemotes>>
  try {
    accumulated = await accumulateWithRemotes({...ctx, remote, helm}, root)
  } finally {
    helmRunner?.dispose()
  }
  const {set, kustomization: top, vars, config} = accumulated
  const observer = options.observer
  observed(observer, {kind: StepKind.hashSuffix}, set, () => addHashSuffixes(set))
  // The top level's configuration holds every configurations: file of the tree (they flow up).
  observed(observer, {kind: StepKind.nameReference}, set, () =>
    fixNameReferences(set, config.nameReference?.length ? mergeNameReferenceConfigs(defaultNameReferenceConfig, config.nameReference) : defaultNameReferenceConfig),
  )
  observed(observer, {kind: StepKind.vars}, set, () => resolveVars(set, vars, {warn: ctx.warn, fieldSpecs: effectiveSpecs(varReferenceFieldSpecs, config, 'varReference')}))
  const localConfig: Resource[] = []
  set.filter((r) => {
    const annotations = isObject(r.obj.metadata) && isObject(r.obj.metadata.annotations) ? r.obj.metadata.annotations : undefined
    const local = annotations?.[localConfigAnnotation]
    // An Analysis is strata's own local config whether or not it says so.
    const keep = (local === undefined || local === 'false') && !isAnalysisDocument(r.obj)
    if (!keep) localConfig.push(r)
    return keep
  })
  observed(observer, {kind: StepKind.buildOutput}, set, () => {
    set.toArray().forEach((r) => stringifyAnnotations(r.obj))
    // sortOptions are read from the top-level kustomization only, as kustomize does.
    sortByOptions(set, top.sortOptions, {file: 'kustomization.yaml', field: 'sortOptions'})
    // kustomize adds the label after sorting, from the top-level kustomization only.
    if (wantsManagedByLabel(top.raw)) addManagedByLabel(set)
    dropUnwantedTracking(set, top.raw)
  })
  const yaml = emitYamlStream(set.toArray().map((r) => r.obj))
  return {resources: set, yaml, warnings, localConfig}
}
