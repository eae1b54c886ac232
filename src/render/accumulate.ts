import * as path from 'node:path'
import {UserError} from '../model/errors.js'
import {ResourceSet} from '../model/resource-set.js'
import type {FileSystem} from '../source/filesystem.js'
import {redactUrls} from '../source/git-safety.js'
import type {RemoteResolver, RemoteTarget} from '../source/remote-resolver.js'
import {tryParseGitUrl} from '../source/remote-url.js'
import {restrictPath, safeRealPath, type LoadRestrictor} from '../source/restrictor.js'
import {setOriginAnnotation, wantsOriginAnnotations, wantsTransformerAnnotations} from './build-metadata.js'
import {loadKustomization, type Kustomization, type LoadedKustomization} from './kustomization.js'
import {resourcesFromText} from './load-resources.js'
import type {HelmSettings} from './run-helm.js'
import {runPluginValidators} from './plugins/run-plugins.js'
import {runGenerators} from './run-generators.js'
import {crdConfigOf} from './crd-config.js'
import {applyOpenApiField, noteResourceLoaded, type OpenApiSlot} from './openapi.js'
import {runTransformers} from './run-transformers.js'
import {mergeTransformerConfigs, parseTransformerConfig, type TransformerConfig} from './transformer-config.js'
import {bindVars, mergeVarSets, newVarSet, type VarSet} from './transformers/vars.js'
import type {RenderObserver} from './provenance/observer.js'

export interface RenderContext {
  fs: FileSystem
  restrictor: LoadRestrictor
  warn(message: string): void
  /** How paths appear in messages (relative to the working directory). */
  display(absPath: string): string
  /** Remote (git, HTTP) entries; without it they are refused. */
  remote?: RemoteResolver
  /** The git tree this kustomization was fetched into: its bases may not leave it (kustomize's containingRepo). */
  repoRoot?: string
  /** Set by --enable-helm: how helmCharts run helm. Without it a helmCharts field is an error. */
  helm?: HelmSettings
  /** The `openapi:` schema of this build, shared by every level (kustomize keeps it global). */
  openapi?: OpenApiSlot
  /** Set when the top kustomization asks for buildMetadata originAnnotations or transformerAnnotations: origin paths are relative to it. */
  originRoot?: string
  /** Inside a remote git base with origin tracking: its clone URL and ref (paths are then relative to the repository). */
  originRepo?: {repo: string; ref?: string}
  /** buildMetadata transformerAnnotations: record each transformer on every object. */
  transformerAnnotations?: boolean
  /** `strata why`/`lint`: told of every resource read and every step (absent in a plain render). */
  observer?: RenderObserver
}

/** One kustomization being built: where it lives and what it says. */
export interface KustTarget {
  dir: string
  loaded: LoadedKustomization
  kustomization: Kustomization
  /** Directories of this kustomization and every kustomization that led to it, for cycle checks. */
  chain: string[]
}

const remotePattern = /^(https?:\/\/|git::|git@|ssh:\/\/|github\.com\/|gitlab\.com\/|bitbucket\.org\/)/

/**
 * kustomize's accumulateTarget: resources, then generators, then components (which work on this
 * same set), then this kustomization's transformers. Names' back references and hashes are fixed
 * once at the top (see render.ts), never per level.
 */
