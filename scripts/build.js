#!/usr/bin/env node
// `npm run build`: what the CLI needs to start fast, from src/.
//   1. tsc: type check, and dist/ for tools that import modules one by one;
//   2. esbuild: dist/bundle/ — the entry (src/cli/main.ts, as main.cjs: see bin/run.js) and each
//      command as one ES module each,
//      code they share in chunks, every dynamic import() a chunk loaded only when reached (render
//      never loads the cluster client, git or helm code); packages stay in node_modules; source maps
//      beside them (`node --enable-source-maps bin/run.js ...` maps a bug's stack to src/);
//   3. oclif.manifest.json: the commands, their flags and args as oclif caches them, so oclif never
//      imports every command to list them and the fast path (src/cli/fast-path.ts) knows the flags;
//   4. dist/help.json: oclif's help texts as printed to a pipe, which the fast path prints.
import {spawnSync} from 'node:child_process'
import {randomBytes} from 'node:crypto'
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
const entryPoints = {}
for (const file of commandFiles(path.join('src', 'commands'))) entryPoints[path.relative('src', file).replace(/\.ts$/, '')] = file

const esbuild = await import('esbuild')
const common = {bundle: true, format: 'esm', platform: 'node', target: 'node20', packages: 'external', sourcemap: true, logLevel: 'warning'}
const {metafile} = await esbuild.build({...common, entryPoints, outdir: out, splitting: true, chunkNames: 'chunks/[name]-[hash]', metafile: true})

// The entry, CommonJS like bin/run.js: only the fast path's few modules; oclif is imported when
// reached, and the render is fast-render.cjs (below), required rather than bundled in.
await esbuild.build({
  ...common,
  format: 'cjs',
  entryPoints: ['src/cli/main.ts'],
  outfile: path.join(out, 'main.cjs'),
  plugins: [
    {
      name: 'fast-render-beside',
      setup(build) {
        build.onResolve({filter: /^\.\/fast-render\.js$/}, () => ({path: './fast-render.cjs', external: true}))
      },
    },
  ],
})

// Worker threads start from a file found beside the module that spawns them (import.meta.url):
// each such worker is bundled whole and written next to every output that holds its spawner.
const workers = [{spawner: 'src/preview/render-pool.ts', worker: 'src/preview/render-worker.ts', name: 'render-worker.js'}]
for (const w of workers) {
  const dirs = new Set(Object.entries(metafile.outputs).filter(([, o]) => o.inputs[w.spawner]).map(([file]) => path.dirname(file)))
  if (dirs.size === 0) throw new Error(`build: no bundle output holds ${w.spawner}; update the workers table in scripts/build.js`)
  for (const dir of dirs) await esbuild.build({...common, entryPoints: [w.worker], outfile: path.join(dir, w.name)})
}

// The fast path's render (src/cli/fast-render.ts) as one CommonJS script with the two packages it
// always uses inlined, loaded through V8's code cache (src/cli/code-cache.ts); the build id in its
// first line names the cache recorded for it below.
const inlined = new Set(['js-yaml', 'fast-json-patch'])
const lazyModules = {'src/source/helm-runner.ts': 'lazy/helm-runner'}
await esbuild.build({...common, format: 'cjs', entryPoints: Object.fromEntries(Object.entries(lazyModules).map(([src, name]) => [name, src])), outdir: out, outExtension: {'.js': '.cjs'}})
const buildId = randomBytes(8).toString('hex')
await esbuild.build({
  ...common,
  packages: undefined,
  entryPoints: ['src/cli/fast-render.ts'],
  outfile: path.join(out, 'fast-render.cjs'),
  format: 'cjs',
  // import() becomes require(): a vm.Script has no module loader of its own to import with.
  supported: {'dynamic-import': false},
  banner: {js: `// strata build ${buildId}`},
  plugins: [
    {
      // Builtins that only remote bases, helm and the render server use are loaded on their first
      // call: node:crypto, node:child_process and node:net cost a small render more than its own work.
      name: 'lazy-builtins',
      setup(build) {
        build.onResolve({filter: /^node:(crypto|child_process|net)$/}, (args) => ({path: args.path, namespace: 'lazy-builtin'}))
        build.onLoad({filter: /.*/, namespace: 'lazy-builtin'}, async (args) => {
          const real = await import(args.path)
          const names = Object.keys(real).filter((k) => k !== 'default' && typeof real[k] === 'function')
          // The unprefixed name, which this plugin does not catch (the shim must not require itself).
          const builtin = JSON.stringify(args.path.slice('node:'.length))
          const wrap = (k) => `export function ${k}(...a) { const f = require(${builtin}).${k}; return new.target ? new f(...a) : f(...a) }`
          return {contents: names.map(wrap).join('\n'), loader: 'js'}
        })
      },
    },
    {
      // Modules that a render reaches by dynamic import() only in some trees stay files of their
      // own (ES modules beside the script), so a render that does not need them never reads them.
      name: 'lazy-modules',
      setup(build) {
        build.onResolve({filter: /\.js$/}, (args) => {
          const file = path.relative(root, path.resolve(args.resolveDir, args.path)).replace(/\.js$/, '.ts')
          const lazy = lazyModules[file]
          return args.kind === 'dynamic-import' && lazy ? {path: `./${lazy}.cjs`, external: true} : undefined
        })
      },
    },
    {
      name: 'packages-external-but-inlined',
      setup(build) {
        build.onResolve({filter: /^[^./]/}, (args) => (args.path.startsWith('node:') || !inlined.has(args.path.split('/')[0]) ? {path: args.path, external: true} : undefined))
      },
    },
  ],
})

// The manifest, as `oclif manifest` writes it: oclif's own Plugin loads every command once, here.
fs.rmSync('oclif.manifest.json', {force: true})
const {Plugin} = await import('@oclif/core')
const plugin = new Plugin({root, type: 'core', isRoot: true, ignoreManifest: true, errorOnManifestCreate: true, respectNoCacheDefault: true})
await plugin.load()
fs.writeFileSync('oclif.manifest.json', `${JSON.stringify(plugin.manifest, null, 2)}\n`)
// The part of it the start-up fast path reads (src/cli/fast-path.ts: the version and the render
// command's flags and args): a few KiB to parse on each call instead of the whole manifest's ~200.
fs.writeFileSync(path.join('dist', 'fast-path.json'), `${JSON.stringify({version: plugin.manifest.version, commands: {render: plugin.manifest.commands.render}})}\n`)

// Help as oclif prints it to a pipe, for the fast path: dist/help.json (see scripts/help-texts.js).
const {OCLIF_COLUMNS, FORCE_COLOR, ...helpEnv} = process.env
const helpRun = spawnSync(process.execPath, [path.join('scripts', 'help-texts.js')], {env: helpEnv, stdio: ['ignore', 'pipe', 'inherit']})
if (helpRun.status !== 0) process.exit(helpRun.status ?? 1)

// V8's code cache for the fast render, recorded while rendering the example overlay (so the render
// functions are compiled in it), shipped beside the script. The render's output is not needed.
const cacheRun = spawnSync(process.execPath, [path.join('bin', 'run.js'), 'render', path.join('examples', 'shop', 'overlays', 'prod')], {
  // In this process, never by a render server: the cache records what this process compiled.
  env: {...process.env, STRATA_CODE_CACHE_OUT: path.join(out, `fast-render.${buildId}.cache`), STRATA_RENDER_SERVER: 'off'},
  stdio: ['ignore', 'ignore', 'inherit'],
})
if (cacheRun.status !== 0) process.exit(cacheRun.status ?? 1)
