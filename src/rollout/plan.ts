// The rollout plan: a pure function from the render (with each object's diff action) to ordered
// steps. Order follows Argo CD's sync waves: by `strata.dev/wave` first, then by the default kind
// buckets of order.ts inside a wave. `strata.dev/depends-on` can only push an object later: it
// lands in a step after everything it depends on (Kahn's algorithm over the dependency edges,
// so a cycle is found and reported, and the whole build stays linear in objects + edges).
import {BugError, UserError} from '../model/errors.js'
import {isObject, type JsonObject} from '../model/json.js'
import {annotationsOf, objectPolicy, policyAnnotations, policyAnnotationsOf} from '../model/object-policy.js'
import {identityKey, resIdOf, splitApiVersion} from '../model/resource.js'
import type {DiffId, DiffReport} from '../diff/types.js'
import {parseBatchSpec} from './batch-spec.js'
import {renderDigest} from './digest.js'
import {categoryOf, categoryOrder, categoryRank} from './order.js'
import {StepCategory, type PlanItem, type PlanObjectId, type PlannedAnalysis, type RolloutPlan, type RolloutStep, type WorkloadBatches} from './types.js'
import {parseAnalysis, parseArgList, resolveArgs} from './analysis/spec.js'
import {readBlueGreenSpec} from './strategies/blue-green/spec.js'

/** An Analysis document from the render, with the file it came from (for errors). */
export interface AnalysisDocument {
  document: JsonObject
  file: string
}

export const waveAnnotation = policyAnnotations.wave
export const dependsOnAnnotation = 'strata.dev/depends-on'
export const rolloutAnnotation = 'strata.dev/rollout'
export const pruneAnnotation = policyAnnotations.prune
export const analysisAnnotation = 'strata.dev/analysis'
export const analysisArgsAnnotation = 'strata.dev/analysis-args'

export interface PlanObjectInput {
  object: JsonObject
  action: 'create' | 'update' | 'unchanged'
  changedPaths: string[]
}
export interface PlanInput {
  app: string
  namespace: string
  objects: PlanObjectInput[]
  deletions: {id: PlanObjectId; live: JsonObject}[]
  /**
   * The render's digest (renderDigest of the objects as rendered, before the diff fills in default
   * namespaces), so `rollout resume --dir` can compute it from the tree alone. Default: over `objects`.
   */
  digest?: string
}
export interface PlanOptions {
  /** Split a step with more items than this into chunks named `… (i/n)`. */
  batchSize?: number
  /** Pause after every step, or after the named steps (names or 1-based numbers). */
  pauseAfter?: 'each' | string[]
  /** Batches for every Deployment/StatefulSet without its own `strata.dev/rollout` (`--rollout`). */
  rollout?: string
  /** The Analysis documents found in the render (local config, by metadata.name). */
  analyses?: ReadonlyMap<string, AnalysisDocument>
  /** Analyses for every batched workload without its own `strata.dev/analysis` (`--analysis`). */
  analysis?: string[]
}

export function planObjectId(obj: JsonObject): PlanObjectId {
  const rid = resIdOf(obj)
  const apiVersion = typeof obj.apiVersion === 'string' ? obj.apiVersion : ''
  return {key: identityKey(rid), apiVersion, kind: rid.kind, namespace: rid.namespace, name: rid.name}
}

/** `Namespace/shop`, `Deployment shop/web`: how plans, errors and printers name an object. */
export function describeId(id: Pick<PlanObjectId, 'kind' | 'namespace' | 'name'>): string {
  return id.namespace ? `${id.kind} ${id.namespace}/${id.name}` : `${id.kind}/${id.name}`
}

/** Where an object goes: wave, bucket rank, and how many depends-on rounds it waits within them. */
interface Position {
  wave: number
  rank: number
  level: number
}

interface Node {
  item: PlanItem
  natural: Position
  deps: number[]
  position?: Position
}

