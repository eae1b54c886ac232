// An observed render (strata why / lint) prints exactly what a plain render prints, for every
// conformance fixture: recording looks, it never changes a value or an order.
import {describe, test} from 'node:test'
import assert from 'node:assert/strict'
import {listFixtures, renderOptionsFor} from '../../conformance/fixture-support.js'
import {renderKustomization} from '../../../src/render/index.js'
import {ProvenanceRecorder} from '../../../src/render/provenance/recorder.js'

describe('observed render', () => {
  const fixtures = listFixtures().filter((f) => f.expectedYaml !== undefined && !f.flags.includes('--enable-helm'))
  test(`is byte-identical to the plain render over ${fixtures.length} fixtures, and records steps`, async () => {
    let steps = 0
    for (const f of fixtures) {
      const options = {...renderOptionsFor(f), offline: true}
      const plain = await renderKustomization(f.inputDir, options)
      const recorder = new ProvenanceRecorder()
      const observed = await renderKustomization(f.inputDir, {...options, observer: recorder})
      assert.equal(observed.yaml, plain.yaml, f.name)
      steps += recorder.steps.length
    }
    assert.ok(steps > fixtures.length)
  })
})
