// The core of `strata why`: one observed render, then for each field of one rendered object the
// chain of layers that set or changed it, last first, each with its file, line and entry.
import * as path from 'node:path'
import {UserError} from '../../model/errors.js'
import type {JsonValue} from '../../model/json.js'
import {resIdOf, type Resource} from '../../model/resource.js'
import {diskFileSystem, type FileSystem} from '../../source/filesystem.js'
import {renderKustomization, type RenderOptions} from '../render.js'
import {FieldPathError, flattenFields, isUnderPath, parseFieldPath, resolveFieldPath, type PathSegment} from './field-path.js'
import {lineOf} from './locate-line.js'
import {StepKind} from './observer.js'
import {ProvenanceRecorder, type RecordedStep} from './recorder.js'

export const LayerChange = {origin: 'origin', set: 'set', changed: 'changed', removed: 'removed'} as const
export type LayerChange = (typeof LayerChange)[keyof typeof LayerChange]

/** One layer that gave a field its value (or took it away). */
export interface WhyLayer {
  /** `resource`, the generator (`configMapGenerator`, `secretGenerator`, `helmCharts`, …) or the step (`patches`, `images`, `namePrefix`, `hash suffix`, …). */
  by: string
  change: LayerChange
  /** The file it is written in (display path) and the line there, when known. */
  file?: string
  line?: number
  /** The entry in the kustomization: `patches[0]`, `images`, `configMapGenerator[1]`, … */
  entry?: string
  /** A file the entry names (a patch file), with the line of the field in it. */
  entryFile?: string
  entryLine?: number
  before?: JsonValue
  after?: JsonValue
  /** Why a build-wide step changed it (a name reference: which object's name it follows). */
  note?: string
}

export interface FieldProvenance {
  path: string
  value: JsonValue
  /** Last first: the layer that gave the final value comes first. */
  layers: WhyLayer[]
}

export interface WhyReport {
  object: {apiVersion: string; kind: string; namespace?: string; name: string}
  /** The FIELD asked for, in the written form (absent: every field). */
  field?: string
  fields: FieldProvenance[]
}

export interface WhyRequest {
  dir: string
  /** `KIND/NAME` or `KIND/NAMESPACE/NAME`, as rendered (KIND may be `kind.group`). */
  target: string
  field?: string
  cwd: string
  render: RenderOptions
}

interface TargetId {
  kind: string
  group?: string
  namespace?: string
  name: string
}

export function parseTarget(text: string): TargetId {
  const parts = text.split('/')
  if ((parts.length !== 2 && parts.length !== 3) || parts.some((p) => p === '')) {
    throw new UserError(`'${text}' is not KIND/NAME or KIND/NAMESPACE/NAME`, {field: 'OBJECT'}, 'Name the rendered object, e.g. Deployment/web or Deployment/prod/web (names after namePrefix and hash suffixes).')
  }
  const [kindGroup, ns, name] = parts.length === 3 ? parts : [parts[0], undefined, parts[1]]
  const dot = kindGroup.indexOf('.')
  return {kind: dot < 0 ? kindGroup : kindGroup.slice(0, dot), group: dot < 0 ? undefined : kindGroup.slice(dot + 1), namespace: ns, name: name!}
}

function findTarget(resources: Iterable<Resource>, want: TargetId, text: string): Resource {
  const sameKind = [...resources].filter((r) => {
    const id = resIdOf(r.obj)
    return id.kind.toLowerCase() === want.kind.toLowerCase() && (want.group === undefined || id.group === want.group)
  })
  const hits = sameKind.filter((r) => {
    const id = resIdOf(r.obj)
    return id.name === want.name && (want.namespace === undefined || id.namespace === want.namespace || (want.namespace === 'default' && id.namespace === ''))
  })
  const show = (r: Resource) => {
    const id = resIdOf(r.obj)
    return `${id.kind}/${id.namespace ? `${id.namespace}/` : ''}${id.name}`
  }
  if (hits.length === 1) return hits[0]
  if (hits.length > 1) {
    throw new UserError(`'${text}' names ${hits.length} rendered objects: ${hits.map(show).join(', ')}`, {field: 'OBJECT'}, 'Add the namespace: KIND/NAMESPACE/NAME.')
  }
  const known = sameKind.map(show)
  throw new UserError(
    `no rendered object is ${text}`,
    {field: 'OBJECT'},
    known.length ? `Rendered objects of that kind: ${known.slice(0, 20).join(', ')}${known.length > 20 ? ', …' : ''}.` : 'Use a kind and the name as `strata render` prints them (after namePrefix/nameSuffix and hash suffixes).',
  )
}

