// `node -r ./record-builtins.cjs bin/run.js ...`: at exit, writes the Node builtins the process
// loaded (from process.moduleLoadList) to $STRATA_RECORD_BUILTINS, one per line. CommonJS and
// nothing but node:fs, which Node's bootstrap has loaded already, so it adds none of its own.
const fs = require('node:fs')

process.on('exit', () => {
  const names = process.moduleLoadList.filter((m) => m.startsWith('NativeModule ') && !m.includes(' internal/')).map((m) => m.slice('NativeModule '.length))
  fs.writeFileSync(process.env.STRATA_RECORD_BUILTINS, `${names.join('\n')}\n`)
})
