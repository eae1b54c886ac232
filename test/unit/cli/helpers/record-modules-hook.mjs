// The loader hook of record-modules.mjs (runs on the loader's own thread).
import {appendFileSync} from 'node:fs'

export async function load(url, context, next) {
  appendFileSync(process.env.STRATA_RECORD_MODULES, `${url}\n`)
  return next(url, context)
}
