// The line a field is written on, for `strata why`: the YAML file is parsed again with
// positions (the render's parser keeps none) and walked along the field's path.
import {isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Node} from 'yaml'
import type {PathSegment} from './field-path.js'

/**
 * 1-based line of the field at `segs` in document `doc` of `text` (the line of its key, or of the
 * list item); undefined when the file does not hold the whole path (e.g. a List's inlined items).
 */
export function lineOf(text: string, doc: number, segs: readonly PathSegment[]): number | undefined {
  const counter = new LineCounter()
  let docs
  try {
    docs = parseAllDocuments(text, {lineCounter: counter})
  } catch {
    return undefined
  }
  if (!Array.isArray(docs)) return undefined
  let node: Node | null | undefined = docs[doc]?.contents as Node | null | undefined
  let offset = node?.range?.[0]
  for (const seg of segs) {
    if (isMap(node) && 'key' in seg) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === seg.key)
      if (!pair) return undefined
      offset = (pair.key as Node).range?.[0]
      node = pair.value as Node | null
    } else if (isSeq(node) && !('key' in seg)) {
      const items = node.items as Node[]
      const item = 'index' in seg ? items[seg.index] : items.find((it) => isMap(it) && String((it.get(seg.match, true) as {value?: unknown} | undefined)?.value) === seg.value)
      if (!item) return undefined
      offset = item.range?.[0]
      node = item
    } else return undefined
  }
  return offset === undefined ? undefined : counter.linePos(offset).line
}
