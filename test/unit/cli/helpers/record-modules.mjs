// `node --import ./record-modules.mjs bin/run.js ...`: appends every module the process loads (ES
// modules through a loader hook, CommonJS files through Module._compile) to $STRATA_RECORD_MODULES.
import {appendFileSync} from 'node:fs'
import Module, {register} from 'node:module'
import {pathToFileURL} from 'node:url'

register(new URL('./record-modules-hook.mjs', import.meta.url))
const compile = Module.prototype._compile
Module.prototype._compile = function (content, filename) {
  appendFileSync(process.env.STRATA_RECORD_MODULES, `${pathToFileURL(filename).href}\n`)
  return compile.call(this, content, filename)
}