export function buildPlan(input: PlanInput, options: PlanOptions = {}): RolloutPlan {
  if (options.batchSize !== undefined && (!Number.isInteger(options.batchSize) || options.batchSize < 1)) {
    throw new UserError(`--batch-size must be a whole number of at least 1, got ${options.batchSize}`, {field: '--batch-size'})
  }
  const defaultShares = options.rollout === undefined ? undefined : parseBatchSpec(options.rollout, {field: '--rollout'})
  const nodes: Node[] = []
  const byKey = new Map<string, number>()
  for (const o of input.objects) {
    const id = planObjectId(o.object)
    if (byKey.has(id.key)) throw new UserError(`${describeId(id)} appears twice in the render`, {}, 'Each object may be rendered once; remove the duplicate.')
    byKey.set(id.key, nodes.length)
    const gv = splitApiVersion(id.apiVersion)
    const annotations = annotationsOf(o.object)
    const policy = objectPolicy(o.object, describeId(id), 'rendered')
    // Flux's ssa: IfNotPresent and reconcile: disabled create an object but never change it after.
    const action = o.action === 'update' && policy.createOnly ? 'unchanged' : o.action
    const item: PlanItem = {id, action, object: o.object}
    const decided = [policy.wave?.by, policy.createOnly && o.action !== 'create' ? policy.createOnly.by : undefined].filter((b): b is string => b !== undefined)
    if (decided.length > 0) item.decidedBy = decided
    const blueGreen = gv.group === 'apps' ? readBlueGreenSpec(o.object, {describe: describeId(id)}) : undefined
    const analyses = plannedAnalyses(id, annotations, options)
    const batches = blueGreen ? blueGreenBatches(id, {...o, action}, annotations, analyses) : batchesFor(id, gv.group, {...o, action}, annotations, defaultShares, analyses)
    if (blueGreen) item.blueGreen = blueGreen
    if (batches) item.batches = batches
    nodes.push({item, natural: {wave: policy.wave?.value ?? 0, rank: categoryRank(categoryOf(gv.group, id.kind)), level: 0}, deps: []})
  }
  resolveDependencies(nodes, byKey)
  placeInOrder(nodes)

  const steps = groupIntoSteps(nodes, options.batchSize)
  if (input.deletions.length > 0) steps.push(pruneStep(input.deletions, steps.length))
  applyPauses(steps, options.pauseAfter)
  return {app: input.app, namespace: input.namespace, digest: input.digest ?? renderDigest(input.objects.map((o) => o.object)), steps}
}

function annotationField(name: string): {field: string} {
  return {field: `metadata.annotations.${name}`}
}

/**
 * The analyses a workload runs, validated now (before any change): every name must be an Analysis
 * in the render, every arg must get a value. Empty when the workload names none.
 */
function plannedAnalyses(id: PlanObjectId, annotations: JsonObject, options: PlanOptions): PlannedAnalysis[] {
  const own = annotations[analysisAnnotation]
  const isWorkload = (id.kind === 'Deployment' || id.kind === 'StatefulSet') && id.apiVersion.startsWith('apps/')
  if (own !== undefined && !isWorkload) {
    throw new UserError(`${describeId(id)}: ${analysisAnnotation} only applies to Deployments and StatefulSets`, annotationField(analysisAnnotation), `Remove the annotation from this ${id.kind}.`)
  }
  if (!isWorkload) return []
  const field = own !== undefined ? `metadata.annotations.${analysisAnnotation} of ${describeId(id)}` : '--analysis'
  const names = own !== undefined ? String(own).split(',').map((s) => s.trim()).filter(Boolean) : (options.analysis ?? [])
  if (names.length === 0) return []
  const rawArgs = annotations[analysisArgsAnnotation]
  const args = rawArgs === undefined ? {} : parseArgList(String(rawArgs), {field: `metadata.annotations.${analysisArgsAnnotation} of ${describeId(id)}`})
  const planned = names.map((name) => {
    const found = options.analyses?.get(name)
    if (!found) {
      const known = [...(options.analyses?.keys() ?? [])]
      throw new UserError(`no Analysis named ${JSON.stringify(name)} in the render`, {field}, known.length ? `Analyses in the render: ${known.join(', ')}.` : 'Add a kind: Analysis document (apiVersion strata.dev/v1alpha1) to the kustomization\'s resources.')
    }
    const spec = parseAnalysis(found.document, found.file)
    // Only the args this Analysis declares: one annotation may serve several analyses.
    const mine = Object.fromEntries(Object.entries(args).filter(([k]) => spec.args.some((a) => a.name === k)))
    resolveArgs(spec, mine, {field})
    return {name, file: found.file, document: found.document, args: mine}
  })
  for (const k of Object.keys(args)) {
    if (!planned.some((p) => Object.hasOwn(p.args, k))) throw new UserError(`arg ${k} is declared by none of ${names.join(', ')}`, {field: `metadata.annotations.${analysisArgsAnnotation} of ${describeId(id)}`}, 'Check the spelling against spec.args of the Analysis.')
  }
  return planned
}

