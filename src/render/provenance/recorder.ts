// A RenderObserver that records, per step, which fields of which resources changed, by diffing
// flattened snapshots taken before and after the step. Only `why` and `lint` pay for it.
import {isDeepStrictEqual} from 'node:util'
import type {JsonObject, JsonValue} from '../../model/json.js'
import type {ResourceSet} from '../../model/resource-set.js'
import type {Resource} from '../../model/resource.js'
import {flattenFields} from './field-path.js'
import type {RenderObserver, StepInfo} from './observer.js'

export type FlatFields = Map<string, JsonValue>

export interface FieldChange {
  path: string
  /** Absent when the step added the field. */
  before?: JsonValue
  /** Absent when the step removed the field. */
  after?: JsonValue
}

export interface RecordedStep {
  info: StepInfo
  /** Changed fields per resource (resources the step left alone are absent). */
  changes: Map<Resource, FieldChange[]>
  /** Resources the step made (generators, helm): their fields at birth are in `born`. */
  created: Resource[]
  removed: Resource[]
  /** Patch steps: what each patch applied to (see RenderObserver.matched). */
  matched: Array<{resource: Resource; patch?: JsonObject}>
  /** Each resource's fields just before the step (for checks against what was already there). */
  before: Map<Resource, FlatFields>
}

export interface Birth {
  /** The step that made it; absent for a resource read from a file. */
  step?: RecordedStep
  fields: FlatFields
}

/** Looks at the live set just before a step runs (lint's checks of an entry against what is there). */
export type StepInspector = (info: StepInfo, set: ResourceSet) => void

export class ProvenanceRecorder implements RenderObserver {
  steps: RecordedStep[] = []
  births = new Map<Resource, Birth>()
  private current: RecordedStep | undefined
  constructor(private readonly inspect?: StepInspector) {}

  loaded(r: Resource): void {
    this.births.set(r, {fields: flattenFields(r.obj)})
  }

  restart(): void {
    this.steps = []
    this.births = new Map()
  }

  matched(resources: readonly Resource[], patch?: JsonObject): void {
    for (const resource of resources) this.current?.matched.push({resource, patch})
  }

  step<T>(info: StepInfo, set: ResourceSet, run: () => T): T {
    // A step inside a step (a transformer calling another) is part of the outer one.
    if (this.current) return run()
    this.inspect?.(info, set)
    const before = new Map<Resource, FlatFields>()
    for (const r of set) before.set(r, flattenFields(r.obj))
    const step: RecordedStep = {info, changes: new Map(), created: [], removed: [], matched: [], before}
    this.current = step
    try {
      return run()
    } finally {
      this.current = undefined
      this.finish(step, set)
    }
  }

  private finish(step: RecordedStep, set: ResourceSet): void {
    const seen = new Set<Resource>()
    for (const r of set) {
      seen.add(r)
      const after = flattenFields(r.obj)
      const prior = step.before.get(r)
      if (!prior) {
        step.created.push(r)
        if (!this.births.has(r)) this.births.set(r, {step, fields: after})
        continue
      }
      const changes = diffFields(prior, after)
      if (changes.length) step.changes.set(r, changes)
    }
    for (const r of step.before.keys()) if (!seen.has(r)) step.removed.push(r)
    this.steps.push(step)
  }
}

export function diffFields(before: FlatFields, after: FlatFields): FieldChange[] {
  const out: FieldChange[] = []
  for (const [path, value] of after) {
    if (!before.has(path)) out.push({path, after: value})
    else if (!isDeepStrictEqual(before.get(path), value)) out.push({path, before: before.get(path), after: value})
  }
  for (const [path, value] of before) if (!after.has(path)) out.push({path, before: value})
  return out
}
