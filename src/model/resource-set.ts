import {UserError} from './errors.js'
import {formatResId, resIdKey, resIdOf, type ResId, type Resource} from './resource.js'

/**
 * An ordered collection of resources with an id index, so lookups stay O(1) and render stays
 * linear in the number of resources. Transformers that rename objects call `reindex()` once
 * after their pass instead of scanning per lookup.
 */
export class ResourceSet {
  private items: Resource[] = []
  private index = new Map<string, Resource>()

  constructor(resources: Iterable<Resource> = []) {
    for (const r of resources) this.add(r)
  }

  get size(): number {
    return this.items.length
  }

  [Symbol.iterator](): Iterator<Resource> {
    return this.items[Symbol.iterator]()
  }

  toArray(): Resource[] {
    return [...this.items]
  }

  /** Adds a resource; a second resource with the same id is an input error, as in kustomize. */
  add(r: Resource): void {
    const id = resIdOf(r.obj)
    const key = resIdKey(id)
    const existing = this.index.get(key)
    if (existing) {
      throw new UserError(
        `may not add resource with an already registered id: ${formatResId(id)} (first from ${existing.origin.file}, again from ${r.origin.file})`,
        {file: r.origin.file},
        'Remove one of them, or give them different names or namespaces.',
      )
    }
    this.items.push(r)
    this.index.set(key, r)
  }

  /** Appends every resource of `other`, in order. */
  addAll(other: Iterable<Resource>): void {
    for (const r of other) this.add(r)
  }

  get(id: ResId): Resource | undefined {
    return this.index.get(resIdKey(id))
  }

  has(id: ResId): boolean {
    return this.index.has(resIdKey(id))
  }

  /** Replaces `old` (same object identity) with `next` at the same position. */
  replace(old: Resource, next: Resource): void {
    const i = this.items.indexOf(old)
    if (i < 0) throw new Error('replace: resource not in set')
    this.items[i] = next
    this.reindex()
  }

  remove(r: Resource): void {
    const i = this.items.indexOf(r)
    if (i >= 0) this.items.splice(i, 1)
    this.reindex()
  }

  /** Keeps only resources for which `keep` returns true, preserving order. */
  filter(keep: (r: Resource) => boolean): void {
    this.items = this.items.filter(keep)
    this.reindex()
  }

  /** Rebuilds the id index after names, namespaces or kinds changed in place. */
  reindex(): void {
    this.index.clear()
    for (const r of this.items) {
      const key = resIdKey(resIdOf(r.obj))
      if (this.index.has(key)) {
        const id = resIdOf(r.obj)
        throw new UserError(`two resources end up with the same id ${formatResId(id)} (from ${this.index.get(key)!.origin.file} and ${r.origin.file})`, {file: r.origin.file})
      }
      this.index.set(key, r)
    }
  }

  /** Sorts in place with a stable comparator. */
  sort(compare: (a: Resource, b: Resource) => number): void {
    this.items.sort(compare)
    this.reindex()
  }
}
