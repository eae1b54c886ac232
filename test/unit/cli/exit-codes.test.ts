import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {test} from 'node:test'
import {ExitCode, exitCodeMeaning} from '../../../src/model/exit-codes.js'

// Exit codes live in one table (src/model/exit-codes.ts); README documents every one of them.
test('every exit code is documented in README with its meaning', () => {
  const readme = readFileSync('README.md', 'utf8')
  for (const code of Object.values(ExitCode)) {
    const row = readme.split('\n').find((l) => l.startsWith(`| ${code} |`))
    assert.ok(row, `README has no row for exit code ${code}`)
    assert.ok(row.includes(exitCodeMeaning[code]), `README row for ${code} should say: ${exitCodeMeaning[code]}`)
  }
})
