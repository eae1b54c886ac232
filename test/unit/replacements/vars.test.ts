import {test, describe} from 'node:test'
import assert from 'node:assert/strict'
import {expandVars} from '../../../src/render/transformers/vars.js'

// Expected values from a `kubectl kustomize` run with DB_SVC=p-db and DB_PORT=5432 (a number).

const vars: Record<string, string | number> = {DB_SVC: 'p-db', DB_PORT: 5432}
const lookup = (name: string) => vars[name]

describe('expandVars', () => {
  test('a whole-string reference keeps the value type', () => {
    assert.equal(expandVars('$(DB_PORT)', lookup), 5432) // printed `value: 5432`
    assert.equal(expandVars('$(DB_SVC)', lookup), 'p-db')
  })
  test('references inside text, escapes and unknown names', () => {
    assert.equal(expandVars('--db=$(DB_SVC):$(DB_PORT)', lookup), '--db=p-db:5432')
    assert.equal(expandVars('$$(DB_SVC)', lookup), '$(DB_SVC)')
    assert.equal(expandVars('pre-$(DB_SVC)-$(NOPE)', lookup), 'pre-p-db-$(NOPE)')
    assert.equal(expandVars('x$', lookup), 'x$')
    assert.equal(expandVars('cost=$5', lookup), 'cost=$5')
    assert.equal(expandVars('$(NOPE)', lookup), '$(NOPE)')
  })
})
