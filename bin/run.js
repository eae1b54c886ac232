#!/usr/bin/env node
// Runs the built CLI from a checkout or an install: `npm run build` bundles src/cli/main.ts and the
// commands into dist/bundle/ (see scripts/build.js).
import {main} from '../dist/bundle/main.js'

await main(import.meta.url, process.argv.slice(2))
