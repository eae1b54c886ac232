// Golden conformance: every fixture under fixtures/ rendered by strata must print exactly
// what `kubectl kustomize` printed (expected.yaml, expected-stderr.txt — both produced by
// scripts/update-goldens.sh from kubectl's embedded kustomize v5.5.0), or fail with a
// UserError that says what expected-error.txt asks for.
import {test, describe} from 'node:test'
import assert from 'node:assert/strict'
import {UserError} from '../../src/model/errors.js'
import {formatWarnings, listFixtures, renderOptionsFor, shortDiff, type Fixture} from './fixture-support.js'

// Loaded lazily so that, while the engine is incomplete, each fixture reports the failure
// on its own line instead of the whole file failing at import.
type Engine = typeof import('../../src/render/index.js')
let engine: Promise<Engine> | undefined
const renderKustomization: Engine['renderKustomization'] = async (dir, options) => (await (engine ??= import('../../src/render/index.js'))).renderKustomization(dir, options)

async function checkRenders(f: Fixture, expectedYaml: string): Promise<void> {
  const result = await renderKustomization(f.inputDir, renderOptionsFor(f))
  if (result.yaml !== expectedYaml) assert.fail(`rendered YAML differs from kubectl kustomize:\n${shortDiff(expectedYaml, result.yaml)}`)
  assert.equal(formatWarnings(result.warnings), f.expectedStderr, 'warnings differ from what kubectl kustomize printed on stderr')
}

async function checkFails(f: Fixture, needles: string[]): Promise<void> {
  let rendered: Awaited<ReturnType<Engine['renderKustomization']>>
  try {
    rendered = await renderKustomization(f.inputDir, renderOptionsFor(f))
  } catch (err) {
    if (!(err instanceof UserError)) throw new assert.AssertionError({message: `expected a UserError, got: ${err instanceof Error ? err.stack : String(err)}`})
    const text = err.describe()
    const missing = needles.filter((n) => !text.includes(n))
    assert.deepEqual(missing, [], `UserError message lacks ${JSON.stringify(missing)}; it was:\n${text}`)
    return
  }
  assert.fail(`expected a UserError (kubectl kustomize fails here), but it rendered ${rendered.resources.size} resource(s)`)
}

describe('conformance fixtures (goldens from kubectl kustomize)', () => {
  for (const f of listFixtures()) {
    test(f.name, async () => {
      if (f.expectedError) return checkFails(f, f.expectedError)
      if (f.expectedYaml === undefined) assert.fail(`fixtures/${f.name} has neither expected.yaml nor expected-error.txt: run scripts/update-goldens.sh ${f.name}`)
      return checkRenders(f, f.expectedYaml)
    })
  }
})
