// Lint's checks over an observed render: entries checked against the set just before they run
// (images, replicas, replacement targets), and patch steps judged by what they changed.
import {isDeepStrictEqual} from 'node:util'
import {isObject, type JsonObject, type JsonValue} from '../model/json.js'
import {resIdOf, type Resource} from '../model/resource.js'
import type {ResourceSet} from '../model/resource-set.js'
import {flattenFields} from '../render/provenance/field-path.js'
import {StepKind, type StepInfo} from '../render/provenance/observer.js'
import type {FieldChange, RecordedStep} from '../render/provenance/recorder.js'
import {containerImages, imageMatcher, rewriteImage, type ImageSpec} from '../render/transformers/images.js'
import {selects, type LoadedReplacement} from '../render/transformers/replacements.js'
import {LintRule, type LintFinding} from './finding.js'

const patchKinds: ReadonlySet<string> = new Set([StepKind.patches, StepKind.patchesJson6902, StepKind.patchesStrategicMerge])

/** `Kind/[namespace/]name` as it is rendered. */
export function describeObject(r: Resource): string {
  const id = resIdOf(r.obj)
  return `${id.kind}/${id.namespace ? `${id.namespace}/` : ''}${id.name}`
}

function show(v: JsonValue | undefined): string {
  return v === undefined ? '(absent)' : JSON.stringify(v)
}

/** Checks of entries against the live set before their step runs; findings go to `out`. */
export function inspectStep(info: StepInfo, set: ResourceSet, out: LintFinding[]): void {
  const file = info.file ?? ''
  if (info.kind === StepKind.images) checkImages(info.entry as ImageSpec[], set, file, out)
  else if (info.kind === StepKind.replicas) checkReplicas(info.entry as Array<{name: string; count: number}>, set, file, out)
  else if (info.kind === StepKind.replacements) checkReplacementTargets(info, info.entry as LoadedReplacement, set, out)
}

function checkImages(entries: ImageSpec[], set: ResourceSet, file: string, out: LintFinding[]): void {
  // Entries run in order, each on what the ones before left: simulated on the image strings.
  let images: string[] = []
  for (const r of set) if (r.obj.kind !== 'CustomResourceDefinition') images.push(...containerImages(r.obj))
  entries.forEach((img, i) => {
    let matcher: ReturnType<typeof imageMatcher>
    try {
      matcher = imageMatcher(img.name, {file, field: `images[${i}].name`})
    } catch {
      return // the render reports a bad pattern
    }
    const hits = images.filter((v) => matcher.test(v))
    const key = `${file}|images|${JSON.stringify(img)}`
    if (hits.length === 0) {
      out.push({
        rule: LintRule.imageNoMatch,
        file,
        field: `images[${i}]`,
        message: `images entry '${img.name}' matches no container image (images here: ${[...new Set(images)].join(', ') || 'none'})`,
        fix: 'Fix `name` to the image as the base writes it (without tag), or remove the entry if the base no longer uses that image.',
        key: `${LintRule.imageNoMatch}|${key}`,
      })
      return
    }
    const rewritten = images.map((v) => (matcher.test(v) ? rewriteImage(v, img) : v))
    if (rewritten.every((v, j) => v === images[j])) {
      out.push({
        rule: LintRule.noEffect,
        file,
        field: `images[${i}]`,
        message: `images entry '${img.name}' changes nothing: the image is already ${[...new Set(hits)].join(', ')}`,
        fix: 'Remove the entry (the base already sets this image), or change it to the image this overlay should run.',
        key: `${LintRule.noEffect}|${key}`,
      })
    }
    images = rewritten
  })
}

const replicaKinds = new Set(['Deployment', 'ReplicationController', 'ReplicaSet', 'StatefulSet'])

function checkReplicas(entries: Array<{name: string; count: number}>, set: ResourceSet, file: string, out: LintFinding[]): void {
  entries.forEach((rep, i) => {
    const targets = [...set].filter((r) => replicaKinds.has(String(r.obj.kind)) && [resIdOf(r.obj), ...r.meta.previousIds].some((id) => id.name === rep.name))
    if (targets.length === 0) return // kustomize stops the build: the render reports it
    if (targets.every((r) => isObject(r.obj.spec) && r.obj.spec.replicas === (rep.count ?? 0))) {
      out.push({
        rule: LintRule.noEffect,
        file,
        field: `replicas[${i}]`,
        object: targets.map(describeObject).join(', '),
        message: `replicas entry '${rep.name}' changes nothing: spec.replicas is already ${rep.count ?? 0}`,
        fix: 'Remove the entry (the base already sets this count), or set the count this overlay needs.',
        key: `${LintRule.noEffect}|${file}|replicas|${rep.name}|${rep.count}`,
      })
    }
  })
}

