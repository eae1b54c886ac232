// The CLI's entry (bin/run.js requires the CommonJS bundle `npm run build` makes of it): the
// start-up fast path where it is certain to behave as oclif does (fast-path.ts), else oclif itself.
// Everything heavy is loaded lazily, so each call loads only what it uses. The entry and this
// bundle are CommonJS because Node's ES module loader alone costs a --help or --version call about
// a sixth of `node -e 0` (its start-up, before any of our code runs).
import * as fs from 'node:fs'
import * as path from 'node:path'
import {loadWithCodeCache} from './code-cache.js'
import {fastPlan, type HelpTexts, type Manifest, type PackageJson} from './fast-path.js'
import {holdYoungGeneration} from './render-heap.js'

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T
  } catch {
    return undefined
  }
}

/** `root`: the package's directory (bin/run.js knows it: its parent). */
export async function main(root: string, argv: string[]): Promise<void> {
  const pjson = process.env.STRATA_FAST_PATH === 'off' ? undefined : readJson<PackageJson>(path.join(root, 'package.json'))
  const plan = pjson?.oclif ? fastPlan(argv, pjson, readJson<Manifest>(path.join(root, 'oclif.manifest.json')), {stdoutIsTTY: Boolean(process.stdout.isTTY), env: process.env}) : undefined
  if (plan?.kind === 'version') {
    process.stdout.write(`${plan.text}\n`)
    return
  }
  if (plan?.kind === 'help') {
    const help = readJson<HelpTexts>(path.join(root, 'dist', 'help.json'))
    const text = help && help.version === pjson?.version && Object.hasOwn(help.texts, plan.id) ? help.texts[plan.id] : undefined
    if (text !== undefined) {
      process.stdout.write(text)
      return
    }
  }
  if (plan?.kind === 'render') {
    // The render code as one script compiled from V8's code cache (code-cache.ts); the module
    // itself where no such bundle was built.
    const bundle = path.join(root, 'dist', 'bundle', 'fast-render.cjs')
    // Before the compile: V8 keys its code cache to the flags, and runRender sets this one again.
    holdYoungGeneration()
    const {runFast} = fs.existsSync(bundle) ? (loadWithCodeCache(bundle) as typeof import('./fast-render.js')) : await import('./fast-render.js')
    await runFast(plan.dir, plan.flags)
    return
  }
  const {execute} = await import('@oclif/core')
  // The root itself, not the entry: oclif would take bin/package.json (which only makes bin/ CommonJS) for the package's.
  await execute({dir: root})
}