function batchesFor(id: PlanObjectId, group: string, o: PlanObjectInput, annotations: JsonObject, defaultShares: number[] | undefined, analyses: PlannedAnalysis[]): WorkloadBatches | undefined {
  const strategy = group === 'apps' && id.kind === 'Deployment' ? 'canary' : group === 'apps' && id.kind === 'StatefulSet' ? 'partition' : undefined
  const own = annotations[rolloutAnnotation]
  let shares = defaultShares
  if (own !== undefined) {
    if (!strategy) {
      throw new UserError(`${describeId(id)}: ${rolloutAnnotation} only applies to Deployments and StatefulSets`, annotationField(rolloutAnnotation), `Remove the annotation from this ${id.kind}.`)
    }
    // Parsed even when the template is unchanged: a bad value fails on the first apply, not the first image change.
    shares = parseBatchSpec(typeof own === 'string' ? own : String(own), {field: `metadata.annotations.${rolloutAnnotation} of ${describeId(id)}`})
  }
  // An analysis judges a change even without batches: the whole change is then one batch.
  if (!shares && analyses.length > 0) shares = [1]
  if (!strategy || !shares || (shares.length < 2 && analyses.length === 0)) return undefined
  if (o.action !== 'update' || !o.changedPaths.some(touchesPodTemplate)) return undefined
  return analyses.length > 0 ? {strategy, shares, analyses} : {strategy, shares}
}

/**
 * A blue/green Deployment whose template changes is one "batch": the new version beside the old,
 * then one switch. Batch shares mean nothing here, so an explicit strata.dev/rollout is refused.
 */
function blueGreenBatches(id: PlanObjectId, o: PlanObjectInput, annotations: JsonObject, analyses: PlannedAnalysis[]): WorkloadBatches | undefined {
  if (annotations[rolloutAnnotation] !== undefined) {
    throw new UserError(`${describeId(id)}: ${rolloutAnnotation} does not apply to strata.dev/strategy: blue-green (the new version runs in full beside the old, then one switch)`, annotationField(rolloutAnnotation), 'Remove strata.dev/rollout; use strata.dev/auto-promote: "false" to pause before the switch.')
  }
  if (o.action !== 'update' || !o.changedPaths.some(touchesPodTemplate)) return undefined
  return analyses.length > 0 ? {strategy: 'blue-green', shares: [1], analyses} : {strategy: 'blue-green', shares: [1]}
}

function touchesPodTemplate(path: string): boolean {
  return path === 'spec.template' || path.startsWith('spec.template.') || path.startsWith('spec.template[')
}

