// Where the dependency graph of a repository is kept between runs: one JSON file per work tree
// and render settings, under the cache directory. A missing, unreadable or foreign file is an
// empty cache (it only saves renders); writes go through a rename so readers never see half a file.
import {createHash} from 'node:crypto'
import * as fs from 'node:fs'
import * as path from 'node:path'
import {writeFileAtomic} from './write-file.js'

export function graphCacheFile(cacheDir: string, workTree: string, settings: string): string {
  const id = createHash('sha256').update(`${workTree}\0${settings}`).digest('hex').slice(0, 32)
  return path.join(cacheDir, 'graph', `${id}.json`)
}

export function readGraphCacheFile(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'))
  } catch {
    return undefined
  }
}

export function writeGraphCacheFile(file: string, data: unknown): void {
  try {
    fs.mkdirSync(path.dirname(file), {recursive: true})
    writeFileAtomic(file, JSON.stringify(data))
  } catch {
    // A cache that cannot be written costs the next run some renders, nothing else.
  }
}