export function accumulateTarget(ctx: RenderContext, dir: string, chain: string[], into: ResourceSet | undefined, isComponent: boolean): {set: ResourceSet; kustomization: Kustomization; vars: VarSet; config: TransformerConfig} {
  const loaded = loadKustomization(ctx.fs, dir, ctx.display)
  for (const w of loaded.warnings) ctx.warn(w)
  const k = loaded.kustomization
  if (isComponent && k.kind !== 'Component') {
    throw new UserError(`expected kind 'Component' for path '${ctx.display(dir)}' but got '${k.kind}'`, {file: loaded.displayFile, field: 'kind'}, 'A directory listed under components: must hold a kustomization of kind: Component.')
  }
  // kustomize checks the kind only where a kustomization is listed (resources: or components:);
  // the root is built whatever its kind, so `kubectl kustomize DIR` renders a Component as it is.
  if (!isComponent && k.kind === 'Component' && chain.length > 0) {
    throw new UserError(`expected kind != 'Component' for path '${ctx.display(dir)}'`, {file: loaded.displayFile, field: 'kind'}, 'List this directory under components:, not resources:.')
  }
  // Only the top kustomization's buildMetadata counts (kustomize copies it down to every base).
  if (chain.length === 0) {
    const transformerAnnotations = wantsTransformerAnnotations(k.raw)
    ctx = {...ctx, originRoot: wantsOriginAnnotations(k.raw) || transformerAnnotations ? dir : undefined, transformerAnnotations}
  }
  if (ctx.openapi) applyOpenApiField(ctx, ctx.openapi, dir, loaded.displayFile, k.raw, chain.length === 0)
  const target: KustTarget = {dir, loaded, kustomization: k, chain: [...chain, safeRealPath(ctx.fs, dir)]}
  const set = into ?? new ResourceSet()
  const vars = newVarSet()
  // `configurations:` flow up, as kustomize's accumulator merges them: a level's transformers see
  // its bases', components' and its own field specs; the top's are used for name references and vars.
  const acc = {config: {} as TransformerConfig}
  accumulateResources(ctx, target, set, vars, acc)
  for (const [i, entry] of (k.configurations ?? []).entries()) {
    acc.config = mergeTransformerConfigs(acc.config, parseTransformerConfig(...readConfigFile(ctx, target, entry, `configurations[${i}]`)), loaded.displayFile)
  }
  for (const [i, entry] of (k.crds ?? []).entries()) {
    acc.config = mergeTransformerConfigs(acc.config, crdConfigOf(...readConfigFile(ctx, target, entry, `crds[${i}]`)), loaded.displayFile)
  }
  runGenerators(ctx, target, set)
  for (const [i, entry] of (k.components ?? []).entries()) {
    const field = `components[${i}]`
    const remote = ctx.remote?.lookup(entry, 'component', () => false, {file: loaded.displayFile, field}, ctx.repoRoot)
    if (remote === 'pending') continue
    if (remote?.kind === 'dir') checkNoCycle(ctx, target, remote.dir, field)
    const componentDir = remote?.kind === 'dir' ? remote.dir : resolveBaseDir(ctx, target, entry, field)
    const component = accumulateTarget(remote?.kind === 'dir' ? remoteContext(ctx, remote, entry) : ctx, componentDir, target.chain, set, true)
    mergeVarSets(vars, component.vars)
    acc.config = mergeTransformerConfigs(acc.config, component.config, loaded.displayFile)
  }
  runTransformers(ctx, target, set, acc.config)
  runPluginValidators(ctx, target, set)
  // Vars bind to objects after this level's transformers; they are resolved once at the top.
  bindVars(vars, k.vars, set, loaded.displayFile)
  return {set, kustomization: k, vars, config: acc.config}
}

/** A `configurations:` or `crds:` file, read under the load restrictor: its text and display name. */
function readConfigFile(ctx: RenderContext, target: KustTarget, entry: string, field: string): [string, string] {
  const file = target.loaded.displayFile
  const abs = path.resolve(target.dir, entry)
  const real = restrictPath(ctx.fs, ctx.restrictor, target.dir, abs, file)
  if (!ctx.fs.exists(real) || ctx.fs.isDirectory(real)) {
    throw new UserError(`'${entry}' doesn't exist (looked for ${ctx.display(abs)})`, {file, field}, `Fix the path, or remove the entry from ${field.replace(/\[\d+\]$/, '')}:.`)
  }
  return [ctx.fs.readFile(real).toString('utf8'), ctx.display(abs)]
}

