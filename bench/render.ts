// Render benchmark: strata's renderKustomization against `kubectl kustomize` on the same
// generated trees, in the same run, with a byte-for-byte output check. Prints numbers, never
// asserts on them (timings on a shared machine are not pass/fail material).
//
//   node --import tsx bench/render.ts [--sizes 50,500,1000] [--strata-only] [--keep]
import {spawnSync} from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import {performance} from 'node:perf_hooks'
import {parseArgs} from 'node:util'
import {generateTree} from './kustomize-tree.js'

interface Timed {
  seconds: number
  outputs: string[]
  resources: number
  error?: string
}

async function timeStrata(roots: string[]): Promise<Timed> {
  try {
    // Imported here so a half-built engine shows up as a FAILED row, not a crash before kubectl ran.
    const {renderKustomization} = await import('../src/render/index.js')
    // Warm-up: module loading and JIT should not be billed to the first size.
    await renderKustomization(roots[0])
    const outputs: string[] = []
    let resources = 0
    const start = performance.now()
    for (const root of roots) {
      const r = await renderKustomization(root)
      outputs.push(r.yaml)
      resources += r.resources.size
    }
    return {seconds: (performance.now() - start) / 1000, outputs, resources}
  } catch (err) {
    return {seconds: NaN, outputs: [], resources: 0, error: err instanceof Error ? err.message : String(err)}
  }
}

function timeKubectl(roots: string[]): Timed {
  const outputs: string[] = []
  const start = performance.now()
  for (const root of roots) {
    const r = spawnSync('kubectl', ['kustomize', root], {encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024})
    if (r.status !== 0) return {seconds: NaN, outputs, resources: 0, error: r.error?.message ?? r.stderr.trim()}
    outputs.push(r.stdout)
  }
  const seconds = (performance.now() - start) / 1000
  const resources = outputs.reduce((n, out) => n + (out ? out.split('\n---\n').length : 0), 0)
  return {seconds, outputs, resources}
}

/** Line number of the first difference, for the MISMATCH report. */
function firstDifferentLine(a: string, b: string): number {
  const la = a.split('\n')
  const lb = b.split('\n')
  let i = 0
  while (i < la.length && i < lb.length && la[i] === lb[i]) i++
  return i + 1
}

const fmt = (n: number, digits: number) => (Number.isFinite(n) ? n.toFixed(digits) : '-')

async function main(): Promise<void> {
  const {values} = parseArgs({
    options: {
      sizes: {type: 'string', default: '50,500'},
      'strata-only': {type: 'boolean', default: false},
      keep: {type: 'boolean', default: false},
    },
  })
  const sizes = values.sizes.split(',').map((s) => Number.parseInt(s.trim(), 10))
  if (sizes.some((n) => !Number.isInteger(n) || n <= 0)) throw new Error(`--sizes wants positive integers, got "${values.sizes}"`)
  const withKubectl = !values['strata-only']

  const header = ['apps', 'resources', 'kubectl s', 'strata s', 'ratio', 'strata µs/res', 'output']
  const rows: string[][] = []
  let mismatches = 0
  for (const apps of sizes) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `strata-bench-${apps}-`))
    try {
      const roots = generateTree(dir, apps)
      process.stderr.write(`size ${apps}: tree in ${dir}; rendering 3 roots${withKubectl ? ' with kubectl and strata' : ' with strata'}…\n`)
      const kubectl = withKubectl ? timeKubectl(roots) : undefined
      const strata = await timeStrata(roots)
      if (kubectl?.error) process.stderr.write(`  kubectl failed: ${kubectl.error}\n`)
      if (strata.error) process.stderr.write(`  strata failed: ${strata.error}\n`)

      let verdict = withKubectl ? 'identical' : 'not compared'
      if (kubectl && !kubectl.error && !strata.error) {
        roots.forEach((root, i) => {
          if (kubectl.outputs[i] !== strata.outputs[i]) {
            mismatches++
            verdict = 'MISMATCH'
            process.stderr.write(`\n!!! MISMATCH at size ${apps}, root ${path.basename(root)}: first difference at line ${firstDifferentLine(kubectl.outputs[i], strata.outputs[i])} !!!\n\n`)
          }
        })
      } else if (strata.error || kubectl?.error) verdict = 'FAILED'

      const resources = strata.resources || kubectl?.resources || 0
      const ratio = kubectl ? kubectl.seconds / strata.seconds : NaN
      rows.push([String(apps), String(resources), fmt(kubectl?.seconds ?? NaN, 2), fmt(strata.seconds, 3), Number.isFinite(ratio) ? `${ratio.toFixed(1)}x` : '-', fmt((strata.seconds * 1e6) / resources, 1), verdict])
    } finally {
      if (values.keep) process.stderr.write(`  kept ${dir}\n`)
      else fs.rmSync(dir, {recursive: true, force: true})
    }
  }

  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)))
  const line = (cells: string[]) => cells.map((cell, c) => (c === cells.length - 1 ? cell : cell.padStart(widths[c]))).join('  ')
  console.log(line(header))
  for (const r of rows) console.log(line(r))
  if (mismatches > 0) {
    console.log(`\nMISMATCH: ${mismatches} root(s) rendered differently from kubectl kustomize — see above.`)
    process.exitCode = 1
  }
}

await main()
