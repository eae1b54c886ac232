// A per-process memo that cannot grow without limit. A render server lives through many renders
// of many trees, and the keys of render's memos (image names, patterns, field paths, selectors,
// YAML keys) come from their text. At the limit it starts over: entries are cheap to make again,
// and an LRU would cost every lookup for a case that hardly ever happens.
export class BoundedCache<K, V> extends Map<K, V> {
  readonly limit: number

  constructor(limit = 10_000) {
    super()
    this.limit = limit
  }

  override set(key: K, value: V): this {
    if (this.size >= this.limit && !this.has(key)) this.clear()
    return super.set(key, value)
  }
}