function accumulateResources(ctx: RenderContext, target: KustTarget, set: ResourceSet, vars: VarSet, acc: {config: TransformerConfig}): void {
  const file = target.loaded.displayFile
  target.kustomization.resources.forEach((entry, i) => {
    const field = `resources[${i}]`
    const abs = path.resolve(target.dir, entry)
    const remote = ctx.remote?.lookup(entry, 'resource', () => ctx.fs.exists(abs) && !ctx.fs.isDirectory(abs), {file, field}, ctx.repoRoot)
    if (remote === 'pending') return // fetched before the next pass (see render.ts)
    if (remote?.kind === 'file' && ctx.originRoot) {
      throw new UserError(`buildMetadata originAnnotations/transformerAnnotations with remote file '${entry}' is not supported by strata yet`, {file, field}, 'Remove originAnnotations, or vendor the remote base.')
    }
    if (remote?.kind === 'file') {
      for (const r of resourcesFromText(remote.text, remote.display)) {
        noteResourceLoaded(ctx.openapi, r.obj)
        set.add(r)
        ctx.observer?.loaded(r)
      }
      return
    }
    if (remote?.kind === 'dir') {
      checkNoCycle(ctx, target, remote.dir, field)
      const sub = accumulateTarget(remoteContext(ctx, remote, entry), remote.dir, target.chain, undefined, false)
      for (const r of sub.set) set.add(r)
      mergeVarSets(vars, sub.vars)
      acc.config = mergeTransformerConfigs(acc.config, sub.config, file)
      return
    }
    if (!ctx.remote && (remotePattern.test(entry) || entry.includes('?ref='))) {
      throw new UserError(`remote resource '${entry}' is not supported here`, {file, field}, 'Vendor the remote base into the repository.')
    }
    if (ctx.fs.exists(abs) && !ctx.fs.isDirectory(abs)) {
      const real = restrictPath(ctx.fs, ctx.restrictor, target.dir, abs, file)
      for (const r of resourcesFromText(ctx.fs.readFile(real).toString('utf8'), ctx.display(abs))) {
        if (ctx.originRoot) setOriginAnnotation(r.obj, {path: path.relative(ctx.originRoot, abs), ...ctx.originRepo})
        noteResourceLoaded(ctx.openapi, r.obj)
        set.add(r)
        ctx.observer?.loaded(r)
      }
      return
    }
    const baseDir = resolveBaseDir(ctx, target, entry, field)
    const sub = accumulateTarget(ctx, baseDir, target.chain, undefined, false)
    for (const r of sub.set) set.add(r)
    mergeVarSets(vars, sub.vars)
    acc.config = mergeTransformerConfigs(acc.config, sub.config, file)
  })
}

/** A base or component directory, with kustomize's checks: relative, existing, not an ancestor (cycle). */
function resolveBaseDir(ctx: RenderContext, target: KustTarget, entry: string, field: string): string {
  const file = target.loaded.displayFile
  if (path.isAbsolute(entry)) {
    throw new UserError(`'${entry}' must be a file or a relative directory path; new root '${entry}' cannot be absolute`, {file, field}, 'Use a path relative to the kustomization directory.')
  }
  const abs = path.resolve(target.dir, entry)
  if (!ctx.fs.exists(abs)) {
    throw new UserError(`'${entry}' doesn't exist (looked for ${ctx.display(abs)})`, {file, field}, 'Fix the path, or create the file or directory it names.')
  }
  if (!ctx.fs.isDirectory(abs)) {
    throw new UserError(`'${entry}' must be a directory`, {file, field}, 'Components must be directories holding a kustomization of kind: Component.')
  }
  if (ctx.repoRoot) {
    const real = safeRealPath(ctx.fs, abs)
    const repoRoot = safeRealPath(ctx.fs, ctx.repoRoot)
    if (real !== repoRoot && !real.startsWith(repoRoot + path.sep)) {
      throw new UserError(`security; bases in kustomizations found in cloned git repos must be within the repo, but base '${entry}' is outside it`, {file, field}, 'A remote base may only use directories of its own repository.')
    }
  }
  checkNoCycle(ctx, target, abs, field)
  return abs
}

/** A kustomization fetched from git reads only inside its own directory tree, whatever --load-restrictor says (as kustomize). */
function remoteContext(ctx: RenderContext, remote: Extract<RemoteTarget, {kind: 'dir'}>, entry: string): RenderContext {
  const git = ctx.originRoot ? tryParseGitUrl(entry) : undefined
  // Origins inside the repository are relative to it and name it (kustomize's Origin.Append of a repo URL); credentials never.
  const origin = git ? {originRoot: remote.repoRoot, originRepo: {repo: redactUrls(git.cloneUrl), ref: git.ref || undefined}} : {}
  return {...ctx, restrictor: 'rootOnly', repoRoot: remote.repoRoot, ...origin}
}

function checkNoCycle(ctx: RenderContext, target: KustTarget, abs: string, field: string): void {
  const file = target.loaded.displayFile
  const real = safeRealPath(ctx.fs, abs)
  for (const visited of target.chain) {
    if (visited === real || visited.startsWith(real.endsWith(path.sep) ? real : real + path.sep)) {
      throw new UserError(
        `cycle detected: candidate root '${ctx.display(real)}' contains visited root '${ctx.display(visited)}'`,
        {file, field},
        'A kustomization may not include itself or one of its parent directories; move shared resources into a separate base.',
      )
    }
  }
}
