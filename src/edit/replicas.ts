// `edit set replicas NAME=COUNT...`: the `replicas` list, an entry per workload name.
import {isMap, type Document} from 'yaml'
import {UserError} from '../model/errors.js'
import {seqAt} from './document.js'

export function parseReplicasArg(arg: string): {name: string; count: number} {
  const eq = arg.lastIndexOf('=')
  const name = eq < 0 ? '' : arg.slice(0, eq)
  const count = eq < 0 ? '' : arg.slice(eq + 1)
  if (!name || !/^\d+$/.test(count)) throw new UserError(`invalid replicas ${JSON.stringify(arg)}`, {field: 'NAME=COUNT'}, 'Write the workload name and a whole number, e.g. web=3.')
  return {name, count: Number(count)}
}

export function setReplicas(doc: Document, edits: {name: string; count: number}[]): string[] {
  if (edits.length === 0) throw new UserError('no replicas given', {field: 'NAME=COUNT'}, 'Write e.g. strata edit set replicas web=3.')
  const seq = seqAt(doc, 'replicas')
  const out: string[] = []
  for (const e of edits) {
    const entry = seq.items.find((i) => isMap(i) && String(i.get('name')) === e.name)
    if (isMap(entry)) entry.set('count', e.count)
    else seq.add(doc.createNode({name: e.name, count: e.count}))
    out.push(`replicas of ${e.name} set to ${e.count}`)
  }
  return out
}
