#!/usr/bin/env node
// Runs the built CLI from a checkout or an install: `npm run build` bundles src/cli/main.ts into
// dist/bundle/main.cjs (see scripts/build.js). CommonJS (bin/package.json says so), like the
// bundle it requires: an ES module entry would start Node's ES module loader, which costs a
// --help or --version call more than all of its own work.
const path = require('node:path')

require('../dist/bundle/main.cjs')
  .main(path.join(__dirname, '..'), process.argv.slice(2))
  .catch((e) => {
    // What an ES module entry's rejected top-level await did: the stack and exit code 1 (oclif
    // reports users' errors itself; this is a bug in the entry).
    process.exitCode = 1
    console.error(e)
  })
