// The dependency graph remembered between runs: per root, the inputs of its last few renders
// (a record stays true for every revision where its observations hold, so a branch switch or a
// rebase finds one again), and per kustomization blob the entries that include other directories.
import type {Inputs} from './inputs.js'

/** Records kept per root: enough for a base and a head and the revisions between. */
const recordsPerRoot = 4

export interface GraphCacheData {
  version: 1
  roots: Record<string, Inputs[]>
  /** Kustomization blob id → the entries (resources, components, ...) it names. */
  includes: Record<string, string[]>
  /** Digest of a revision's kustomization files (paths and blob ids) → its top-level kustomizations. */
  topLevel?: Record<string, string[]>
}

/** Sets of top-level kustomizations kept: the sides of the last few comparisons. */
const topLevelSets = 8

export class GraphCache {
  private data: GraphCacheData
  private changed = false

  constructor(data?: unknown) {
    this.data = isCacheData(data) ? data : {version: 1, roots: {}, includes: {}}
  }

  get dirty(): boolean {
    return this.changed
  }

  records(root: string): readonly Inputs[] {
    return this.data.roots[root] ?? []
  }

  /** Newest first; an identical record moves to the front instead of being kept twice. */
  remember(root: string, inputs: Inputs): void {
    const text = JSON.stringify(inputs)
    const known = this.records(root)
    if (known.length && JSON.stringify(known[0]) === text) return
    const kept = known.filter((r) => JSON.stringify(r) !== text)
    this.data.roots[root] = [inputs, ...kept].slice(0, recordsPerRoot)
    this.changed = true
  }

  includes(oid: string): string[] | undefined {
    return this.data.includes[oid]
  }

  rememberIncludes(oid: string, entries: string[]): void {
    this.data.includes[oid] = entries
    this.changed = true
  }

  topLevel(digest: string): string[] | undefined {
    return this.data.topLevel?.[digest]
  }

  rememberTopLevel(digest: string, roots: string[]): void {
    const kept = Object.entries(this.data.topLevel ?? {}).filter(([d]) => d !== digest)
    this.data.topLevel = Object.fromEntries([[digest, roots], ...kept].slice(0, topLevelSets))
    this.changed = true
  }

  toJSON(): GraphCacheData {
    return this.data
  }
}

function isCacheData(v: unknown): v is GraphCacheData {
  if (typeof v !== 'object' || v === null) return false
  const d = v as Partial<GraphCacheData>
  return d.version === 1 && typeof d.roots === 'object' && d.roots !== null && typeof d.includes === 'object' && d.includes !== null
}