export async function runWhy(req: WhyRequest): Promise<WhyReport> {
  const want = parseTarget(req.target)
  let query: PathSegment[] | undefined
  if (req.field !== undefined) {
    try {
      query = parseFieldPath(req.field)
    } catch (e) {
      if (e instanceof FieldPathError) throw new UserError(e.message, {field: 'FIELD'}, 'Write fields as spec.template.spec.containers[name=web].image, spec.ports[0].port or metadata.labels["app.kubernetes.io/name"].')
      throw e
    }
  }
  const recorder = new ProvenanceRecorder()
  const fsys = req.render.fs ?? diskFileSystem
  const result = await renderKustomization(req.dir, {...req.render, fs: fsys, displayBase: req.cwd, observer: recorder})
  const target = findTarget(result.resources, want, req.target)
  const finalFields = flattenFields(target.obj)
  let prefix = ''
  if (query) {
    const resolved = resolveFieldPath(target.obj, query)
    if (resolved === undefined) {
      throw new UserError(`${req.target} has no field ${req.field}`, {field: 'FIELD'}, `Its top-level fields: ${Object.keys(target.obj).join(', ')}. Lists are addressed by [name=…] or [index].`)
    }
    prefix = resolved
  }
  const lines = new LineFinder(fsys, req.cwd)
  const fields: FieldProvenance[] = []
  for (const [p, value] of finalFields) {
    if (!isUnderPath(p, prefix)) continue
    fields.push({path: p, value, layers: layersOf(recorder, target, p, result.resources, lines).reverse()})
  }
  const id = resIdOf(target.obj)
  return {
    object: {apiVersion: String(target.obj.apiVersion ?? ''), kind: id.kind, ...(id.namespace ? {namespace: id.namespace} : {}), name: id.name},
    ...(req.field !== undefined ? {field: prefix} : {}),
    fields,
  }
}

/** The layers of one field, first to last. */
function layersOf(recorder: ProvenanceRecorder, r: Resource, p: string, all: Iterable<Resource>, lines: LineFinder): WhyLayer[] {
  const out: WhyLayer[] = []
  const birth = recorder.births.get(r)
  if (birth?.fields.has(p)) {
    const value = birth.fields.get(p)
    const segs = parseFieldPath(p)
    if (!birth.step) {
      out.push({by: 'resource', change: LayerChange.origin, file: r.origin.file, line: lines.line(r.origin.file, r.origin.document ?? 0, segs), after: value})
    } else {
      const gen = r.origin.generator
      const genKind = gen ? gen.replace(/\[\d+\]$/, '') : birth.step.info.kind
      const file = birth.step.info.file
      const line = gen && file ? lines.line(file, 0, parseFieldPath(gen)) : undefined
      out.push({by: genKind, change: LayerChange.origin, file, line, entry: gen, after: value})
    }
  }
  for (const step of recorder.steps) {
    const change = step.changes.get(r)?.find((c) => c.path === p)
    if (!change) continue
    out.push(stepLayer(step, change.before, change.after, p, all, lines))
  }
  return out
}

function stepLayer(step: RecordedStep, before: JsonValue | undefined, after: JsonValue | undefined, p: string, all: Iterable<Resource>, lines: LineFinder): WhyLayer {
  const info = step.info
  const change = before === undefined ? LayerChange.set : after === undefined ? LayerChange.removed : LayerChange.changed
  const layer: WhyLayer = {by: info.kind, change, file: info.file, entry: info.field, before, after}
  if (info.file && info.field && !(info.path && info.kind === StepKind.replacements)) {
    try {
      layer.line = lines.line(info.file, 0, parseFieldPath(info.field))
    } catch {
      // an entry written in a form the path syntax does not cover: no line
    }
  }
  if (info.path) {
    layer.entryFile = path.join(path.dirname(info.file ?? ''), info.path)
    if (info.kind === StepKind.replacements) layer.entryFile = info.path
    else layer.entryLine = lines.lineInAnyDocument(layer.entryFile, parseFieldPath(p))
  }
  if (info.kind === StepKind.nameReference && typeof after === 'string') {
    const referenced = [...all].find((o) => resIdOf(o.obj).name === after && o.meta.previousIds.some((id) => id.name === before))
    if (referenced) layer.note = `follows ${resIdOf(referenced.obj).kind} ${JSON.stringify(before)}, now named ${JSON.stringify(after)}`
  }
  if (info.kind === StepKind.hashSuffix) layer.note = 'a hash of the generated content is appended to the name'
  return layer
}

/** Reads each file once (through the render's file system) to find lines in it. */
class LineFinder {
  private texts = new Map<string, string | undefined>()
  constructor(
    private readonly fsys: FileSystem,
    private readonly base: string,
  ) {}

  private text(display: string): string | undefined {
    if (!this.texts.has(display)) {
      const abs = path.resolve(this.base, display)
      let text: string | undefined
      try {
        text = this.fsys.exists(abs) && !this.fsys.isDirectory(abs) ? this.fsys.readFile(abs).toString('utf8') : undefined
      } catch {
        text = undefined
      }
      this.texts.set(display, text)
    }
    return this.texts.get(display)
  }

  line(display: string, doc: number, segs: readonly PathSegment[]): number | undefined {
    const text = this.text(display)
    return text === undefined ? undefined : lineOf(text, doc, segs)
  }

  /** A patch file may hold several documents: the first that has the field. */
  lineInAnyDocument(display: string, segs: readonly PathSegment[]): number | undefined {
    const text = this.text(display)
    if (text === undefined) return undefined
    for (let doc = 0; doc < 64; doc++) {
      const line = lineOf(text, doc, segs)
      if (line !== undefined) return line
      if (lineOf(text, doc, []) === undefined) return undefined
    }
    return undefined
  }
}
