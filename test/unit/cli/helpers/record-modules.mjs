// `node --import ./record-modules.mjs bin/run.js ...`: appends every module the process loads to
// $STRATA_RECORD_MODULES — ES modules through a loader hook, CommonJS files through
// Module._compile, and scripts compiled with vm.Script (the code-cached render bundle).
import {appendFileSync} from 'node:fs'
import {createRequire, register, syncBuiltinESMExports} from 'node:module'
import {pathToFileURL} from 'node:url'

const require = createRequire(import.meta.url)
const record = (file) => appendFileSync(process.env.STRATA_RECORD_MODULES, `${pathToFileURL(file).href}\n`)

register(new URL('./record-modules-hook.mjs', import.meta.url))
const Module = require('node:module')
const compile = Module.prototype._compile
Module.prototype._compile = function (content, filename) {
  record(filename)
  return compile.call(this, content, filename)
}
const vm = require('node:vm')
const Script = vm.Script
vm.Script = class extends Script {
  constructor(code, options) {
    if (options?.filename?.startsWith('/')) record(options.filename)
    super(code, options)
  }
}
syncBuiltinESMExports()
