import * as path from 'node:path'
import {UserError} from '../model/errors.js'
import {isObject, type JsonObject} from '../model/json.js'
import {formatResId, metadataOf, resIdKey, resIdOf, type ResId, type Resource} from '../model/resource.js'
import type {ResourceSet} from '../model/resource-set.js'
import {restrictPath} from '../source/restrictor.js'
import type {KustTarget, RenderContext} from './accumulate.js'
import type {PatchEntry, Selector} from './kustomization.js'
import {resourcesFromDocuments, resourcesFromText} from './load-resources.js'
import {noteSchemaUse} from './openapi.js'
import {applyJson6902, parseJson6902} from './patch/json6902.js'
import {builtinMergeSchema, type MergeSchemaLookup} from './patch/merge-schema.js'
import {strategicMerge} from './patch/strategic-merge.js'
import {selectResources} from './select.js'
import {parseYamlDocuments} from './yaml/parse.js'
import {observed, StepKind} from './provenance/observer.js'

type LoadedPatch = {kind: 'smp'; patches: Resource[]; source: string} | {kind: 'json6902'; ops: unknown[]; text: string; source: string}

/** The schema strategic merge uses now: an `openapi:` schema once one was set (see openapi.ts), else kustomize's built-in one. */
function mergeSchemaOf(ctx: RenderContext): MergeSchemaLookup {
  noteSchemaUse(ctx.openapi)
  return ctx.openapi?.lookup ?? builtinMergeSchema
}

function readPatchFile(ctx: RenderContext, target: KustTarget, rel: string, field: string): string {
  const abs = path.resolve(target.dir, rel)
  const file = target.loaded.displayFile
  if (!ctx.fs.exists(abs) || ctx.fs.isDirectory(abs)) {
    throw new UserError(`patch file '${rel}' not found (looked for ${ctx.display(abs)})`, {file, field}, 'Fix the path, or inline the patch with `patch: |`.')
  }
  return ctx.fs.readFile(restrictPath(ctx.fs, ctx.restrictor, target.dir, abs, file)).toString('utf8')
}

/**
 * kustomize tells the two patch kinds apart by shape: a list of operations is JSON 6902, objects are
 * strategic merge. PatchTransformer (kustomize v5.5) parses the text both ways: an empty file parses
 * as neither a strategic merge patch nor operations, so it is a JSON patch without operations
 * (refused without a target, nothing to do with one); text that is only comments, blank lines or
 * `---` parses as both, which it refuses. `where` names the text in parse errors: the patch file
 * itself, whose line a YAML error gives, or the kustomization's entry for an inline patch.
 */
function classifyPatch(text: string, source: string, displayFile: string, field: string, where: string): LoadedPatch {
  if (text === '') return {kind: 'json6902', ops: [], text, source}
  // Parsed once, as resources are (empty nulls kept): the same documents decide the kind and become the patches.
  const docs = parseYamlDocuments(text, where, '1.2', {emptyNulls: true})
  if (docs.every((d) => d === null)) {
    throw new UserError(`illegally qualifies as both an SM and JSON patch: ${source} holds no patch, only blank lines or comments`, {file: displayFile, field}, 'Put a patch in the file, or remove the entry.')
  }
  if (docs.length === 1 && Array.isArray(docs[0])) {
    return {kind: 'json6902', ops: parseJson6902(text, where), text, source}
  }
  if (docs.some((d) => d !== null && !isObject(d))) {
    throw new UserError(`unable to parse SM or JSON patch from ${source}`, {file: displayFile, field}, 'A patch is either Kubernetes objects (strategic merge) or a list of JSON 6902 operations.')
  }
  return {kind: 'smp', patches: resourcesFromDocuments(docs, where), source}
}

/**
 * A patchesJson6902 entry as PatchJson6902Transformer reads it: operations only (JSON, or YAML
 * converted to JSON), an empty file or a list without operations refused.
 */
function loadJson6902Entry(text: string, filePath: string | undefined, source: string, displayFile: string, field: string, where: string): LoadedPatch {
  if (text === '') throw new UserError(`patch file '${filePath}' empty seems to be empty`, {file: displayFile, field}, 'Put JSON 6902 operations in the file, or remove the entry.')
  // A YAML error names the patch file's line; a document that is not a list of operations names the entry.
  const ops = parseYamlDocuments(text, where).every((d) => d === null) ? [] : parseJson6902(text, `${displayFile} (${field})`)
  if (ops.length === 0) throw new UserError(`patch appears to be empty ${source}: no JSON 6902 operations`, {file: displayFile, field}, 'Put JSON 6902 operations in the patch, or remove the entry.')
  return {kind: 'json6902', ops, text, source}
}

/** Id lookup over current and previous ids, as kustomize's GetById (exact GVK, name, effective namespace). */
function indexByAnyId(set: ResourceSet): Map<string, Resource[]> {
  const index = new Map<string, Resource[]>()
  for (const r of set) {
    const keys = new Set([resIdKey(resIdOf(r.obj)), ...r.meta.previousIds.map(resIdKey)])
    for (const key of keys) {
      const list = index.get(key)
      if (list) list.push(r)
      else index.set(key, [r])
    }
  }
  return index
}