function checkReplacementTargets(info: StepInfo, loaded: LoadedReplacement, set: ResourceSet, out: LintFinding[]): void {
  const file = info.file ?? ''
  ;(loaded.replacement.targets ?? []).forEach((target, j) => {
    const select = target.select
    if (!select) return // the render reports it
    let count = 0
    try {
      for (const r of set) if (selects(r, {...target, select}, loaded.origin)) count++
    } catch {
      return
    }
    if (count > 0) return
    const field = `${info.field}.targets[${j}]`
    out.push({
      rule: LintRule.noTarget,
      file,
      field,
      message: `replacement target ${JSON.stringify(select)} selects no object, so the value is written nowhere`,
      fix: 'Fix `select:` (kind, name, namespace, labels as they are at this level, before any namePrefix of a level above), or remove the target.',
      key: `${LintRule.noTarget}|${file}|replacement|${JSON.stringify(loaded.replacement.source)}|${JSON.stringify(select)}`,
    })
  })
}

/** What an entry is, stable across revisions: the file it names, else its content. */
function entryKey(info: StepInfo): string {
  if (info.path) return info.path
  const entry = info.entry as {patch?: string; target?: unknown} | undefined
  return JSON.stringify(entry ?? info.field)
}

/** The patch itself, for a message printed after its entry. */
function patchName(info: StepInfo): string {
  return info.path ? `patch ${info.path}` : 'the inline patch'
}

function describeStep(info: StepInfo): string {
  return `${info.field}${info.path ? ` (${info.path})` : ''}`
}

/** Patch leaves that set something (identity fields, directives and deletions left out). */
function patchLeaves(patch: JsonObject): Map<string, JsonValue> {
  const leaves = flattenFields(patch)
  for (const p of [...leaves.keys()]) {
    const v = leaves.get(p)
    if (p === 'apiVersion' || p === 'kind' || p === 'metadata.name' || p === 'metadata.namespace' || p.includes('$') || v === null || /\[name=[^\]]*\]\.name$/.test(p)) leaves.delete(p)
  }
  return leaves
}

/** Findings from the recorded patch steps: no target, no effect, redundant fields, conflicts. */
export function checkPatchSteps(steps: readonly RecordedStep[], out: LintFinding[]): void {
  const byFile = new Map<string, RecordedStep[]>()
  for (const step of steps) {
    if (!patchKinds.has(step.info.kind)) continue
    const file = step.info.file ?? ''
    byFile.set(file, [...(byFile.get(file) ?? []), step])
    checkPatchStep(step, out)
  }
  for (const [file, list] of byFile) checkConflicts(file, list, out)
}

function checkPatchStep(step: RecordedStep, out: LintFinding[]): void {
  const info = step.info
  const file = info.file ?? ''
  const key = `${file}|${entryKey(info)}`
  const entry = info.entry as {target?: unknown} | undefined
  if (step.matched.length === 0) {
    if (!entry?.target) return
    out.push({
      rule: LintRule.noTarget,
      file,
      field: info.field ?? '',
      message: `${patchName(info)} has target ${JSON.stringify(entry.target)}, which matches no object: the patch does nothing`,
      fix: 'Fix the target to the kind/name/labels the objects have at this level (a base renamed or removed it?), or remove the patch.',
      key: `${LintRule.noTarget}|${key}`,
    })
    return
  }
  const targets = [...new Set(step.matched.map((m) => m.resource))]
  const changed = targets.some((r) => step.changes.has(r) || step.removed.includes(r))
  const leavesAll = step.matched.flatMap((m) => (m.patch ? [...patchLeaves(m.patch).entries()].map(([p, v]) => ({r: m.resource, p, v})) : []))
  if (!changed) {
    const fields = [...new Set(leavesAll.map((l) => l.p))]
    out.push({
      rule: LintRule.noEffect,
      file,
      field: info.field ?? '',
      object: targets.map(describeObject).join(', '),
      paths: fields.length ? fields : undefined,
      message: `${patchName(info)} changes nothing on ${targets.map(describeObject).join(', ')}: every value it sets is already there`,
      fix: 'Remove the patch (the base now sets these values), or make it set what this overlay needs.',
      key: `${LintRule.noEffect}|${key}`,
    })
    return
  }
  // Some fields changed: report the ones that only repeat what the object already had.
  const redundant = leavesAll.filter((l) => {
    const before = step.before.get(l.r)
    if (before === undefined || !before.has(l.p) || !isDeepStrictEqual(before.get(l.p), l.v)) return false
    // A list addressed by index (items without unique names, e.g. Ingress rules) is replaced whole by
    // a strategic merge patch: its fields repeat the base only when the whole list does.
    const root = indexedListRoot(l.p)
    return root === undefined || sameIndexedList(root, before, leavesAll.filter((o) => o.r === l.r))
  })
  if (redundant.length === 0) return
  const paths = [...new Set(redundant.map((l) => l.p))]
  out.push({
    rule: LintRule.redundantFields,
    file,
    field: info.field ?? '',
    object: [...new Set(redundant.map((l) => describeObject(l.r)))].join(', '),
    paths,
    message: `${patchName(info)} sets ${redundant.map((l) => `${l.p}=${show(l.v)}`).join(', ')}, which the object already has from below`,
    fix: `Remove ${paths.length === 1 ? 'this field' : 'these fields'} from the patch; keep only what this level changes.`,
    key: `${LintRule.redundantFields}|${key}|${paths.join(',')}`,
  })
}

