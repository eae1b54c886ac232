#!/usr/bin/env node
// Runs the test tiers with Node's built-in runner (TypeScript through tsx).
//   node scripts/run-tests.js                 all tiers: unit + conformance, then package, then e2e
//   node scripts/run-tests.js --tier unit     unit + conformance + hardening (no cluster)
//   node scripts/run-tests.js --tier e2e      end-to-end only (real control plane, see scripts/cluster)
//   node scripts/run-tests.js --tier package  the packed tarball installed globally on a clean prefix (needs the built tree and the npm registry)
// Extra arguments after `--` go to `node --test` (e.g. -- --test-name-pattern=render).
import {spawnSync} from 'node:child_process'
import {readdirSync, statSync} from 'node:fs'
import {join} from 'node:path'

const args = process.argv.slice(2)
const dashdash = args.indexOf('--')
const passThrough = dashdash >= 0 ? args.slice(dashdash + 1) : []
const own = dashdash >= 0 ? args.slice(0, dashdash) : args
const tierIndex = own.indexOf('--tier')
const tier = tierIndex >= 0 ? own[tierIndex + 1] : 'all'
if (!['all', 'unit', 'package', 'e2e'].includes(tier)) {
  console.error(`unknown tier ${tier}: use unit, package, e2e or all`)
  process.exit(2)
}

function findTests(dir, suffix) {
  let out = []
  let entries = []
  try {
    entries = readdirSync(dir)
  } catch {
    return out
  }
  for (const name of entries.sort()) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) out = out.concat(findTests(p, suffix))
    else if (name.endsWith(suffix)) out.push(p)
  }
  return out
}

// Every `strata render` a test runs renders in its own process unless the test says otherwise: a
// render server started by one test (after a slow render) would otherwise answer the next ones.
const testEnv = {...process.env, STRATA_RENDER_SERVER: 'off'}

function run(files, extra) {
  if (files.length === 0) return 0
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', ...extra, ...passThrough, ...files], {stdio: 'inherit', env: testEnv})
  return r.status ?? 1
}

let status = 0
if (tier === 'all' || tier === 'unit') {
  const files = [...findTests('test/unit', '.test.ts'), ...findTests('test/conformance', '.test.ts'), ...findTests('test/hardening', '.test.ts').filter((f) => !f.endsWith('.e2e.test.ts'))]
  status = run(files, []) || status
}
if (tier === 'all' || tier === 'package') {
  status = run(findTests('test/package', '.test.ts'), []) || status
}
if (tier === 'all' || tier === 'e2e') {
  // One control plane for the whole tier: files run one after another.
  status = run([...findTests('test/e2e', '.e2e.test.ts'), ...findTests('test/hardening', '.e2e.test.ts')], ['--test-concurrency=1']) || status
}
process.exit(status)
