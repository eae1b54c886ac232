// Loads a CommonJS bundle with V8's code cache: Node 20 has no module compile cache
// (module.enableCompileCache comes with Node 22.1), and compiling the render code is most of what a
// small render costs in a new process. `npm run build` writes the bundle with a build id in its
// first line and a cache recorded while rendering examples/shop (`<bundle>.<id>.cache`); V8 checks
// its own version and flags, not the source, hence the id. Where V8 refuses the shipped cache
// (another Node version, other V8 flags) the process records one of its own at exit, in the
// temporary directory, for the next call. Any failure to read or write a cache only costs time.
// The bundle has no import(): the build turns them into require() (a vm.Script has no loader).
import * as fs from 'node:fs'
import {createRequire} from 'node:module'
import * as os from 'node:os'
import * as path from 'node:path'
import * as vm from 'node:vm'

function readOrUndefined(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file)
  } catch {
    return undefined
  }
}

/** The build id in a bundle's first line (`// strata build ID`, scripts/build.js writes it). */
export function buildIdIn(text: string): string | undefined {
  return /^\/\/ strata build (\w+)/.exec(text)?.[1]
}

/** module.exports of the bundle at `file`. */
export function loadWithCodeCache(file: string): Record<string, unknown> {
  const source = fs.readFileSync(file, 'utf8')
  const id = buildIdIn(source) ?? 'none'
  const shipped = `${file.replace(/\.cjs$/, '')}.${id}.cache`
  const flags = process.execArgv.join(' ').replace(/[^\w.=-]+/g, '_').slice(0, 80)
  const local = path.join(os.tmpdir(), `strata-code-cache-${os.userInfo().uid}`, `${path.basename(file)}-${id}-${process.version}-${process.arch}-${flags}.cache`)
  // STRATA_CODE_CACHE_OUT: the build records the shipped cache through this.
  const out = process.env.STRATA_CODE_CACHE_OUT
  let cachedData = out ? undefined : readOrUndefined(shipped)
  let script = compile(source, file, cachedData)
  if (cachedData && script.cachedDataRejected) {
    cachedData = readOrUndefined(local)
    script = compile(source, file, cachedData)
  }
  if (out || !cachedData || script.cachedDataRejected) {
    // At exit the functions this call ran are compiled too, so the cache holds them.
    process.once('exit', () => {
      try {
        const target = out ?? local
        fs.mkdirSync(path.dirname(target), {recursive: true})
        const tmp = `${target}.${process.pid}`
        fs.writeFileSync(tmp, script.createCachedData())
        fs.renameSync(tmp, target)
      } catch {
        // A read-only or full temporary directory: the next call compiles again.
      }
    })
  }
  const module = {exports: {} as Record<string, unknown>}
  const wrapper = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: unknown, filename: string, dirname: string) => void
  wrapper(module.exports, createRequire(file), module, file, path.dirname(file))
  return module.exports
}

function compile(source: string, filename: string, cachedData: Buffer | undefined): vm.Script {
  return new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename,
    cachedData,
  })
}
