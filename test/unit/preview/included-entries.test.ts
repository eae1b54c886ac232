import {test} from 'node:test'
import assert from 'node:assert/strict'
import {includedEntries} from '../../../src/graph/roots.js'

// Root detection reads a kustomization as render does (Go's decoding rules), so a tree whose
// kustomization spells `Resources:` or repeats a key has the same roots render would build.
test('includedEntries: keys in any case, a repeated key keeps its last value', () => {
  assert.deepEqual(includedEntries('Resources:\n- ../base\nComponents: [../extra]\n', 'kustomization.yaml'), ['../base', '../extra'])
  assert.deepEqual(includedEntries('resources: [old]\nresources: [new]\n', 'kustomization.yaml'), ['new'])
})