/** `KIND/NAMESPACE/NAME` (KIND may be `Kind.group`); an empty NAMESPACE names a cluster-scoped object. */
function resolveDependencies(nodes: Node[], byKey: Map<string, number>): void {
  // depends-on names no group, so index the render by kind/namespace/name (and by group too, for `Kind.group`).
  const byKindName = new Map<string, number[]>()
  for (let i = 0; i < nodes.length; i++) {
    const id = nodes[i].item.id
    const k = `${id.kind}/${id.namespace}/${id.name}`
    const list = byKindName.get(k)
    if (list) list.push(i)
    else byKindName.set(k, [i])
  }
  for (const node of nodes) {
    const raw = annotationsOf(node.item.object!)[dependsOnAnnotation]
    if (raw === undefined) continue
    const id = node.item.id
    const field = annotationField(dependsOnAnnotation)
    const seen = new Set<number>()
    for (const part of String(raw).split(',')) {
      const ref = part.trim()
      if (ref === '') continue
      const bits = ref.split('/')
      if (bits.length !== 3 || !bits[0] || !bits[2]) {
        throw new UserError(`${describeId(id)}: ${dependsOnAnnotation} entry ${JSON.stringify(ref)} is not KIND/NAMESPACE/NAME`, field, 'Write e.g. Deployment/shop/web, or Namespace//shop for a cluster-scoped object.')
      }
      const [kindPart, ns, name] = bits
      const dot = kindPart.indexOf('.')
      const kind = dot < 0 ? kindPart : kindPart.slice(0, dot)
      const group = dot < 0 ? undefined : kindPart.slice(dot + 1)
      let matches: number[]
      if (group !== undefined) {
        const i = byKey.get(identityKey({group, kind, namespace: ns, name}))
        matches = i === undefined ? [] : [i]
      } else {
        matches = byKindName.get(`${kind}/${ns}/${name}`) ?? []
      }
      if (matches.length === 0) {
        throw new UserError(`${describeId(id)}: ${dependsOnAnnotation} names ${ref}, which is not in the render`, field, 'An object can only depend on objects rendered in the same apply; fix the reference or remove it.')
      }
      if (matches.length > 1) {
        const groups = matches.map((i) => splitApiVersion(nodes[i].item.id.apiVersion).group || 'core').join(', ')
        throw new UserError(`${describeId(id)}: ${dependsOnAnnotation} entry ${ref} matches objects in several API groups (${groups})`, field, `Name the group, e.g. ${kind}.${groups.split(', ')[0]}/${ns}/${name}.`)
      }
      const dep = matches[0]
      if (seen.has(dep)) continue
      seen.add(dep)
      node.deps.push(dep)
    }
    if (node.deps.length > 0) node.item.dependsOn = node.deps.map((i) => nodes[i].item.id.key)
  }
}

function compare(a: Position, b: Position): number {
  return a.wave - b.wave || a.rank - b.rank || a.level - b.level
}

/** Kahn's algorithm: each object's position is its natural one, or just after its latest dependency. */
function placeInOrder(nodes: Node[]): void {
  const dependents: number[][] = nodes.map(() => [])
  const waiting = new Array<number>(nodes.length).fill(0)
  for (let i = 0; i < nodes.length; i++) {
    for (const d of nodes[i].deps) dependents[d].push(i)
    waiting[i] = nodes[i].deps.length
  }
  const queue: number[] = []
  for (let i = 0; i < nodes.length; i++) if (waiting[i] === 0) queue.push(i)
  for (let head = 0; head < queue.length; head++) {
    const node = nodes[queue[head]]
    let pos = node.natural
    for (const d of node.deps) {
      const after = {...nodes[d].position!, level: nodes[d].position!.level + 1}
      if (compare(after, pos) > 0) pos = after
    }
    node.position = pos
    for (const next of dependents[queue[head]]) if (--waiting[next] === 0) queue.push(next)
  }
  if (queue.length < nodes.length) throw cycleError(nodes, waiting)
}