/** The path of the first list on `path` whose items are addressed by index, if any. */
function indexedListRoot(path: string): string | undefined {
  const m = /^(.*?)\[\d+\]/.exec(path)
  return m ? m[1] : undefined
}

/** Whether the patch's fields under list `root` are exactly the object's fields there before. */
function sameIndexedList(root: string, before: ReadonlyMap<string, JsonValue>, leaves: Array<{p: string; v: JsonValue}>): boolean {
  const under = (p: string) => p.startsWith(`${root}[`)
  const patchFields = leaves.filter((l) => under(l.p))
  const beforeCount = [...before.keys()].filter(under).length
  return patchFields.length === beforeCount && patchFields.every((l) => before.has(l.p) && isDeepStrictEqual(before.get(l.p), l.v))
}

function checkConflicts(file: string, steps: RecordedStep[], out: LintFinding[]): void {
  // (resource, path) → the steps that set it, in order.
  const setters = new Map<Resource, Map<string, Array<{step: RecordedStep; change: FieldChange}>>>()
  for (const step of steps) {
    for (const [r, changes] of step.changes) {
      let perPath = setters.get(r)
      if (!perPath) setters.set(r, (perPath = new Map()))
      for (const change of changes) perPath.set(change.path, [...(perPath.get(change.path) ?? []), {step, change}])
    }
  }
  // One finding per pair of patches, with every field they fight over.
  const pairs = new Map<string, {a: RecordedStep; b: RecordedStep; objects: Set<string>; paths: string[]; detail: string[]}>()
  for (const [r, perPath] of setters) {
    for (const [p, list] of perPath) {
      // Fields of a list addressed by index move when an item is inserted: not the same field.
      if (/\[\d+\]/.test(p)) continue
      for (let i = 1; i < list.length; i++) {
        const a = list[i - 1]
        const b = list[i]
        if (a.step === b.step || isDeepStrictEqual(a.change.after, b.change.after)) continue
        const id = `${a.step.info.field}|${b.step.info.field}`
        let pair = pairs.get(id)
        if (!pair) pairs.set(id, (pair = {a: a.step, b: b.step, objects: new Set(), paths: [], detail: []}))
        pair.objects.add(describeObject(r))
        if (!pair.paths.includes(p)) {
          pair.paths.push(p)
          pair.detail.push(`${p}: ${show(a.change.after)} then ${show(b.change.after)}`)
        }
      }
    }
  }
  for (const {a, b, objects, paths, detail} of pairs.values()) {
    out.push({
      rule: LintRule.conflict,
      file,
      field: a.info.field ?? '',
      object: [...objects].join(', '),
      paths,
      message: `patches ${describeStep(a.info)} and ${describeStep(b.info)} set the same field to different values (${detail.join('; ')}); the later one wins`,
      fix: `Keep the value in one patch: remove ${paths.length === 1 ? 'the field' : 'the fields'} from ${a.info.field}, whose value never reaches the output.`,
      key: `${LintRule.conflict}|${file}|${entryKey(a.info)}|${entryKey(b.info)}|${paths.join(',')}`,
    })
  }
}
