#!/usr/bin/env node
// Part of `npm run build` (scripts/build.js runs it in a child process whose stdout is a pipe, so
// oclif lays help out for 80 columns without colour, as it does whenever help is piped): oclif's
// own help, rendered once for the root, each topic and each command, into dist/help.json. The
// start-up fast path (src/cli/fast-path.ts) prints these texts for `strata --help`, `strata help X`
// and `strata X --help` instead of loading oclif's configuration and help machinery on every call;
// test/unit/cli/fast-help.test.ts holds each text to what oclif prints itself.
import * as fs from 'node:fs'
import * as path from 'node:path'
import {fileURLToPath} from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
if (process.stdout.isTTY || process.env.OCLIF_COLUMNS || process.env.FORCE_COLOR !== undefined) {
  process.stderr.write('help-texts: run with stdout piped and neither OCLIF_COLUMNS nor FORCE_COLOR set (scripts/build.js does)\n')
  process.exit(2)
}
const {Config, loadHelpClass} = await import('@oclif/core')
const config = await Config.load(root)

/**
 * What oclif's help writes to stdout for argv (its ux.stdout writes through process.stdout.write),
 * from a configuration of its own: oclif's help rewrites the ids of the commands it shows (`:` to
 * the topic separator), which would change the next text, as it cannot in a CLI call.
 */
async function helpText(argv) {
  const config = await Config.load(root)
  const Help = await loadHelpClass(config)
  const chunks = []
  const write = process.stdout.write
  process.stdout.write = (chunk) => {
    chunks.push(String(chunk))
    return true
  }
  try {
    await new Help(config, config.pjson.oclif.helpOptions ?? config.pjson.helpOptions).showHelp(argv)
  } finally {
    process.stdout.write = write
  }
  return chunks.join('')
}

const sep = config.topicSeparator ?? ':'
const texts = {'': await helpText([])}
for (const id of [...config.topics.map((t) => t.name), ...config.commands.filter((c) => !c.hidden).map((c) => c.id)]) {
  if (!(id in texts)) texts[id] = await helpText(id.split(':').join(sep).split(' '))
}
fs.writeFileSync(path.join(root, 'dist', 'help.json'), `${JSON.stringify({version: config.version, columns: 80, texts})}\n`)