function cycleError(nodes: Node[], waiting: number[]): UserError {
  // Every unplaced object waits on another unplaced one, so walking dependencies from any of them must revisit a node.
  let at = waiting.findIndex((w) => w > 0)
  const seenAt = new Map<number, number>()
  const path: number[] = []
  while (!seenAt.has(at)) {
    seenAt.set(at, path.length)
    path.push(at)
    const next = nodes[at].deps.find((d) => waiting[d] > 0)
    if (next === undefined) throw new BugError('dependency cycle walk reached a placed object')
    at = next
  }
  // The walk follows "depends on" edges; print it the same way: a → b reads "a depends on b".
  const cycle = path.slice(seenAt.get(at)!).concat(at).map((i) => describeId(nodes[i].item.id))
  return new UserError(`${dependsOnAnnotation} forms a cycle: ${cycle.join(' → ')} (→ reads "depends on")`, annotationField(dependsOnAnnotation), 'Remove one of these dependencies so the objects can be ordered.')
}

function stepName(category: StepCategory, wave: number, level: number): string {
  return `${category}${wave !== 0 ? ` wave ${wave}` : ''}${level > 0 ? ` +${level}` : ''}`
}

function groupIntoSteps(nodes: Node[], batchSize: number | undefined): RolloutStep[] {
  const groups = new Map<string, {position: Position; items: PlanItem[]}>()
  for (const node of nodes) {
    const p = node.position!
    const k = `${p.wave}|${p.rank}|${p.level}`
    const g = groups.get(k)
    if (g) g.items.push(node.item)
    else groups.set(k, {position: p, items: [node.item]})
  }
  const ordered = [...groups.values()].sort((a, b) => compare(a.position, b.position))
  const steps: RolloutStep[] = []
  for (const g of ordered) {
    const category = categoryOrder[g.position.rank]
    const name = stepName(category, g.position.wave, g.position.level)
    const chunks = batchSize && g.items.length > batchSize ? Math.ceil(g.items.length / batchSize) : 1
    for (let c = 0; c < chunks; c++) {
      const items = chunks === 1 ? g.items : g.items.slice(c * batchSize!, (c + 1) * batchSize!)
      steps.push({index: steps.length, name: chunks === 1 ? name : `${name} (${c + 1}/${chunks})`, category, wave: g.position.wave, items, pauseAfter: false})
    }
  }
  return steps
}

/**
 * Deletions run last, in the reverse of the apply order: other kinds and workloads first,
 * namespaces and CRDs last (a Namespace or CRD deleted early would take its members with it).
 * The item carries only the live object's identity, labels and the annotations of object-policy.ts
 * (strata's, Argo CD's, Flux's) — enough to honour `strata.dev/prune: disabled` and its kin, never Secret data or last-applied copies of it.
 */
function pruneStep(deletions: PlanInput['deletions'], index: number): RolloutStep {
  const rows = deletions.map((d, order) => {
    return {d, order, rank: categoryRank(categoryOf(splitApiVersion(d.id.apiVersion).group, d.id.kind)), wave: liveWave(d.id, d.live)}
  })
  rows.sort((a, b) => b.rank - a.rank || b.wave - a.wave || a.order - b.order)
  const items: PlanItem[] = rows.map(({d}) => ({id: d.id, action: 'delete', object: identityOnly(d.id, d.live)}))
  return {index, name: StepCategory.prune, category: StepCategory.prune, wave: 0, items, pauseAfter: false}
}

function liveWave(id: PlanObjectId, live: JsonObject): number {
  return objectPolicy(live, describeId(id), 'live').wave?.value ?? 0
}

function identityOnly(id: PlanObjectId, live: JsonObject): JsonObject {
  const md = isObject(live.metadata) ? live.metadata : {}
  const metadata: JsonObject = {name: id.name}
  if (id.namespace) metadata.namespace = id.namespace
  if (isObject(md.labels)) metadata.labels = {...md.labels}
  const kept = policyAnnotationsOf(live)
  if (Object.keys(kept).length > 0) metadata.annotations = kept
  return {apiVersion: id.apiVersion, kind: id.kind, metadata}
}