function findPatchTarget(index: Map<string, Resource[]>, id: ResId, source: string, file: string, field: string): Resource {
  const found = index.get(resIdKey(id)) ?? []
  if (found.length === 1) return found[0]
  throw new UserError(
    `${found.length === 0 ? 'no resource matches' : 'more than one resource matches'} strategic merge patch ${formatResId(id)} ${source}`,
    {file, field},
    found.length === 0
      ? 'The patch is matched by its apiVersion, kind, metadata.name and metadata.namespace: make them equal those of a resource, or add a `target:`.'
      : 'Add metadata.namespace to the patch, or use a `target:` selector.',
  )
}

/** Applies one strategic-merge patch to `res` in place, keeping name/kind/namespace unless the options allow a change. */
function applySmpTo(res: Resource, patch: Resource, options: Record<string, boolean> | undefined, set: ResourceSet, schema: MergeSchemaLookup): boolean {
  const before = resIdOf(res.obj)
  const md = metadataOf(res.obj)
  const name = md.name
  const namespace = md.namespace
  const kind = res.obj.kind
  const allowName = options?.allowNameChange === true
  const allowKind = options?.allowKindChange === true
  // kustomize gives each copy of the patch the target's apiVersion before merging.
  const patchObj: JsonObject = {...patch.obj}
  if (res.obj.apiVersion !== undefined) patchObj.apiVersion = res.obj.apiVersion
  else delete patchObj.apiVersion
  const merged = strategicMerge(res.obj, patchObj, schema)
  if (merged === null) {
    set.remove(res)
    return false
  }
  res.obj = merged
  if (!allowKind) res.obj.kind = kind
  const mdAfter = metadataOf(res.obj)
  if (!allowName) mdAfter.name = name
  if (namespace === undefined) delete mdAfter.namespace
  else mdAfter.namespace = namespace
  if (allowName || allowKind) res.meta.previousIds.push(before)
  return allowName || allowKind
}

/** The any-id index, rebuilt only after a patch deleted or renamed something. */
class PatchTargetIndex {
  private index: Map<string, Resource[]> | undefined
  constructor(private readonly set: ResourceSet) {}
  find(id: ResId, source: string, file: string, field: string): Resource {
    this.index ??= indexByAnyId(this.set)
    return findPatchTarget(this.index, id, source, file, field)
  }
  invalidate(): void {
    this.index = undefined
  }
}

function applyByOwnId(ctx: RenderContext, set: ResourceSet, index: PatchTargetIndex, patch: Resource, options: Record<string, boolean> | undefined, source: string, file: string, field: string, schema: MergeSchemaLookup): void {
  const res = index.find(resIdOf(patch.obj), source, file, field)
  ctx.observer?.matched([res], patch.obj)
  const sizeBefore = set.size
  const idsChanged = applySmpTo(res, patch, options, set, schema)
  if (idsChanged || set.size !== sizeBefore) {
    set.reindex()
    index.invalidate()
  }
}

export function runPatches(ctx: RenderContext, target: KustTarget, set: ResourceSet, entries: PatchEntry[], fieldName: string): void {
  const file = target.loaded.displayFile
  // kustomize configures every entry's transformer (reading and parsing its patch) before it runs
  // any: a patch that cannot be read refuses the kustomization ahead of a missing JSON patch target.
  const loadedEntries = entries.map((entry, i) => {
    const field = `${fieldName}[${i}]`
    const hasPatch = typeof entry.patch === 'string' && entry.patch.trim() !== ''
    if (!hasPatch && !entry.path) throw new UserError('must specify one of patch and path', {file, field}, 'Add `path: FILE` or an inline `patch: |`.')
    if (hasPatch && entry.path) throw new UserError("patch and path can't be set at the same time", {file, field}, 'Keep one of them.')
    // kustomize trims an inline `patches:` patch (PatchTransformer's TrimSpace), so a block scalar
    // that ends it loses its final newline; a patch file and an inline jsonOp are read as written.
    const text = hasPatch ? (fieldName === 'patches' ? entry.patch!.trim() : entry.patch!) : readPatchFile(ctx, target, entry.path!, `${field}.path`)
    const source = hasPatch ? '(inline patch)' : `(${entry.path})`
    const where = hasPatch ? `${file} (${field})` : ctx.display(path.resolve(target.dir, entry.path!))
    if (fieldName === 'patchesJson6902' && !entry.target?.name) throw new UserError('must specify the target name', {file, field: `${field}.target.name`}, 'patchesJson6902 targets need a name.')
    const loaded = fieldName === 'patchesJson6902' ? loadJson6902Entry(text, entry.path, source, file, field, where) : classifyPatch(text, source, file, field, where)
    return {entry, field, source, loaded}
  })
  const kind = fieldName === 'patches' ? StepKind.patches : StepKind.patchesJson6902
  for (const one of loadedEntries) {
    observed(ctx.observer, {kind, file, field: one.field, path: one.entry.path, entry: one.entry}, set, () => applyPatchEntry(ctx, set, one, fieldName, file))
  }
}

