// The CLI's entry (bin/run.js runs the bundle `npm run build` makes of it): the start-up fast
// path where it is certain to behave as oclif does (fast-path.ts), else oclif itself. Everything
// heavy is imported lazily, so each call loads only what it uses.
import * as fs from 'node:fs'
import * as path from 'node:path'
import {fileURLToPath} from 'node:url'
import {loadWithCodeCache} from './code-cache.js'
import {fastPlan, type HelpTexts, type Manifest, type PackageJson} from './fast-path.js'

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T
  } catch {
    return undefined
  }
}

/** The package root: the nearest directory above this file holding package.json (as oclif finds it). */
function packageRoot(from: string): string {
  let dir = path.dirname(from)
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir)
  return dir
}

export async function main(entryUrl: string, argv: string[]): Promise<void> {
  const root = packageRoot(fileURLToPath(entryUrl))
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
    const {runFast} = fs.existsSync(bundle) ? (loadWithCodeCache(bundle) as typeof import('./fast-render.js')) : await import('./fast-render.js')
    await runFast(plan.dir, plan.flags)
    return
  }
  const {execute} = await import('@oclif/core')
  await execute({dir: entryUrl})
}
