#!/usr/bin/env node
// `npm run build`: what the CLI needs to start fast, from src/.
//   1. tsc: type check, and dist/ for tools that import modules one by one;
//   2. esbuild: dist/bundle/ — the entry (src/cli/main.ts) and each command as one ES module each,
//      code they share in chunks, every dynamic import() a chunk loaded only when reached (render
//      never loads the cluster client, git or helm code); packages stay in node_modules; source maps
//      beside them (`node --enable-source-maps bin/run.js ...` maps a bug's stack to src/);
//   3. oclif.manifest.json: the commands, their flags and args as oclif caches them, so oclif never
//      imports every command to list them and the fast path (src/cli/fast-path.ts) knows the flags.
import {spawnSync} from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import {fileURLToPath} from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
process.chdir(root)

const tsc = spawnSync(process.execPath, [path.join('node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], {stdio: 'inherit'})
if (tsc.status !== 0) process.exit(tsc.status ?? 1)

function commandFiles(dir) {
  return fs.readdirSync(dir, {withFileTypes: true}).flatMap((e) => (e.isDirectory() ? commandFiles(path.join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [path.join(dir, e.name)] : []))
}

const out = path.join('dist', 'bundle')
fs.rmSync(out, {recursive: true, force: true})
const entryPoints = {main: 'src/cli/main.ts'}
for (const file of commandFiles(path.join('src', 'commands'))) entryPoints[path.relative('src', file).replace(/\.ts$/, '')] = file

const esbuild = await import('esbuild')
const common = {bundle: true, format: 'esm', platform: 'node', target: 'node20', packages: 'external', sourcemap: true, logLevel: 'warning'}
const {metafile} = await esbuild.build({...common, entryPoints, outdir: out, splitting: true, chunkNames: 'chunks/[name]-[hash]', metafile: true})

// Worker threads start from a file found beside the module that spawns them (import.meta.url):
// each such worker is bundled whole and written next to every output that holds its spawner.
const workers = [{spawner: 'src/preview/render-pool.ts', worker: 'src/preview/render-worker.ts', name: 'render-worker.js'}]
for (const w of workers) {
  const dirs = new Set(Object.entries(metafile.outputs).filter(([, o]) => o.inputs[w.spawner]).map(([file]) => path.dirname(file)))
  if (dirs.size === 0) throw new Error(`build: no bundle output holds ${w.spawner}; update the workers table in scripts/build.js`)
  for (const dir of dirs) await esbuild.build({...common, entryPoints: [w.worker], outfile: path.join(dir, w.name)})
}

// The manifest, as `oclif manifest` writes it: oclif's own Plugin loads every command once, here.
fs.rmSync('oclif.manifest.json', {force: true})
const {Plugin} = await import('@oclif/core')
const plugin = new Plugin({root, type: 'core', isRoot: true, ignoreManifest: true, errorOnManifestCreate: true, respectNoCacheDefault: true})
await plugin.load()
fs.writeFileSync('oclif.manifest.json', `${JSON.stringify(plugin.manifest, null, 2)}\n`)