/**
 * A name selects that step; the name of a step before it was split (`workloads`) selects its
 * last chunk. Pausing after the final step would stop with nothing left to resume, so it never does.
 */
function applyPauses(steps: RolloutStep[], pauseAfter: PlanOptions['pauseAfter']): void {
  if (pauseAfter === undefined || steps.length === 0) return
  if (pauseAfter === 'each') {
    for (const s of steps) s.pauseAfter = true
  } else {
    const byName = new Map<string, number>()
    for (const s of steps) {
      byName.set(s.name, s.index)
      byName.set(s.name.replace(/ \(\d+\/\d+\)$/, ''), s.index)
    }
    for (const raw of pauseAfter) {
      const want = raw.trim()
      const index = /^\d+$/.test(want) ? Number(want) - 1 : byName.get(want)
      if (index === undefined || index < 0 || index >= steps.length) {
        const valid = [...new Set(steps.map((s) => s.name))].map((n, i) => `${i + 1} ${n}`)
        throw new UserError(`--pause-after ${JSON.stringify(want)} is not a step of this plan`, {field: '--pause-after'}, `Steps: ${valid.join(', ')} (a name, a number, or "each").`)
      }
      steps[index].pauseAfter = true
    }
  }
  steps[steps.length - 1].pauseAfter = false
}

/**
 * The plan input from `strata diff`'s report: its non-deleted entries are the render, in render
 * order. Namespaced objects the render left without a namespace get the one the diff resolved,
 * so the plan names (and the executor applies) the object the diff compared.
 */
export function planInputFromDiff(app: string, namespace: string, report: DiffReport, rendered: readonly JsonObject[]): PlanInput {
  const errors = report.resources.filter((r) => r.action === 'error')
  if (errors.length > 0) {
    const lines = errors.map((r) => `  ${describeId(r.id)}: ${r.error ?? 'could not be compared'}`)
    throw new UserError(`${errors.length} object${errors.length === 1 ? '' : 's'} could not be compared with the cluster, so no plan was made:\n${lines.join('\n')}`, {}, 'Fix these (run `strata diff` for details) and apply again.')
  }
  const present = report.resources.filter((r) => r.action !== 'delete')
  if (present.length !== rendered.length) throw new BugError(`diff report has ${present.length} rendered objects, the render ${rendered.length}`)
  const objects: PlanInput['objects'] = []
  for (let i = 0; i < rendered.length; i++) {
    const r = present[i]
    let obj = rendered[i]
    const rid = resIdOf(obj)
    if (rid.kind !== r.id.kind || rid.name !== r.id.name || rid.group !== r.id.group) {
      throw new BugError(`diff report entry ${i} is ${describeId(r.id)}, the render has ${rid.kind} ${rid.name} there`)
    }
    if (!rid.namespace && r.id.namespace) {
      const md = isObject(obj.metadata) ? obj.metadata : {}
      obj = {...obj, metadata: {...md, namespace: r.id.namespace}}
    }
    const action = r.action === 'add' ? 'create' : r.action === 'change' ? 'update' : 'unchanged'
    objects.push({object: obj, action, changedPaths: r.changedPaths})
  }
  const deletions = report.resources
    .filter((r) => r.action === 'delete')
    .map((r) => {
      const id = planIdOfDiff(r.id)
      return {id, live: r.before ?? {apiVersion: id.apiVersion, kind: id.kind, metadata: {name: id.name, ...(id.namespace ? {namespace: id.namespace} : {})}}}
    })
  return {app, namespace, objects, deletions, digest: renderDigest(rendered)}
}

function planIdOfDiff(id: DiffId): PlanObjectId {
  return {
    key: identityKey(id),
    apiVersion: id.group ? `${id.group}/${id.version}` : id.version,
    kind: id.kind,
    namespace: id.namespace,
    name: id.name,
  }
}