/** One loaded entry of `patches:`/`patchesJson6902:` applied to the set. */
function applyPatchEntry(ctx: RenderContext, set: ResourceSet, {entry, field, source, loaded}: {entry: PatchEntry; field: string; source: string; loaded: LoadedPatch}, fieldName: string, file: string): void {
  if (loaded.kind === 'json6902') {
    if (!entry.target) throw new UserError(`must specify a target for JSON patch ${source}`, {file, field: `${field}.target`}, 'Add `target:` with at least a kind and name.')
    const selected = selectResources(set, entry.target)
    ctx.observer?.matched(selected)
    // An empty patch file: a JSON patch without operations, which changes nothing.
    if (loaded.ops.length === 0) return
    for (const res of selected) {
      const before = resIdOf(res.obj)
      res.obj = applyJsonPatchLikeKustomize(res.obj, loaded.ops, `${file} (${field})`)
      // kustomize's PatchTransformer records the id before a JSON patch, so renames stay traceable.
      if (fieldName === 'patches') res.meta.previousIds.push(before)
    }
    set.reindex()
    return
  }
  if (entry.target) {
    if (loaded.patches.length > 1) {
      throw new UserError('Multiple Strategic-Merge Patches in one `patches` entry is not allowed to set `patches.target` field', {file, field}, 'Split the documents into separate patches entries.')
    }
    const selected = selectResources(set, entry.target as Selector)
    ctx.observer?.matched(selected, loaded.patches[0].obj)
    for (const res of selected) applySmpTo(res, loaded.patches[0], entry.options, set, mergeSchemaOf(ctx))
    set.reindex()
    return
  }
  const index = new PatchTargetIndex(set)
  for (const patch of loaded.patches) applyByOwnId(ctx, set, index, patch, entry.options, source, file, field, mergeSchemaOf(ctx))
}

/** patchesStrategicMerge: each entry is inline YAML or a file path (kustomize tries inline first). */
export function runPatchesStrategicMerge(ctx: RenderContext, target: KustTarget, set: ResourceSet, entries: string[]): void {
  const file = target.loaded.displayFile
  // kustomize loads every entry into one PatchStrategicMergeTransformer before applying any, and
  // refuses a list whose files hold no patch at all (empty, or only comments).
  const loaded: Array<{patch: Resource; source: string; field: string}> = []
  entries.forEach((entry, i) => {
    const field = `patchesStrategicMerge[${i}]`
    let docs: unknown[] | undefined
    try {
      docs = parseYamlDocuments(entry, `${file} (${field})`)
    } catch {
      docs = undefined
    }
    const inline = docs !== undefined && docs.length > 0 && docs.every((d) => isObject(d))
    const text = inline ? entry : readPatchFile(ctx, target, entry, field)
    const source = inline ? '(inline patch)' : `(${entry})`
    for (const patch of resourcesFromText(text, inline ? `${file} (${field})` : ctx.display(path.resolve(target.dir, entry)))) loaded.push({patch, source, field})
  })
  if (entries.length > 0 && loaded.length === 0) {
    throw new UserError(`patch appears to be empty; files=[${entries.join(' ')}]`, {file, field: 'patchesStrategicMerge'}, 'Put a patch in one of the files, or remove patchesStrategicMerge:.')
  }
  const index = new PatchTargetIndex(set)
  for (const {patch, source, field} of loaded) {
    const step = {kind: StepKind.patchesStrategicMerge, file, field, path: source === '(inline patch)' ? undefined : source.slice(1, -1)}
    observed(ctx.observer, step, set, () => applyByOwnId(ctx, set, index, patch, undefined, source, file, field, mergeSchemaOf(ctx)))
  }
}

/**
 * During a build kustomize keeps internal annotations on every object, so `metadata.annotations`
 * always exists while a JSON patch runs (an `add /metadata/annotations/x` works on an object that
 * has none), and afterwards it re-writes the annotations as a string map. Both are mirrored here.
 */
function applyJsonPatchLikeKustomize(obj: JsonObject, ops: unknown[], where: string): JsonObject {
  const input = isObject(obj.metadata) && !isObject(obj.metadata.annotations) ? {...obj, metadata: {...obj.metadata, annotations: {}}} : obj
  const out = applyJson6902(input, ops, {file: where})
  const md = out.metadata
  if (!isObject(md) || !isObject(md.annotations)) return out
  const annotations = md.annotations
  if (input !== obj && Object.keys(annotations).length === 0) {
    delete md.annotations
    return out
  }
  for (const k of Object.keys(annotations)) {
    const v = annotations[k]
    if (v === null) annotations[k] = ''
    else if (typeof v === 'number' || typeof v === 'boolean') annotations[k] = String(v)
  }
  return out
}
