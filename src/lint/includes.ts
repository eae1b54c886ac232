// Resources listed twice in one build: the same file or directory named twice in a
// `resources:` list (or `./x` and `x`), or one base reached through two kustomizations. kustomize
// stops with "already registered id"; lint says which entries to fold. Read from the
// kustomization files alone, before (and whether or not) the tree renders.
import * as path from 'node:path'
import {loadKustomization} from '../render/kustomization.js'
import type {FileSystem} from '../source/filesystem.js'
import {safeRealPath} from '../source/restrictor.js'
import {LintRule, type LintFinding} from './finding.js'

interface Listing {
  file: string
  field: string
  entry: string
}

const remote = /^(https?:\/\/|git::|git@|ssh:\/\/|github\.com\/|gitlab\.com\/|bitbucket\.org\/)|\?ref=/

/**
 * `local`: entries repeated in one list (always a mistake). `across`: a file or directory reached
 * through two kustomizations, which is fine when they transform it apart (two namespaces) and a
 * finding only when the build then fails on the repeated objects.
 */
export function duplicateIncludes(fsys: FileSystem, root: string, display: (p: string) => string): {local: LintFinding[]; across: LintFinding[]} {
  const resources = new Map<string, Listing[]>()
  const local: LintFinding[] = []
  const across: LintFinding[] = []
  const visited = new Set<string>()
  const walk = (dir: string): void => {
    const real = safeRealPath(fsys, dir)
    if (visited.has(real)) return
    visited.add(real)
    let loaded
    try {
      loaded = loadKustomization(fsys, dir, display)
    } catch {
      return // the render reports it
    }
    const k = loaded.kustomization
    const file = loaded.displayFile
    const components = new Map<string, Listing[]>()
    const visit = (entries: readonly string[], name: string, into: Map<string, Listing[]>) => {
      entries.forEach((entry, i) => {
        if (remote.test(entry)) return
        const abs = path.resolve(dir, entry)
        if (!fsys.exists(abs)) return
        const key = safeRealPath(fsys, abs)
        const list = into.get(key) ?? []
        list.push({file, field: `${name}[${i}]`, entry})
        into.set(key, list)
        if (fsys.isDirectory(abs)) walk(abs)
      })
    }
    visit(k.resources, 'resources', resources)
    visit(k.components ?? [], 'components', components)
    for (const [key, list] of components) if (list.length > 1) local.push(duplicateFinding(key, list, 'component', display))
  }
  walk(root)
  for (const [key, list] of resources) {
    if (list.length < 2) continue
    const finding = duplicateFinding(key, list, 'resource', display)
    if (list.every((l) => l.file === list[0].file)) local.push(finding)
    else across.push(finding)
  }
  return {local, across}
}

function duplicateFinding(key: string, list: Listing[], what: string, display: (p: string) => string): LintFinding {
  const [first, ...rest] = list
  const sameFile = rest.every((l) => l.file === first.file)
  const where = list.map((l) => (sameFile ? l.field : `${l.file} ${l.field}`)).join(' and ')
  return {
    rule: LintRule.duplicate,
    file: first.file,
    field: first.field,
    message: `${what} '${display(key)}' is listed twice in this build (${where})`,
    fix: sameFile
      ? `Remove all but one of the entries (${rest.map((l) => l.field).join(', ')}).`
      : `Include it once, in the kustomization both lead to, and remove it from the others (kustomize refuses the same object twice).`,
    key: `${LintRule.duplicate}|${display(key)}|${list.map((l) => l.file).join(',')}`,
  }
}
