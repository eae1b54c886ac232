import assert from 'node:assert/strict'
import {describe, test} from 'node:test'
import {UserError, isCommandLineField} from '../../../src/model/errors.js'

describe('UserError.describe', () => {
  test('a file field is a prefix with file and line', () => {
    assert.equal(new UserError('bad', {file: 'k.yaml', line: 3, field: 'patches[0]'}, 'Fix it.').describe(), 'k.yaml:3, field patches[0]: bad\n  Fix it.')
  })
  test('a flag or argument is not a prefix: the user may never have passed it', () => {
    assert.equal(new UserError('prune would delete 4 objects', {field: '--max-deletions'}, 'Raise --max-deletions.').describe(), 'prune would delete 4 objects\n  Raise --max-deletions.')
    assert.equal(new UserError("no rollout of app 'x'", {field: 'NAME'}).describe(), "no rollout of app 'x'")
    assert.equal(new UserError('renders differently', {file: 'overlays/prod', field: '--dir'}).describe(), 'overlays/prod: renders differently')
  })
  test('isCommandLineField tells flags and arguments from field paths', () => {
    for (const f of ['--name', '-n', 'NAME', 'NAMESPACE', 'KEY']) assert.ok(isCommandLineField(f), f)
    for (const f of ['spec.replicas', 'metadata.name', 'Name', 'patches[2].target']) assert.ok(!isCommandLineField(f), f)
  })
})
